import DeployGit

extension DispatcherConfiguration {
    /// The credentials git remotes get (`GITHUB_TOKEN`), handed to libgit2's credential callback only.
    var gitCredentials: GitCredentials { GitCredentials(token: githubToken?.revealed) }
}
