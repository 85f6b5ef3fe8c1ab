import Clibgit2

/// Which HTTP redirects git operations follow: none to another host.
///
/// libgit2's default (`GIT_REMOTE_REDIRECT_INITIAL`, like git's `http.followRedirects=initial`) follows a redirect of
/// the first request (`/info/refs`) to any host. deployctl sets `GIT_REMOTE_REDIRECT_NONE` for every fetch, push and
/// clone instead, for two reasons:
///
/// - a token must reach only the configured remote; the credential callback refuses any other origin too (see
///   `NetworkContext.credentialRefusal(callbackURL:)`), but a redirect that is never followed cannot be
///   mistaken for the remote at all;
/// - even without a token, an off-site redirect would make deployctl deploy code served by a host nobody configured.
///
/// What still works: redirects within the same host, e.g. a repository renamed on GitHub or GitLab (libgit2 follows
/// those with `NONE`: it compares host names only). A redirect to another port or scheme of the same host is
/// followed by libgit2 but then gets no credential. A repository moved to another host fails with a message naming
/// that host: update the remote's URL.
enum RedirectPolicy {
    /// For `git_fetch_options.follow_redirects` and `git_push_options.follow_redirects`.
    static let libgit2 = GIT_REMOTE_REDIRECT_NONE

    /// For the `git` command line (shallow clones): `http.followRedirects=false`, as `GIT_CONFIG_KEY_n`/`VALUE_n`.
    /// The token travels there as an `http.extraHeader`, which git sends with every request, so it must follow no
    /// redirect at all.
    static let gitConfiguration = (key: "http.followRedirects", value: "false")
}
