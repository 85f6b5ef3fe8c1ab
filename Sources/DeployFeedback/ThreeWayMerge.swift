/// A line-based three-way merge (diff3's algorithm), used when a patch made against `base` no longer applies to the
/// moved branch tip: the patch's change (base → theirs) is replayed onto the tip's version (ours).
///
/// Files are handled as bytes split after each `\n`, so line endings and a missing final newline survive.
enum ThreeWayMerge {
    /// A line with its terminator.
    typealias Line = [UInt8]

    /// The merged bytes, or `nil` when both sides changed the same region differently.
    static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8]) -> [UInt8]? {
        merge(base: lines(base), ours: lines(ours), theirs: lines(theirs)).map { $0.flatMap { $0 } }
    }

    /// Splits bytes into lines, each keeping its `\n`; the last line may lack one.
    static func lines(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            result.append(Array(bytes[start...index]))
            start = index + 1
        }
        if start < bytes.count { result.append(Array(bytes[start...])) }
        return result
    }

    /// For each base line kept unchanged in `other`, its index there (from a Myers diff).
    static func matches(_ base: [Line], _ other: [Line]) -> [Int: Int] {
        let difference = other.difference(from: base)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var result: [Int: Int] = [:]
        var j = 0
        for i in base.indices where !removed.contains(i) {
            while inserted.contains(j) { j += 1 }
            result[i] = j
            j += 1
        }
        return result
    }

    static func merge(base: [Line], ours: [Line], theirs: [Line]) -> [Line]? {
        let inOurs = matches(base, ours)
        let inTheirs = matches(base, theirs)
        var merged: [Line] = []
        var (b, o, t) = (0, 0, 0)
        // Stable points: base lines unchanged on both sides; the chunks between them are merged one at a time.
        let stable = base.indices.filter { inOurs[$0] != nil && inTheirs[$0] != nil }
        for anchor in stable + [base.count] {
            let oursEnd = anchor < base.count ? inOurs[anchor]! : ours.count
            let theirsEnd = anchor < base.count ? inTheirs[anchor]! : theirs.count
            let baseChunk = Array(base[b..<anchor])
            let oursChunk = Array(ours[o..<oursEnd])
            let theirsChunk = Array(theirs[t..<theirsEnd])
            if oursChunk == baseChunk {
                merged += theirsChunk
            } else if theirsChunk == baseChunk || oursChunk == theirsChunk {
                merged += oursChunk
            } else {
                return nil
            }
            if anchor < base.count { merged.append(base[anchor]) }
            (b, o, t) = (anchor + 1, oursEnd + 1, theirsEnd + 1)
        }
        return merged
    }
}
