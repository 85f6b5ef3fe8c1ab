import DeployGit
import Foundation

extension FeedbackProcessor {
    /// Applies `diff` to the work tree at `directory` (the checkout or a throwaway worktree) after judging it there
    /// by the policy, on what git reads from it: nothing is written when a path would reach a symbolic link of that
    /// tree, `.git` or the deny-list, or the diff reads ambiguously (``PatchReader``).
    func apply(_ diff: String, to git: GitRepository, at directory: URL, _ location: ApplyLocation) throws(StageFailure)
    {
        do throws(FeedbackError) {
            try options.policy.check(PatchReader.read(diff), repository: directory)
        } catch {
            throw StageFailure(.apply, error)
        }
        do { try git.apply(diff: diff, to: location) } catch { throw Self.applyFailure(error) }
    }

    /// The checkout's repository, opened once per run (opening reads the configuration files every time).
    func open(_ repository: FeedbackRepository) throws(StageFailure) -> GitRepository {
        do { return try repositoryCache.repository(at: repository.gitWorkTree) } catch {
            throw StageFailure(.apply, FeedbackError(.git, error.description))
        }
    }

    func gitStep<T>(_ stage: FeedbackStage, _ body: () throws(GitError) -> T) throws(StageFailure) -> T {
        do { return try body() } catch { throw StageFailure(stage, FeedbackError(.git, error.description)) }
    }

    /// The checkout's tip, after checking it is on the managed branch.
    func checkoutTip(_ git: GitRepository, _ validated: Validated) throws(StageFailure) -> ObjectID {
        let head = try gitStep(.apply) { () throws(GitError) in try git.head() }
        guard head.branch == validated.branch, !head.isDetached, let tip = head.commit else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .git,
                    "the checkout of \(validated.repository.name) is not on branch \(validated.branch) "
                        + "(HEAD: \(head.branch ?? head.commit?.short ?? "unborn"))"))
        }
        return tip
    }

    /// Refuses to work on a checkout with local changes to the paths the patch touches (not the patch's fault).
    func ensureClean(_ git: GitRepository, paths: [String]) throws(StageFailure) {
        let status = try gitStep(.apply) { () throws(GitError) in try git.status(of: paths) }
        let touched = Set(paths)
        let dirty = (status.staged + status.unstaged + status.untracked + status.conflicted).filter {
            touched.contains($0)
        }
        guard dirty.isEmpty else {
            throw StageFailure(
                .apply,
                FeedbackError(
                    .git, "the checkout has local changes to paths the patch touches", paths: Array(Set(dirty)).sorted()
                ))
        }
    }
}
