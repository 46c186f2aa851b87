import TensorCore

/// The architectures the harness compares.
public enum Architecture: String, Codable, Sendable, CaseIterable {
    /// `scale·(a·b) + bias` — the raw dot product with two parameters.
    case dot
    /// `scale·cos(a, b) + bias` — raw cosine with two parameters.
    case cosine
    /// MLP on the concatenation `[a; b]`.
    case concat
    /// Bilinear units `h_k = aᵀ W_k b` over the symmetrised outer product, then an MLP head.
    case outer
    /// Mirror-tied twin layers `φ(Wa + Vb + c)`, `φ(Va + Wb + c)`, an order-free merge, an MLP head.
    case mirror
    /// A shared tower `f` on both sides, scored by dot, cosine or negative squared distance.
    case sharedq
    /// MLP on symmetric features `[a+b, a⊙b, |a−b|]`.
    case pooling
}

/// Hidden-layer nonlinearity.
public enum Activation: String, Codable, Sendable, CaseIterable { case relu, tanh }

/// How `concat` deals with order: not at all, by training on both orders, or by averaging both.
public enum Symmetrize: String, Codable, Sendable, CaseIterable { case none, swap, average }

/// Order-free merge of the mirror twins' outputs.
public enum Merge: String, Codable, Sendable, CaseIterable { case sum, mean, max }

/// How `sharedq` compares the two tower outputs.
public enum Score: String, Codable, Sendable, CaseIterable { case dot, cosine, distance }

/// A symmetric feature for `pooling`.
public enum PoolFeature: String, Codable, Sendable, CaseIterable {
    /// `a + b`
    case sum
    /// `a ⊙ b`
    case product
    /// `|a − b|`
    case absdiff
}

/// A fully resolved model description: architecture plus every hyperparameter, defaults filled.
///
/// Defaults live here and only here. Fields that an architecture does not use are ignored when
/// building, and are reset by `normalized()` so two specs that build the same model compare
/// (and hash) equal.
public struct ModelSpec: Codable, Equatable, Hashable, Sendable {
    public var architecture: Architecture
    /// Hidden sizes of the MLP head (concat, outer, mirror, pooling); `[]` means a linear head.
    public var hidden: [Int] = [64]
    /// Nonlinearity of hidden layers.
    public var activation: Activation = .relu
    /// Initialisation of weights (biases use the same fan-in rule, or zeros for `he_normal`/`glorot_uniform`).
    public var initializer: Initializer = .torchLinear
    /// concat: order handling.
    public var symmetrize: Symmetrize = .none
    /// outer: bilinear units; mirror: twin width; sharedq: output width of `Q`.
    public var width: Int = 32
    /// outer: rank of each `W_k` (0 = full `n×n`).
    public var rank: Int = 0
    /// mirror: merge of the twins.
    public var merge: Merge = .sum
    /// sharedq: hidden sizes of the tower before `Q` (`[]` = a single linear `Q`).
    public var tower: [Int] = []
    /// sharedq: comparison of the tower outputs.
    public var score: Score = .cosine
    /// pooling: which symmetric features to use.
    public var features: [PoolFeature] = PoolFeature.allCases

    /// A spec with every default for `architecture`.
    public init(_ architecture: Architecture) { self.architecture = architecture }

    /// The JSON keys each architecture accepts (besides `architecture`).
    public static func keys(for architecture: Architecture) -> [String] {
        switch architecture {
        case .dot, .cosine: return []
        case .concat: return ["hidden", "activation", "initializer", "symmetrize"]
        case .outer: return ["hidden", "activation", "initializer", "width", "rank"]
        case .mirror: return ["hidden", "activation", "initializer", "width", "merge"]
        case .sharedq: return ["activation", "initializer", "width", "tower", "score"]
        case .pooling: return ["hidden", "activation", "initializer", "features"]
        }
    }

    /// Whether `s(a, b) == s(b, a)` holds bit for bit by construction.
    public var isSymmetric: Bool {
        architecture == .concat ? symmetrize == .average : true
    }

    /// Whether `s(x, x) ≥ s(x, y)` holds by construction (for `x ≠ 0`).
    public var isReflexive: Bool {
        switch architecture {
        case .cosine: return true
        case .sharedq: return score == .distance || score == .cosine
        default: return false
        }
    }

