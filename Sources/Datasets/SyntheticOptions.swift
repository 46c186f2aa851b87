/// Options of the synthetic generators; every field has a default (listed here, in one place).
///
/// Decoding from JSON fills missing keys with these defaults. Fields that a task does not use
/// are ignored by it.
public struct SyntheticOptions: Sendable, Equatable, Codable {
    // MARK: Shared
    /// Number of items (embedding rows). Default 2000.
    public var items: Int = 2000
    /// Embedding dimension `n`. Default 32.
    public var dim: Int = 32
    /// Seed of every random choice. Default 0.
    public var seed: UInt64 = 0
    /// Training pairs to sample. Default 4000.
    public var trainPairs: Int = 4000
    /// Validation pairs to sample. Default 1000.
    public var valPairs: Int = 1000
    /// Test pairs to sample. Default 1000.
    public var testPairs: Int = 1000
    /// Fractions of items (of item groups, for `norms`) per split. Default 0.6/0.2/0.2.
    public var itemFractions: SplitFractions = .standard

    // MARK: hidden_metric
    /// Informative dimensions `k` (the rest are nuisance). Default `nil`: `min(8, max(1, dim/2))`.
    public var informativeDim: Int? = nil
    /// Standard deviation of the nuisance dimensions (informative ones have 1). Default 3.
    public var nuisanceStd: Double = 3

    // MARK: clusters
    /// Number of clusters `K`. Default 10.
    public var clusterCount: Int = 10
    /// Dimension of the latent space holding the cluster centres. Default 8.
    public var latentDim: Int = 8
    /// Within-cluster standard deviation in latent space (centres have 1). Default 0.6.
    public var clusterSpread: Double = 0.6
    /// Standard deviation of the noise added after the nonlinear map. Default 0.1.
    public var noiseStd: Double = 0.1

    // MARK: norms
    /// Target fraction of each split's pairs that are "twin" pairs (pooling-indistinguishable,
    /// half labelled 1, half 0), capped by the item groups available. Default 0.5.
    public var twinFraction: Double = 0.5
    /// Similar iff `max(‖a‖,‖b‖) ≤ (1 + normTolerance)·min(‖a‖,‖b‖)`; in `(0, 0.4]`. Default 0.1.
    public var normTolerance: Double = 0.1

    /// All defaults.
    public init() {}

    /// The informative dimension actually used by `hidden_metric`.
    public var resolvedInformativeDim: Int { informativeDim ?? Swift.min(8, Swift.max(1, dim / 2)) }

    private enum CodingKeys: String, CodingKey {
        case items, dim, seed, trainPairs, valPairs, testPairs, itemFractions
        case informativeDim, nuisanceStd, clusterCount, latentDim, clusterSpread, noiseStd
        case twinFraction, normTolerance
    }

    /// Decodes options, taking the default for every missing key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SyntheticOptions()
        items = try c.decodeIfPresent(Int.self, forKey: .items) ?? d.items
        dim = try c.decodeIfPresent(Int.self, forKey: .dim) ?? d.dim
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        trainPairs = try c.decodeIfPresent(Int.self, forKey: .trainPairs) ?? d.trainPairs
        valPairs = try c.decodeIfPresent(Int.self, forKey: .valPairs) ?? d.valPairs
        testPairs = try c.decodeIfPresent(Int.self, forKey: .testPairs) ?? d.testPairs
        itemFractions = try c.decodeIfPresent(SplitFractions.self, forKey: .itemFractions) ?? d.itemFractions
        informativeDim = try c.decodeIfPresent(Int.self, forKey: .informativeDim) ?? d.informativeDim
        nuisanceStd = try c.decodeIfPresent(Double.self, forKey: .nuisanceStd) ?? d.nuisanceStd
        clusterCount = try c.decodeIfPresent(Int.self, forKey: .clusterCount) ?? d.clusterCount
        latentDim = try c.decodeIfPresent(Int.self, forKey: .latentDim) ?? d.latentDim
        clusterSpread = try c.decodeIfPresent(Double.self, forKey: .clusterSpread) ?? d.clusterSpread
        noiseStd = try c.decodeIfPresent(Double.self, forKey: .noiseStd) ?? d.noiseStd
        twinFraction = try c.decodeIfPresent(Double.self, forKey: .twinFraction) ?? d.twinFraction
        normTolerance = try c.decodeIfPresent(Double.self, forKey: .normTolerance) ?? d.normTolerance
    }

    /// Throws a `DataError` (source `synthetic:<task>`) naming the first invalid option for `task`.
    public func validate(for task: SyntheticTask) throws {
        let source = "synthetic:\(task.rawValue)"
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw DataError(file: source, message()) }
        }
        try check((8...1_000_000).contains(items), "items must be in 8...1000000, got \(items)")
        try check((1...100_000).contains(dim), "dim must be in 1...100000, got \(dim)")
        try check(items * dim <= 100_000_000, "items × dim = \(items * dim) exceeds 100000000")
        for (name, n) in [("trainPairs", trainPairs), ("valPairs", valPairs), ("testPairs", testPairs)] {
            try check((2...10_000_000).contains(n), "\(name) must be in 2...10000000, got \(n)")
        }
        try itemFractions.validate(source: source)
        let finite = { (x: Double) in x.isFinite && x >= 0 }
        switch task {
        case .hiddenMetric:
            let k = resolvedInformativeDim
            try check(k >= 1 && k <= dim, "informativeDim must be in 1...dim (\(dim)), got \(k)")
            try check(finite(nuisanceStd), "nuisanceStd must be finite and non-negative, got \(nuisanceStd)")
        case .clusters:
            try check(clusterCount >= 2 && clusterCount <= items / 4,
                      "clusterCount must be in 2...items/4 (\(items / 4)), got \(clusterCount)")
            try check((1...1000).contains(latentDim), "latentDim must be in 1...1000, got \(latentDim)")
            try check(finite(clusterSpread), "clusterSpread must be finite and non-negative, got \(clusterSpread)")
            try check(finite(noiseStd), "noiseStd must be finite and non-negative, got \(noiseStd)")
        case .interaction:
            try check(dim >= 2, "dim must be at least 2 for interaction, got \(dim)")
        case .norms:
            try check(dim >= 2, "dim must be at least 2 for norms (coordinates are swapped between halves), got \(dim)")
            try check(twinFraction.isFinite && (0...1).contains(twinFraction), "twinFraction must be in 0...1, got \(twinFraction)")
            try check(normTolerance > 0 && normTolerance <= 0.4, "normTolerance must be in (0, 0.4], got \(normTolerance)")
        }
    }
}
