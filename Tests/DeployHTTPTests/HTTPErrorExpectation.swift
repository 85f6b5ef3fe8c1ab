import Testing

@testable import DeployHTTP

/// Runs `body` and returns the ``HTTPError`` it throws (recording an issue when it throws none).
func httpError<T>(_ body: () async throws(HTTPError) -> T, sourceLocation: SourceLocation = #_sourceLocation) async
    -> HTTPError?
{
    do {
        _ = try await body()
        Issue.record("expected a HTTPError", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
