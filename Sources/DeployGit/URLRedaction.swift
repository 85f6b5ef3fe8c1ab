import Foundation
/// Returns `url` with any user name and password removed (`https://user:token@host/x` → `https://host/x`), for
/// showing to users. Strings that are not URLs are returned unchanged.
public func redactedURL(_ url: String) -> String {
    redactURLCredentials(in: url)
}

/// Removes the `user[:password]@` part of every `scheme://user[:password]@host` in `text`.
func redactURLCredentials(in text: String) -> String {
    var output = ""
    var rest = Substring(text)
    while let range = rest.range(of: "://") {
        output += rest[..<range.upperBound]
        rest = rest[range.upperBound...]
        // The authority ends at the first '/', whitespace or quote; credentials end at the last '@' before it.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0.isWhitespace || $0 == "'" || $0 == "\"" }
            ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            rest = rest[rest.index(after: at)...]
        }
    }
    return output + rest
}
