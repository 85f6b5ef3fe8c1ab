import DeployBuild
import DeployCLI

// The shipped executable: the command tree of DeployCLI, with no fault injection. It reads no test hook from the
// environment (the crash suite uses the test-only `deployctl-faults`).
await Deployctl.main(faults: FaultInjection())
