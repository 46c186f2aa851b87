import TensorCore

extension SyntheticData {
    /// **norms**: similar iff the two items have about the same length, built so that the
    /// per-coordinate pooled features `[a+b, a⊙b, |a−b|]` provably cannot tell similar pairs
    /// from dissimilar ones.
    ///
    /// *Why it exists:* the `pooling` architecture sees, per coordinate `k`, only
    /// `(aₖ+bₖ, aₖbₖ, |aₖ−bₖ|)`, which determines the *unordered* pair `{aₖ, bₖ}` and nothing
    /// more. So swapping `aₖ ↔ bₖ` on any subset of coordinates leaves every pooled feature
    /// unchanged, bit for bit (IEEE `+` and `×` commute, `|x−y| = |y−x|`). Norms are not
    /// invariant under such swaps: in 2-D, `a = (1,1), b = (2,2)` have norms `√2, 2√2`, while
    /// the swapped `a′ = (2,1), b′ = (1,2)` have equal norms `√5`; the two pairs have the same
    /// pooled features `(3,3), (2,2), (1,1)`. (In 1-D there is no such loss: `{a+b, ab}` fixes
    /// `{a, b}`, and the label is symmetric.) Models that see each side separately (concat,
    /// mirror, a shared tower) can compute both norms.
    ///
    /// *Construction:* items come in quadruples. Pick a random half `H` of the coordinates
    /// (`⌊n/2⌋` of them). Item `a` has norm `α` on `H` and `α` off `H` (random directions within
    /// each part), `b` has `λα` on and off `H`, with `α` log-uniform in `[0.5, 2]` and `λ`
    /// uniform in `[1.5, 2.5]`. Then `a′ = where(H, b, a)` and `b′ = where(H, a, b)`: both have
    /// squared norm `(1+λ²)α²`. Leftover items (`items mod 4`) are single random vectors with
    /// norm log-uniform in `[0.7, 5.6]`. A quadruple always lands in one split.
    ///
    /// *Ground truth:* `a ~ b ⇔ max(‖a‖,‖b‖) ≤ (1 + normTolerance)·min(‖a‖,‖b‖)` (norms of
    /// the stored Float32 vectors, computed in Double). `(a, b)` is dissimilar (ratio `λ ≥ 1.5`)
    /// and `(a′, b′)` similar (ratio 1): a *twin* pair with identical pooled features and
    /// opposite labels. Each split holds both pairs of `min(⌊twinFraction·count⌋/2, its
    /// quadruples)` quadruples; any function of the pooled features gets at least one of each twin wrong, so
    /// pooling's accuracy is at most `1 − (twin pairs)/(2·count)` (0.75 when half the split is
    /// twins). A quadruple yields only two twin pairs, so items cap them: at the defaults
    /// (2000 items, 4000/1000/1000 pairs) the splits hold 600/200/200 twin pairs and the bound
    /// is 0.925/0.9/0.9; the full `twinFraction` needs `items ≥ 2·twinFraction·pairs/fraction`
    /// for every split (6667 items at the default pair counts). The relation is
    /// symmetric and reflexive, not transitive.
    static func norms(_ o: SyntheticOptions, _ rng: inout RandomSource) -> SyntheticWorld {
        let n = o.dim, items = o.items, half = n / 2
        var x = Matrix(rows: items, cols: n)
        var groups: [[Int]] = []
        var twins: [[Int]] = []
        let lnHalf = -0.6931471805599453, ln2 = 0.6931471805599453

        /// A random direction supported on `coords`, scaled to `norm`.
        func direction(_ coords: ArraySlice<Int>, norm: Double, _ rng: inout RandomSource) -> [(Int, Double)] {
            var v = coords.map { ($0, rng.normal()) }
            var len = v.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
            if len == 0 { v[0].1 = 1; len = 1 }
            return v.map { ($0.0, $0.1 / len * norm) }
        }

        var coords = Array(0..<n)
        let quadruples = items / 4
        for q in 0..<quadruples {
            rng.shuffle(&coords)
            let inH = coords[0..<half], outH = coords[half...]
            let alpha = PortableMath.exp(lnHalf + (ln2 - lnHalf) * rng.nextDouble())
            let lambda = 1.5 + rng.nextDouble()
            let ia = 4 * q, ib = ia + 1, ia2 = ia + 2, ib2 = ia + 3
            for (c, v) in direction(inH, norm: alpha, &rng) + direction(outH, norm: alpha, &rng) { x[ia, c] = Float(v) }
            for (c, v) in direction(inH, norm: lambda * alpha, &rng) + direction(outH, norm: lambda * alpha, &rng) { x[ib, c] = Float(v) }
            for c in inH { x[ia2, c] = x[ib, c]; x[ib2, c] = x[ia, c] }
            for c in outH { x[ia2, c] = x[ia, c]; x[ib2, c] = x[ib, c] }
            groups.append([ia, ib, ia2, ib2])
            twins.append([ia, ib, ia2, ib2])
        }
        let lo = 0.7, hi = 5.6
        for r in (4 * quadruples)..<items {
            let norm = lo * PortableMath.exp(rng.nextDouble() * (portableLog(hi / lo)))
            for (c, v) in direction(coords[0..<n], norm: norm, &rng) { x[r, c] = Float(v) }
            groups.append([r])
        }
        let norms: [Double] = (0..<items).map { r in
            var s = 0.0
            for c in 0..<n { let v = Double(x[r, c]); s += v * v }
            return s.squareRoot()
        }
        let limit = 1 + o.normTolerance
        let truth: @Sendable (Int, Int) -> Bool = { a, b in
            Swift.max(norms[a], norms[b]) <= limit * Swift.min(norms[a], norms[b])
        }
        return SyntheticWorld(embeddings: x, groups: groups, truth: truth, twins: twins)
    }
}
