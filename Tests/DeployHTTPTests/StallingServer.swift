import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on 127.0.0.1 that stalls: it reads a request, writes `prefix` (e.g. a status line and headers that
/// promise a body), then holds the connection open without another byte until it is closed.
final class StallingServer: @unchecked Sendable {
    let port: UInt16
    private let descriptor: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []

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
                lock.withLock { clients.append(client) }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                _ = read(client, &buffer, buffer.count)
                if !bytes.isEmpty { _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) } }
            }
        }
        thread.start()
    }

    /// `http://127.0.0.1:PORT`.
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Connections accepted so far.
    var connections: Int { lock.withLock { clients.count } }

    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
        for client in lock.withLock({ clients }) { _ = Glibc.close(client) }
    }
}
