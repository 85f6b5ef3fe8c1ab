import Clibgit2
import Foundation

/// A remote as the repository's configuration describes it, read with exact-name lookups only.
///
/// Why not `git_remote_lookup`: libgit2 1.5.1 (Debian 12's `libgit2-dev`) leaks the PCRE2 match data of every
/// configuration entry that a regular expression does not match (`git_regexp_match` returns early without freeing it;
/// fixed in libgit2 1.6). `git_remote_lookup`, `git_branch_upstream_name` and `insteadOf` resolution all iterate the
/// configuration through such expressions: measured here, about 115 kB per lookup and 260 kB per lookup + fetch, which
/// an always-on loop fetching 50 repositories a minute turns into gigabytes a day. Reading the few keys deployctl needs
/// by exact name and iterating the configuration without a pattern leaks nothing (4 kB over 200 reads), and an
/// in-memory (anonymous) remote built from them fetches and pushes like the named one.
struct ConfiguredRemote: Sendable {
    /// The remote's name, e.g. `origin`.
    var name: String
    /// `remote.NAME.url` with `url.BASE.insteadOf` applied.
    var url: String
    /// Where pushes go: `remote.NAME.pushurl` (with `insteadOf`), else the URL with `pushInsteadOf`, else ``url``.
    var pushURL: String
    /// `remote.NAME.fetch`, in order.
    var fetchRefspecs: [String]

    /// Reads remote `name` from `config`; `nil` when it has no URL (no such remote).
    static func read(_ name: String, from config: OpaquePointer) -> ConfiguredRemote? {
        guard let rawURL = string("remote.\(name).url", in: config) else { return nil }
        let rewrites = URLRewrites(config)
        let url = rewrites.apply(to: rawURL, push: false)
        let pushURL = string("remote.\(name).pushurl", in: config).map { rewrites.apply(to: $0, push: false) }
            ?? rewrites.apply(to: rawURL, push: true)
        return ConfiguredRemote(
            name: name, url: url, pushURL: pushURL, fetchRefspecs: strings("remote.\(name).fetch", in: config))
    }

    /// The remote-tracking ref that `reference` (e.g. `refs/heads/main`) maps to through the fetch refspecs, e.g.
    /// `refs/remotes/origin/main`; `nil` when no refspec maps it.
    func trackingReference(for reference: String) -> String? {
        for text in fetchRefspecs {
            var refspec: OpaquePointer?
            guard git_refspec_parse(&refspec, text, 1) == 0 else {
                git_error_clear()
                continue
            }
            defer { git_refspec_free(refspec) }
            guard git_refspec_src_matches(refspec, reference) != 0 else { continue }
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            guard git_refspec_transform(&buffer, refspec, reference) == 0 else {
                git_error_clear()
                continue
            }
            return String(cString: buffer.ptr)
        }
        return nil
    }

    /// Creates the in-memory remote for one direction: at ``url`` to fetch, at ``pushURL`` to push (libgit2 1.5.1
    /// pushes an anonymous remote to its URL even when an instance push URL is set), with the first fetch refspec
    /// as its own so that a push updates the remote-tracking ref. Free the handle with `git_remote_free`.
    func makeHandle(in repo: OpaquePointer, forPush: Bool = false) -> (result: Int32, handle: OpaquePointer?) {
        var options = git_remote_create_options()
        git_remote_create_options_init(&options, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
        options.repository = repo
        options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue
        var handle: OpaquePointer?
        let result = fetchRefspecs.first.withOptionalCString { fetchspec in
            options.fetchspec = fetchspec
            return git_remote_create_with_opts(&handle, forPush ? pushURL : url, &options)
        }
        return (result, result == 0 ? handle : nil)
    }

    /// The single value of `key`, or `nil` when it is not set.
    static func string(_ key: String, in config: OpaquePointer) -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_config_get_string_buf(&buffer, config, key) == 0 else {
            git_error_clear()
            return nil
        }
        return String(cString: buffer.ptr)
    }

    /// Every value of the multivar `key`, in order (no pattern: nothing leaks).
    static func strings(_ key: String, in config: OpaquePointer) -> [String] {
        var iterator: OpaquePointer?
        guard git_config_multivar_iterator_new(&iterator, config, key, nil) == 0 else {
            git_error_clear()
            return []
        }
        defer { git_config_iterator_free(iterator) }
        var values: [String] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            values.append(String(cString: entry.pointee.value))
        }
        git_error_clear()
        return values
    }
}

/// `url.BASE.insteadOf` and `url.BASE.pushInsteadOf` rules, read by iterating the configuration without a pattern.
struct URLRewrites {
    private var fetchRules: [(prefix: String, base: String)] = []
    private var pushRules: [(prefix: String, base: String)] = []

    init(_ config: OpaquePointer) {
        var iterator: OpaquePointer?
        guard git_config_iterator_new(&iterator, config) == 0 else {
            git_error_clear()
            return
        }
        defer { git_config_iterator_free(iterator) }
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let entry {
            // Names come normalised: section and key lower-case, the subsection (BASE) as written.
            let name = String(cString: entry.pointee.name)
            guard name.hasPrefix("url.") else { continue }
            let value = String(cString: entry.pointee.value)
            if name.hasSuffix(".insteadof") {
                fetchRules.append((value, String(name.dropFirst(4).dropLast(".insteadof".count))))
            } else if name.hasSuffix(".pushinsteadof") {
                pushRules.append((value, String(name.dropFirst(4).dropLast(".pushinsteadof".count))))
            }
        }
        git_error_clear()
    }

    /// `url` with the longest matching prefix replaced, as git does; for a push, `pushInsteadOf` rules come first.
    func apply(to url: String, push: Bool) -> String {
        if push, let rewritten = Self.longestMatch(url, pushRules) { return rewritten }
        return Self.longestMatch(url, fetchRules) ?? url
    }

    private static func longestMatch(_ url: String, _ rules: [(prefix: String, base: String)]) -> String? {
        guard let rule = rules.filter({ url.hasPrefix($0.prefix) }).max(by: { $0.prefix.count < $1.prefix.count })
        else { return nil }
        return rule.base + url.dropFirst(rule.prefix.count)
    }
}

extension Optional where Wrapped == String {
    /// Calls `body` with a C string of the value, or with `nil`.
    fileprivate func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        switch self {
        case .some(let string): string.withCString { body($0) }
        case .none: body(nil)
        }
    }
}

extension GitRepository {
    /// Remote `name` as configured, read from a snapshot of the configuration.
    /// - Throws: ``GitError/Code/notFound`` when there is no such remote.
    func configuredRemote(_ name: String, in repo: OpaquePointer, operation: String) throws(GitError)
        -> ConfiguredRemote
    {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, repo), operation)
        defer { git_config_free(config) }
        guard let config, let remote = ConfiguredRemote.read(name, from: config) else {
            throw error(.notFound, operation, "no remote named '\(name)'")
        }
        return remote
    }
}

extension Array where Element == String {
    /// Calls `body` with these strings as a `git_strarray`, or with `nil` when there are none.
    func withStringArray<R>(_ body: (UnsafePointer<git_strarray>?) -> R) -> R {
        guard !isEmpty else { return body(nil) }
        let copies = map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers = copies
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return body(&array)
        }
    }
}
