extension NetworkContext {
    /// Why libgit2's credential callback must not hand out a secret now, as a sentence naming the origins involved
    /// (never a path, a user name or a token); `nil` when it may.
    ///
    /// A credential goes only to the configured remote's scheme, host and port (``origin``), and over plain `http`
    /// only to loopback. Both the URL libgit2 names (`callbackURL`) and the server actually connected to
    /// (``connectedTo``) must be that origin. libgit2 1.5.1 follows a redirect to another port of the same host even
    /// with `GIT_REMOTE_REDIRECT_NONE` (it compares host names only) and asks again with the redirect's URL, which
    /// the first check refuses; the connection is checked as well because other libgit2 versions pass the remote's
    /// own URL there, and only the connection then tells where the secret would go. (No proxy is configured for
    /// these operations; through one, the connection would be the proxy's and every credential would be refused.)
    func credentialRefusal(callbackURL: String?) -> String? {
        guard let origin else {
            return "the operation has no network remote to check the request against"
        }
        guard let requested = callbackURL.flatMap(NetworkOrigin.init(remoteURL:)) else {
            return "libgit2 asked without a URL deployctl can read"
        }
        if let refusal = origin.credentialRefusal(for: requested) { return refusal }
        guard let connectedTo else {
            return "deployctl cannot tell which server asks"
        }
        let server = NetworkOrigin(scheme: requested.scheme, host: connectedTo.host, port: connectedTo.port)
        if let refusal = origin.credentialRefusal(for: server) {
            return "the request was redirected: \(refusal)"
        }
        return nil
    }
}
