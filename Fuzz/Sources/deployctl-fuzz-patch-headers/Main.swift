import DeployFeedback
import Foundation
import FuzzDriver

/// The `patch-headers` target alone, built without DeployCore (and so without GRDB) for a quick build in CI
/// (`make test` runs it for a bounded time). Each input steers ``PatchHeaderSpellings`` to a git diff in one of git's
/// header spellings, where git's reading (libgit2) and deployctl's must agree; the raw input is also read as a patch,
/// which must not crash either reader.
@main
enum PatchHeadersFuzzMain {
    static func main() {
        runFuzzer { data in
            var choices = PatchHeaderSpellings.Choices(Array(data))
            let broken = PatchHeaderSpellings.agreement(PatchHeaderSpellings.make(&choices))
            precondition(broken.isEmpty, "patch-headers: \(broken.joined(separator: "; "))")
            _ = try? PatchReader.read(String(decoding: data, as: UTF8.self))
        }
    }
}
