import Foundation
import Testing

/// Checks that `spellings` names every case of `Value` once (a new case fails until it is pinned too), that each
/// encodes as its spelling (a JSON string) and prints as it, and that each spelling decodes back to its case: the
/// spellings records and `status --json` keep.
public func pinSpellings<Value: CaseIterable & Codable & Hashable & RawRepresentable<String> & CustomStringConvertible>(
    _ type: Value.Type, _ spellings: KeyValuePairs<Value, String>, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(
        Set(spellings.map(\.key)) == Set(Value.allCases) && spellings.count == Value.allCases.count,
        "every case of \(Value.self) is pinned once", sourceLocation: sourceLocation)
    for (value, spelling) in spellings {
        let encoded = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        #expect(encoded == "\"\(spelling)\"", "\(Value.self).\(value)", sourceLocation: sourceLocation)
        #expect(value.rawValue == spelling, sourceLocation: sourceLocation)
        #expect("\(value)" == spelling, "interpolation prints the spelling", sourceLocation: sourceLocation)
        let decoded = try JSONDecoder().decode(Value.self, from: Data("\"\(spelling)\"".utf8))
        #expect(decoded == value, sourceLocation: sourceLocation)
    }
}
