import TensorCore

/// Item embeddings with labelled train / validation / test pairs: what a run trains and
/// evaluates on.
public struct PairDataset: Sendable {
    /// A short name for reports (file stem or synthetic task name).
    public var name: String
    /// Item embeddings, items × dim; pair indices are rows of this matrix.
    public var embeddings: Matrix
    /// Training pairs.
    public var train: PairSet
    /// Validation pairs.
    public var val: PairSet
    /// Test pairs.
    public var test: PairSet
    /// Paths of the data files read, in the order embeddings, pairs… (empty for synthetic data).
    public var files: [String]

    /// A dataset from its parts.
    public init(name: String, embeddings: Matrix, train: PairSet, val: PairSet, test: PairSet, files: [String] = []) {
        self.name = name
        self.embeddings = embeddings
        self.train = train
        self.val = val
        self.test = test
        self.files = files
    }

    /// Number of items (embedding rows).
    public var itemCount: Int { embeddings.rows }
    /// Embedding dimension.
    public var dim: Int { embeddings.cols }
}
