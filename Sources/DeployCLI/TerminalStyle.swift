import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether output goes to a terminal and may use colour (never when `NO_COLOR` is set or in CI logs).
struct TerminalStyle {
    let isTerminal: Bool
    let useColour: Bool

    static func detect(fileDescriptor: Int32 = STDOUT_FILENO) -> TerminalStyle {
        let environment = ProcessInfo.processInfo.environment
        let tty = isatty(fileDescriptor) == 1
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalStyle(isTerminal: tty, useColour: tty && !noColour && environment["TERM"] != "dumb")
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        useColour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    enum Colour: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case dim = "2"
    }
}
