import Foundation

/// Where rollouts are recorded: each repository's ``DeploymentState`` (its rollout journal included) and the history
/// of finished rollouts. Every write is one transaction.
public protocol DeploymentStore: Sendable {
    /// The deployment state of every repository that ever deployed, by name.
    func deploymentStates() throws(DispatcherError) -> [String: DeploymentState]

    /// Writes `state` (a rollout's journal step, before the step runs).
    func saveDeploymentState(_ state: DeploymentState) throws(DispatcherError)

    /// Records a finished rollout and the state it leaves, in one transaction.
    func recordDeployment(_ record: DeploymentRecord, state: DeploymentState) throws(DispatcherError)

    /// The newest finished rollouts first, of one repository or of all.
    func deployments(repository: String?, limit: Int) throws(DispatcherError) -> [DeploymentRecord]
}
