/// The forge APIs deployctl speaks (a manifest entry's `forge`); DeployHTTP implements each.
public enum ForgeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// GitHub and GitHub Enterprise Server (REST v3).
    case github
    /// Gitea and Forgejo (`/api/v1`).
    case gitea
}
