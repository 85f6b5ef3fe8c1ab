import Foundation

extension FeedbackInbox {
    /// Puts a document handed in by a client (the HTTP API, an MCP agent) into the folder as `name`, pending.
    ///
    /// The bytes are written to a temporary name (a leading `.`, which the folder's readers ignore) and renamed into
    /// place, so a loop watching the folder sees the whole document or nothing.
    /// - Returns: the pending file.
    /// - Throws: ``FeedbackError/Code/io`` when the folder cannot be written.
    @discardableResult
    public func deposit(_ data: Data, named name: String) throws(FeedbackError) -> URL {
        try AtomicFile.makeFolder(directory)
        let url = directory.appendingPathComponent(name)
        try AtomicFile.write(data, to: url, sync: syncs)
        return url
    }
}
