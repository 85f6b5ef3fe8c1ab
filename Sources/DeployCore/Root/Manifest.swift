import DeployBuild
import DeployFeedback
import Foundation

/// The optional manifest `deployctl.json` of a deploy root: repositories to clone when missing, and per-repository
/// settings.
///
/// ```json
/// {
///   "repositories": [
///     { "name": "api", "url": "https://github.com/acme/api.git", "branch": "main",
///       "build": ["make"], "test": ["make", "check"], "shallow": true }
///   ]
/// }
/// ```
/// `name` is required. `url` says where to clone `repos/NAME` from when it is missing; an entry without `url` names a
/// folder of the deploy root's own repository (a vendored folder, as the seed's `repos/kong-codex`), which is never
/// cloned, so that it can carry its own commands. `branch` defaults to the remote's default branch and `shallow`
/// clones with depth 1 (both need `url`); `build`/`test` replace the Swift commands (so non-Swift repositories work
/// too); `forge` (`github` or `gitea`) and `forgeAPI` (the REST API root) say where pull requests are opened when the
/// remote's host does not tell; `env` names variables of the dispatcher's environment its build, test and
/// verification steps also get; `deploy` rolls out every green revision (``DeploySettings``, `docs/deploying.md`).
/// Unknown keys are an error, so a typo
/// does not silently do nothing; so is a key given twice. The text is read by ``JSONValue/init(parsing:)``. Documented in `docs/manifest.md`.
public struct Manifest: Sendable, Hashable {
    /// One repository entry.
    public struct Repository: Sendable, Hashable {
        public var name: RepositoryName
        /// Where to clone from when `repos/NAME` is missing; nil for a vendored folder of the root's repository.
        public var url: String?
        public var branch: String?
        public var buildCommand: [String]?
        public var testCommand: [String]?
        public var shallow: Bool
        /// The forge pull requests are opened on; nil guesses from the remote's host.
        public var forge: ForgeKind?
        /// The forge's REST API root; nil derives it from the remote's host.
        public var forgeAPI: String?
        /// Names of the dispatcher's environment variables its steps also get (`env`), beyond the allow-list every
        /// step has; a secret's name is refused.
        public var environmentNames: [String] = []
        /// How green revisions are rolled out (`deploy`); nil keeps the restart-after-feedback behaviour.
        public var deploy: DeploySettings?
    }

    public var repositories: [Repository]

    public init(repositories: [Repository] = []) {
        self.repositories = repositories
    }

    /// The entry for `name`, if the manifest has one.
    public func repository(named name: RepositoryName) -> Repository? {
        repositories.first { $0.name == name }
    }

