import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 that counts the connections it accepts, on a thread of its own.
public final class LoopbackServer: @unchecked Sendable {
    public let port: UInt16
    private let descriptor: Int32
    private let lock = NSLock()
    private var accepted = 0

    public init() throws {
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
        let thread = Thread { [self] in
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                lock.withLock { accepted += 1 }
                _ = Glibc.close(client)
            }
        }
        thread.start()
    }

    public func acceptedConnections() -> Int { lock.withLock { accepted } }

    public func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
    }
}
