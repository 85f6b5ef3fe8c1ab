// DeployFeedback module. See docs/architecture.md.
