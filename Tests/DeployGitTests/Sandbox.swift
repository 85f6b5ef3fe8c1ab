import DeployGit
import DeployTestSupport
import Foundation

/// A scratch folder with a git fixture, removed by `remove()`.
struct Sandbox {
    let scratch: ScratchDirectory
    let fixture: GitFixture

    init() throws {
        scratch = try ScratchDirectory(prefix: "deploygit")
        fixture = GitFixture(scratch: scratch)
    }

    func remove() { scratch.remove() }

    func url(_ name: String) -> URL { scratch.appending(name) }

    /// `git rev-parse REV` in `directory`, as an ObjectID.
    func revParse(_ revision: String, in directory: URL) throws -> ObjectID? {
        ObjectID(hex: try Shell.check(["git", "rev-parse", revision], in: directory))
    }

    func read(_ path: String, in directory: URL) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// Every regular file under `directory` whose bytes contain `needle`.
    func files(under directory: URL, containing needle: String) -> [String] {
        let bytes = Data(needle.utf8)
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var hits: [String] = []
        for case let url as URL in enumerator {
            guard let data = try? Data(contentsOf: url), data.range(of: bytes) != nil else { continue }
            hits.append(url.path)
        }
        return hits
    }
}

let testAuthor = Signature(name: "Deploy Bot", email: "bot@example.invalid")
