import TensorCore

extension SyntheticData {
    /// **interaction**: similarity is a symmetric, indefinite bilinear form `aᵀ S b` that
    /// couples *different* coordinates of the two items.
    ///
    /// *Why it exists:* only heads that mix coordinates across the pair can represent it: the
    /// symmetrised outer-product head (`aᵀ W_k b` with symmetric `W_k`) exactly, mirror and
    /// concat heads approximately. Dot, cosine and a shared tower with dot score give `aᵀQᵀQb`,
    /// a positive semi-definite form, which cannot equal an indefinite `S`; pooled features
    /// `[a+b, a⊙b, |a−b|]` see the products `aᵢbᵢ` of the same coordinate only, and `S` has a
    /// zero diagonal, so those carry no linear signal.
    ///
    /// *Construction:* items `x ~ N(0, I_n)`; `G` with `N(0, 1)` entries; `S = (G + Gᵀ)/(2√n)`
    /// off the diagonal and 0 on it, so `S` is symmetric with eigenvalues of both signs.
    ///
    /// *Ground truth:* `a ~ b ⇔ aᵀ S b > τ`, `τ` the median of `aᵀSb` over 20 000 random item
    /// pairs (about half of random pairs are similar). Symmetric because `S` is (and the score
    /// is always evaluated with the smaller index first, so it is bit-for-bit symmetric);
    /// neither reflexive nor transitive. At the default options raw cosine scores a test ROC
    /// AUC of about 0.50.
    static func interaction(_ o: SyntheticOptions, _ rng: inout RandomSource) -> SyntheticWorld {
        let n = o.dim, items = o.items
        let g = gaussian(n, n, &rng)
        var s = [Double](repeating: 0, count: n * n)
        let scale = 1 / (2 * Double(n).squareRoot())
        for r in 0..<n { for c in 0..<n where r != c { s[r * n + c] = (g[r * n + c] + g[c * n + r]) * scale } }
        var x = Matrix(rows: items, cols: n)
        for r in 0..<items { for c in 0..<n { x[r, c] = Float(rng.normal()) } }
        let xs = x.data.map(Double.init)
        let sym = s
        let score: @Sendable (Int, Int) -> Double = { a, b in
            var total = 0.0
            for r in 0..<n {
                var row = 0.0
                for c in 0..<n { row += sym[r * n + c] * xs[b * n + c] }
                total += xs[a * n + r] * row
            }
            return total
        }
        let tau = medianScore(items: items, samples: 20_000, &rng, score)
        let truth: @Sendable (Int, Int) -> Bool = { a, b in score(Swift.min(a, b), Swift.max(a, b)) > tau }
        return SyntheticWorld(embeddings: x, groups: (0..<items).map { [$0] }, truth: truth)
    }
}
