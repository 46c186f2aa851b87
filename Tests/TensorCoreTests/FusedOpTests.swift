import Testing
@testable import TensorCore

/// The fused operations: finite-difference gradients for every variant, agreement with the
/// unfused compositions they replace, and exact symmetry where they promise it.
@Suite("Fused operations")
struct FusedOpTests {
    static let activations: [Nonlinearity] = Nonlinearity.allCases

    // MARK: dense

    @Test("dense gradient", arguments: Nonlinearity.allCases, [false, true])
    func denseGradient(_ act: Nonlinearity, _ withBias: Bool) {
        // Input kept away from kinks: relu's kink sits at pre-activation 0, so shift by the bias.
        let x = randomParam("x", 5, 4, seed: 1), w = randomParam("w", 4, 3, seed: 2), b = randomParam("b", 1, 3, seed: 3, gap: 0.5)
        let params = withBias ? [x, w, b] : [x, w]
        let result = GradientCheck.run(parameters: params, h: 1e-3) { t in
            t.dense(t.param(x), t.param(w), bias: withBias ? t.param(b) : nil, activation: act)
        }
        #expect(result.checked > 0)
        #expect(result.passed, "\(act) bias \(withBias): \(result)")
    }

    @Test("dense with one output (row dots) gradient", arguments: [Nonlinearity.identity, .tanh])
    func denseSingleOutputGradient(_ act: Nonlinearity) {
        let x = randomParam("x", 6, 11, seed: 4), w = randomParam("w", 11, 1, seed: 5), b = randomParam("b", 1, 1, seed: 6)
        let result = GradientCheck.run(parameters: [x, w, b]) { t in
            t.dense(t.param(x), t.param(w), bias: t.param(b), activation: act)
        }
        #expect(result.passed, "\(result)")
    }

    @Test("biasActivation gradient", arguments: Nonlinearity.allCases)
    func biasActivationGradient(_ act: Nonlinearity) {
        let x = randomParam("x", 4, 9, seed: 7, gap: 0.3), b = randomParam("b", 1, 9, seed: 8)
        let result = GradientCheck.run(parameters: [x, b], h: 1e-3) { t in
            t.biasActivation(t.param(x), t.param(b), activation: act)
        }
        #expect(result.passed, "\(act): \(result)")
    }

    @Test func denseMatchesUnfusedOps() {
        let x = randomParam("x", 7, 13, seed: 1), w = randomParam("w", 13, 10, seed: 2), b = randomParam("b", 1, 10, seed: 3)
        for act in Nonlinearity.allCases {
            let t = Tape(recordsGradients: false)
            let fused = t.value(t.dense(t.param(x), t.param(w), bias: t.param(b), activation: act))
            let z = t.addRowVector(t.matmul(t.param(x), t.param(w)), t.param(b))
            let plain = t.value(act == .relu ? t.relu(z) : act == .tanh ? t.tanh(z) : z)
            #expect(fused == plain, "\(act)")
        }
    }

    // MARK: mirrorTwin

    /// `h₁ = φ(aW + bV + c)`, `h₂ = φ(aV + bW + c)`, merged, with the plain ops.
    func mirrorReference(_ t: Tape, _ a: Var, _ b: Var, _ wv: Var, _ c: Var, _ act: Nonlinearity, _ merge: PairMerge) -> Var {
        let w = t.shape(c).cols
        let pa = t.matmul(a, wv), pb = t.matmul(b, wv)
        func phi(_ v: Var) -> Var { act == .relu ? t.relu(v) : act == .tanh ? t.tanh(v) : v }
        let h1 = phi(t.addRowVector(t.add(t.sliceCols(pa, start: 0, count: w), t.sliceCols(pb, start: w, count: w)), c))
        let h2 = phi(t.addRowVector(t.add(t.sliceCols(pa, start: w, count: w), t.sliceCols(pb, start: 0, count: w)), c))
        switch merge {
        case .sum: return t.add(h1, h2)
        case .mean: return t.scale(t.add(h1, h2), 0.5)
        case .max: return t.maximum(h1, h2)
        }
    }

    @Test("mirrorTwin gradient", arguments: Nonlinearity.allCases, PairMerge.allCases)
    func mirrorTwinGradient(_ act: Nonlinearity, _ merge: PairMerge) {
        // tanh everywhere is smooth; relu and max get a larger bias gap and a small step.
        let a = randomParam("a", 4, 5, seed: 1), b = randomParam("b", 4, 5, seed: 2)
        let wv = randomParam("wv", 5, 6, seed: 3), c = randomParam("c", 1, 3, seed: 4, gap: 0.3)
        let result = GradientCheck.run(parameters: [a, b, wv, c], h: 1e-3) { t in
            t.mirrorTwin(t.param(a), t.param(b), weights: t.param(wv), bias: t.param(c), activation: act, merge: merge)
        }
        #expect(result.passed, "\(act) \(merge): \(result)")
    }

