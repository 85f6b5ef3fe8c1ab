import DeployBuild
import DeployCore
import DeployFeedback
import Foundation

/// The documented invariants of the parsers that take hostile input, as pure checks: each returns the broken
/// invariants for one input (empty when all hold). Shared by the property tests here and the libFuzzer targets
/// (`Fuzz/`, which links this file), so a crasher found by one is judged the same way by the other.
enum HostileInvariants {
    /// The parsers, named as the fuzz targets and the regression folders are.
    enum Target: String, CaseIterable, Sendable {
        case feedback, patch, env, log
        case patchHeaders = "patch-headers"
        case push
    }

    static func check(_ target: Target, _ data: Data) -> [String] {
        switch target {
        case .feedback: feedback(data)
        case .patch: patch(String(decoding: data, as: UTF8.self))
        case .env: environmentFile(String(decoding: data, as: UTF8.self))
        case .log: log(data)
        case .patchHeaders: patchHeaders(data)
        case .push: PushEventInvariants.check(data)
        }
    }

    /// The input's bytes steer ``PatchHeaderSpellings`` to a git diff in one of git's header spellings: git's own
    /// reading (libgit2), deployctl's reader and the writer's expectation must all agree, so the policy judges what
    /// git writes and the patch is not refused.
    static func patchHeaders(_ data: Data) -> [String] {
        var choices = PatchHeaderSpellings.Choices(Array(data))
        return PatchHeaderSpellings.agreement(PatchHeaderSpellings.make(&choices))
    }

    /// A feedback file is parsed, or refused with a rejection naming the problem (never an environment error).
    static func feedback(_ data: Data) -> [String] {
        do {
            let document = try FeedbackDocument.parse(data)
            var broken: [String] = []
            if document.id.isEmpty { broken.append("a parsed document has no id") }
            if document.idWasDerived && !(document.id.hasPrefix("sha256-") && document.id.count == 39) {
                broken.append("a derived id is not sha256- and 32 hex digits: \(document.id)")
            }
            return broken
        } catch {
            var broken: [String] = []
            if !error.isRejection { broken.append("a bad file must be rejected, not retried: \(error)") }
            if error.message.isEmpty { broken.append("a rejection without a message: \(error.code)") }
            return broken
        }
    }

    /// A patch the policy accepts names only paths that stay inside the repository and out of `.git`, even through
    /// the symbolic links of ``PolicyRepository``.
    static func patch(_ text: String, repository: PolicyRepository = .shared) -> [String] {
        guard let summary = try? PatchPolicy().check(patch: text, repository: repository.url) else { return [] }
        return summary.paths.filter { !repository.staysInside($0) }.map { "accepted path escapes: \($0.debugDescription)" }
    }

    /// The paths alone through ``PatchPolicy/check(paths:repository:)``.
    static func paths(_ paths: [String], repository: PolicyRepository = .shared) -> [String] {
        guard (try? PatchPolicy().check(paths: paths, repository: repository.url)) != nil else { return [] }
        return paths.filter { !repository.staysInside($0) }.map { "accepted path escapes: \($0.debugDescription)" }
    }

    /// A `dispatcher.env`: entries carry line numbers inside the file (lines split at LF, as shells do) and valid
    /// keys; an error names `dispatcher.env:LINE` with LINE inside the file.
    static func environmentFile(_ text: String) -> [String] {
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        do {
            let file = try EnvironmentFile(contents: text, path: "dispatcher.env")
            var broken: [String] = []
            for entry in file.entries {
                if !(1...lines).contains(entry.line) { broken.append("entry line \(entry.line) outside 1...\(lines)") }
                if entry.key.isEmpty || entry.key.contains("=") || entry.key.contains(where: \.isWhitespace) {
                    broken.append("invalid key \(entry.key.debugDescription)")
                }
                // Compared as bytes: "\r\n" is one Character, which `contains("\n")` would miss.
                if entry.value.utf8.contains(UInt8(ascii: "\n")) && !text.contains("\\n") {
                    broken.append("a value spans lines: \(entry.key)")
                }
            }
            return broken
        } catch {
            guard error.location.hasPrefix("dispatcher.env:"),
                let number = error.location.split(separator: ":").last.flatMap({ Int($0) })
            else { return ["an error without a line: \(error)"] }
            return (1...lines).contains(number) ? [] : ["error line \(number) outside 1...\(lines)"]
        }
    }

    /// A build log parses without a crash, the same way twice and whether read as text or from a file in chunks,
    /// with no more recognised lines than lines.
    static func log(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        let report = BuildLogAnalyzer.analyze(text: text)
        var broken: [String] = []
        if report.recognizedLines > report.lines { broken.append("more recognised lines than lines") }
        if report.tests.passed < 0 || report.tests.failed < 0 || report.tests.skipped < 0 {
            broken.append("negative test counts")
        }
        if BuildLogAnalyzer.analyze(text: text) != report { broken.append("the same text parses differently") }
        return broken
    }
}

/// A repository folder with traps for the path policy: symbolic links out of it (`out` → /tmp, `up` → ..), into
/// `.git` (`g`), and inside it (`s` → src).
final class PolicyRepository: Sendable {
    static let shared = PolicyRepository()
    let url: URL
    let realRoot: String

    private init() {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("deployctl-policy-\(getpid())-\(UUID().uuidString.prefix(6))")
        try? fm.createDirectory(at: base.appendingPathComponent(".git/objects"), withIntermediateDirectories: true)
        try? fm.createDirectory(at: base.appendingPathComponent("src"), withIntermediateDirectories: true)
        for (name, destination) in [("out", "/tmp"), ("up", ".."), ("g", ".git"), ("s", "src")] {
            try? fm.createSymbolicLink(atPath: base.appendingPathComponent(name).path, withDestinationPath: destination)
        }
        url = base
        realRoot = base.resolvingSymlinksInPath().path
    }

    /// Walks `path` from the repository, resolving each existing symbolic link: true when every step stays inside
    /// the repository and out of `.git`.
    func staysInside(_ path: String) -> Bool {
        if path.hasPrefix("/") { return false }
        var current = realRoot
        for segment in path.split(separator: "/") {
            if segment == ".." || segment.lowercased() == ".git" { return false }
            let resolved = URL(fileURLWithPath: current + "/" + segment).resolvingSymlinksInPath().path
            guard resolved == realRoot || resolved.hasPrefix(realRoot + "/") else { return false }
            if resolved.dropFirst(realRoot.count).split(separator: "/").first?.lowercased() == ".git" { return false }
            current = resolved
        }
        return true
    }
}
