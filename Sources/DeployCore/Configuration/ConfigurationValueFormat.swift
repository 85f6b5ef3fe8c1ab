import Foundation

/// How one kind of configuration value is read from text and shown again: a positive integer, a boolean, an http URL,
/// a choice, a secret or free text.
///
/// `parse` receives a value that is not blank (a blank value means unset and never reaches it) and returns `nil` for
/// text it does not accept; the ``DispatcherError`` then says ``accepted``. `display` is what `status --config`
/// shows, and also how a typed default is written on the environment-variables page, so the two cannot drift.
struct ConfigurationValueFormat<Value: Sendable>: Sendable {
    /// What is accepted, as an error message says it.
    let accepted: String
    /// A secret is shown as `set`/`not set` only, can not be given with `--set`, and its value is never in an error.
    let isSecret: Bool
    let parse: @Sendable (String) -> Value?
    let display: @Sendable (Value) -> String
    /// The `found` part of the error for rejected text; by default the text in quotes.
    let describeRejected: @Sendable (String) -> String

    init(
        accepted: String, isSecret: Bool = false, parse: @escaping @Sendable (String) -> Value?,
        display: @escaping @Sendable (Value) -> String,
        describeRejected: @escaping @Sendable (String) -> String = { "'\($0)'" }
    ) {
        self.accepted = accepted
        self.isSecret = isSecret
        self.parse = parse
        self.display = display
        self.describeRejected = describeRejected
    }

    /// The same format with every parsed value passed through `transform` (a normalisation).
    func map(_ transform: @escaping @Sendable (Value) -> Value) -> Self {
        let parse = self.parse
        return Self(
            accepted: accepted, isSecret: isSecret, parse: { parse($0).map(transform) }, display: display,
            describeRejected: describeRejected)
    }
}

extension ConfigurationValueFormat where Value == Int {
    /// A whole number greater than zero; blanks around it are ignored.
    static var positiveInteger: Self {
        Self(
            accepted: "an integer > 0",
            parse: { text in Int(text.trimmingCharacters(in: .whitespaces)).flatMap { $0 > 0 ? $0 : nil } },
            display: { String($0) })
    }
}

extension ConfigurationValueFormat where Value == Int {
    /// A whole number, zero or more; blanks around it are ignored.
    static var nonNegativeInteger: Self {
        Self(
            accepted: "an integer >= 0",
            parse: { text in Int(text.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil } },
            display: { String($0) })
    }
}

extension ConfigurationValueFormat where Value == Double {
    /// A finite decimal number, zero or more (`2.5`, `0.15`); blanks around it are ignored.
    static var nonNegativeDecimal: Self {
        Self(
            accepted: "a decimal number >= 0",
            parse: { text in
                Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            },
            display: { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int($0)) : String($0) })
    }
}

extension ConfigurationValueFormat where Value == Bool {
    /// `1`/`0`, `true`/`false` or `yes`/`no`, in any case; shown as `1` or `0`.
    static var boolean: Self {
        Self(
            accepted: "1/0, true/false or yes/no (any case)",
            parse: { text in
                switch text.trimmingCharacters(in: .whitespaces).lowercased() {
                case "1", "true", "yes": true
                case "0", "false", "no": false
                default: nil
                }
            },
            display: { $0 ? "1" : "0" })
    }
}

extension ConfigurationValueFormat where Value == URL {
    /// An `http://` or `https://` URL with a host and without credentials. A URL with credentials in it is never
    /// echoed in the error.
    static var httpURL: Self {
        Self(
            accepted: "an http:// or https:// URL without credentials",
            parse: { text in
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", url.host != nil, url.user == nil, url.password == nil
                else { return nil }
                return url
            },
            display: { $0.absoluteString },
            describeRejected: { text in
                let url = URL(string: text)
                return url?.user != nil || url?.password != nil ? "a URL with credentials in it" : "'\(text)'"
            })
    }
}

extension ConfigurationValueFormat where Value == String {
    /// Any text, as given.
    static var text: Self {
        Self(accepted: "any text", parse: { $0 }, display: { $0 })
    }

    /// Any text, without the blanks around it.
    static var trimmedText: Self {
        Self(accepted: "any text", parse: { $0.trimmingCharacters(in: .whitespaces) }, display: { $0 })
    }
}

extension ConfigurationValueFormat where Value == String? {
    /// Any text, as given; shown as `whenUnset` when there is none.
    static func optionalText(whenUnset: String) -> Self {
        Self(accepted: "any text", parse: { $0 }, display: { $0 ?? whenUnset })
    }
}

extension ConfigurationValueFormat where Value == Secret? {
    /// A token or key: kept as a ``Secret`` and shown only as `set` or `not set`.
    static var secret: Self {
        Self(
            accepted: "any text", isSecret: true, parse: { Secret($0) }, display: { $0 == nil ? "not set" : "set" },
            describeRejected: { _ in "a secret (not shown)" })
    }
}

extension ConfigurationValueFormat where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of a String-backed enum's raw values, in any case; the error lists them all.
    static var choice: Self {
        Self(
            accepted: Value.allCases.map(\.rawValue).joined(separator: ", "),
            parse: { Value(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) },
            display: { $0.rawValue })
    }
}

extension ConfigurationValueFormat where Value == ListenAddress? {
    /// `HOST:PORT` (``ListenAddress``); unset turns the HTTP server off.
    static var listenAddress: Self {
        Self(
            accepted: "HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080), the port 1-65535",
            parse: { ListenAddress($0).map { Optional($0) } }, display: { $0?.description ?? "off" })
    }
}

extension ConfigurationValueFormat where Value == Secret? {
    /// An `http://` or `https://` URL kept as a ``Secret`` (a Slack incoming-webhook URL is one): shown only as
    /// `set` or `not set`, never echoed in an error.
    static var secretHTTPURL: Self {
        Self(
            accepted: "an http:// or https:// URL", isSecret: true,
            parse: { text in
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
                    scheme == "http" || scheme == "https", url.host?.isEmpty == false
                else { return nil }
                return Secret(trimmed)
            },
            display: { $0 == nil ? "not set" : "set" }, describeRejected: { _ in "a value that is not such a URL (not shown)" })
    }
}
