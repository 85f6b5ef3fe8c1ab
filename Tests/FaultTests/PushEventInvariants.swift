import DeployFeedback
import Foundation

/// What a webhook body may and may not do to ``PushEvent``'s reader, as a pure check that returns the broken
/// invariants (empty when all hold). Shared by ``HostileInvariants`` (the property tests and the kept regressions)
/// and the `push` libFuzzer target of `Fuzz/`'s quick product, which links this file alone.
enum PushEventInvariants {
    /// A refusal's reason is at most this long: a hostile body is never echoed back whole into a log or a response.
    static let maximumReasonLength = 512

    static func check(_ data: Data) -> [String] {
        do {
            let push = try PushEvent(json: data)
            var broken: [String] = []
            if push.branch != nil, !push.ref.hasPrefix("refs/heads/") {
                broken.append("a branch was read from a ref that is not refs/heads/…: \(push.ref.debugDescription)")
            }
            if push.ref.hasPrefix("refs/heads/"), push.branch == nil {
                broken.append("refs/heads/… gave no branch: \(push.ref.debugDescription)")
            }
            if push.urls.count > 5 { broken.append("more URLs than the five keys read: \(push.urls.count)") }
            // What was read came from the body: in a body without escapes, every string read is in it verbatim (an
            // empty one too, which `contains` would deny: the fuzzer's first find, an invariant bug).
            let body = String(decoding: data, as: UTF8.self)
            for value in [push.ref] + push.urls + [push.fullName].compactMap({ $0 })
            where !value.isEmpty && !body.contains("\\") && !body.contains(value) {
                broken.append("a value that is not in the body: \(value.debugDescription)")
            }
            return broken
        } catch {
            var broken: [String] = []
            if error.description.isEmpty { broken.append("a refusal without a reason") }
            if error.description.utf8.count > maximumReasonLength {
                broken.append("a refusal's reason of \(error.description.utf8.count) bytes echoes the body")
            }
            return broken
        }
    }
}
