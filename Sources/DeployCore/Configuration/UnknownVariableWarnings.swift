/// Names that start with `DISPATCHER_` but are not known: likely typos, each reported with the closest known name.
enum UnknownVariableWarnings {
    /// One warning per unknown `DISPATCHER_*` name, the environment's (sorted) first, then the file's in line order.
    static func warnings(environment: [String: String], file: EnvironmentFile) -> [String] {
        let known = Set(ConfigurationVariable.all.map(\.name))
        var warnings: [String] = []
        func check(_ name: String, at place: String) {
            guard name.hasPrefix("DISPATCHER_"), !known.contains(name) else { return }
            var warning = "\(place): unknown variable \(name)"
            if let suggestion = closestKnownName(to: name) { warning += " (did you mean \(suggestion)?)" }
            warnings.append(warning)
        }
        for name in environment.keys.sorted() { check(name, at: "environment") }
        for entry in file.entries { check(entry.key, at: "\(file.path):\(entry.line)") }
        return warnings
    }

    /// The known name nearest to `name`, if it is at most four edits away.
    static func closestKnownName(to name: String) -> String? {
        let candidates = ConfigurationVariable.all.map(\.name).map { ($0, editDistance($0, name)) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 4 else { return nil }
        return best.0
    }

    /// Levenshtein distance, for typo suggestions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}
