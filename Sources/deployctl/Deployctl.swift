import ArgumentParser
import DeployCore

@main
struct Deployctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deployctl",
        abstract: "Keeps git repositories built, tested and patched in a loop."
    )
}
