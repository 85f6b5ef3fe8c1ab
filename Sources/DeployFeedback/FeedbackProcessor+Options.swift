import DeployBuild
import Foundation

extension FeedbackProcessor {
    /// Settings of a run.
    public struct Options: Sendable, Hashable {
        /// What patches may touch.
        public var policy: PatchPolicy
        /// The largest feedback file read, in bytes (checked before reading). The dispatcher passes
        /// `DISPATCHER_FEEDBACK_MAX_BYTES` (default 1 MiB); this library default is 4 MiB.
        public var maxFileBytes: Int
        /// Build and test the patched tree before committing (turn off only for trusted sources).
        public var verify: Bool
        /// Validate and check that patches apply; change nothing (files stay pending).
        public var dryRun: Bool
        /// How long the restart command may run.
        public var restartTimeout: Duration
        /// How many runs may hit environment failures on one file before it is rejected.
        public var maxAttempts: Int
        /// Where throwaway worktrees for verification and three-way applies are made (default: the temporary folder).
        public var worktreeDirectory: URL?
        /// The file (relative to the repository's root, usually `CHANGELOG.md`) that gets one ``ChangelogEntry`` per
        /// applied feedback, in the same commit; nil adds none. A patch that changes the file itself gets no entry.
        public var changelogPath: String?
        /// Also `fsync` every record, journal and move, so that `feedback/` survives a power loss, not only a killed
        /// process (about 10 ms per write on an ordinary disk; pair it with synced git writes).
        public var syncToDisk: Bool
        /// Leave a pending file that looks unfinished (``FeedbackInbox/isBeingWritten(_:now:)``) for a later run: for
        /// a loop woken by the folder changing while an agent is still writing the file in place.
        public var waitsForWriters: Bool
        /// Repositories whose published revisions are rolled out by the dispatcher (a manifest `deploy` block): a
        /// feedback file's `restart` runs no restart command for them, since the rollout of the new revision runs
        /// the deploy command once it builds green.
        public var rolledOutRepositories: Set<String> = []
        /// Fault injection for crash tests: the kill points of the inbox and of applying, and a halt right after the
        /// journal records a phase (``FaultPoint/journaled(_:)``, as if the process had been killed there). The
        /// default injects nothing.
        public var faults: FaultInjection

        public init(
            policy: PatchPolicy = PatchPolicy(),
            maxFileBytes: Int = 4 << 20,
            verify: Bool = true,
            dryRun: Bool = false,
            restartTimeout: Duration = .seconds(300),
            maxAttempts: Int = 3,
            worktreeDirectory: URL? = nil,
            syncToDisk: Bool = false,
            changelogPath: String? = nil,
            waitsForWriters: Bool = false,
            faults: FaultInjection = FaultInjection()
        ) {
            self.faults = faults
            self.waitsForWriters = waitsForWriters
            self.changelogPath = changelogPath
            self.policy = policy
            self.maxFileBytes = maxFileBytes
            self.verify = verify
            self.dryRun = dryRun
            self.restartTimeout = restartTimeout
            self.maxAttempts = maxAttempts
            self.worktreeDirectory = worktreeDirectory
            self.syncToDisk = syncToDisk
        }
    }
}
