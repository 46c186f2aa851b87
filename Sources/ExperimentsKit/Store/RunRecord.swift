/// What identifies a run before it runs: its key, its resolved config and the parameters to
/// record in long form.
///
/// `key` is a hash of the fully resolved config (computed by the caller), so registering the
/// same sweep again finds the runs already there. `configGroup` is the same config with the
/// seed removed (canonical JSON, computed by the caller): runs that differ only in their seed
/// share it, and the `summary` view groups by it.
public struct RunRecord: Codable, Sendable, Equatable {
    /// Unique key of the run: a hash of its fully resolved config.
    public var key: String
    /// Dataset name.
    public var dataset: String
    /// Architecture name (`dot`, `concat`, `outer`, …).
    public var architecture: String
    /// Random seed.
    public var seed: Int
    /// The fully resolved config as JSON.
    public var configJSON: String
    /// The config without its seed, as canonical JSON: the grouping key of `summary`.
    public var configGroup: String
    /// Flattened hyperparameters, stored one row each in `params` (`value_num` is filled when
    /// the value parses as a finite number).
    public var params: [String: String]

    /// A run record; `params` defaults to none.
    public init(key: String, dataset: String, architecture: String, seed: Int, configJSON: String,
                configGroup: String, params: [String: String] = [:]) {
        self.key = key
        self.dataset = dataset
        self.architecture = architecture
        self.seed = seed
        self.configJSON = configJSON
        self.configGroup = configGroup
        self.params = params
    }
}
