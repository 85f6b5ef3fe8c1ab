extension BuildReport {
    /// A short Markdown summary: counts, the distinct errors (with notes), failed and crashed tests, and suggested
    /// next steps for the common problems (missing module, type mismatch, linker error, test failure, crash).
    public func markdownSummary(maximumItems: Int = 10) -> String {
        var out: [String] = []
        let errors = diagnostics.filter { $0.severity == .error }
        let warnings = diagnostics.filter { $0.severity == .warning }
        out.append("### Build report")
        out.append("")
        out.append("- errors: \(errors.count), warnings: \(warnings.count)")
        out.append("- tests: \(tests.passed) passed, \(tests.failed) failed, \(tests.skipped) skipped")
        if let crashed = tests.crashed {
            out.append("- crashed: \(crashed.displayName)" + (crashed.signal.map { " (signal \($0))" } ?? ""))
        }
        if !errors.isEmpty {
            out.append("")
            out.append("#### Errors")
            for diagnostic in errors.prefix(maximumItems) {
                out.append(
                    "- " + Self.location(diagnostic.file, diagnostic.line, diagnostic.column) + diagnostic.message
                        + (diagnostic.occurrences > 1 ? " (×\(diagnostic.occurrences))" : "")
                )
                for note in diagnostic.notes {
                    out.append("  - note: " + Self.location(note.file, note.line, note.column) + note.message)
                }
            }
            if errors.count > maximumItems { out.append("- … \(errors.count - maximumItems) more") }
        }
        if !tests.failures.isEmpty {
            out.append("")
            out.append("#### Failed tests")
            for failure in tests.failures.prefix(maximumItems) {
                let name = (failure.suite.map { "\($0)." } ?? "") + failure.name
                out.append("- `\(name)` " + Self.location(failure.file, failure.line, nil) + failure.message)
            }
        }
        let steps = nextSteps()
        if !steps.isEmpty {
            out.append("")
            out.append("#### Suggested next steps")
            for step in steps { out.append("- \(step)") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Advice for the kinds of problems present, most blocking first.
    public func nextSteps() -> [String] {
        let kinds = Set(diagnostics.filter { $0.severity == .error }.map(\.kind))
        var steps: [String] = []
        if kinds.contains(.missingModule) {
            let modules = diagnostics.filter { $0.kind == .missingModule }.map(\.message)
            steps.append(
                "Missing module (\(modules.joined(separator: "; "))): add the package or target to the "
                    + "dependencies in Package.swift, or fix the import's spelling. Other errors may be hidden "
                    + "until it resolves, so fix this first and rebuild."
            )
        }
        if kinds.contains(.typeMismatch) {
            steps.append(
                "Type mismatch: compare the expected and actual types named in the message; convert the value "
                    + "or change the declaration the note points to."
            )
        }
        if kinds.contains(.missingSymbol) {
            steps.append("Unknown name: check spelling, access level (`public` across modules) and missing imports.")
        }
        if kinds.contains(.missingArgument) {
            steps.append("Call does not match its declaration: see the `declared here` note for the expected labels.")
        }
        if kinds.contains(.exhaustiveness) {
            steps.append("Non-exhaustive switch: add the cases the note lists, or a `default`.")
        }
        if kinds.contains(.linker) {
            steps.append(
                "Linker error: a symbol is declared but not defined in any linked target. Check that the "
                    + "target defining it is a dependency of the product, and that `@_silgen_name`/C declarations "
                    + "match."
            )
        }
        if let crashed = tests.crashed {
            if crashed.name == nil, !crashed.candidates.isEmpty {
                let names = crashed.candidates.map { "`\($0)`" }.joined(separator: ", ")
                steps.append(
                    "Crash in one of the \(crashed.candidates.count) tests running in parallel (\(names)); the log "
                        + "does not say which. Re-run each alone with `swift test --filter NAME` to find it; then look "
                        + "for `fatalError`, force unwraps and out-of-range indexes."
                )
            } else {
                let name = crashed.name.map { "`\($0)`" } ?? "the test process"
                steps.append(
                    "Crash in \(name): look for `fatalError`, force unwraps and out-of-range indexes; the runner "
                        + "stopped there, so tests after it did not run. Re-run it alone with `swift test --filter`."
                )
            }
        }
        let crashedCounted = tests.crashed.map { $0.name != nil || !$0.candidates.isEmpty } ?? false
        if tests.failed > (crashedCounted ? 1 : 0) {
            steps.append(
                "Failing tests: read each failure's message at its file:line; re-run one with "
                    + "`swift test --filter NAME`. A test that passes on retry without a change is flaky."
            )
        }
        return steps
    }

    private static func location(_ file: String?, _ line: Int?, _ column: Int?) -> String {
        guard let file else { return "" }
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return "`\(text)` "
    }
}
