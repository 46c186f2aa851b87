/// The synthetic tasks, by the name used in configs.
///
/// Each has a known ground truth and a reason to exist (see the generator's doc comment):
/// - `hidden_metric`: a hidden linear metric under high-variance nuisance dimensions.
/// - `clusters`: an equivalence relation (same cluster), transitive by construction.
/// - `interaction`: a symmetric indefinite bilinear form `aᵀSb`, needing cross-coordinate terms.
/// - `norms`: equal-norm similarity, built so per-coordinate pooled features collide.
public enum SyntheticTask: String, CaseIterable, Sendable, Codable {
    /// `SyntheticData.hiddenMetric`.
    case hiddenMetric = "hidden_metric"
    /// `SyntheticData.clusters`.
    case clusters
    /// `SyntheticData.interaction`.
    case interaction
    /// `SyntheticData.norms`.
    case norms
}
