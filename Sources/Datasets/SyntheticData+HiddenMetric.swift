import TensorCore

extension SyntheticData {
    /// **hidden_metric**: similarity is closeness under a hidden linear metric, buried under
    /// louder nuisance dimensions.
    ///
    /// *Why it exists:* it is the case a shared linear tower `Q` with a distance score is made
    /// for, and the case where the untrained baselines fail: the raw dot product and cosine
    /// are dominated by nuisance coordinates that carry no label information.
    ///
    /// *Construction:* item `x = [z; u]` with informative `z ~ N(0, I_k)` and nuisance
    /// `u ~ N(0, σ² I_{n−k})`, `k = resolvedInformativeDim`, `σ = nuisanceStd` (default 3, so
    /// the nuisance part has 9× the variance per coordinate). A hidden `M ∈ R^{k×k}` has
    /// entries `N(0, 1/k)` (a generic, anisotropic metric).
    ///
    /// *Ground truth:* `a ~ b ⇔ ‖M(z_a − z_b)‖² < τ²`, with `τ²` the median of that quantity
    /// over 20 000 random item pairs, so about half of all random pairs are similar. The
    /// relation is symmetric and reflexive (`‖M·0‖ = 0 < τ`); it is not transitive. A shared
    /// tower `Q = [M 0]` with score `−‖Q a − Q b‖²` and threshold `τ²` reproduces it exactly.
    /// At the default options raw cosine scores a test ROC AUC of about 0.50.
    static func hiddenMetric(_ o: SyntheticOptions, _ rng: inout RandomSource) -> SyntheticWorld {
        let n = o.dim, k = o.resolvedInformativeDim, items = o.items
        let m = gaussian(k, k, &rng, std: 1 / Double(k).squareRoot())
        var x = Matrix(rows: items, cols: n)
        for r in 0..<items {
            for c in 0..<n {
                x[r, c] = Float(c < k ? rng.normal() : o.nuisanceStd * rng.normal())
            }
        }
        let z: [Double] = (0..<items).flatMap { r in (0..<k).map { Double(x[r, $0]) } }
        let score: @Sendable (Int, Int) -> Double = { a, b in
            var total = 0.0
            for row in 0..<k {
                var s = 0.0
                for c in 0..<k { s += m[row * k + c] * (z[a * k + c] - z[b * k + c]) }
                total += s * s
            }
            return total
        }
        let tau2 = medianScore(items: items, samples: 20_000, &rng, score)
        let truth: @Sendable (Int, Int) -> Bool = { a, b in score(Swift.min(a, b), Swift.max(a, b)) < tau2 }
        return SyntheticWorld(embeddings: x, groups: (0..<items).map { [$0] }, truth: truth)
    }
}
