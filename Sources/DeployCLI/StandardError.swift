import Foundation

/// Standard error for what deployctl prints itself (progress, cycle summaries, error messages).
enum StandardError {
    /// Writes `text`, ignoring a failed write: a loop whose terminal hung up (EIO) or whose reader went away must
    /// still shut down or run on, where `FileHandle.write(_:)` would stop the process.
    static func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
