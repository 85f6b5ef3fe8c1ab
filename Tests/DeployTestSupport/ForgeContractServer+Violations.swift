import Testing

extension ForgeContractServer {
    /// Expects that every request conformed to the API description, and that there was at least one.
    public func expectNoViolations(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let report = try await report()
        #expect(report.violations == [], "requests that broke the \(flavor) contract", sourceLocation: sourceLocation)
        #expect(!report.requests.isEmpty, sourceLocation: sourceLocation)
    }
}
