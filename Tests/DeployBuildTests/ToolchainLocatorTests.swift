import DeployBuild
import DeployTestSupport
import Foundation
import Testing

@Suite struct ToolchainLocatorTests {
    static let environment = ProcessInfo.processInfo.environment

    @Test func findsSwiftOnPathAndRecordsItsVersion() async throws {
        var environment = Self.environment
        environment["DEPLOY_SWIFT"] = nil
        let toolchain = try await ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: environment))
            .locate()
        #expect(toolchain.command.count == 1)
        #expect(toolchain.command[0].hasSuffix("/swift"))
        #expect(toolchain.version.hasPrefix("Swift version "))
    }

    @Test func environmentOverrideWins() async throws {
        let real = try #require(ToolchainProbe(isMacOS: false, environment: Self.environment).lookUp("swift"))
        let environment = ["PATH": "/nonexistent", "DEPLOY_SWIFT": real]
        let toolchain = try await ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: environment))
            .locate()
        #expect(toolchain.command == [real])
    }

    @Test func missingToolchainNamesWhatWasLookedFor() async throws {
        let locator = ToolchainLocator(probe: ToolchainProbe(isMacOS: true, environment: ["PATH": "/nonexistent/bin"]))
        let error = await #expect(throws: BuildError.self) { try await locator.locate() }
        #expect(error?.code == .toolchainNotFound)
        #expect(error?.message.contains("DEPLOY_SWIFT (unset)") == true)
        #expect(error?.message.contains("xcrun on PATH") == true)
        #expect(error?.message.contains("swift on PATH (/nonexistent/bin)") == true)
    }

    @Test func badOverrideIsNotFound() async throws {
        let locator = ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: Self.environment))
        let error = await #expect(throws: BuildError.self) { try await locator.locate(override: "/nonexistent/swift") }
        #expect(error?.code == .toolchainNotFound)
        #expect(error?.message.contains("/nonexistent/swift") == true)
    }

    /// The macOS branch, run for real through an `xcrun` stand-in that forwards to this machine's swift.
    @Test func macOSUsesXcrunSwift() async throws {
        try await ScratchDirectory.with { scratch in
            let real = try #require(ToolchainProbe(isMacOS: false, environment: Self.environment).lookUp("swift"))
            let xcrun = scratch.appending("xcrun")
            try Data("#!/bin/sh\n[ \"$1\" = swift ] || exit 64\nshift\nexec \(real) \"$@\"\n".utf8).write(to: xcrun)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: xcrun.path)
            let probe = ToolchainProbe(
                isMacOS: true,
                environment: ["PATH": scratch.path + ":" + (Self.environment["PATH"] ?? "")]
            )
            let toolchain = try await ToolchainLocator(probe: probe).locate()
            #expect(toolchain.command == [xcrun.path, "swift"])
            #expect(toolchain.version.hasPrefix("Swift version "))
            // Off macOS the same PATH gives plain swift.
            let linux = try ToolchainLocator(probe: ToolchainProbe(isMacOS: false, environment: probe.environment))
                .findCommand(override: nil)
            #expect(linux == [real])
        }
    }
}
