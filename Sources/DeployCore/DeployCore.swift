// DeployCore module. See docs/architecture.md.
