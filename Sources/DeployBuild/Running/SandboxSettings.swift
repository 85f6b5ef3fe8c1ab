import Foundation

/// How untrusted steps are confined, before the folders of one run are known: the tool, what stays hidden, what is
/// shown again inside a hidden folder, and whether the network is allowed. ``confined(writing:home:)`` makes the
/// ``StepSandbox`` of one verification.
public struct SandboxSettings: Sendable, Hashable {
    public var tool: StepSandbox.Tool
    /// Hidden from every step: the deploy root, the dispatcher's home folder, its SSH key files.
    public var hidden: [URL]
    /// Shown read-only inside a hidden folder (the toolchain, when it lives in the dispatcher's home).
    public var readable: [URL]
    public var allowsNetwork: Bool

    public init(tool: StepSandbox.Tool, hidden: [URL], readable: [URL] = [], allowsNetwork: Bool) {
        self.tool = tool
        self.hidden = hidden
        self.readable = readable
        self.allowsNetwork = allowsNetwork
    }

    /// The sandbox of one run that may write `folders` and uses `home` (created if missing) as `HOME`.
    public func confined(writing folders: [URL], home: URL) -> StepSandbox {
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return StepSandbox(
            tool: tool, writable: folders + [home], hidden: hidden, readable: readable, allowsNetwork: allowsNetwork,
            home: home)
    }
}
