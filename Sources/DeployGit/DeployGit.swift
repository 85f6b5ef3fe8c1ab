// DeployGit module. See docs/architecture.md.
