import Foundation

extension FeedbackProcessor {
    /// `--dry-run`: validates each file and checks that its patch applies; moves and writes nothing.
    func check(files: [URL]?) async throws(FeedbackError) -> [FeedbackOutcome] {
        inbox.cache.clear()
        repositoryCache.clear()
        historyCache.clear()
        defer { repositoryCache.clear() }
        let urls: [URL]
        if let files { urls = files } else { urls = try inbox.pendingFiles() }
        var outcomes: [FeedbackOutcome] = []
        for url in urls {
            var document: FeedbackDocument?
            if let request = restartRequest(in: url) {
                outcomes.append(.checked(checkRestartRequest(request, file: url)))
                continue
            }
            var result = FeedbackCheck(
                file: url.lastPathComponent, id: nil, repository: nil, paths: [], error: nil, needsThreeWay: false)
            do throws(StageFailure) {
                let validated = try validate(url, document: &document)
                result.paths = validated.summary.paths
                result.needsThreeWay = try checkApplies(validated)
            } catch {
                result.error = error.error
            }
            result.id = document?.id
            result.repository = document?.repository
            outcomes.append(.checked(result))
        }
        return outcomes
    }
}
