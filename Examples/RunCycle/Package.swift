// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (`deployctl` in a clone named so, but a worktree may differ).
let deployctl = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardizedFileURL.lastPathComponent.lowercased()

// A tool of its own that runs one deployctl cycle through the library: `import DeployCore`.
let package = Package(
    name: "RunCycle",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "RunCycle",
            dependencies: [
                .product(name: "DeployCore", package: deployctl),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The settings deployctl's own targets build with: `import DeployCore` must be enough under them.
            swiftSettings: [
                .swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
