import Foundation
import SymSimKernels

// MARK: - Reverse pass

extension Tape {
    /// Back-propagates from the `1×1` value `loss`: every value that depends on a parameter gets
    /// `∂loss/∂value`, and each parameter's `grad` is *increased* by its gradient (call
    /// `zeroGrad` on the optimiser between steps).
    ///
    /// Intermediate gradients are not zeroed first: the first contribution to a node overwrites
    /// its buffer and later ones add (`written`), and a node that receives none is skipped.
    public func backward(_ loss: Var) {
        precondition(recordsGradients, "backward: this tape does not record gradients")
        let root = nodes[loss.id]
        precondition(root.rows == 1 && root.cols == 1, "backward: loss is \(root.rows)x\(root.cols), expected 1x1")
        guard root.needsGrad else { return }
        written.removeAll(keepingCapacity: true)
        written.append(contentsOf: repeatElement(false, count: count))
        if root.op == .parameter { root.grad![0] += 1 } else { root.grad![0] = 1; written[loss.id] = true }
        var i = loss.id
        while i >= 0 {
            if nodes[i].needsGrad && written[i] && nodes[i].op != .parameter && nodes[i].op != .constant { pullback(i) }
            i -= 1
        }
    }

    /// Where a contribution to node `j`'s gradient goes, and whether to add it (`false`: the first
    /// contribution of this pass, which overwrites). Nil when `j` needs no gradient.
    @inline(__always) func target(_ j: Int) -> (UnsafeMutablePointer<Float>, Bool)? {
        guard j >= 0, nodes[j].needsGrad, let g = nodes[j].grad else { return nil }
        if nodes[j].op == .parameter || written[j] { return (g, true) }
        written[j] = true
        return (g, false)
    }

