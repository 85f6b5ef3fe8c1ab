import Foundation

/// A small, seeded random generator (SplitMix64) so that every property run is reproducible: a failure message
/// names the seed, and `DEPLOYCTL_PROPERTY_SEED` replays it.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private(set) var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One of `items`.
    mutating func pick<T>(_ items: [T]) -> T {
        items[Int.random(in: 0..<items.count, using: &self)]
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < p
    }

    /// `bytes` changed a few times: flipped, dropped, duplicated or spliced bytes, or cut short.
    mutating func mutate(_ bytes: [UInt8], splices: [[UInt8]] = []) -> [UInt8] {
        var result = bytes
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let index = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0 where !result.isEmpty: result[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &self))
            case 1 where !result.isEmpty: result.remove(at: index)
            case 2: result.insert(UInt8.random(in: 0...255, using: &self), at: index)
            case 3 where !splices.isEmpty: result.insert(contentsOf: pick(splices), at: index)
            case 4: result = Array(result.prefix(index))
            default:
                if !result.isEmpty { result.insert(result[index], at: index) }
            }
        }
        return result
    }
}

/// The property runs' settings: iterations per property (`DEPLOYCTL_PROPERTY_ITERATIONS`, default 400) and the
/// seed (`DEPLOYCTL_PROPERTY_SEED`, default fixed so CI is deterministic).
enum PropertySettings {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["DEPLOYCTL_PROPERTY_ITERATIONS"].flatMap(Int.init) ?? 400
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["DEPLOYCTL_PROPERTY_SEED"].flatMap { UInt64($0) } ?? 20_261_125
    }
}