    /// Whether the trainer should feed every training pair in both orders.
    public var trainsOnBothOrders: Bool { architecture == .concat && symmetrize == .swap }

    /// The same model with unused fields reset to their defaults.
    public func normalized() -> ModelSpec {
        var out = ModelSpec(architecture)
        let keys = Set(Self.keys(for: architecture))
        if keys.contains("hidden") { out.hidden = hidden }
        if keys.contains("activation") { out.activation = activation }
        if keys.contains("initializer") { out.initializer = initializer }
        if keys.contains("symmetrize") { out.symmetrize = symmetrize }
        if keys.contains("width") { out.width = width }
        if keys.contains("rank") { out.rank = rank }
        if keys.contains("merge") { out.merge = merge }
        if keys.contains("tower") { out.tower = tower }
        if keys.contains("score") { out.score = score }
        if keys.contains("features") { out.features = features }
        return out
    }

    /// Checks value ranges; the error names the field and the offending value.
    public func validate() throws {
        let keys = Set(Self.keys(for: architecture))
        if keys.contains("hidden"), let bad = hidden.first(where: { $0 <= 0 }) {
            throw ModelSpecError(field: "hidden", message: "expected positive integers, got \(bad)")
        }
        if keys.contains("tower"), let bad = tower.first(where: { $0 <= 0 }) {
            throw ModelSpecError(field: "tower", message: "expected positive integers, got \(bad)")
        }
        if keys.contains("width"), width <= 0 {
            throw ModelSpecError(field: "width", message: "expected a positive integer, got \(width)")
        }
        if keys.contains("rank"), rank < 0 {
            throw ModelSpecError(field: "rank", message: "expected 0 (full rank) or a positive integer, got \(rank)")
        }
        if keys.contains("features") {
            if features.isEmpty { throw ModelSpecError(field: "features", message: "expected at least one of sum, product, absdiff, got []") }
            if Set(features).count != features.count {
                throw ModelSpecError(field: "features", message: "expected distinct features, got \(features.map(\.rawValue))")
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case architecture, hidden, activation, initializer, symmetrize, width, rank, merge, tower, score, features
    }

    /// Decodes with defaults for missing fields.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Architecture.self, forKey: .architecture))
        hidden = try c.decodeIfPresent([Int].self, forKey: .hidden) ?? hidden
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? activation
        initializer = try c.decodeIfPresent(Initializer.self, forKey: .initializer) ?? initializer
        symmetrize = try c.decodeIfPresent(Symmetrize.self, forKey: .symmetrize) ?? symmetrize
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? width
        rank = try c.decodeIfPresent(Int.self, forKey: .rank) ?? rank
        merge = try c.decodeIfPresent(Merge.self, forKey: .merge) ?? merge
        tower = try c.decodeIfPresent([Int].self, forKey: .tower) ?? tower
        score = try c.decodeIfPresent(Score.self, forKey: .score) ?? score
        features = try c.decodeIfPresent([PoolFeature].self, forKey: .features) ?? features
    }

    /// Encodes the architecture and only the fields it uses.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architecture, forKey: .architecture)
        let keys = Set(Self.keys(for: architecture))
        if keys.contains("hidden") { try c.encode(hidden, forKey: .hidden) }
        if keys.contains("activation") { try c.encode(activation, forKey: .activation) }
        if keys.contains("initializer") { try c.encode(initializer, forKey: .initializer) }
        if keys.contains("symmetrize") { try c.encode(symmetrize, forKey: .symmetrize) }
        if keys.contains("width") { try c.encode(width, forKey: .width) }
        if keys.contains("rank") { try c.encode(rank, forKey: .rank) }
        if keys.contains("merge") { try c.encode(merge, forKey: .merge) }
        if keys.contains("tower") { try c.encode(tower, forKey: .tower) }
        if keys.contains("score") { try c.encode(score, forKey: .score) }
        if keys.contains("features") { try c.encode(features, forKey: .features) }
    }
}

/// A model description with a bad value: names the field and what was expected.
public struct ModelSpecError: Error, CustomStringConvertible, Equatable {
    public var field: String
    public var message: String
    public init(field: String, message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
}
