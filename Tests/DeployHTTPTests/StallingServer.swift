import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on 127.0.0.1 that stalls: it reads a request, writes `prefix` (e.g. a status line and headers that
/// promise a body), then holds the connection open without another byte until the client hangs up.
///
/// It notes when each connection was accepted and when its client hung up, on threads of its own: what a test
/// measures is then when the transport ended the exchange, not when the test's task was next scheduled (on 2 cores
/// the suite's other tests can keep Swift's task pool busy for many seconds).
final class StallingServer: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var accepted: [ContinuousClock.Instant] = []
    private var hungUp: [Int: ContinuousClock.Instant] = [:]

    /// - Parameter prefix: what is written after the request is read; empty writes nothing at all.
    init(prefix: String) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && listen(socket, 8) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard ready else { throw POSIXError(.EADDRINUSE) }
        descriptor = socket
        port = UInt16(bigEndian: address.sin_port)
        let bytes = Array(prefix.utf8)
        let thread = Thread { [self] in
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                let index = lock.withLock {
                    clients.append(client)
                    accepted.append(ContinuousClock.now)
                    return clients.count - 1
                }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                _ = read(client, &buffer, buffer.count)
                if !bytes.isEmpty { _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) } }
                // Whatever else the client sends is read and dropped; end of file (or a reset) is its hang-up.
                Thread { [self] in
                    var rest = [UInt8](repeating: 0, count: 4096)
                    while read(client, &rest, rest.count) > 0 {}
                    lock.withLock { hungUp[index] = ContinuousClock.now }
                }.start()
            }
        }
        thread.start()
    }

    /// `http://127.0.0.1:PORT`.
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Connections accepted so far.
    var connections: Int { lock.withLock { clients.count } }

    /// When the first connection's client hung up, waiting up to `limit` for it.
    func firstHangUp(within limit: Duration = .seconds(60)) async throws -> ContinuousClock.Instant? {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if let instant = lock.withLock({ hungUp[0] }) { return instant }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// How long the first connection stayed open: from its accept to its client's hang-up.
    func firstConnectionLifetime(within limit: Duration = .seconds(60)) async throws -> Duration? {
        guard let end = try await firstHangUp(within: limit), let start = lock.withLock({ accepted.first }) else {
            return nil
        }
        return end - start
    }

    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
        for client in lock.withLock({ clients }) { _ = Glibc.close(client) }
    }
}