    @Test("mirrorTwin equals the two-product formulation up to rounding", arguments: PairMerge.allCases)
    func mirrorTwinMatchesReference(_ merge: PairMerge) {
        let a = randomParam("a", 33, 20, seed: 11), b = randomParam("b", 33, 20, seed: 12)
        let wv = randomParam("wv", 20, 26, seed: 13), c = randomParam("c", 1, 13, seed: 14)
        for act in Nonlinearity.allCases {
            let t = Tape(recordsGradients: false)
            let fused = t.value(t.mirrorTwin(t.param(a), t.param(b), weights: t.param(wv), bias: t.param(c), activation: act, merge: merge))
            let plain = t.value(mirrorReference(t, t.param(a), t.param(b), t.param(wv), t.param(c), act, merge))
            #expect(fused.maxAbsDifference(plain) < 1e-4, "\(act) \(merge): \(fused.maxAbsDifference(plain))")
        }
    }

    /// Swapping the sides gives the same bits, including rows where some or all coordinates are
    /// equal (so `a − b` has `+0` entries), rows `a = −b`, zero rows, and a zero bias.
    @Test("mirrorTwin is exactly symmetric", arguments: Nonlinearity.allCases, PairMerge.allCases)
    func mirrorTwinIsExactlySymmetric(_ act: Nonlinearity, _ merge: PairMerge) {
        var rng = RandomSource(seed: 5)
        let m = 400, n = 17, w = 11
        var am = Matrix(rows: m, cols: n), bm = Matrix(rows: m, cols: n)
        for i in 0..<am.count { am.data[i] = rng.normal(std: 1); bm.data[i] = rng.normal(std: 2) }
        for r in 0..<40 { for c in 0..<n { bm[r, c] = am[r, c] } }                   // identical rows
        for r in 40..<80 { for c in 0..<n where c % 2 == 0 { bm[r, c] = am[r, c] } }  // half equal
        for r in 80..<120 { for c in 0..<n { bm[r, c] = -am[r, c] } }                 // a = −b
        for r in 120..<130 { for c in 0..<n { am[r, c] = 0; bm[r, c] = 0 } }         // zero rows
        for r in 130..<140 { for c in 0..<n { am[r, c] = -0.0; bm[r, c] = 0 } }       // −0 against +0
        var wm = Matrix(rows: n, cols: 2 * w)
        for i in 0..<wm.count { wm.data[i] = rng.normal(std: 0.3) }
        for bias in [Matrix(rows: 1, cols: w), Matrix(rows: 1, cols: w, repeating: -0.0), Matrix(rows: 1, cols: w, repeating: 0.1)] {
            let t = Tape(recordsGradients: false)
            let wv = t.constant(wm), c = t.constant(bias)
            let ab = t.value(t.mirrorTwin(t.constant(am), t.constant(bm), weights: wv, bias: c, activation: act, merge: merge))
            let ba = t.value(t.mirrorTwin(t.constant(bm), t.constant(am), weights: wv, bias: c, activation: act, merge: merge))
            let mismatches = zip(ab.data, ba.data).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(mismatches == 0, "\(act) \(merge) bias \(bias.data[0]): \(mismatches) entries differ")
        }
    }

    // MARK: pairFeatures

    @Test func pairFeaturesGradient() {
        let a = randomParam("a", 4, 6, seed: 1)
        let off = randomParam("o", 4, 6, seed: 2, gap: 0.3)
        var bm = a.matrix
        for i in 0..<bm.count { bm.data[i] += off.value[i] }   // |a − b| ≥ 0.3: away from the kink
        let b = Parameter(name: "b", bm)
        for features in [PairFeature.allCases, [.absDiff, .sum], [.product]] {
            let result = GradientCheck.run(parameters: [a, b]) { t in t.pairFeatures(t.param(a), t.param(b), features) }
            #expect(result.passed, "\(features): \(result)")
        }
    }

    @Test func pairFeaturesMatchUnfusedOps() {
        let a = randomParam("a", 9, 19, seed: 1), b = randomParam("b", 9, 19, seed: 2)
        let t = Tape(recordsGradients: false)
        let va = t.param(a), vb = t.param(b)
        let fused = t.value(t.pairFeatures(va, vb, [.product, .absDiff, .sum]))
        let plain = t.value(t.concatCols([t.mul(va, vb), t.abs(t.sub(va, vb)), t.add(va, vb)]))
        #expect(fused == plain)
        let swapped = t.value(t.pairFeatures(vb, va, [.product, .absDiff, .sum]))
        #expect(fused == swapped)
    }

    // MARK: pairedProducts

    @Test("pairedProducts gradient", arguments: [1, 3, 8, 11])
    func pairedProductsGradient(_ rank: Int) {
        let pa = randomParam("pa", 3, 2 * 2 * rank, seed: 1), pb = randomParam("pb", 3, 2 * 2 * rank, seed: 2)
        let result = GradientCheck.run(parameters: [pa, pb]) { t in t.pairedProducts(t.param(pa), t.param(pb), rank: rank) }
        #expect(result.passed, "rank \(rank): \(result)")
    }

