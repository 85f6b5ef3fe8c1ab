import Foundation
import Logging
@testable import DeployMCP
import SystemPackage
import Testing

/// The stdio transport: one message per line, whatever the reads' boundaries, and a bound on a line's length.
@Suite struct LineDelimitedTransportTests {
    /// The messages read from `bytes` written to a pipe (in `chunks` writes), and how the stream ended.
    func read(_ bytes: [UInt8], chunks: Int = 1, limit: Int = 1 << 20) async throws -> ([String], (any Error)?) {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (input, output) = (FileDescriptor(rawValue: descriptors[0]), FileDescriptor(rawValue: descriptors[1]))
        let sink = try FileDescriptor.open("/dev/null", .writeOnly)
        defer { try? sink.close() }
        let transport = LineDelimitedTransport(
            input: input, output: sink, maximumMessageBytes: limit, logger: Logger(label: "test"))
        try await transport.connect()
        let size = max(1, bytes.count / chunks)
        Thread.detachNewThread {
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                _ = try? bytes[start..<end].withUnsafeBytes { try output.writeAll($0) }
                start = end
            }
            try? output.close()
        }
        var messages: [String] = []
        do {
            for try await message in transport.receive() { messages.append(String(decoding: message, as: UTF8.self)) }
        } catch {
            // Drained before it is closed: the writer would otherwise die of SIGPIPE, and this process with it.
            var rest = [UInt8](repeating: 0, count: 1 << 16)
            while ((try? rest.withUnsafeMutableBytes { try input.read(into: $0) }) ?? 0) > 0 {}
            try? input.close()
            return (messages, error)
        }
        try? input.close()
        return (messages, nil)
    }

    @Test func eachLineIsOneMessageWhateverTheReadsBoundaries() async throws {
        let text = #"{"a":1}"# + "\n\n" + #"{"b":2}"# + "\r\n" + #"{"c":3}"#
        for chunks in [1, 3, text.utf8.count] {
            let (messages, failure) = try await read(Array(text.utf8), chunks: chunks)
            #expect(messages == [#"{"a":1}"#, #"{"b":2}"# + "\r", #"{"c":3}"#], "\(chunks) writes")
            #expect(failure == nil)
        }
    }

    @Test func aLineOverTheLimitEndsTheSessionInsteadOfGrowingMemory() async throws {
        let text = #"{"ok":1}"# + "\n" + String(repeating: "x", count: 300_000) + "\n" + #"{"never":1}"# + "\n"
        let (messages, failure) = try await read(Array(text.utf8), chunks: 10, limit: 100_000)
        #expect(messages == [#"{"ok":1}"#])
        #expect(failure is LineDelimitedTransport.MessageTooLarge)
    }
}
