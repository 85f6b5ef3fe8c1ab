/// The identity recorded as author and committer of commits made by deployctl.
public struct Signature: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}