    @Test("pairedProducts: unfused values and exact symmetry", arguments: [1, 8, 13])
    func pairedProductsMatchesAndIsSymmetric(_ rank: Int) {
        let g = 5, hr = g * rank
        let pa = randomParam("pa", 21, 2 * hr, seed: 3), pb = randomParam("pb", 21, 2 * hr, seed: 4)
        let t = Tape(recordsGradients: false)
        let x = t.param(pa), y = t.param(pb)
        let fused = t.value(t.pairedProducts(x, y, rank: rank))
        let t1 = t.mul(t.sliceCols(x, start: 0, count: hr), t.sliceCols(y, start: hr, count: hr))
        let t2 = t.mul(t.sliceCols(x, start: hr, count: hr), t.sliceCols(y, start: 0, count: hr))
        let plain = t.value(t.scale(t.groupSum(t.add(t1, t2), groupSize: rank), 0.5))
        #expect(fused.maxAbsDifference(plain) < 1e-5)
        #expect(fused == t.value(t.pairedProducts(y, x, rank: rank)))
    }

    // MARK: symmetricBilinear

    @Test("symmetricBilinear gradient (L, R and W)", arguments: [3, 17])
    func symmetricBilinearGradient(_ n: Int) {
        let l = randomParam("l", 4, n, seed: 1), r = randomParam("r", 4, n, seed: 2)
        let w = randomParam("w", n, 3 * n, seed: 3)
        let result = GradientCheck.run(parameters: [l, r, w]) { t in
            t.symmetricBilinear(t.param(l), t.param(r), t.param(w))
        }
        #expect(result.checked > 0)
        #expect(result.passed, "n \(n): \(result)")
    }

    /// The outer head's fused units against the chain they replace: the same values and the same
    /// weight gradient, bit for bit on the native kernels (the products compute every element in
    /// the same order whatever the block of columns), and within rounding on other backends.
    @Test("symmetricBilinear equals groupRowDot(matmul(L, symmetrizeBlocks(W)), R)", arguments: [5, 20, 40])
    func symmetricBilinearMatchesChain(_ n: Int) {
        let g = 3, m = 9
        let l = randomParam("l", m, n, seed: 4), r = randomParam("r", m, n, seed: 5)
        let w = randomParam("w", n, g * n, seed: 6)
        func run(fused: Bool) -> (Matrix, [Float]) {
            w.zeroGrad()
            let t = Tape()
            let lv = t.constant(l.matrix), rv = t.constant(r.matrix), wv = t.param(w)
            let out = fused ? t.symmetricBilinear(lv, rv, wv) : t.groupRowDot(t.matmul(lv, t.symmetrizeBlocks(wv)), rv)
            t.backward(t.mean(t.mul(out, out)))
            return (t.value(out), Array(UnsafeBufferPointer(start: w.grad, count: w.count)))
        }
        let (fv, fg) = run(fused: true), (cv, cg) = run(fused: false)
        if MatrixProduct.defaultBackend == .native {
            #expect(fv.data.map(\.bitPattern) == cv.data.map(\.bitPattern))
            #expect(fg.map(\.bitPattern) == cg.map(\.bitPattern))
        } else {
            #expect(fv.maxAbsDifference(cv) < 1e-4)
            #expect(zip(fg, cg).allSatisfy { Swift.abs($0 - $1) < 1e-4 })
        }
        // And the gradient of W is exactly symmetric in every block.
        for k in 0..<g {
            for i in 0..<n { for j in 0..<n { #expect(fg[i * g * n + k * n + j] == fg[j * g * n + k * n + i]) } }
        }
    }

    // MARK: The reverse pass without zeroing

    /// A value used by three consumers accumulates all three contributions, a value no consumer
    /// reaches reports a zero gradient, and repeated backward passes on a reused tape agree.
    @Test func gradientsAccumulateWithoutZeroingPass() {
        let x = randomParam("x", 3, 4, seed: 1)
        let tape = Tape()
        var first: Matrix?
        for _ in 0..<3 {
            tape.reset()
            x.zeroGrad()
            let v = tape.param(x)
            let h = tape.tanh(v)
            let unused = tape.scale(h, 3)
            let loss = tape.mean(tape.add(tape.add(tape.mul(h, h), h), tape.scale(h, 2)))
            tape.backward(loss)
            #expect(tape.gradient(unused) == Matrix(rows: 3, cols: 4))
            // d/dh mean(h² + h + 2h) = (2h + 3)/12, times 1 − h².
            let hv = tape.value(h)
            for i in 0..<12 {
                let expected = (2 * hv.data[i] + 3) / 12 * (1 - hv.data[i] * hv.data[i])
                #expect(Swift.abs(x.grad[i] - expected) < 1e-6)
            }
            if let first { #expect(first == x.gradient) } else { first = x.gradient }
        }
    }

}

import Foundation
