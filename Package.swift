// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "deployctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "deployctl", targets: ["deployctl"]),
        .library(name: "DeployCore", targets: ["DeployCore"]),
        .library(name: "DeployGit", targets: ["DeployGit"]),
        .library(name: "DeployBuild", targets: ["DeployBuild"]),
        .library(name: "DeployFeedback", targets: ["DeployFeedback"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // SHA-256 for derived feedback ids (and HMAC for webhooks): BoringSSL on Linux, CryptoKit on macOS.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // HTTP for the forges and the model endpoint (DeployHTTP): real deadlines, no redirect followed by itself.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        // The loop's HTTP face (DeployServer): health, metrics, the status API, webhooks.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Metrics DeployCore emits (a no-op unless bootstrapped) and their Prometheus text form (DeployServer).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The MCP server agents talk to (`deployctl mcp`, DeployMCP): the official Swift SDK.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // `swift package generate-documentation --target DeployCore` builds the API reference (docs/README.md).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "Clibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(
            name: "DeployGit",
            dependencies: [
                "Clibgit2",
                .product(name: "Logging", package: "swift-log"),
                // The git CLI for shallow clones (libgit2 1.5 has none).
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "DeployBuild",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "DeployFeedback",
            dependencies: [
                "DeployGit",
                "DeployBuild",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DeployHTTP",
            dependencies: [
                "DeployBuild",
                "DeployGit",
                "DeployFeedback",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "DeployCore",
            dependencies: [
                "DeployGit",
                "DeployBuild",
                "DeployFeedback",
                "DeployHTTP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The loop's HTTP server on Hummingbird: /healthz, /readyz, /metrics, /api/v1/…, /hooks/github, /hooks/gitea.
        // Apart from DeployCore, so that a library user who runs no server does not build one.
        .target(
            name: "DeployServer",
            dependencies: [
                "DeployCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `deployctl mcp`: DeployCore's AgentTools served over MCP's stdio transport (docs/agents.md).
        .target(
            name: "DeployMCP",
            dependencies: [
                "DeployCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The subcommands (argument parsing, printing, exit statuses), shared by the two executables below.
        .target(
            name: "DeployCLI",
            dependencies: [
                "DeployCore",
                "DeployServer",
                "DeployMCP",
                "DeployBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The shipped binary: DeployCLI with no fault injection.
        .executableTarget(name: "deployctl", dependencies: ["DeployCLI", "DeployBuild"]),
        // TEST-ONLY, not a product: DeployCLI with a fault-injection plan armed from DEPLOYCTL_CRASH_AT, for the crash
        // suite (Tests/ReliabilityTests, docs/reliability.md). `swift build` builds it beside `deployctl`.
        .executableTarget(name: "deployctl-faults", dependencies: ["DeployCLI", "DeployBuild"]),
        .executableTarget(
            name: "deployctl-bench",
            dependencies: [
                "DeployGit", "DeployBuild", "DeployFeedback", "DeployCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .target(
            name: "DeployTestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/DeployTestSupport",
            exclude: [
                "git-http-server.py", "forge-contract-server.py", "chat-completions-server.py",
                "notification-receiver.py", "mcp-agent-session.py",
            ]
        ),
        // ForgeContractServer's forge clients, shared by DeployHTTPTests and DeployFeedbackTests; apart from
        // DeployTestSupport so that the test targets that speak no HTTP do not link DeployHTTP.
        .target(
            name: "DeployHTTPTestSupport",
            dependencies: ["DeployHTTP", "DeployFeedback", "DeployTestSupport"],
            path: "Tests/DeployHTTPTestSupport"
        ),
        .testTarget(name: "DeployGitTests", dependencies: ["DeployGit", "DeployTestSupport"]),
        .testTarget(
            name: "DeployBuildTests",
            dependencies: ["DeployBuild", "DeployTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DeployFeedbackTests",
            dependencies: [
                "DeployFeedback", "DeployTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                // The processor publishing through DeployHTTP's pull requests and commit messages (Forge/, Proposal/).
                "DeployHTTP", "DeployHTTPTestSupport",
            ]),
        .testTarget(
            name: "DeployHTTPTests",
            dependencies: ["DeployHTTP", "DeployFeedback", "DeployTestSupport", "DeployHTTPTestSupport"]),
        .testTarget(
            name: "DeployCoreTests",
            dependencies: [
                "DeployCore", "DeployHTTP", "DeployTestSupport", .product(name: "Logging", package: "swift-log"),
                // Rows as older versions wrote them, for the tests that read them back (RecordSpellingTests).
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DeployMCPTests",
            dependencies: [
                "DeployMCP", "DeployCore", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .testTarget(name: "DeployServerTests", dependencies: ["DeployServer", "DeployCore", "DeployTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            // HMAC-SHA256 to sign webhook payloads as a forge does (HTTPEndToEndTests).
            dependencies: ["DeployTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ReliabilityTests", dependencies: ["DeployBuild", "DeployTestSupport"]),
        // Faults (remotes, forge, disk, builds, damaged repositories) and hostile-input property tests; replays the
        // libFuzzer crashers kept in Fixtures/fuzz-regressions (docs/faults-and-fuzzing.md).
        .testTarget(
            name: "FaultTests",
            dependencies: [
                "DeployCore", "DeployGit", "DeployBuild", "DeployFeedback", "DeployTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
