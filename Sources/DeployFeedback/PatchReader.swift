import DeployGit

/// Reads a patch once, as git will write it.
///
/// The paths, modes and kinds of change that the policy judges are libgit2's own parse of the patch
/// (`git_diff_from_buffer`, the reader `git_apply` then applies), so the policy cannot check one path while libgit2
/// writes another. deployctl's reader (``UnifiedDiff``) reads the patch a second time; when the two readings differ
/// in any file's paths, modes or binary mark, the patch is refused with ``FeedbackError/Code/ambiguousPatch``
/// rather than guessed at.
public enum PatchReader {
    /// The files `patch` touches, as libgit2 reads them and deployctl's reader agrees.
    ///
    /// - Throws: ``FeedbackError/Code/malformedPatch`` when either reader cannot read it,
    ///   ``FeedbackError/Code/ambiguousPatch`` when they read it differently.
    public static func read(_ patch: String) throws(FeedbackError) -> PatchSummary {
        let ours = try UnifiedDiff.summarize(patch)
        let deltas: [PatchedPath]
        do { deltas = try GitRepository.patchedPaths(in: patch) } catch {
            throw FeedbackError(.malformedPatch, "git cannot read the patch: \(error.message)", field: "patch")
        }
        let git = PatchSummary(files: deltas.map(PatchedFile.init))
        guard ours != git else { return git }
        throw FeedbackError(
            .ambiguousPatch,
            "the patch's headers read differently to git and to deployctl's reader, so what it writes cannot be "
                + "told: \(difference(git: git, ours: ours)); write each file as git does "
                + "('diff --git a/PATH b/PATH', '---'/'+++', 'rename from'/'rename to')",
            field: "patch", paths: Array(Set(git.paths + ours.paths)).sorted())
    }

    /// A patch written relative to the folder `folder` of a repository (a vendored folder), made a patch of the
    /// repository: read relative to the folder, given the folder's path in front (``UnifiedDiff/prefixingPaths(_:with:)``),
    /// and read again. Every file of the result must be the same file with `folder/` in front, so nothing outside the
    /// folder is touched.
    ///
    /// - Returns: the repository's patch, and what it touches read relative to the folder and to the repository.
    /// - Throws: as ``read(_:)``, and ``FeedbackError/Code/outsideFolder`` when a path of the result leaves the folder.
    public static func read(_ patch: String, inFolder folder: String) throws(FeedbackError)
        -> (patch: String, inFolder: PatchSummary, inRepository: PatchSummary)
    {
        let relative = try read(patch)
        let prefixed = try UnifiedDiff.prefixingPaths(patch, with: folder)
        let absolute = try read(prefixed)
        let expected = PatchSummary(
            files: relative.files.map { file in
                var moved = file
                moved.oldPath = file.oldPath.map { folder + "/" + $0 }
                moved.newPath = file.newPath.map { folder + "/" + $0 }
                return moved
            })
        guard absolute == expected,
            absolute.paths.allSatisfy({ $0.hasPrefix(folder + "/") && !$0.dropFirst(folder.count + 1).isEmpty })
        else {
            let outside = absolute.paths.filter { !expected.paths.contains($0) || !$0.hasPrefix(folder + "/") }
            throw FeedbackError(
                .outsideFolder,
                "the patch of the folder \(folder) would touch paths outside it: "
                    + (outside.isEmpty ? difference(git: absolute, ours: expected) : outside.joined(separator: ", ")),
                field: "patch", paths: outside)
        }
        return (prefixed, relative, absolute)
    }

    /// The first file the two readings disagree on, in a phrase.
    private static func difference(git: PatchSummary, ours: PatchSummary) -> String {
        guard git.files.count == ours.files.count else {
            return "git reads \(git.files.count) file(s) (\(describe(git.files))), deployctl \(ours.files.count) "
                + "(\(describe(ours.files)))"
        }
        for (theirs, mine) in zip(git.files, ours.files) where theirs != mine {
            return "git reads \(describe([theirs])), deployctl \(describe([mine]))"
        }
        return "the readings differ"
    }

    private static func describe(_ files: [PatchedFile]) -> String {
        files.map { file in
            var text = "\(file.oldPath.map(quoted) ?? "(new)") -> \(file.newPath.map(quoted) ?? "(deleted)")"
            if file.oldMode != nil || file.newMode != nil {
                text += " mode \(file.oldMode ?? "-") -> \(file.newMode ?? "-")"
            }
            if file.isBinary { text += " binary" }
            return text
        }
        .joined(separator: ", ")
    }
}

extension PatchedFile {
    /// libgit2's reading of one file (a delta of `git_diff_from_buffer`).
    public init(_ delta: PatchedPath) {
        self.init(
            oldPath: delta.oldPath, newPath: delta.newPath, oldMode: UnifiedDiff.modeText(delta.oldMode),
            newMode: UnifiedDiff.modeText(delta.newMode), isBinary: delta.isBinary)
    }
}
