import Clibgit2

/// Process-wide libgit2 set-up, done once (a global `let` is initialised lazily and thread-safely).
///
/// It initialises libgit2 (never shut down: handles may live until the process exits) and registers
/// `DeadlineSocketStream` as libgit2's standard socket stream, so that every HTTP(S)/SSH connection libgit2 opens
/// honours the deadline and cancellation of the operation that opened it. libgit2 1.5 has no connect or read timeout
/// of its own.
let libgit2Runtime: Int32 = {
    let count = git_libgit2_init()
    _ = deployctl_git_relax_object_checks()
    DeadlineSocketStream.register()
    return count
}()

/// Call at every public entry point before touching libgit2.
@inline(__always)
func ensureLibgit2() {
    _ = libgit2Runtime
}
