import Clibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libgit2's standard (non-TLS) socket stream, replaced so that connects, reads and writes wait in short `poll`
/// slices and give up when the current ``NetworkContext`` is cancelled or past its deadline. libgit2 1.5 has no
/// socket timeout, so without this a remote that accepts but never answers would block a fetch forever.
///
/// It also records, in the operation's context, which host and port each connection goes to: the credential callback
/// answers only when that is the configured remote (a redirect to another port or host gets no token).
///
/// libgit2's TLS stream wraps the standard stream, so HTTPS goes through here too. The memory layout starts like
/// libgit2's own `git_socket_stream` (`parent`, `host`, `port`, socket), which its SSH transport reads the socket from.
enum DeadlineSocketStream {
    struct Storage {
        var parent: git_stream
        var host: UnsafeMutablePointer<CChar>?
        var port: UnsafeMutablePointer<CChar>?
        var fd: Int32
        var context: UnsafeMutableRawPointer?
    }

    static func register() {
        var registration = git_stream_registration()
        registration.version = Int32(GIT_STREAM_VERSION)
        registration.`init` = { out, host, port in DeadlineSocketStream.create(out, host, port) }
        _ = git_stream_register(GIT_STREAM_STANDARD, &registration)
    }

    private static func storageOf(_ stream: UnsafeMutablePointer<git_stream>?) -> UnsafeMutablePointer<Storage> {
        UnsafeMutableRawPointer(stream!).assumingMemoryBound(to: Storage.self)
    }

    private static func create(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_stream>?>?,
        _ host: UnsafePointer<CChar>?,
        _ port: UnsafePointer<CChar>?
    ) -> Int32 {
        guard let out, let host, let port else { return -1 }
        var parent = git_stream()
        parent.version = Int32(GIT_STREAM_VERSION)
        parent.encrypted = 0
        parent.proxy_support = 0
        parent.connect = { stream in DeadlineSocketStream.connect(DeadlineSocketStream.storageOf(stream)) }
        parent.read = { stream, buffer, length in DeadlineSocketStream.read(DeadlineSocketStream.storageOf(stream), buffer, length) }
        parent.write = { stream, data, length, _ in DeadlineSocketStream.write(DeadlineSocketStream.storageOf(stream), data, length) }
        parent.close = { stream in
            let storage = DeadlineSocketStream.storageOf(stream)
            if storage.pointee.fd >= 0 {
                _ = systemClose(storage.pointee.fd)
                storage.pointee.fd = -1
            }
            return 0
        }
        parent.free = { stream in
            let storage = DeadlineSocketStream.storageOf(stream)
            if storage.pointee.fd >= 0 { _ = systemClose(storage.pointee.fd) }
            free(storage.pointee.host)
            free(storage.pointee.port)
            if let context = storage.pointee.context { Unmanaged<NetworkContext>.fromOpaque(context).release() }
            storage.deinitialize(count: 1)
            storage.deallocate()
        }
        let storage = UnsafeMutablePointer<Storage>.allocate(capacity: 1)
        storage.initialize(
            to: Storage(
                parent: parent,
                host: strdup(host),
                port: strdup(port),
                fd: -1,
                context: NetworkContext.current.map { Unmanaged.passRetained($0).toOpaque() }
            )
        )
        out.pointee = UnsafeMutableRawPointer(storage).assumingMemoryBound(to: git_stream.self)
        return 0
    }

    private enum Wait { case ready, stopped, failed }

    /// Waits until `fd` is ready for `events`, in slices of at most 50 ms, checking the operation's stop flag.
    private static func wait(_ storage: UnsafeMutablePointer<Storage>, fd: Int32, events: Int16) -> Wait {
        while true {
            if let raw = storage.pointee.context {
                let context = Unmanaged<NetworkContext>.fromOpaque(raw).takeUnretainedValue()
                if let reason = context.stopReason {
                    let host = String(cString: storage.pointee.host!)
                    setNetworkError(reason == .timedOut ? "timed out waiting for \(host)" : "cancelled while talking to \(host)")
                    return .stopped
                }
            }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&descriptor, 1, 50)
            if result > 0 { return .ready }
            if result == 0 || errno == EINTR { continue }
            setNetworkError("poll failed: \(String(cString: strerror(errno)))")
            return .failed
        }
    }

    private static func connect(_ storage: UnsafeMutablePointer<Storage>) -> Int32 {
        let host = String(cString: storage.pointee.host!)
        let port = String(cString: storage.pointee.port!)
        recordConnection(storage, host: nil, port: nil)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, port, &hints, &list)
        guard resolved == 0 else {
            setNetworkError("failed to resolve address for \(host): \(String(cString: gai_strerror(resolved)))")
            return -1
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry = list
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            if systemConnect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                switch wait(storage, fd: fd, events: Int16(POLLOUT)) {
                case .ready:
                    var socketError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                    if socketError == 0 {
                        storage.pointee.fd = fd
                        recordConnection(storage, host: host, port: port)
                        return 0
                    }
                    lastError = String(cString: strerror(socketError))
                case .stopped, .failed:
                    _ = systemClose(fd)
                    return -1
                }
            } else {
                lastError = String(cString: strerror(errno))
            }
            _ = systemClose(fd)
        }
        setNetworkError("failed to connect to \(host):\(port): \(lastError)")
        return -1
    }

    /// Tells the operation which server it now talks to, for the credential callback's origin check.
    /// `nil` while a new connection is being made, so that a stale one never vouches for it.
    private static func recordConnection(_ storage: UnsafeMutablePointer<Storage>, host: String?, port: String?) {
        guard let raw = storage.pointee.context else { return }
        let context = Unmanaged<NetworkContext>.fromOpaque(raw).takeUnretainedValue()
        if let host, let port = port.flatMap({ Int($0) }) {
            context.connectedTo = (host, port)
        } else {
            context.connectedTo = nil
        }
    }

    private static func read(_ storage: UnsafeMutablePointer<Storage>, _ buffer: UnsafeMutableRawPointer?, _ length: Int) -> Int {
        let fd = storage.pointee.fd
        while true {
            guard wait(storage, fd: fd, events: Int16(POLLIN)) == .ready else { return -1 }
            let count = recv(fd, buffer, length, 0)
            if count >= 0 { return count }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            setNetworkError("could not read from socket: \(String(cString: strerror(errno)))")
            return -1
        }
    }

    private static func write(_ storage: UnsafeMutablePointer<Storage>, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int {
        let fd = storage.pointee.fd
        while true {
            guard wait(storage, fd: fd, events: Int16(POLLOUT)) == .ready else { return -1 }
            #if canImport(Glibc)
            let count = send(fd, data, length, Int32(MSG_NOSIGNAL))
            #else
            let count = send(fd, data, length, 0)
            #endif
            if count >= 0 { return count }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            setNetworkError("could not write to socket: \(String(cString: strerror(errno)))")
            return -1
        }
    }

    private static func setNetworkError(_ message: String) {
        git_error_set_str(Int32(GIT_ERROR_NET.rawValue), message)
    }
}

private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>?, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