    /// Reads the manifest at `url`; a missing file is an empty manifest.
    public static func load(at url: URL) throws(DispatcherError) -> Manifest {
        guard FileManager.default.fileExists(atPath: url.path) else { return Manifest() }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DispatcherError(
                .invalidManifest, location: url.path, found: "an unreadable file", accepted: "a readable JSON file")
        }
        return try parse(data, path: url.path)
    }

    /// Parses manifest JSON; `path` is used in messages.
    public static func parse(_ data: Data, path: String) throws(DispatcherError) -> Manifest {
        let object: JSONValue
        do { object = try JSONValue(parsing: data) } catch {
            throw DispatcherError(
                .invalidManifest, location: path, found: "text that is not JSON",
                accepted: "a JSON object (\(error.message))")
        }
        guard case .object(let top) = object else {
            throw DispatcherError(
                .invalidManifest, location: path, found: "JSON that is not an object",
                accepted: "{\"repositories\": [...]}")
        }
        try rejectUnknownKeys(top, allowed: ["repositories"], location: path)
        guard let list = top["repositories"] else { return Manifest() }
        guard case .array(let entries) = list else {
            throw DispatcherError(
                .invalidManifest, location: "\(path): repositories", found: list.typePhrase, accepted: "an array")
        }
        var repositories: [Repository] = []
        for (index, element) in entries.enumerated() {
            let location = "\(path): repositories[\(index)]"
            guard case .object(let entry) = element else {
                throw DispatcherError(
                    .invalidManifest, location: location, found: element.typePhrase, accepted: "an object")
            }
            try rejectUnknownKeys(entry, allowed: ["name", "url", "branch", "build", "test", "shallow", "forge", "forgeAPI", "env", "deploy"], location: location)
            let nameText = try field(entry, "name", .string, location: location)
            let name = try RepositoryName(nameText, location: "\(location).name")
            guard !repositories.contains(where: { $0.name == name }) else {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).name", found: "'\(name)' a second time",
                    accepted: "each name once")
            }
            let url = try optionalField(entry, "url", .string, location: location)
            if let url, url.isEmpty || url.hasPrefix("-") {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).url", found: "'\(url)'",
                    accepted: "a git URL or path, not empty, not starting with '-' (or no url for a vendored folder)")
            }
            let branch = try optionalField(entry, "branch", .string, location: location)
            let build = try optionalField(entry, "build", .strings, location: location)
            let test = try optionalField(entry, "test", .strings, location: location)
            for (key, command) in [("build", build), ("test", test)] where command?.isEmpty == true {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).\(key)", found: "an empty command",
                    accepted: "an array of strings: the program and its arguments")
            }
            let shallow = try optionalField(entry, "shallow", .boolean, location: location)
            if url == nil, let key = [("branch", branch != nil), ("shallow", shallow != nil)].first(where: \.1)?.0 {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).\(key)", found: "'\(key)' without 'url'",
                    accepted: "'\(key)' only with 'url' (an entry without 'url' is a folder of the root's repository, never cloned)")
            }
            let forgeText = try optionalField(entry, "forge", .string, location: location)
            let forge = try forgeText.map { text throws(DispatcherError) -> ForgeKind in
                guard let kind = ForgeKind(rawValue: text) else {
                    throw DispatcherError(
                        .invalidManifest, location: "\(location).forge", found: "'\(text)'", accepted: "github or gitea")
                }
                return kind
            }
            let forgeAPI = try optionalField(entry, "forgeAPI", .string, location: location)
            if let forgeAPI, URL(string: forgeAPI)?.host == nil {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).forgeAPI", found: "'\(forgeAPI)'",
                    accepted: "an http:// or https:// URL")
            }
            let names = try optionalField(entry, "env", .strings, location: location) ?? []
            for variable in names where !Self.isVariableName(variable) || StepEnvironment.secretNames.contains(variable) {
                throw DispatcherError(
                    .invalidManifest, location: "\(location).env", found: "'\(variable)'",
                    accepted: "names of environment variables ([A-Za-z_][A-Za-z0-9_]*), never a secret's "
                        + "(\(StepEnvironment.secretNames.sorted().joined(separator: ", ")))")
            }
            var repository = Repository(
                name: name, url: url, branch: branch, buildCommand: build, testCommand: test,
                shallow: shallow ?? false, forge: forge, forgeAPI: forgeAPI)
            repository.environmentNames = names
            if let block = try optionalField(entry, "deploy", .object, location: location) {
                repository.deploy = try DeploySettings(parsing: block, location: "\(location).deploy")
            }
            repositories.append(repository)
        }
        return Manifest(repositories: repositories)
    }

    private static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    static func rejectUnknownKeys(_ object: [String: JSONValue], allowed: Set<String>, location: String)
        throws(DispatcherError)
    {
        if let unknown = object.firstUnknownKey(allowed: allowed) {
            throw DispatcherError(
                .invalidManifest, location: location, found: "the unknown key '\(unknown)'",
                accepted: allowed.sorted().joined(separator: ", "))
        }
    }

    static func field<Value>(
        _ object: [String: JSONValue], _ key: String, _ type: JSONFieldType<Value>, location: String
    ) throws(DispatcherError) -> Value {
        guard let value = try optionalField(object, key, type, location: location) else {
            throw DispatcherError(
                .invalidManifest, location: "\(location).\(key)", found: "nothing", accepted: "a required \(key)")
        }
        return value
    }

    /// The field `key` as `type`; nil when absent or null.
    static func optionalField<Value>(
        _ object: [String: JSONValue], _ key: String, _ type: JSONFieldType<Value>, location: String
    ) throws(DispatcherError) -> Value? {
        try object.field(key, as: type) { found in
            DispatcherError(
                .invalidManifest, location: "\(location).\(key)", found: found.typePhrase,
                accepted: type.phrase)
        }
    }
}
