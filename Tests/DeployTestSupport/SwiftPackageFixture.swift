/// Tiny real Swift packages for tests that run the real toolchain: a library with one function and its tests.
public enum SwiftPackageFixture {
    /// The files of a package named `name` whose `answer()` returns `value` and whose test expects 42.
    ///
    /// With `value: 42` it builds and its tests pass; with another number its test fails; `brokenSource: true` makes
    /// a compile error.
    public static func files(name: String = "Fixture", value: Int = 42, brokenSource: Bool = false) -> [String: String] {
        let source = brokenSource
            ? "public func answer() -> Int {\n    return \"not a number\"\n}\n"
            : "public func answer() -> Int {\n    return \(value)\n}\n"
        return [
            "Package.swift": """
                // swift-tools-version: 6.0
                import PackageDescription

                let package = Package(
                    name: "\(name)",
                    targets: [
                        .target(name: "\(name)"),
                        .testTarget(name: "\(name)Tests", dependencies: ["\(name)"]),
                    ]
                )

                """,
            ".gitignore": ".build/\nPackage.resolved\n",
            "Sources/\(name)/Answer.swift": source,
            "Tests/\(name)Tests/AnswerTests.swift": """
                import Testing
                import \(name)

                @Test func answerIsFortyTwo() {
                    #expect(answer() == 42)
                }

                """,
        ]
    }
}