    /// As `target`, for a contribution that covers only part of the buffer: the first one zeroes it.
    @inline(__always) func partialTarget(_ j: Int) -> UnsafeMutablePointer<Float>? {
        guard j >= 0, nodes[j].needsGrad, let g = nodes[j].grad else { return nil }
        if nodes[j].op != .parameter && !written[j] {
            g.update(repeating: 0, count: nodes[j].rows * nodes[j].cols)
            written[j] = true
        }
        return g
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func pullback(_ id: Int) {
        let nd = nodes[id]
        let g = nd.grad!
        let count = nd.rows * nd.cols
        let A: Node? = nd.a >= 0 ? nodes[nd.a] : nil
        let B: Node? = nd.b >= 0 ? nodes[nd.b] : nil
        switch nd.op {
        case .constant, .parameter:
            break
        case .dense: pullbackDense(id)
        case .mirrorTwin: pullbackMirrorTwin(id)
        case .pairFeatures: pullbackPairFeatures(id)
        case .pairedProducts: pullbackPairedProducts(id)
        case .symmetricBilinear: pullbackSymmetricBilinear(id)
        case .matmul:
            let a = A!, b = B!
            let tA = nd.i0 == 1, tB = nd.i1 == 1
            let m = nd.rows, n = nd.cols
            let k = tA ? a.rows : a.cols
            if let (ga, acc) = target(nd.a) {
                let beta: Float = acc ? 1 : 0
                if !tA {
                    // dA (m×k) += dC · op(B)ᵀ
                    productGemm(transA: false, transB: !tB, m: m, n: k, k: n, alpha: 1,
                                a: g, lda: n, b: b.value, ldb: b.cols, beta: beta, c: ga, ldc: a.cols)
                } else {
                    // A stored k×m: dA += op(B) · dCᵀ
                    productGemm(transA: tB, transB: true, m: k, n: m, k: n, alpha: 1,
                                a: b.value, lda: b.cols, b: g, ldb: n, beta: beta, c: ga, ldc: a.cols)
                }
            }
            if let (gb, acc) = target(nd.b) {
                let beta: Float = acc ? 1 : 0
                if !tB {
                    // dB (k×n) += op(A)ᵀ · dC
                    productGemm(transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1,
                                a: a.value, lda: a.cols, b: g, ldb: n, beta: beta, c: gb, ldc: b.cols)
                } else {
                    // B stored n×k: dB += dCᵀ · op(A)
                    productGemm(transA: true, transB: tA, m: n, n: k, k: m, alpha: 1,
                                a: g, lda: n, b: a.value, ldb: a.cols, beta: beta, c: gb, ldc: b.cols)
                }
            }
        case .add:
            if let (ga, acc) = target(nd.a) { addInto(ga, g, count, accumulate: acc) }
            if let (gb, acc) = target(nd.b) { addInto(gb, g, count, accumulate: acc) }
        case .sub:
            if let (ga, acc) = target(nd.a) { addInto(ga, g, count, accumulate: acc) }
            if let (gb, acc) = target(nd.b) { addScaledInto(gb, g, -1, count, accumulate: acc) }
        case .mul:
            let x = A!.value, y = B!.value
            if let (ga, acc) = target(nd.a) { addProductInto(ga, g, y, count, accumulate: acc) }
            if let (gb, acc) = target(nd.b) { addProductInto(gb, g, x, count, accumulate: acc) }
        case .maximum:
            let x = A!.value, y = B!.value
            let ga = partialTarget(nd.a), gb = partialTarget(nd.b)
            for i in 0..<count {
                if x[i] > y[i] { ga?[i] += g[i] }
                else if y[i] > x[i] { gb?[i] += g[i] }
                else { ga?[i] += 0.5 * g[i]; gb?[i] += 0.5 * g[i] }
            }
        case .addRowVector:
            let n = nd.cols
            if let (ga, acc) = target(nd.a) { addInto(ga, g, count, accumulate: acc) }
            if let gb = partialTarget(nd.b) {
                for r in 0..<nd.rows { addInto(gb, g + r * n, n, accumulate: true) }
            }
        case .scale:
            if let (ga, acc) = target(nd.a) { addScaledInto(ga, g, nd.s, count, accumulate: acc) }
        case .mulScalar:
            let x = A!.value, k = B!.value[0]
            if let (ga, acc) = target(nd.a) { addScaledInto(ga, g, k, count, accumulate: acc) }
            if let gb = partialTarget(nd.b) {
                var s: Float = 0
                for i in 0..<count { s += g[i] * x[i] }
                gb[0] += s
            }
        case .abs:
            let x = A!.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0); ga[i] = acc ? ga[i] + v : v }
            }
        case .relu:
            let x = A!.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = x[i] > 0 ? g[i] : 0; ga[i] = acc ? ga[i] + v : v }
            }
        case .tanh:
            let y = nd.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = g[i] * (1 - y[i] * y[i]); ga[i] = acc ? ga[i] + v : v }
            }
        case .sigmoid:
            let y = nd.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = g[i] * y[i] * (1 - y[i]); ga[i] = acc ? ga[i] + v : v }
            }
        case .logSigmoid:
            // d/dx log σ(x) = σ(−x)
            let x = A!.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = g[i] * stableSigmoid(-x[i]); ga[i] = acc ? ga[i] + v : v }
            }
        case .exp:
            let y = nd.value
            if let (ga, acc) = target(nd.a) { addProductInto(ga, g, y, count, accumulate: acc) }
        case .sqrt:
            let y = nd.value
            if let (ga, acc) = target(nd.a) {
                for i in 0..<count { let v = g[i] * 0.5 / y[i]; ga[i] = acc ? ga[i] + v : v }
            }
        case .concatCols:
            var c0 = 0
            for t in 0..<nd.i1 {
                let pid = extra[nd.i0 + t], cols = nodes[pid].cols
                if let (gp, acc) = target(pid) {
                    for r in 0..<nd.rows { addInto(gp + r * cols, g + r * nd.cols + c0, cols, accumulate: acc) }
                }
                c0 += cols
            }
        case .sliceCols:
            if let ga = partialTarget(nd.a) {
                let a = A!
                for r in 0..<nd.rows { addInto(ga + r * a.cols + nd.i0, g + r * nd.cols, nd.cols, accumulate: true) }
            }
        case .rowDot:
            let a = A!, b = B!, n = a.cols
            let ta = target(nd.a), tb = target(nd.b)
            for r in 0..<nd.rows {
                let gr = g[r], o = r * n
                if let (ga, acc) = ta { addScaledInto(ga + o, b.value + o, gr, n, accumulate: acc) }
                if let (gb, acc) = tb { addScaledInto(gb + o, a.value + o, gr, n, accumulate: acc) }
            }
        case .rowSum:
            let n = A!.cols
            if let (ga, acc) = target(nd.a) {
                for r in 0..<nd.rows { for c in 0..<n { ga[r * n + c] = acc ? ga[r * n + c] + g[r] : g[r] } }
            }
        case .sqDist:
            let a = A!, b = B!, n = a.cols
            let ta = target(nd.a), tb = target(nd.b)
            for r in 0..<nd.rows {
                let o = r * n
                for c in 0..<n {
                    let d = 2 * g[r] * (a.value[o + c] - b.value[o + c])
                    if let (ga, acc) = ta { ga[o + c] = acc ? ga[o + c] + d : d }
                    if let (gb, acc) = tb { gb[o + c] = acc ? gb[o + c] - d : -d }
                }
            }
        case .rowCosine:
            let a = A!, b = B!
            let ta = target(nd.a), tb = target(nd.b)
            symsim_row_cosine_grad(MatrixProduct.isaCode, nd.rows, a.cols, a.value, b.value, nd.value, g,
                                   ta?.0, (ta?.1 ?? false) ? 1 : 0, tb?.0, (tb?.1 ?? false) ? 1 : 0, Tape.cosineEpsilon)
        case .groupSum:
            if let (ga, acc) = target(nd.a) {
                let size = nd.i0, gcols = nd.cols, acols = A!.cols
                for r in 0..<nd.rows {
                    for k in 0..<gcols {
                        let v = g[r * gcols + k]
                        let dst = ga + r * acols + k * size
                        for t in 0..<size { dst[t] = acc ? dst[t] + v : v }
                    }
                }
            }
        case .groupRowDot:
            let p = A!, x = B!, n = x.cols, gcols = nd.cols
            let ta = target(nd.a), tb = target(nd.b)
            for r in 0..<nd.rows {
                let xr = x.value + r * n, pr = p.value + r * p.cols
                for k in 0..<gcols {
                    let v = g[r * gcols + k]
                    if let (ga, acc) = ta { addScaledInto(ga + r * p.cols + k * n, xr, v, n, accumulate: acc) }
                    if let (gb, acc) = tb { addScaledInto(gb + r * n, pr + k * n, v, n, accumulate: acc || k > 0) }
                }
            }
        case .orderedPair:
            let a = A!, b = B!, n = a.cols
            let ga = partialTarget(nd.a), gb = partialTarget(nd.b)
            for r in 0..<nd.rows {
                let takeA = rowPrecedes(a.value + r * n, b.value + r * n, n) == (nd.i0 == 1)
                if let dst = takeA ? ga : gb { addInto(dst + r * n, g + r * n, n, accumulate: true) }
            }
        case .symmetrizeBlocks:
            if let (ga, acc) = target(nd.a) {
                // dW_k = (G_k + G_kᵀ)/2 (16×16 tiles transposed in registers where AVX-512 is).
                symsim_symmetrize_blocks(MatrixProduct.isaCode, nd.rows, nd.cols / nd.rows, g, ga, acc ? 1 : 0)
            }
        case .bceWithLogits:
            if let (ga, acc) = target(nd.a) {
                let z = A!.value, y = B!.value, m = A!.rows
                let scale = g[0] / Float(max(m, 1))
                for r in 0..<m { let v = scale * (stableSigmoid(z[r]) - y[r]); ga[r] = acc ? ga[r] + v : v }
            }
        case .mean:
            if let (ga, acc) = target(nd.a) {
                let n = A!.rows * A!.cols
                let v = g[0] / Float(max(n, 1))
                for i in 0..<n { ga[i] = acc ? ga[i] + v : v }
            }
        }
    }
}
