import Dispatch
import Foundation
import Logging
import MCP
import SystemPackage

/// MCP's stdio transport (one JSON-RPC message per line) over two file descriptors, with a bound on a message's
/// size: a peer that sends a line longer than ``maximumMessageBytes`` ends the session instead of growing the
/// server's memory without limit. Reads block on a thread of their own (no polling); writes are whole lines, one at
/// a time.
public actor LineDelimitedTransport: Transport {
    public nonisolated let logger: Logger
    /// The longest message read: room for the largest feedback document (`DISPATCHER_FEEDBACK_MAX_BYTES`) JSON-
    /// escaped twice over.
    public let maximumMessageBytes: Int
    private let input: FileDescriptor
    private let output: FileDescriptor
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var connected = false

    /// Why a session ended early.
    public struct MessageTooLarge: Error, CustomStringConvertible {
        public var limit: Int
        public var description: String { "a message is longer than \(limit) bytes; the session is ended" }
    }

    public init(
        input: FileDescriptor = .standardInput, output: FileDescriptor = .standardOutput,
        maximumMessageBytes: Int = 32 << 20, logger: Logger
    ) {
        self.input = input
        self.output = output
        self.maximumMessageBytes = maximumMessageBytes
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !connected else { return }
        connected = true
        let input = input
        let limit = maximumMessageBytes
        let continuation = continuation
        let logger = logger
        Thread.detachNewThread {
            Self.readLines(from: input, limit: limit, into: continuation, logger: logger)
        }
    }

    public func disconnect() async {
        connected = false
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        var line = data
        line.append(UInt8(ascii: "\n"))
        try line.withUnsafeBytes { bytes in
            _ = try output.writeAll(bytes)
        }
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// Reads `input` to its end, yielding each non-empty line; a line over `limit` bytes finishes the stream with
    /// ``MessageTooLarge``.
    private static func readLines(
        from input: FileDescriptor, limit: Int, into continuation: AsyncThrowingStream<Data, any Error>.Continuation,
        logger: Logger
    ) {
        var pending = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count: Int
            do { count = try chunk.withUnsafeMutableBytes { try input.read(into: $0, retryOnInterrupt: true) } } catch {
                logger.error("mcp: standard input cannot be read: \(error)")
                continuation.finish(throwing: error)
                return
            }
            if count == 0 { break }
            var start = 0
            while let end = chunk[start..<count].firstIndex(of: UInt8(ascii: "\n")) {
                pending.append(contentsOf: chunk[start..<end])
                start = end + 1
                if !pending.isEmpty { continuation.yield(pending) }
                pending = Data()
            }
            pending.append(contentsOf: chunk[start..<count])
            if pending.count > limit {
                logger.error("mcp: \(MessageTooLarge(limit: limit))")
                continuation.finish(throwing: MessageTooLarge(limit: limit))
                return
            }
        }
        if !pending.isEmpty { continuation.yield(pending) }
        continuation.finish()
    }
}
