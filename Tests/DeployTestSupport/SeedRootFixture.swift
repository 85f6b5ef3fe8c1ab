import Foundation

/// A deploy root laid out like the seed's: a clone of a Codex-Deployer v2.4 deployment repository (the Python
/// dispatcher deployctl replaces), as a team that moves over has it.
///
/// - the repository: `deploy/dispatcher_v2.py`, `systemd/dispatcher.env` and `systemd/fountain-dispatcher.service`,
///   `docs/`, vendored folders `repos/kong-codex` and `repos/typesense-codex` (plain folders, not Swift packages), a
///   tracked `deploy/logs/build.log`, and the seed's `.gitignore` (logs tracked, `feedback/` and `*.env` ignored);
/// - beside it, untracked: `dispatcher.env` copied from `systemd/dispatcher.env` (tokens and identity left empty),
///   bash restart scripts without a run bit in `commands/` (bash syntax, so `/bin/sh` would fail them), and the
///   seed's mark of a file it applied, `feedback/applied-20250801-rate-limit.json`.
///
/// ``migrate()`` does what docs/migrating-from-codex-deployer.md asks of a person moving the root over.
public struct SeedRootFixture: Sendable {
    /// The deployment repository's bare remote (the seed pushed to GitHub; here a local folder).
    public let remote: URL
    /// The deploy root: a clone of ``remote``.
    public let root: URL
    /// Where the restart scripts append one line per run (`kong-codex`, `services`).
    public let restartLog: URL
    public let fixture: GitFixture

    /// The vendored folders under `repos/`.
    public static let vendoredFolders = ["kong-codex", "typesense-codex"]
    /// The name of the seed's applied mark in `feedback/`.
    public static let legacyMark = "applied-20250801-rate-limit.json"

    /// The seed's `.gitignore`, in effect: logs are tracked, the feedback inbox and environment files are not.
    public static let gitignore = """
        .DS_Store
        __pycache__/
        *.py[cod]
        .venv/
        # logs are committed; feedback and secrets are not
        !**/logs/
        !**/logs/**
        feedback/
        deploy/feedback/
        dispatcher.env
        *.env

        """

    /// The seed's sample `systemd/dispatcher.env`: tokens and identity present but empty.
    public static let dispatcherEnv = """
        # Environment for fountain-dispatcher.service
        DISPATCHER_INTERVAL=60
        DISPATCHER_USE_PRS=1
        DISPATCHER_BUILD_DOCKER=0
        DISPATCHER_RUN_E2E=0
        GITHUB_TOKEN=
        OPENAI_API_KEY=
        GIT_USER_NAME=
        GIT_USER_EMAIL=

        """

    /// The seed's systemd unit.
    public static let unit = """
        [Unit]
        Description=Codex Deployment Dispatcher
        After=network.target

        [Service]
        EnvironmentFile=/srv/deploy/dispatcher.env
        ExecStart=/usr/bin/python3 /srv/deploy/deploy/dispatcher_v2.py
        WorkingDirectory=/srv/deploy
        Restart=always
        User=root

        [Install]
        WantedBy=multi-user.target

        """

    /// The files of the deployment repository's first commit.
    public static let repositoryFiles: [String: String] = [
        ".gitignore": gitignore,
        "README.md": "# Deployment\n\nThe dispatcher builds repos/ and applies feedback/.\n",
        "deploy/dispatcher_v2.py": "\"\"\"Dispatcher v2.4 (stands in for the seed's Python loop; never run here).\"\"\"\n",
        "deploy/commands/restart-services.sh": "#!/bin/bash\nsystemctl restart fountainai\n",
        "deploy/logs/build.log": "[2025-08-01T09:00:00] Dispatcher started\n[2025-08-01T09:00:01] === New Cycle ===\n",
        "systemd/dispatcher.env": dispatcherEnv,
        "systemd/fountain-dispatcher.service": unit,
        "docs/dispatcher_v2.md": "# Dispatcher v2.4\n",
        "repos/kong-codex/kong.yml": "services:\n  - name: gateway\n    rate_limit: 10\n",
        "repos/kong-codex/build.sh": "grep -q 'rate_limit:' kong.yml\n",
        "repos/kong-codex/test.sh": "test \"$(grep -c 'rate_limit:' kong.yml)\" -ge 1\n",
        "repos/typesense-codex/schema.json": "{\"name\": \"documents\", \"fields\": [\"title\"]}\n",
        "repos/typesense-codex/build.sh": "grep -q '\"fields\"' schema.json\n",
        "repos/typesense-codex/test.sh": "true\n",
    ]

