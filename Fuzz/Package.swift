// swift-tools-version: 6.2
// libFuzzer targets for deployctl's parsers, kept out of the main package: they only link with
// `-sanitize=fuzzer`. Build and run them with `scripts/fuzz.sh` (docs/faults-and-fuzzing.md).
import PackageDescription

let package = Package(
    name: "deployctl-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "deployctl", path: "..")],
    targets: [
        .target(name: "FuzzDriver", swiftSettings: [.swiftLanguageMode(.v6)]),
        // Every target, chosen by FUZZ_TARGET.
        .executableTarget(
            name: "deployctl-fuzz",
            dependencies: [
                "FuzzDriver",
                .product(name: "DeployCore", package: "deployctl"),
                .product(name: "DeployBuild", package: "deployctl"),
                .product(name: "DeployFeedback", package: "deployctl"),
                .product(name: "DeployGit", package: "deployctl"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // `patch-headers` and `push`, without DeployCore: what `make test` builds and runs.
        .executableTarget(
            name: "deployctl-fuzz-quick",
            dependencies: [
                "FuzzDriver",
                .product(name: "DeployFeedback", package: "deployctl"),
                .product(name: "DeployGit", package: "deployctl"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
