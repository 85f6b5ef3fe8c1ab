import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What SIGHUP means to `deployctl loop`, decided once when it starts (docs/running.md, "Signals").
///
/// Under a terminal, SIGHUP is the terminal's hangup: its window was closed or its session ended, and a loop that
/// took it as "cycle now" would run on as an orphan. Without one (systemd, launchd, a container without `-t`), SIGHUP
/// only ever comes from `kill -HUP`, `systemctl reload` or `docker kill --signal HUP`: a request for a cycle now.
enum HangupRule: Equatable {
    /// SIGHUP stops the loop as SIGTERM does: it has a controlling terminal.
    case stopsTheLoop
    /// SIGHUP starts the next cycle at once: it has no controlling terminal, or was started with SIGHUP ignored
    /// (`nohup`), which asks it to outlive its terminal.
    case startsACycle

    /// The rule for this process: ``stopsTheLoop`` when it can open `/dev/tty` (the controlling terminal, whatever
    /// its standard streams are redirected to) and SIGHUP is not ignored; ``startsACycle`` otherwise.
    ///
    /// Call it before anything installs a SIGHUP handler, so an ignored SIGHUP is still the one inherited.
    static func detect() -> HangupRule {
        if isIgnoredAtStart(SIGHUP) { return .startsACycle }
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { return .startsACycle }
        close(terminal)
        return .stopsTheLoop
    }

    private static func isIgnoredAtStart(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signalNumber, nil, &current) == 0 else { return false }
        #if canImport(Darwin)
            let handler = current.__sigaction_u.__sa_handler
        #else
            let handler = current.__sigaction_handler.sa_handler
        #endif
        return handler.map { unsafeBitCast($0, to: Int.self) } == unsafeBitCast(SIG_IGN, to: Int.self)
    }
}
