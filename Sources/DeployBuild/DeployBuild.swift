// DeployBuild module. See docs/architecture.md.
