import Foundation

/// Where a step runs when its code is not trusted (a feedback patch being verified): a sandbox that sees the whole
/// file system read-only, writes only to the folders it is given, cannot see the folders it must not (the deploy
/// root with its `dispatcher.env`, state store, logs, `commands/` and other repositories; the dispatcher's home),
/// gets a private `/tmp`, and, without network, no network at all. Its processes live in their own namespaces and
/// die with the step.
///
/// On Linux this is bubblewrap (`bwrap`); on macOS `sandbox-exec` with an equivalent profile.
public struct StepSandbox: Sendable, Hashable {
    /// The program that makes the sandbox.
    public enum Tool: Sendable, Hashable, CustomStringConvertible {
        /// bubblewrap, at this path.
        case bubblewrap(String)
        /// macOS's `sandbox-exec`, at this path.
        case sandboxExec(String)

        public var description: String {
            switch self {
            case .bubblewrap(let path): "bubblewrap (\(path))"
            case .sandboxExec(let path): "sandbox-exec (\(path))"
            }
        }
    }

    public var tool: Tool
    /// Folders the step may write (the worktree with its build folder, the scratch home); visible even inside a
    /// hidden folder.
    public var writable: [URL]
    /// Folders and files the step cannot see at all (replaced by an empty folder, or an empty file).
    public var hidden: [URL]
    /// Folders shown read-only again inside a hidden one (the toolchain, when it lives in the hidden home).
    public var readable: [URL]
    /// Whether the step may use the network (SwiftPM resolving dependencies needs it).
    public var allowsNetwork: Bool
    /// `HOME` inside the sandbox: a scratch folder among ``writable``.
    public var home: URL

    public init(
        tool: Tool, writable: [URL], hidden: [URL], readable: [URL] = [], allowsNetwork: Bool, home: URL
    ) {
        self.tool = tool
        self.writable = writable
        self.hidden = hidden
        self.readable = readable
        self.allowsNetwork = allowsNetwork
        self.home = home
    }

    /// `command` run inside the sandbox, in `workingDirectory`.
    public func wrap(_ command: [String], workingDirectory: URL) -> [String] {
        switch tool {
        case .bubblewrap(let path): [path] + bubblewrapArguments(workingDirectory: workingDirectory) + ["--"] + command
        case .sandboxExec(let path): [path, "-p", sandboxProfile()] + command
        }
    }

    /// bubblewrap's arguments, in the order it applies them: the read-only root, fresh `/dev`, `/proc` and `/tmp`,
    /// the hidden folders (empty, read-only), then what is shown again (readable, then writable) on top.
    func bubblewrapArguments(workingDirectory: URL) -> [String] {
        var arguments = ["--die-with-parent", "--new-session", "--unshare-all"]
        if allowsNetwork { arguments.append("--share-net") }
        arguments += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        // A hidden folder inside /tmp gets its own empty folder too: the private /tmp is writable, the hidden one not.
        // Outer folders first (a deploy root inside the hidden home is covered by the home's empty folder).
        var covered: [String] = []
        for url in hidden.map(Self.path).sorted(by: { $0.count < $1.count })
        where !covered.contains(where: { Self.isInside(url, $0) }) {
            var info = stat()
            guard lstat(url, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                arguments += ["--tmpfs", url]
                covered.append(url)
            } else {
                arguments += ["--ro-bind", "/dev/null", url]
            }
        }
        for url in readable.map(Self.path) where (covered + ["/tmp"]).contains(where: { Self.isInside(url, $0) }) {
            arguments += ["--ro-bind", url, url]
        }
        for url in writable.map(Self.path) {
            arguments += ["--bind", url, url]
        }
        // The empty folders over hidden ones are read-only too (the folders bound inside them stay as bound), so a
        // write there fails instead of landing in a scratch file system.
        for url in covered { arguments += ["--remount-ro", url] }
        arguments += ["--chdir", Self.path(workingDirectory)]
        return arguments
    }

    /// A `sandbox-exec` profile: everything allowed except reading or writing the hidden folders (the writable and
    /// readable ones inside them excepted), writing outside the writable folders and the temporary ones, and, without
    /// network, any network use but local sockets.
    func sandboxProfile() -> String {
        func literal(_ url: URL) -> String {
            "\"" + Self.path(url).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        var lines = ["(version 1)", "(allow default)"]
        let writable = writable.map { "(subpath \(literal($0)))" }
            + ["(subpath \"/private/tmp\")", "(subpath \"/private/var/folders\")", "(literal \"/dev/null\")",
               "(literal \"/dev/tty\")", "(regex #\"^/dev/fd/\")"]
        lines.append("(deny file-write* (require-not (require-any \(writable.joined(separator: " ")))))")
        for url in hidden {
            lines.append("(deny file-read* file-write* (subpath \(literal(url))))")
        }
        for url in readable { lines.append("(allow file-read* (subpath \(literal(url))))") }
        for url in self.writable { lines.append("(allow file-read* file-write* (subpath \(literal(url))))") }
        if !allowsNetwork {
            lines.append("(deny network*)")
            lines.append("(allow network* (local unix))")
        }
        return lines.joined(separator: "\n")
    }

    /// The real path of `url` (symbolic links resolved, as the sandbox tools match paths), or its standardised path
    /// when it does not exist.
    static func path(_ url: URL) -> String {
        let standard = url.standardizedFileURL.path
        let path: String
        if let resolved = realpath(standard, nil) {
            path = String(cString: resolved)
            free(resolved)
        } else {
            path = standard
        }
        return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }
}
