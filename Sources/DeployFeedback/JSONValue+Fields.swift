/// A JSON type a field must have, with the words messages use for it: "must be `name`", "accepted: `phrase`".
public struct JSONFieldType<Value>: Sendable {
    /// The bare name, as in "must be string": `string`, `boolean`, `integer`, `object`, `array of strings`.
    public let name: String
    /// The name with its article, as in "accepted: a string"; `true or false` for a boolean.
    public let phrase: String
    let extract: @Sendable (JSONValue) -> Value?
}

extension JSONFieldType where Value == String {
    /// A JSON string.
    public static var string: Self {
        Self(name: "string", phrase: "a string") { if case .string(let value) = $0 { value } else { nil } }
    }
}

extension JSONFieldType where Value == Bool {
    /// `true` or `false` (a number is not a boolean).
    public static var boolean: Self {
        Self(name: "boolean", phrase: "true or false") { if case .bool(let value) = $0 { value } else { nil } }
    }
}

extension JSONFieldType where Value == Int {
    /// A whole number below one billion in magnitude (`1.5`, `1e12` are not).
    public static var integer: Self {
        Self(name: "integer", phrase: "an integer") {
            if case .number(let value) = $0, value.rounded() == value, abs(value) < 1e9 { Int(value) } else { nil }
        }
    }
}

extension JSONFieldType where Value == [String: JSONValue] {
    /// A JSON object.
    public static var object: Self {
        Self(name: "object", phrase: "an object") { if case .object(let value) = $0 { value } else { nil } }
    }
}

extension JSONFieldType where Value == [JSONValue] {
    /// A JSON array of any elements.
    public static var array: Self {
        Self(name: "array", phrase: "an array") { if case .array(let value) = $0 { value } else { nil } }
    }
}

extension JSONFieldType where Value == [String] {
    /// A JSON array whose elements are all strings.
    public static var strings: Self {
        Self(name: "array of strings", phrase: "an array of strings") { value in
            guard case .array(let elements) = value else { return nil }
            var strings: [String] = []
            for element in elements {
                guard case .string(let string) = element else { return nil }
                strings.append(string)
            }
            return strings
        }
    }
}

extension JSONValue {
    /// The type's name with its article, for "found …" in messages: `a string`, `a number`, `a boolean`, `an array`,
    /// `an object` or `null`.
    public var typePhrase: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension [String: JSONValue] {
    /// The field `key` as `type`: `nil` when absent or `null`.
    /// - Parameters:
    ///   - key: the field's name.
    ///   - type: the type the field must have.
    ///   - mismatch: makes the caller's error from the value found, when it has another type.
    /// - Throws: what `mismatch` returns.
    public func field<Field, Failure: Error>(
        _ key: String, as type: JSONFieldType<Field>, mismatch: (_ found: JSONValue) -> Failure
    ) throws(Failure) -> Field? {
        guard let value = self[key], value != .null else { return nil }
        guard let typed = type.extract(value) else { throw mismatch(value) }
        return typed
    }

    /// The first key, in sorted order, that is not in `allowed` (for "unknown keys are an error").
    public func firstUnknownKey(allowed: Set<String>) -> String? {
        keys.sorted().first { !allowed.contains($0) }
    }
}

extension JSONFieldType where Value == Double {
    /// A finite JSON number (`60`, `0.5`).
    public static var number: Self {
        Self(name: "number", phrase: "a number") { if case .number(let value) = $0, value.isFinite { value } else { nil } }
    }
}
