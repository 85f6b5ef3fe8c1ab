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

# --- crash-parallel: par (Swift Testing runs these in parallel; lookupCrashes() crashes while two slower tests run)
mkdir -p "$FX/par/Sources/Boom" "$FX/par/Tests/BoomTests"
cat > "$FX/par/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "Boom", targets: [
    .target(name: "Boom"),
    .testTarget(name: "BoomTests", dependencies: ["Boom"]),
])
SWIFT
cat > "$FX/par/Sources/Boom/Boom.swift" <<'SWIFT'
public func value() -> Int { 1 }

public struct Inventory {
    public var items: [String] = []
    public init() {}
    public func first(after index: Int) -> String {
        items[index + value()]
    }
}
SWIFT
cat > "$FX/par/Tests/BoomTests/BoomTests.swift" <<'SWIFT'
import Testing
@testable import Boom

@Suite struct InventoryTests {
    @Test func lookupCrashes() async throws {
        try await Task.sleep(for: .milliseconds(300))
        _ = Inventory().first(after: 0)
    }
    @Test func slowPasses() async throws {
        try await Task.sleep(for: .seconds(3))
        #expect(value() == 1)
    }
    @Test func waitsLonger() async throws {
        try await Task.sleep(for: .seconds(3))
        #expect(value() == 1)
    }
}

@Test func quick() { #expect(value() == 1) }
SWIFT

# --- docker-build-errors: dock (a package whose release build fails, as a Dockerfile would build it in /src)
mkdir -p "$FX/dock/Sources/App"
cat > "$FX/dock/Package.swift" <<'SWIFT'
// swift-tools-version: 6.2
import PackageDescription
let package = Package(name: "App", targets: [.executableTarget(name: "App")])
SWIFT
cat > "$FX/dock/Sources/App/HTTPKernel.swift" <<'SWIFT'
struct Request {
    var path: String
    var headers: [String: String]
}

struct HTTPKernel {
    var routes: [String: (Request) -> String] = [:]

    func handle(_ request: Request) -> String {
        let route = routes[request.path]
        return route(request)
    }

    func status(for request: Request) -> Int {
        let length: Int = request.headers["Content-Length"]
        return length > 0 ? 200 : 204
    }
}
SWIFT
cat > "$FX/dock/Sources/App/main.swift" <<'SWIFT'
let kernel = HTTPKernel()
print(kernel.handle(Request(path: "/", headers: [:])))
SWIFT
cat > "$FX/dock/Dockerfile" <<'DOCKER'
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib

FROM debian:bookworm-slim
COPY --from=build /src/.build/release/App /usr/local/bin/App
ENTRYPOINT ["App"]
DOCKER

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


# A parallel run's start order varies: keep a capture whose last started test is not the crashed one.
capture_parallel() { # NAME ENV...
    for _ in 1 2 3 4 5 6; do
        (cd "$FX/par" && env "${@:2}" swift test > "$OUT/$1-piped.txt" 2>&1)
        grep ' started\.$' "$OUT/$1-piped.txt" | grep -v 'Test run\|Suite' | tail -1 | grep -q lookupCrashes || return 0
    done
}
capture_parallel crash-parallel-swifttesting SWIFT_BACKTRACE=enable=yes
(cd "$FX/par" && script -qec "swift test" /dev/null > "$OUT/crash-parallel-swifttesting-tty.txt" 2>&1)
capture_parallel crash-parallel-nobacktrace SWIFT_BACKTRACE=enable=no

# docker build without a Docker daemon: the swift output is real, BuildKit's framing is printed by buildkit-plain.py
# in BuildKit's plain-progress format (steps before the failing RUN as BuildKit reports them cached or done).
BUILDKIT="$(cd "$(dirname "$0")" && pwd)/buildkit-plain.py"
{
    printf '%s\n' '#0 building with "default" instance using docker driver' '' \
        '#1 [internal] load build definition from Dockerfile' '#1 transferring dockerfile: 339B done' '#1 DONE 0.0s' '' \
        '#2 [internal] load metadata for docker.io/library/debian:bookworm-slim' '#2 DONE 0.6s' '' \
        '#3 [internal] load metadata for docker.io/library/swift:6.3-bookworm' '#3 DONE 0.7s' '' \
        '#4 [internal] load .dockerignore' '#4 transferring context: 2B done' '#4 DONE 0.0s' '' \
        '#5 [build 1/6] FROM docker.io/library/swift:6.3-bookworm' '#5 DONE 0.0s' '' \
        '#6 [stage-1 1/2] FROM docker.io/library/debian:bookworm-slim' '#6 CACHED' '' \
        '#7 [internal] load build context' '#7 transferring context: 1.02kB done' '#7 DONE 0.0s' '' \
        '#8 [build 2/6] WORKDIR /src' '#8 CACHED' '' '#9 [build 3/6] COPY Package.swift ./' '#9 CACHED' '' \
        '#10 [build 4/6] RUN swift package resolve' '#10 CACHED' '' \
        '#11 [build 5/6] COPY Sources ./Sources' '#11 DONE 0.0s' ''
    (cd "$FX/dock" && rm -rf .build && "$BUILDKIT" 12 "[build 6/6] RUN swift build -c release --static-swift-stdlib" \
        swift build -c release --static-swift-stdlib)
    printf '%s\n' 'Dockerfile:6' '--------------------' '   4 |     RUN swift package resolve' \
        '   5 |     COPY Sources ./Sources' '   6 | >>> RUN swift build -c release --static-swift-stdlib' '   7 |     ' \
        '   8 |     FROM debian:bookworm-slim' '--------------------' \
        'ERROR: failed to solve: process "/bin/sh -c swift build -c release --static-swift-stdlib" did not complete successfully: exit code: 1'
} 2>&1 | sed "s#$FX/dock#/src#g" > "$OUT/docker-build-errors-piped.txt"
{
    printf '%s\n' '#0 building with "default" instance using docker driver' '' \
        '#1 [internal] load build definition from Dockerfile' '#1 transferring dockerfile: 214B done' '#1 DONE 0.0s' '' \
        '#2 [internal] load metadata for docker.io/library/swift:6.3-bookworm' '#2 DONE 0.5s' '' \
        '#3 [internal] load .dockerignore' '#3 transferring context: 58B done' '#3 DONE 0.0s' '' \
        '#4 [test 1/5] FROM docker.io/library/swift:6.3-bookworm' '#4 DONE 0.0s' '' \
        '#5 [internal] load build context' '#5 transferring context: 2.31kB done' '#5 DONE 0.0s' '' \
        '#6 [test 2/5] WORKDIR /src' '#6 CACHED' '' '#7 [test 3/5] COPY . .' '#7 DONE 0.0s' '' \
        '#8 [test 4/5] RUN swift build --build-tests' '#8 CACHED' ''
    (cd "$FX/par" && "$BUILDKIT" 9 "[test 5/5] RUN swift test" swift test)
    printf '%s\n' 'Dockerfile:5' '--------------------' '   3 |     COPY . .' '   4 |     RUN swift build --build-tests' \
        '   5 | >>> RUN swift test' '   6 |     ' '--------------------' \
        'ERROR: failed to solve: process "/bin/sh -c swift test" did not complete successfully: exit code: 1'
} 2>&1 | sed "s#$FX/par#/src#g" > "$OUT/docker-test-crash-piped.txt"
