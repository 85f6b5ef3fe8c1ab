import DeployCore
import DeployTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// A deploy root for fault tests: real bare remotes, real clones under `repos/`, a manifest, and a dispatcher whose
/// log lines are captured. Repositories build with `true` (or a given command), so a cycle takes a second or two.
struct FaultRoot {
    let scratch: ScratchDirectory
    let fixture: GitFixture
    let log = CapturedLog()
    var url: URL { scratch.appending("root") }
    var root: DeployRoot { DeployRoot(url: url) }
    /// Manifest entries by repository name (written by ``writeManifest()``).
    private(set) var entries: [String: [String: Any]] = [:]

    init(prefix: String = "fault") throws {
        scratch = try ScratchDirectory(prefix: prefix)
        fixture = GitFixture(scratch: scratch)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("repos"), withIntermediateDirectories: true)
    }

    func remove() { scratch.remove() }

    func checkout(_ name: String) -> URL { url.appendingPathComponent("repos/\(name)") }

    /// A bare remote `NAME.git` cloned into `repos/NAME`; declared in the manifest with `build` (default `true`)
    /// unless `declared` is false.
    @discardableResult
    mutating func addRepository(
        _ name: String, build: [String] = ["true"], declared: Bool = true, files: [String: String] = ["README.md": "hi\n"]
    ) throws -> URL {
        let remote = try fixture.makeRemote(name, files: files)
        try Shell.check(["git", "clone", "--quiet", remote.path, checkout(name).path])
        if declared {
            entries[name] = ["name": name, "url": remote.path, "build": build, "test": ["true"]]
        }
        try writeManifest()
        return remote
    }

    /// Changes one manifest entry (e.g. its `url` or forge settings) and rewrites the manifest.
    mutating func updateEntry(_ name: String, _ change: (inout [String: Any]) -> Void) throws {
        var entry = entries[name] ?? ["name": name]
        change(&entry)
        entries[name] = entry
        try writeManifest()
    }

    func writeManifest() throws {
        let list = entries.keys.sorted().map { entries[$0]! }
        let data = try JSONSerialization.data(withJSONObject: ["repositories": list], options: [.sortedKeys])
        try data.write(to: url.appendingPathComponent("deployctl.json"))
    }

    /// A dispatcher on this root with `environment` as its configuration (PRs off unless given).
    func dispatcher(environment: [String: String] = [:], networkTimeout: Duration = .seconds(60)) throws -> Dispatcher {
        var environment = environment
        if environment["DISPATCHER_USE_PRS"] == nil { environment["DISPATCHER_USE_PRS"] = "0" }
        let configuration = try ConfigurationLoader(environment: environment).load(root: url)
        return try Dispatcher.open(
            root: root, configuration: configuration, logger: log.logger(), networkTimeout: networkTimeout)
    }

    /// The root's state store, as a second connection beside the dispatcher's.
    func store() throws -> SQLiteStateStore {
        try SQLiteStateStore(url: root.stateDatabase)
    }

    /// Runs one cycle (no feedback phase).
    func cycle(_ dispatcher: Dispatcher) async throws -> CycleReport {
        try await dispatcher.runCycle(CycleOptions(processFeedback: false))
    }
}

extension CycleReport {
    /// Each repository's record by name.
    var byName: [String: RepositoryCycleRecord] {
        Dictionary(uniqueKeysWithValues: record.repositories.map { ($0.repository, $0) })
    }
}

