import DeployTestSupport
import Foundation

/// A ``ScratchDirectory`` removed when the value is freed.
final class TemporaryFolder {
    let scratch: ScratchDirectory
    var url: URL { scratch.url }

    init() throws {
        scratch = try ScratchDirectory(prefix: "deployctl-feedback")
    }

    deinit { scratch.remove() }
}
