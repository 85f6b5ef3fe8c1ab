/// One recognised shape of build or test output. Each shape is its own small type with a `parse` that reads the
/// line's bytes (no regular expressions: see ``LineBytes``) and documents its captures.
public protocol OutputLine: Sendable {
    /// The line as this shape, or `nil` when it has another shape.
    static func parse(_ line: LineBytes) -> Self?
}