    /// Builds the deployment repository's remote and clones it as the root, with the seed's untracked files.
    public init(in scratch: ScratchDirectory) throws {
        fixture = GitFixture(scratch: scratch)
        remote = scratch.appending("codex-deployer.git")
        try Shell.check(["git", "init", "--quiet", "--bare", "--initial-branch=main", remote.path])
        let first = scratch.appending("codex-deployer-first-commit")
        try Shell.check(["git", "clone", "--quiet", remote.path, first.path])
        try Shell.check(["git", "checkout", "--quiet", "-B", "main"], in: first)
        try fixture.write(Self.repositoryFiles, in: first)
        // The seed tracks its sample dispatcher.env although its own .gitignore ignores *.env.
        try Shell.check(["git", "add", "-A"], in: first)
        try Shell.check(["git", "add", "--force", "systemd/dispatcher.env"], in: first)
        try Shell.check(["git", "commit", "--quiet", "-m", "Codex-Deployer v2.4"], in: first)
        try Shell.check(["git", "push", "--quiet", "origin", "main"], in: first)
        try? FileManager.default.removeItem(at: first)
        root = scratch.appending("srv-deploy")
        restartLog = scratch.appending("restarts.log")
        try Shell.check(["git", "clone", "--quiet", "--branch", "main", remote.path, root.path])
        try Data(Self.dispatcherEnv.utf8).write(to: root.appendingPathComponent("dispatcher.env"))
        // Bash restart scripts, as the seed ran them (`bash commands/restart-NAME.sh`): no run bit, bash syntax.
        let kong = """
            names=(gateway admin)
            if [[ ${#names[@]} -eq 2 ]]; then echo "kong-codex ${names[*]}" >> '\(restartLog.path)'; fi

            """
        let services = """
            if [[ -n "$PWD" ]]; then echo services >> '\(restartLog.path)'; fi

            """
        try fixture.write(
            [
                "commands/restart-kong-codex.sh": kong, "commands/restart-services.sh": services,
                "feedback/\(Self.legacyMark)": #"{"repo": "kong-codex", "patch": "", "description": "Raise the limit"}"#,
            ], in: root)
        for script in ["restart-kong-codex.sh", "restart-services.sh"] {
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o644], ofItemAtPath: root.appendingPathComponent("commands/\(script)").path)
        }
    }

    /// The migration steps that need a person: a manifest giving the vendored folders their build and test commands
    /// (entries without `url`), and direct pushes (this remote is a folder, with no forge for pull requests).
    public func migrate() throws {
        let entries = Self.vendoredFolders.map {
            #"{"name": "\#($0)", "build": ["sh", "build.sh"], "test": ["sh", "test.sh"]}"#
        }
        try Data(#"{"repositories": [\#(entries.joined(separator: ", "))]}"#.utf8)
            .write(to: root.appendingPathComponent("deployctl.json"))
        let env = root.appendingPathComponent("dispatcher.env")
        let text = try String(contentsOf: env, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "DISPATCHER_USE_PRS=1", with: "DISPATCHER_USE_PRS=0").utf8).write(to: env)
    }

    /// A feedback file in the seed's form: `repo`, `patch` (paths relative to the vendored folder), `description`.
    public static func feedback(repo: String?, patch: String?, description: String) throws -> Data {
        var fields: [String: String] = ["description": description]
        if let repo { fields["repo"] = repo }
        if let patch { fields["patch"] = patch }
        return try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    }

    /// Drops a file into the root's `feedback/`.
    public func drop(_ name: String, _ data: Data) throws {
        try data.write(to: root.appendingPathComponent("feedback/\(name)"))
    }

    /// Runs `git ARGUMENTS` in the root.
    @discardableResult
    public func git(_ arguments: [String]) throws -> String {
        try Shell.check(["git"] + arguments, in: root)
    }
}
