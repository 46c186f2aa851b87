import TensorCore

extension SyntheticData {
    /// **clusters**: similarity is membership of the same cluster, seen through a random
    /// nonlinear map.
    ///
    /// *Why it exists:* the ground truth is an equivalence relation (reflexive, symmetric and
    /// **transitive**), so it measures whether a model's predictions respect transitivity
    /// when the truth does, and it rewards models that can undo a nonlinear embedding.
    ///
    /// *Construction:* `K = clusterCount` centres `c_k ~ N(0, I_L)` in a latent space of
    /// dimension `L = latentDim`; items are spread evenly over clusters (a shuffled `i mod K`),
    /// with latent point `v = c_k + s·ε`, `ε ~ N(0, I_L)`, `s = clusterSpread`. The item
    /// embedding is `x = tanh(A v + β) + η`, with `A ∈ R^{n×L}` of entries `N(0, 4/L)` (gain 2
    /// puts `tanh` in its curved range), `β ~ N(0, 0.25 I)` and noise `η ~ N(0, noiseStd² I)`.
    /// `tanh` is `PortableMath.tanh`, so the data are identical on every platform.
    ///
    /// *Ground truth:* `a ~ b ⇔ cluster(a) = cluster(b)`. About `1/K` of random pairs are
    /// similar, so the sampler draws similar pairs within a cluster directly. At the default
    /// options raw cosine reaches a test ROC AUC of about 0.90: the map keeps neighbourhoods
    /// roughly, so this task is about transitivity and the last few points, not the baseline.
    static func clusters(_ o: SyntheticOptions, _ rng: inout RandomSource) -> SyntheticWorld {
        let n = o.dim, l = o.latentDim, kCount = o.clusterCount, items = o.items
        let centres = gaussian(kCount, l, &rng)
        let a = gaussian(n, l, &rng, std: 2 / Double(l).squareRoot())
        let beta = gaussian(n, 1, &rng, std: 0.5)
        var clusterOf = (0..<items).map { $0 % kCount }
        rng.shuffle(&clusterOf)
        var x = Matrix(rows: items, cols: n)
        var v = [Double](repeating: 0, count: l)
        for r in 0..<items {
            let k = clusterOf[r]
            for d in 0..<l { v[d] = centres[k * l + d] + o.clusterSpread * rng.normal() }
            for c in 0..<n {
                var s = beta[c]
                for d in 0..<l { s += a[c * l + d] * v[d] }
                x[r, c] = Float(PortableMath.tanh(s) + o.noiseStd * rng.normal())
            }
        }
        let owner = clusterOf
        return SyntheticWorld(embeddings: x, groups: (0..<items).map { [$0] },
                              truth: { owner[$0] == owner[$1] }, clusterOf: clusterOf)
    }
}
