/// Compiler, linker and tool diagnostics: one entry per distinct diagnostic, its repeats counted and its notes
/// attached.
extension BuildOutputParser {
    /// Records `parsed` when it is a diagnostic (compiler, located or tool line) or a note's source excerpt, as read
    /// the first time or replayed by BuildKit's failure summary; any other line is left alone.
    mutating func recordDiagnostic(_ parsed: ParsedLine, replay: Bool = false) {
        switch parsed {
        case .diagnostic(let diagnostic):
            record(
                file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, severity: diagnostic.severity,
                message: diagnostic.message, category: diagnostic.category, replay: replay)
        case .located(let located):
            record(
                file: located.file, line: located.line, column: nil, severity: located.severity,
                message: located.message, category: nil, replay: replay)
        case .tool(let tool):
            let message = tool.tool.map { "\($0): \(tool.message)" } ?? tool.message
            record(
                file: nil, line: nil, column: nil, severity: tool.severity, message: message, category: nil,
                replay: replay)
        case .excerpt(let excerpt):
            if excerpt.marker == .note, let message = excerpt.message { attachNote(.init(message: message)) }
        default:
            break
        }
    }

    mutating func record(
        file: String?,
        line: Int?,
        column: Int?,
        severity: BuildReport.Severity,
        message: String,
        category: String?,
        replay: Bool = false
    ) {
        if severity == .note, current != nil {
            attachNote(.init(file: file, line: line, column: column, message: message))
            return
        }
        let key = DiagnosticKey(file: file, line: line, column: column, severity: severity, message: message)
        if let index = diagnosticIndex[key] {
            if !replay { report.diagnostics[index].occurrences += 1 }
            current = index
            return
        }
        diagnosticIndex[key] = report.diagnostics.count
        current = report.diagnostics.count
        report.diagnostics.append(
            BuildReport.Diagnostic(
                file: file,
                line: line,
                column: column,
                severity: severity,
                message: message,
                category: category
            )
        )
    }

    mutating func attachNote(_ note: BuildReport.Note) {
        guard let current else { return }
        var notes = report.diagnostics[current].notes
        if let existing = notes.firstIndex(where: { $0.message == note.message }) {
            if notes[existing].file == nil, note.file != nil { notes[existing] = note }
        } else {
            notes.append(note)
        }
        report.diagnostics[current].notes = notes
    }
}
