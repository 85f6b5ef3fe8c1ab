import DeployFeedback
import Foundation
import FuzzDriver

/// The targets built without DeployCore (and so without GRDB, NIO or the HTTP client), for a quick build in CI
/// (`make test` runs both for a bounded time), chosen by `FUZZ_TARGET`:
/// - `patch-headers`: each input steers ``PatchHeaderSpellings`` to a git diff in one of git's header spellings,
///   where git's reading (libgit2) and deployctl's must agree; the raw input is also read as a patch, which must not
///   crash either reader.
/// - `push`: each input is a webhook body for ``PushEvent``, held to ``PushEventInvariants``.
@main
enum QuickFuzzMain {
    static func main() {
        switch ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "" {
        case "patch-headers":
            runFuzzer { data in
                var choices = PatchHeaderSpellings.Choices(Array(data))
                let broken = PatchHeaderSpellings.agreement(PatchHeaderSpellings.make(&choices))
                precondition(broken.isEmpty, "patch-headers: \(broken.joined(separator: "; "))")
                _ = try? PatchReader.read(String(decoding: data, as: UTF8.self))
            }
        case "push":
            runFuzzer { data in
                let broken = PushEventInvariants.check(data)
                precondition(broken.isEmpty, "push: \(broken.joined(separator: "; "))")
            }
        default:
            FileHandle.standardError.write(Data("FUZZ_TARGET must be one of: patch-headers, push\n".utf8))
            exit(2)
        }
    }
}
