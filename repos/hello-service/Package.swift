// swift-tools-version: 6.0
import PackageDescription

// The sample service that deployctl's quick start fetches, builds and tests.
let package = Package(
    name: "hello-service",
    targets: [
        .target(name: "HelloService"),
        .testTarget(name: "HelloServiceTests", dependencies: ["HelloService"]),
    ]
)
