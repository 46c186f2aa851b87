import TensorCore

/// A generated dataset together with its ground truth.
public struct SyntheticDataset: Sendable {
    /// The task that produced it.
    public var task: SyntheticTask
    /// The options used (after defaults).
    public var options: SyntheticOptions
    /// Embeddings and labelled train / validation / test pairs (`files` is empty).
    public var data: PairDataset
    /// The true relation for **any** two items (not only the sampled pairs); symmetric:
    /// `truth(a, b) == truth(b, a)` always.
    public var truth: @Sendable (Int, Int) -> Bool
    /// Cluster of each item (`clusters` task only).
    public var clusterOf: [Int]?
    /// Split of each item: 0 train, 1 validation, 2 test. Pairs only join items of one split.
    public var itemSplit: [Int]
    /// `norms` only: item quadruples `(a, b, a′, b′)` where `(a, b)` and `(a′, b′)` have
    /// identical per-coordinate pooled features but opposite labels.
    public var twins: [[Int]]
}

/// What a task generator hands to the shared pair sampler.
struct SyntheticWorld {
    var embeddings: Matrix
    /// Items that must land in the same split (singletons except for `norms` quadruples).
    var groups: [[Int]]
    var truth: @Sendable (Int, Int) -> Bool
    var clusterOf: [Int]? = nil
    var twins: [[Int]] = []
}
