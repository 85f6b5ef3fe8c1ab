import DeployBuild
import DeployCLI
import Foundation

// TEST-ONLY: not a product, never installed or shipped. The same command tree as `deployctl`, with a fault-injection
// plan armed from `DEPLOYCTL_CRASH_AT=NAME[@N]`: the process kills itself with SIGKILL the first (N-th) time it
// reaches kill point NAME (`FaultPoint.killPoints`). The reliability suite (`Tests/ReliabilityTests`) runs it to
// check that the next run recovers; see docs/reliability.md.

let variable = "DEPLOYCTL_CRASH_AT"
var faults = FaultInjection()
if let specification = ProcessInfo.processInfo.environment[variable], !specification.isEmpty {
    guard let armed = FaultInjection(killSpecification: specification) else {
        let names = FaultPoint.killPoints.map(\.rawValue).joined(separator: ", ")
        let message = "\(variable)='\(specification)' is not NAME or NAME@N with N >= 1; NAME is one of \(names)"
        FileHandle.standardError.write(Data("deployctl-faults: \(message)\n".utf8))
        exit(2)
    }
    faults = armed
}
await Deployctl.main(faults: faults)
