import Models

/// Training settings of one run; every field has its default here and only here.
public struct TrainingSettings: Codable, Hashable, Sendable {
    /// Passes over the training pairs (at most; early stopping may end sooner).
    public var epochs = 20
    /// Pairs per mini-batch (before `swap` doubling).
    public var batchSize = 256
    /// Step size of the optimiser.
    public var learningRate = 1e-3
    /// `adam` (AdamW: decoupled weight decay) or `sgd` (momentum, L2 weight decay).
    public var optimizer = "adam"
    /// Weight decay λ.
    public var weightDecay = 0.0
    /// SGD momentum μ (ignored by Adam).
    public var momentum = 0.9
    /// Epochs without a better validation AUC before stopping; 0 disables early stopping.
    public var patience = 5
    /// `bce`: binary cross-entropy on the logits. `contrastive`: Hadsell et al.'s margin loss
    /// `y·D² + (1−y)·max(0, m − D)²` on `D = ‖f(a) − f(b)‖` (sharedq with `distance` only),
    /// plus BCE on the logits so that the score's scale and bias are calibrated.
    public var loss = "bce"
    /// Margin `m` of the contrastive loss.
    public var margin = 1.0

    public init() {}

    static let keys = ["epochs", "batch_size", "learning_rate", "optimizer", "weight_decay", "momentum", "patience", "loss", "margin"]
    static let kinds: [String: FieldKind] = [
        "epochs": .int(min: 1), "batch_size": .int(min: 1),
        "learning_rate": .double(min: 0, exclusive: true, max: nil), "optimizer": .choice(["adam", "sgd"]),
        "weight_decay": .double(min: 0, exclusive: false, max: nil), "momentum": .double(min: 0, exclusive: false, max: 1),
        "patience": .int(min: 0), "loss": .choice(["bce", "contrastive"]),
        "margin": .double(min: 0, exclusive: true, max: nil),
    ]

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize = "batch_size", learningRate = "learning_rate", optimizer, weightDecay = "weight_decay"
        case momentum, patience, loss, margin
    }
}

/// Training-data augmentation of one run.
public struct AugmentationSettings: Codable, Hashable, Sendable {
    /// Feed every training pair in both orders.
    public var swap = false
    /// Add `(x, x)` positives: `reflexive × (training pairs)` of them per epoch, `x` drawn from
    /// the items of the training pairs. 0 disables.
    public var reflexive = 0.0

    public init() {}

    static let keys = ["swap", "reflexive"]
    static let kinds: [String: FieldKind] = [
        "swap": .bool, "reflexive": .double(min: 0, exclusive: false, max: nil),
    ]
}

/// Hyperparameter kinds of the model fields, keyed by JSON name.
let modelFieldKinds: [String: FieldKind] = [
    "hidden": .intList(min: 1), "activation": .choice(Activation.allCases.map(\.rawValue)),
    "initializer": .choice(["torch_linear", "glorot_uniform", "he_normal"]),
    "symmetrize": .choice(Symmetrize.allCases.map(\.rawValue)), "width": .int(min: 1), "rank": .int(min: 0),
    "merge": .choice(Merge.allCases.map(\.rawValue)), "tower": .intList(min: 1),
    "score": .choice(Score.allCases.map(\.rawValue)), "features": .choiceList(PoolFeature.allCases.map(\.rawValue)),
]

extension TrainingSettings {
    /// Decodes with the defaults above for missing keys.
    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? learningRate
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer) ?? optimizer
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? weightDecay
        momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? patience
        loss = try c.decodeIfPresent(String.self, forKey: .loss) ?? loss
        margin = try c.decodeIfPresent(Double.self, forKey: .margin) ?? margin
    }
}

extension AugmentationSettings {
    enum CodingKeys: String, CodingKey { case swap, reflexive }

    /// Decodes with the defaults above for missing keys.
    public init(from decoder: Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        swap = try c.decodeIfPresent(Bool.self, forKey: .swap) ?? swap
        reflexive = try c.decodeIfPresent(Double.self, forKey: .reflexive) ?? reflexive
    }
}
