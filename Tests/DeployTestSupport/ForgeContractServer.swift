import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A GitHub- or Gitea-like REST server on 127.0.0.1 for contract tests, run by `forge-contract-server.py` (next to
/// this file, python3 standard library only).
///
/// It checks every API request against the published API descriptions in `shared/contracts` (method and path,
/// parameter types, JSON body fields and types, the auth header's form) and answers with bodies generated from and
/// validated against the response schemas; ``report()`` returns what it recorded, so a test can expect zero
/// ``Report/violations``. Scenarios are set with ``inject(_:)``, ``setMergeAfterPolls(_:)``,
/// ``setCloseAfterPolls(_:)`` and ``seed(owner:repo:head:base:)``. With `gitRoot`, repository `OWNER/NAME` is the bare
/// repository `gitRoot/NAME.git`, and a merge fast-forwards its base branch there.
public final class ForgeContractServer: @unchecked Sendable {
    public enum Flavor: String, Sendable, CaseIterable {
        case github, gitea
    }

    /// One canned answer for the next `times` requests matching `method` and `path` (`"*"`: any path; paths are
    /// without the API base, e.g. `/repos/o/r/pulls/1`).
    public struct Injection: Sendable {
        public var method: String
        public var path: String
        public var status: Int
        public var times: Int
        public var headers: [String: String]
        /// A JSON answer (serialised as given) or raw text (for malformed answers).
        public var json: String?
        public var raw: String?
        /// Accept the connection and answer nothing for this many seconds.
        public var hang: Double?

        public init(
            _ method: String, _ path: String, status: Int = 200, times: Int = 1, headers: [String: String] = [:],
            json: String? = nil, raw: String? = nil, hang: Double? = nil
        ) {
            self.method = method
            self.path = path
            self.status = status
            self.times = times
            self.headers = headers
            self.json = json
            self.raw = raw
            self.hang = hang
        }
    }

    /// What the server saw.
    public struct Report: Sendable, Decodable {
        public struct Request: Sendable, Decodable {
            public var method: String
            public var path: String
            public var query: [String: String]
            public var body: String
            public var status: Int?
        }

        public struct Pull: Sendable, Decodable {
            public var number: Int
            public var head: String
            public var base: String
            public var state: String
            public var merged: Bool
            public var polls: Int
            public var title: String
            public var body: String
        }

        public struct Comment: Sendable, Decodable {
            public var number: Int
            public var body: String?
        }

        /// Every way a request (or an answer) failed the API description; empty when all conformed.
        public var violations: [String]
        public var requests: [Request]
        public var pulls: [Pull]
        public var comments: [Comment]
    }

    public let flavor: Flavor
    public let port: Int
    public let token: String
    private let process: ChildProcess

    /// The API base URL a forge client should use (`http://127.0.0.1:PORT` or `…/api/v1`).
    public var apiBase: URL {
        URL(string: "http://127.0.0.1:\(port)" + (flavor == .gitea ? "/api/v1" : ""))!
    }

    /// The folder holding the API descriptions: `<package root>/../shared/contracts`, else `/work/shared/contracts`.
    public static func contractsDirectory() throws -> URL {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [
            packageRoot.deletingLastPathComponent().appendingPathComponent("shared/contracts"),
            URL(fileURLWithPath: "/work/shared/contracts"),
        ]
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("github-pulls.openapi.json").path)
        {
            return candidate
        }
        throw Shell.Failure(
            command: ["locate shared/contracts"],
            result: ShellResult(status: -1, stdout: "", stderr: "no contracts in \(candidates.map(\.path))"))
    }

    /// Starts the server and waits until it reports its port.
    public init(flavor: Flavor, token: String = "forge-test-token", gitRoot: URL? = nil) throws {
        var arguments = [
            "--contracts", try Self.contractsDirectory().path, "--flavor", flavor.rawValue, "--token", token,
        ]
        if let gitRoot { arguments += ["--git-root", gitRoot.path] }
        let (process, port) = try LocalServerProcess.launch(
            script: "forge-contract-server.py", arguments: arguments, environment: Shell.isolatedGitEnvironment)
        self.flavor = flavor
        self.port = port
        self.token = token
        self.process = process
    }

    /// Queues canned answers.
    public func inject(_ injections: [Injection]) async throws {
        let list: [[String: Any]] = injections.map { item in
            var rule: [String: Any] = [
                "method": item.method, "path": item.path, "status": item.status, "times": item.times,
                "headers": item.headers,
            ]
            if let json = item.json {
                rule["json"] =
                    (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) ?? json
            }
            if let raw = item.raw { rule["raw"] = raw }
            if let hang = item.hang { rule["hang"] = hang }
            return rule
        }
        try await control(["inject": list])
    }

    /// Pull requests opened from now on are merged (fast-forward) on their `n`-th GET (0: never).
    public func setMergeAfterPolls(_ n: Int) async throws { try await control(["merge_after_polls": n]) }

    /// Pull requests opened from now on are closed unmerged on their `n`-th GET (0: never).
    public func setCloseAfterPolls(_ n: Int) async throws { try await control(["close_after_polls": n]) }

    /// Pull requests opened from now on say they were created at `date` (RFC 3339), instead of now.
    public func setCreatedAt(_ date: String) async throws { try await control(["created_at": date]) }

    /// Adds an existing pull request.
    public func seed(owner: String, repo: String, head: String, base: String = "main", state: String = "open")
        async throws
    {
        try await control(["seed": ["owner": owner, "repo": repo, "head": head, "base": base, "state": state]])
    }

    /// Everything recorded so far.
    public func report() async throws -> Report {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/__report")!)
        return try JSONDecoder().decode(Report.self, from: data)
    }

    private func control(_ settings: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/__control")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: settings)
        _ = try await URLSession.shared.data(for: request)
    }

    /// Stops the server (idempotent).
    public func stop() {
        if process.isRunning {
            process.send(SIGKILL)
            process.wait()
        }
    }

    deinit {
        stop()
    }
}
