#!/usr/bin/env bash
# Recreates the fixture logs in this folder from tiny packages, with the toolchain on PATH (captured with
# swift 6.3.1 on Linux). Each package is built (or tested) twice: piped (NAME-piped.txt) and under a pseudo-terminal
# with `script -qec` (NAME-tty.txt). Logs name the packages under /tmp/fx, so the script builds them there.
# Usage: Tests/DeployBuildTests/Fixtures/capture-fixtures.sh [OUTPUT_DIR]
set -uo pipefail
OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
FX=/tmp/fx
rm -rf "$FX" && mkdir -p "$FX"

# --- compile-errors: cerr
mkdir -p "$FX/cerr"
cat > "$FX/cerr/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Broken", targets: [.target(name: "Broken")])
SWIFT
mkdir -p "$FX/cerr/Sources/Broken"
cat > "$FX/cerr/Sources/Broken/Model.swift" <<'SWIFT'
public struct Model {
    public var count: Int
    public init(count: Int) { self.count = count }
}

func describe(_ model: Model, label: String) -> String {
    "\(label): \(model.count)"
}
SWIFT
mkdir -p "$FX/cerr/Sources/Broken"
cat > "$FX/cerr/Sources/Broken/Use.swift" <<'SWIFT'
func use() -> Int {
    let unused = 42
    let model = Model(count: "three")
    let text: Int = describe(model, label: "m")
    return text + undefinedName
}

enum Kind { case a, b }

func pick(_ kind: Kind) -> Int {
    switch kind {
    case .a: return 1
    }
}
SWIFT

# --- missing-module: nomod
mkdir -p "$FX/nomod"
cat > "$FX/nomod/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "App", targets: [.target(name: "App")])
SWIFT
mkdir -p "$FX/nomod/Sources/App"
cat > "$FX/nomod/Sources/App/App.swift" <<'SWIFT'
import NotARealModule

func run() -> Int { let x: String = 1; return x }
SWIFT

# --- linker-error: link
mkdir -p "$FX/link"
cat > "$FX/link/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Tool", targets: [.executableTarget(name: "Tool")])
SWIFT
mkdir -p "$FX/link/Sources/Tool"
cat > "$FX/link/Sources/Tool/main.swift" <<'SWIFT'
@_silgen_name("deploy_missing_symbol")
func missingSymbol() -> Int32

print(missingSymbol())
SWIFT

# --- tests-mixed: mixed
mkdir -p "$FX/mixed"
cat > "$FX/mixed/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Calc", targets: [
    .target(name: "Calc"),
    .testTarget(name: "CalcTests", dependencies: ["Calc"]),
])
SWIFT
mkdir -p "$FX/mixed/Tests/CalcTests"
cat > "$FX/mixed/Tests/CalcTests/SwiftTests.swift" <<'SWIFT'
import Testing
@testable import Calc

@Suite struct AdditionSuite {
    @Test func addsSmallNumbers() {
        #expect(add(1, 1) == 2)
    }
    @Test func addsWrongly() {
        let value = add(2, 3)
        #expect(value == 6)
    }
    @Test(.disabled("waiting for a fix")) func disabledOne() {}
}

@Test func freeFunctionPasses() {
    print("warning: ordinary output that mentions error: and warning:")
    #expect(add(0, 0) == 0)
}
SWIFT
mkdir -p "$FX/mixed/Tests/CalcTests"
cat > "$FX/mixed/Tests/CalcTests/XCTests.swift" <<'SWIFT'
import XCTest
@testable import Calc

final class ArithmeticTests: XCTestCase {
    func testAddPasses() {
        print("error: this line is ordinary test output, not a diagnostic")
        XCTAssertEqual(add(1, 2), 3)
    }
    func testAddFailsTwice() {
        XCTAssertEqual(add(2, 2), 5, "two plus two")
        XCTAssertTrue(add(0, 0) == 1, "zero")
    }
    func testSkipped() throws {
        throw XCTSkip("not on this platform")
    }
}
SWIFT
mkdir -p "$FX/mixed/Sources/Calc"
cat > "$FX/mixed/Sources/Calc/Calc.swift" <<'SWIFT'
public func add(_ a: Int, _ b: Int) -> Int { a + b }
SWIFT

# --- crash-xctest: crashx
mkdir -p "$FX/crashx"
cat > "$FX/crashx/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Boom", targets: [
    .target(name: "Boom"),
    .testTarget(name: "BoomTests", dependencies: ["Boom"]),
])
SWIFT
mkdir -p "$FX/crashx/Tests/BoomTests"
cat > "$FX/crashx/Tests/BoomTests/BoomTests.swift" <<'SWIFT'
import XCTest
@testable import Boom

final class BoomTests: XCTestCase {
    func testAFine() { XCTAssertEqual(value(), 1) }
    func testBCrashes() {
        fatalError("deliberate crash in test")
    }
    func testCNeverRuns() { XCTAssertEqual(value(), 1) }
}
SWIFT
mkdir -p "$FX/crashx/Sources/Boom"
cat > "$FX/crashx/Sources/Boom/Boom.swift" <<'SWIFT'
public func value() -> Int { 1 }
SWIFT

# --- crash-swifttesting: crashst
mkdir -p "$FX/crashst"
cat > "$FX/crashst/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Boom", targets: [
    .target(name: "Boom"),
    .testTarget(name: "BoomTests", dependencies: ["Boom"]),
])
SWIFT
mkdir -p "$FX/crashst/Tests/BoomTests"
cat > "$FX/crashst/Tests/BoomTests/BoomTests.swift" <<'SWIFT'
import Testing
@testable import Boom

@Suite(.serialized) struct CrashingSuite {
    @Test func fine() { #expect(value() == 1) }
    @Test func crashes() {
        let values: [Int] = []
        _ = values[value()]
    }
}
SWIFT
mkdir -p "$FX/crashst/Sources/Boom"
cat > "$FX/crashst/Sources/Boom/Boom.swift" <<'SWIFT'
public func value() -> Int { 1 }
SWIFT

# --- notes: notes
mkdir -p "$FX/notes"
cat > "$FX/notes/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Lib", targets: [.target(name: "Lib")])
SWIFT
mkdir -p "$FX/notes/Sources/Lib"
cat > "$FX/notes/Sources/Lib/Model.swift" <<'SWIFT'
public struct Model {
    public var count: Int
    public init(count: Int) { self.count = count }
}

func describe(_ model: Model, label: String) -> String {
    "\(label): \(model.count)"
}

@available(*, deprecated, message: "use describe(_:label:)")
func oldDescribe(_ model: Model) -> String { "\(model.count)" }
SWIFT
mkdir -p "$FX/notes/Sources/Lib"
cat > "$FX/notes/Sources/Lib/Use.swift" <<'SWIFT'
func use() -> String {
    var counter = 1
    let unused = oldDescribe(Model(count: counter))
    return describe(Model(count: 2))
}
SWIFT

capture() { # NAME DIR COMMAND
    (cd "$FX/$2" && $3 > "$OUT/$1-piped.txt" 2>&1)
    (cd "$FX/$2" && script -qec "$3" /dev/null > "$OUT/$1-tty.txt" 2>&1)
}
capture compile-errors cerr "swift build"
capture missing-module nomod "swift build"
capture linker-error link "swift build"
capture tests-mixed mixed "swift test"
capture crash-xctest crashx "swift test"
capture crash-swifttesting crashst "swift test"
capture notes notes "swift build"
