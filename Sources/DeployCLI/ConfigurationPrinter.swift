import DeployBuild
import DeployCore

/// Prints the effective configuration: each variable, its value (secrets as set/not set) and where it came from.
enum ConfigurationPrinter {
    struct Entry: Encodable {
        let name: String
        let value: String
        let origin: String
        let secret: Bool
    }

    static func entries(_ configuration: DispatcherConfiguration) -> [Entry] {
        ConfigurationVariable.all.map { variable in
            Entry(
                name: variable.name, value: configuration.displayValue(of: variable),
                origin: configuration.origins[variable.name]?.description ?? "default", secret: variable.isSecret)
        }
    }

    static func render(_ configuration: DispatcherConfiguration, json: Bool) throws -> String {
        let entries = entries(configuration)
        if json { return try JSONOutput.encode(entries) + "\n" }
        var table = TablePrinter(header: ["VARIABLE", "VALUE", "ORIGIN"])
        table.rows = entries.map { [$0.name, $0.value, $0.origin] }
        var out = table.render()
        let disabled = configuration.disabledFeatures
        if !disabled.isEmpty {
            out += "\nfeatures off:\n" + disabled.map { "  - \($0)\n" }.joined()
        }
        return out
    }

    /// What verification runs in on this machine, in a line: the sandbox found for `DISPATCHER_SANDBOX`, or why there
    /// is none.
    static func sandboxLine(_ configuration: DispatcherConfiguration) async -> String {
        guard configuration.verifyFeedback else { return "verification sandbox: none needed (DISPATCHER_VERIFY_FEEDBACK=0)" }
        do {
            switch try await SandboxLocator().locate(configuration.sandbox) {
            case .available(let tool):
                return "verification sandbox: \(tool); network \(configuration.verifyNetwork ? "allowed" : "off")"
            case .unavailable(let reason):
                return "verification sandbox: none — \(reason)"
            }
        } catch {
            return "verification sandbox: unavailable — \(error.message)"
        }
    }
}
