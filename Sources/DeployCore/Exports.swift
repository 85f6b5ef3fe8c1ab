// DeployCore's public API names types of the modules below it (a cycle report holds DeployBuild's build results, a
// feedback event DeployFeedback's outcomes, an update DeployGit's object ids): they come with `import DeployCore`,
// so that a tool built on the library imports one module, also under `MemberImportVisibility`.
@_exported import DeployBuild
@_exported import DeployFeedback
@_exported import DeployGit
