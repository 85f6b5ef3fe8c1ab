import Foundation

/// One configuration variable, declared once: its name, the ``DispatcherConfiguration`` field it sets, the format of
/// its value, its typed default, where it is looked up and the line that documents it.
///
/// Everything else is derived from it: the loader's reading, ``DispatcherConfiguration/displayValue(of:)``, the
/// ``ConfigurationVariable`` that `status --config` and `--set` list, and the default that
/// `docs/environment-variables.md` must give (a test compares every row of the page with ``variable``).
struct ConfigurationSetting<Value: Sendable>: Sendable {
    let name: String
    let keyPath: any WritableKeyPath<DispatcherConfiguration, Value> & Sendable
    let format: ConfigurationValueFormat<Value>
    let defaultValue: Value
    let source: ConfigurationSource
    /// The documentation line, in Markdown, as the page's `meaning` column has it.
    let meaning: String
    /// The default as the page writes it (Markdown), when it is a sentence rather than the displayed default value.
    let defaultInWords: String?

    init(
        _ name: String, _ keyPath: any WritableKeyPath<DispatcherConfiguration, Value> & Sendable,
        _ format: ConfigurationValueFormat<Value>, default defaultValue: Value,
        source: ConfigurationSource = .layers, defaultInWords: String? = nil, _ meaning: String
    ) {
        self.name = name
        self.keyPath = keyPath
        self.format = format
        self.defaultValue = defaultValue
        self.source = source
        self.defaultInWords = defaultInWords
        self.meaning = meaning
    }

    /// The default as `docs/environment-variables.md` writes it.
    var documentedDefault: String {
        if let defaultInWords { return defaultInWords }
        if format.isSecret { return "none (secret)" }
        let value = "`\(format.display(defaultValue))`"
        if case .layersThenGitConfig(let key, _) = source { return "git config `\(key)`, else \(value)" }
        return value
    }
}

/// A ``ConfigurationSetting`` of any value type, as ``ConfigurationTable/all`` lists them.
protocol AnyConfigurationSetting: Sendable {
    /// The public description of the variable.
    var variable: ConfigurationVariable { get }
    /// The field this setting writes, to check that no two settings write the same one.
    var anyKeyPath: AnyKeyPath { get }
    /// Looks the variable up in `layers` and writes its value, or its default, into `configuration`.
    /// - Throws: ``DispatcherError`` (`invalidValue`) naming where the rejected value was found.
    func read(into configuration: inout DispatcherConfiguration, from layers: inout ConfigurationLayers)
        throws(DispatcherError)
    /// The value of this setting in `configuration` as shown to people (a secret as `set`/`not set`).
    func displayValue(in configuration: DispatcherConfiguration) -> String
}

extension ConfigurationSetting: AnyConfigurationSetting {
    var variable: ConfigurationVariable {
        ConfigurationVariable(
            name: name, documentedDefault: documentedDefault, meaning: meaning, isSecret: format.isSecret)
    }

    var anyKeyPath: AnyKeyPath { keyPath }

    func read(into configuration: inout DispatcherConfiguration, from layers: inout ConfigurationLayers)
        throws(DispatcherError)
    {
        guard let found = layers.find(name, source: source) else {
            configuration[keyPath: keyPath] = defaultValue
            return
        }
        guard let value = format.parse(found.value) else {
            throw DispatcherError(
                .invalidValue, location: found.location, found: format.describeRejected(found.value),
                accepted: format.accepted)
        }
        configuration[keyPath: keyPath] = value
    }

    func displayValue(in configuration: DispatcherConfiguration) -> String {
        format.display(configuration[keyPath: keyPath])
    }
}
