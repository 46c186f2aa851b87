import Foundation
import SymSimKernels

/// Order-free merge of two mirrored hidden layers (`Tape.mirrorTwin`).
public enum PairMerge: UInt8, Sendable, CaseIterable {
    /// `h₁ + h₂`
    case sum
    /// `(h₁ + h₂) · ½`
    case mean
    /// `max(h₁, h₂)`; the gradient goes to the larger, split evenly on ties.
    case max
}

/// A per-coordinate symmetric feature of a pair (`Tape.pairFeatures`).
public enum PairFeature: UInt8, Sendable, CaseIterable {
    /// `a + b`
    case sum
    /// `a ⊙ b`
    case product
    /// `|a − b|` (gradient 0 where `a == b`)
    case absDiff
}

// MARK: - Fused operations
//
// Each records one node for work that would otherwise take several (and several buffers and
// passes over memory). Their values are those of the unfused compositions named in each doc
// comment, up to rounding where the doc says so; every one has a finite-difference test.

extension Tape {
    /// `φ(x·W + b)` as one node: the product, then bias and activation in one pass; the pullback
    /// forms `g ⊙ φ'` once and derives the bias, weight and (only if needed) input gradients from it.
    /// `bias` is a `1×n` row or nil. Same values as `matmul`, `addRowVector`, `relu`/`tanh`.
    public func dense(_ x: Var, _ w: Var, bias: Var? = nil, activation: Nonlinearity = .identity) -> Var {
        let nx = node(x), nw = node(w)
        precondition(nx.cols == nw.rows, "dense: input is \(nx.rows)x\(nx.cols), weight is \(nw.rows)x\(nw.cols)")
        if let bias {
            let nb = node(bias)
            precondition(nb.rows == 1 && nb.cols == nw.cols, "dense: bias is \(nb.rows)x\(nb.cols), expected 1x\(nw.cols)")
        }
        let m = nx.rows, n = nw.cols, k = nx.cols
        let id = push(.dense, rows: m, cols: n, a: x.id, b: w.id, c: bias?.id ?? -1, i0: Int(activation.rawValue))
        let out = nodes[id].value
        if n == 1 {
            // A single output (a logit layer): row dots, which BLAS runs far below its gemm rate.
            productFlops += 2 * m * k
            for r in 0..<m { out[r] = dot(nx.value + r * k, nw.value, k) }
        } else {
            productGemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: nx.value, lda: k,
                        b: nw.value, ldb: n, beta: 0, c: out, ldc: n)
        }
        biasActivate(out, out, bias.map { nodes[$0.id].value }, m, n, activation)
        return Var(id: id)
    }

    /// `φ(x + b)` with the `1×n` row `b` added to every row, as one node
    /// (the values of `addRowVector` then `relu`/`tanh`).
    public func biasActivation(_ x: Var, _ bias: Var, activation: Nonlinearity) -> Var {
        let nx = node(x), nb = node(bias)
        precondition(nb.rows == 1 && nb.cols == nx.cols, "biasActivation: bias is \(nb.rows)x\(nb.cols), matrix is \(nx.rows)x\(nx.cols)")
        let id = push(.dense, rows: nx.rows, cols: nx.cols, a: x.id, c: bias.id, i0: Int(activation.rawValue))
        biasActivate(nodes[id].value, nx.value, nb.value, nx.rows, nx.cols, activation)
        return Var(id: id)
    }

    private func biasActivate(_ out: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>,
                              _ bias: UnsafeMutablePointer<Float>?, _ m: Int, _ n: Int, _ act: Nonlinearity) {
        if bias == nil && act == .identity {
            if out != x { out.update(from: x, count: m * n) }
            return
        }
        if act != .tanh {
            symsim_bias_relu(MatrixProduct.isaCode, m, n, x, bias, out, act == .relu ? 1 : 0)
            return
        }
        for r in 0..<m {
            let o = out + r * n, xr = x + r * n
            var c = 0
            if let bias {
                while c + 8 <= n { store8(activate8(load8(xr, c) + load8(bias, c), act), o, c); c += 8 }
                while c < n { o[c] = activate1(xr[c] + bias[c], act); c += 1 }
            } else {
                while c + 8 <= n { store8(activate8(load8(xr, c), act), o, c); c += 8 }
                while c < n { o[c] = activate1(xr[c], act); c += 1 }
            }
        }
    }

    /// `dz = g ⊙ (1 − y²)` and its column sums (the bias gradient), in one pass.
    private func tanhGradColumnSums(_ g: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                    _ dz: UnsafeMutablePointer<Float>, _ colSum: UnsafeMutablePointer<Float>, _ m: Int, _ n: Int) {
        colSum.update(repeating: 0, count: n)
        for r in 0..<m {
            let gr = g + r * n, yr = y + r * n, dr = dz + r * n
            var c = 0
            while c + 8 <= n {
                let v = activationGrad8(load8(gr, c), load8(yr, c), .tanh)
                store8(v, dr, c)
                store8(load8(colSum, c) + v, colSum, c)
                c += 8
            }
            while c < n {
                let v = activationGrad1(gr[c], yr[c], .tanh)
                dr[c] = v
                colSum[c] += v
                c += 1
            }
        }
    }

    func pullbackDense(_ id: Int) {
        let nd = nodes[id]
        let g = nd.grad!, y = nd.value
        let m = nd.rows, n = nd.cols
        let act = Nonlinearity(rawValue: UInt8(nd.i0))!
        // dz = g ⊙ φ'(y), and its column sums for the bias, in one pass.
        var dz = g
        let biasTarget = target(nd.c)
        if act != .identity || biasTarget != nil {
            if act != .identity { dz = scratch(0, m * n) }
            let colSum = scratch(1, n)
            if act == .tanh {
                tanhGradColumnSums(g, y, dz, colSum, m, n)
            } else {
                // ReLU or identity: the C kernel (AVX-512 where the CPU has it, same bits).
                symsim_relu_grad_colsum(MatrixProduct.isaCode, m, n, g, y, act == .relu ? dz : nil, colSum, act == .relu ? 1 : 0)
            }
            if let (gb, acc) = biasTarget { addInto(gb, colSum, n, accumulate: acc) }
        }
        let x = nodes[nd.a]
        if nd.b < 0 {
            if let (gx, acc) = target(nd.a) { addInto(gx, dz, m * n, accumulate: acc) }
            return
        }
        let w = nodes[nd.b], k = x.cols
        if n == 1 {
            if let (gw, acc) = target(nd.b) {
                // dW (k×1) = Σ_r dz[r]·x[r]
                productFlops += 2 * m * k
                let sum = scratch(2, k)
                for r in 0..<m { addScaledInto(sum, x.value + r * k, dz[r], k, accumulate: r > 0) }
                if m == 0 { sum.update(repeating: 0, count: k) }
                addInto(gw, sum, k, accumulate: acc)
            }
            if let (gx, acc) = target(nd.a) {
                // dx[r] = dz[r]·wᵀ
                productFlops += 2 * m * k
                for r in 0..<m { addScaledInto(gx + r * k, w.value, dz[r], k, accumulate: acc) }
            }
            return
        }
        if let (gw, acc) = target(nd.b) {
            // dW (k×n) = xᵀ · dz
            productGemm(transA: true, transB: false, m: k, n: n, k: m, alpha: 1, a: x.value, lda: k,
                        b: dz, ldb: n, beta: acc ? 1 : 0, c: gw, ldc: n)
        }
        if let (gx, acc) = target(nd.a) {
            // dx (m×k) = dz · Wᵀ
            productGemm(transA: false, transB: true, m: m, n: k, k: n, alpha: 1, a: dz, lda: n,
                        b: w.value, ldb: n, beta: acc ? 1 : 0, c: gx, ldc: k)
        }
    }

    // MARK: Mirror-tied twin layer

    /// The mirror-tied twin layer with its merge, as one node:
    ///
    ///     h₁ = φ(a·W + b·V + c),   h₂ = φ(a·V + b·W + c),   out = merge(h₁, h₂)
    ///
    /// with `wv = [W V]` (`n × 2w`), `c` a `1×w` row. Computed with half the multiply-adds of the
    /// two products `a·[W V]`, `b·[W V]`: with `s = a + b`, `d = a − b`, `S = (W + V)/2`,
    /// `D = (W − V)/2`, `P = s·S`, `Q = d·D`, `r = P + c`, it is `h₁ = φ(r + Q)`, `h₂ = φ(r − Q)`
    /// (equal in exact arithmetic; rounding differs).
    ///
    /// Exactly symmetric in `(a, b)`: `s` is unchanged by a swap and `d` is exactly negated
    /// (zeros stay `+0`), so `Q` is exactly negated whenever it is not zero (the product's order
    /// of operations depends only on the shapes, and IEEE rounding is symmetric under negation).
    /// `r` is normalised so it is never `−0`; then `r ± Q` trade places exactly under a swap,
    /// `Q = ±0` included, and so do `h₁`, `h₂`; the merges are order-free.
    public func mirrorTwin(_ a: Var, _ b: Var, weights wv: Var, bias: Var,
                           activation: Nonlinearity, merge: PairMerge) -> Var {
        let na = node(a), nb = node(b), nw = node(wv), nc = node(bias)
        precondition(na.rows == nb.rows && na.cols == nb.cols,
                     "mirrorTwin: sides are \(na.rows)x\(na.cols) and \(nb.rows)x\(nb.cols)")
        precondition(nw.rows == na.cols && nw.cols % 2 == 0,
                     "mirrorTwin: weights are \(nw.rows)x\(nw.cols), expected \(na.cols)x(2·width)")
        let m = na.rows, n = na.cols, w = nw.cols / 2
        precondition(nc.rows == 1 && nc.cols == w, "mirrorTwin: bias is \(nc.rows)x\(nc.cols), expected 1x\(w)")
        let id = push(.mirrorTwin, rows: m, cols: w, a: a.id, b: b.id, c: wv.id,
                      i0: Int(activation.rawValue) | Int(merge.rawValue) << 8, i1: bias.id,
                      auxiliary: 2 * m * n + 2 * n * w + 2 * m * w)
        if nodes[bias.id].needsGrad && recordsGradients && !nodes[id].needsGrad {
            nodes[id].needsGrad = true
            nodes[id].grad = gradBuffer(id, m * w)
        }
        let out = nodes[id].value
        let (s, d, sd, h1, h2) = mirrorAux(out, m, n, w)
        let x = na.value, y = nb.value
        var i = 0
        while i + 8 <= m * n {
            let xa = load8(x, i), xb = load8(y, i)
            store8(xa + xb, s, i); store8(xa - xb, d, i)
            i += 8
        }
        while i < m * n { s[i] = x[i] + y[i]; d[i] = x[i] - y[i]; i += 1 }
        let wvp = nw.value
        for r in 0..<n {
            let wr = wvp + r * 2 * w, vr = wr + w, sr = sd + r * 2 * w, dr = sr + w
            for c in 0..<w { sr[c] = (wr[c] + vr[c]) * 0.5; dr[c] = (wr[c] - vr[c]) * 0.5 }
        }
        productGemm(transA: false, transB: false, m: m, n: w, k: n, alpha: 1, a: s, lda: n, b: sd, ldb: 2 * w,
                    beta: 0, c: h1, ldc: w)
        productGemm(transA: false, transB: false, m: m, n: w, k: n, alpha: 1, a: d, lda: n, b: sd + w, ldb: 2 * w,
                    beta: 0, c: h2, ldc: w)
        let c = nc.value
        let zero = SIMD8<Float>()
        for r in 0..<m {
            let p1 = h1 + r * w, p2 = h2 + r * w, o = out + r * w
            var j = 0
            while j + 8 <= w {
                let rr = (load8(p1, j) + load8(c, j)) + zero   // + 0 turns −0 into +0
                let q = load8(p2, j)
                let y1 = activate8(rr + q, activation), y2 = activate8(rr - q, activation)
                store8(y1, p1, j); store8(y2, p2, j)
                switch merge {
                case .sum: store8(y1 + y2, o, j)
                case .mean: store8((y1 + y2) * 0.5, o, j)
                case .max: store8(y1.replacing(with: y2, where: y2 .>= y1), o, j)
                }
                j += 8
            }
            while j < w {
                let rr = (p1[j] + c[j]) + 0
                let q = p2[j]
                let y1 = activate1(rr + q, activation), y2 = activate1(rr - q, activation)
                p1[j] = y1; p2[j] = y2
                switch merge {
                case .sum: o[j] = y1 + y2
                case .mean: o[j] = (y1 + y2) * 0.5
                case .max: o[j] = Swift.max(y1, y2)
                }
                j += 1
            }
        }
        return Var(id: id)
    }

    /// The auxiliary storage of a `mirrorTwin` node: `s`, `d` (`m×n`), `[S D]` (`n×2w`), `h₁`, `h₂` (`m×w`).
    @inline(__always) private func mirrorAux(_ out: UnsafeMutablePointer<Float>, _ m: Int, _ n: Int, _ w: Int)
        -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        let s = out + m * w, d = s + m * n, sd = d + m * n, h1 = sd + 2 * n * w, h2 = h1 + m * w
        return (s, d, sd, h1, h2)
    }

    func pullbackMirrorTwin(_ id: Int) {
        let nd = nodes[id]
        let g = nd.grad!
        let m = nd.rows, w = nd.cols, n = nodes[nd.a].cols
        let act = Nonlinearity(rawValue: UInt8(nd.i0 & 0xFF))!, merge = PairMerge(rawValue: UInt8(nd.i0 >> 8))!
        let (s, d, sd, h1, h2) = mirrorAux(nd.value, m, n, w)
        let dr = scratch(0, m * w), dq = scratch(1, m * w), colSum = scratch(2, w)
        colSum.update(repeating: 0, count: w)
        let half = SIMD8<Float>(repeating: 0.5)
        for r in 0..<m {
            let o = r * w
            var j = 0
            while j + 8 <= w {
                let gv = load8(g, o + j), y1 = load8(h1, o + j), y2 = load8(h2, o + j)
                var g1 = gv, g2 = gv
                switch merge {
                case .sum: break
                case .mean: g1 = gv * half; g2 = g1
                case .max:
                    let gh = gv * half
                    g1 = gh.replacing(with: gv, where: y1 .> y2).replacing(with: 0, where: y2 .> y1)
                    g2 = gh.replacing(with: gv, where: y2 .> y1).replacing(with: 0, where: y1 .> y2)
                }
                let z1 = activationGrad8(g1, y1, act), z2 = activationGrad8(g2, y2, act)
                let rv = z1 + z2
                store8(rv, dr, o + j); store8(z1 - z2, dq, o + j)
                store8(load8(colSum, j) + rv, colSum, j)
                j += 8
            }
            while j < w {
                let gv = g[o + j], y1 = h1[o + j], y2 = h2[o + j]
                var g1 = gv, g2 = gv
                switch merge {
                case .sum: break
                case .mean: g1 = gv * 0.5; g2 = g1
                case .max:
                    if y1 > y2 { g2 = 0 } else if y2 > y1 { g1 = 0 } else { g1 = 0.5 * gv; g2 = g1 }
                }
                let z1 = activationGrad1(g1, y1, act), z2 = activationGrad1(g2, y2, act)
                dr[o + j] = z1 + z2; dq[o + j] = z1 - z2
                colSum[j] += z1 + z2
                j += 1
            }
        }
        if let (gc, acc) = target(nd.i1) { addInto(gc, colSum, w, accumulate: acc) }
        if let (gwv, acc) = target(nd.c) {
            // dS = sᵀ·dr, dD = dᵀ·dq (n×w each); dW = (dS + dD)/2, dV = (dS − dD)/2.
            let ds = scratch(3, n * w), dd = scratch(4, n * w)
            productGemm(transA: true, transB: false, m: n, n: w, k: m, alpha: 1, a: s, lda: n, b: dr, ldb: w,
                        beta: 0, c: ds, ldc: w)
            productGemm(transA: true, transB: false, m: n, n: w, k: m, alpha: 1, a: d, lda: n, b: dq, ldb: w,
                        beta: 0, c: dd, ldc: w)
            for r in 0..<n {
                let gw = gwv + r * 2 * w, gv = gw + w, sr = ds + r * w, dr2 = dd + r * w
                var j = 0
                while j + 8 <= w {
                    let x = load8(sr, j), y = load8(dr2, j)
                    let dW = (x + y) * half, dV = (x - y) * half
                    store8(acc ? load8(gw, j) + dW : dW, gw, j)
                    store8(acc ? load8(gv, j) + dV : dV, gv, j)
                    j += 8
                }
                while j < w {
                    let dW = (sr[j] + dr2[j]) * 0.5, dV = (sr[j] - dr2[j]) * 0.5
                    gw[j] = acc ? gw[j] + dW : dW
                    gv[j] = acc ? gv[j] + dV : dV
                    j += 1
                }
            }
        }
        let ta = target(nd.a), tb = target(nd.b)
        if ta != nil || tb != nil {
            // ds = dr·Sᵀ, dd = dq·Dᵀ (m×n); da = ds + dd, db = ds − dd.
            let dsx = scratch(5, m * n), ddx = scratch(6, m * n)
            productGemm(transA: false, transB: true, m: m, n: n, k: w, alpha: 1, a: dr, lda: w, b: sd, ldb: 2 * w,
                        beta: 0, c: dsx, ldc: n)
            productGemm(transA: false, transB: true, m: m, n: n, k: w, alpha: 1, a: dq, lda: w, b: sd + w, ldb: 2 * w,
                        beta: 0, c: ddx, ldc: n)
            for i in 0..<(m * n) {
                let u = dsx[i] + ddx[i], v = dsx[i] - ddx[i]
                if let (ga, acc) = ta { ga[i] = acc ? ga[i] + u : u }
                if let (gb, acc) = tb { gb[i] = acc ? gb[i] + v : v }
            }
        }
    }

    // MARK: Pair features

    /// Per-coordinate symmetric features of the pair side by side, `m × (features.count · n)`:
    /// `[f₁(a, b) | f₂(a, b) | …]` with `sum = a + b`, `product = a ⊙ b`, `absDiff = |a − b|`,
    /// written in one pass (the values of `add`, `mul`, `abs(sub)` and `concatCols`).
    /// Each feature is exactly symmetric in `(a, b)`.
    public func pairFeatures(_ a: Var, _ b: Var, _ features: [PairFeature]) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, "pairFeatures")
        precondition(!features.isEmpty && features.count <= 8, "pairFeatures: \(features.count) features, expected 1...8")
        var code = 0
        for f in features.reversed() { code = code << 2 | Int(f.rawValue) }
        let m = na.rows, n = na.cols, k = features.count
        let id = push(.pairFeatures, rows: m, cols: k * n, a: a.id, b: b.id, i0: code, i1: k)
        let out = nodes[id].value, x = na.value, y = nb.value
        for r in 0..<m {
            let xr = x + r * n, yr = y + r * n
            for (t, f) in features.enumerated() {
                let o = out + r * k * n + t * n
                var c = 0
                switch f {
                case .sum:
                    while c + 8 <= n { store8(load8(xr, c) + load8(yr, c), o, c); c += 8 }
                    while c < n { o[c] = xr[c] + yr[c]; c += 1 }
                case .product:
                    while c + 8 <= n { store8(load8(xr, c) * load8(yr, c), o, c); c += 8 }
                    while c < n { o[c] = xr[c] * yr[c]; c += 1 }
                case .absDiff:
                    while c + 8 <= n {
                        let dv = load8(xr, c) - load8(yr, c)
                        store8(dv.replacing(with: -dv, where: dv .< 0), o, c); c += 8
                    }
                    while c < n { o[c] = Swift.abs(xr[c] - yr[c]); c += 1 }
                }
            }
        }
        return Var(id: id)
    }

    func pullbackPairFeatures(_ id: Int) {
        let nd = nodes[id]
        let g = nd.grad!
        let k = nd.i1, m = nd.rows, n = nd.cols / k
        let features = (0..<k).map { PairFeature(rawValue: UInt8((nd.i0 >> (2 * $0)) & 3))! }
        let x = nodes[nd.a].value, y = nodes[nd.b].value
        let ta = target(nd.a), tb = target(nd.b)
        for r in 0..<m {
            for c in 0..<n {
                let i = r * n + c
                var da: Float = 0, db: Float = 0
                for (t, f) in features.enumerated() {
                    let gv = g[r * k * n + t * n + c]
                    switch f {
                    case .sum: da += gv; db += gv
                    case .product: da += gv * y[i]; db += gv * x[i]
                    case .absDiff:
                        let dv = x[i] - y[i]
                        let sg: Float = dv > 0 ? gv : (dv < 0 ? -gv : 0)
                        da += sg; db -= sg
                    }
                }
                if let (ga, acc) = ta { ga[i] = acc ? ga[i] + da : da }
                if let (gb, acc) = tb { gb[i] = acc ? gb[i] + db : db }
            }
        }
    }

    // MARK: Low-rank bilinear units

    /// The low-rank symmetric bilinear units from the products `pa = a·[U V]`, `pb = b·[U V]`
    /// (`m × 2·g·r` each, `U` columns first, unit `k` owning columns `k·r ..< (k+1)·r`):
    ///
    ///     out[·, k] = ½ Σ_{j<r} (pa_U[k·r+j]·pb_V[k·r+j] + pa_V[k·r+j]·pb_U[k·r+j])
    ///
    /// an `m × g` matrix, in one pass (the values of `mul` of slices, `add`, `groupSum`, `scale`).
    /// Exactly symmetric under swapping `pa` and `pb`: the two products trade places, their sum
    /// commutes, and the sum over `j` runs in the same order.
    public func pairedProducts(_ pa: Var, _ pb: Var, rank: Int) -> Var {
        let na = node(pa), nb = node(pb)
        precondition(na.rows == nb.rows && na.cols == nb.cols && rank > 0 && na.cols % (2 * rank) == 0,
                     "pairedProducts: \(na.rows)x\(na.cols) and \(nb.rows)x\(nb.cols) with rank \(rank)")
        let m = na.rows, hr = na.cols / 2, g = hr / rank
        let id = push(.pairedProducts, rows: m, cols: g, a: pa.id, b: pb.id, i0: rank)
        let out = nodes[id].value
        for r in 0..<m {
            let xu = na.value + r * 2 * hr, xv = xu + hr, yu = nb.value + r * 2 * hr, yv = yu + hr
            for k in 0..<g {
                var j = k * rank
                let end = j + rank
                var s: Float = 0
                if rank >= 8 {
                    // Lanes hold the symmetric terms; the lane sum runs in a fixed order.
                    var acc = SIMD8<Float>()
                    while j + 8 <= end {
                        acc += load8(xu, j) * load8(yv, j) + load8(xv, j) * load8(yu, j)
                        j += 8
                    }
                    s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
                }
                while j < end { s += xu[j] * yv[j] + xv[j] * yu[j]; j += 1 }
                out[r * g + k] = s * 0.5
            }
        }
        return Var(id: id)
    }

    func pullbackPairedProducts(_ id: Int) {
        let nd = nodes[id]
        let grad = nd.grad!
        let m = nd.rows, g = nd.cols, rank = nd.i0, hr = g * rank
        let pa = nodes[nd.a].value, pb = nodes[nd.b].value
        let ta = target(nd.a), tb = target(nd.b)
        for r in 0..<m {
            let xu = pa + r * 2 * hr, xv = xu + hr, yu = pb + r * 2 * hr, yv = yu + hr
            for k in 0..<g {
                let v = 0.5 * grad[r * g + k], j = k * rank
                if let (ga, acc) = ta {
                    let o = ga + r * 2 * hr
                    addScaledInto(o + j, yv + j, v, rank, accumulate: acc)
                    addScaledInto(o + hr + j, yu + j, v, rank, accumulate: acc)
                }
                if let (gb, acc) = tb {
                    let o = gb + r * 2 * hr
                    addScaledInto(o + j, xv + j, v, rank, accumulate: acc)
                    addScaledInto(o + hr + j, xu + j, v, rank, accumulate: acc)
                }
            }
        }
    }

    // MARK: - Symmetric bilinear units

    /// `out[r, k] = L_rᵀ S_k R_r` with `S_k = (W_k + W_kᵀ)/2`, for `W` (`n × (g·n)`, block `k` in
    /// columns `k·n ..< (k+1)·n`) and `L`, `R` (`m × n`): an `m × g` matrix.
    ///
    /// The values of `groupRowDot(matmul(L, symmetrizeBlocks(W)), R)`, bit for bit, and the same
    /// gradient for `W`, but one block at a time: `S_k`, `L·S_k` and, in the reverse pass,
    /// `Lᵀ·(g_k ⊙ R)` each fit in cache, so neither the symmetrised `n × g·n` weight nor the
    /// `m × g·n` products (nor their gradients) are ever written to memory. Gradients for `L`
    /// and `R` are supported too (per block, so their rounding differs from the unfused chain).
    public func symmetricBilinear(_ left: Var, _ right: Var, _ w: Var) -> Var {
        let nl = node(left), nr = node(right), nw = node(w)
        let n = nw.rows
        precondition(n > 0 && nw.cols % n == 0, "symmetricBilinear: \(nw.rows)x\(nw.cols) is not a row of square blocks")
        requireSameShape(nl, nr, "symmetricBilinear")
        precondition(nl.cols == n, "symmetricBilinear: rows have \(nl.cols) columns, blocks are \(n)x\(n)")
        let m = nl.rows, g = nw.cols / n
        let id = push(.symmetricBilinear, rows: m, cols: g, a: left.id, b: right.id, c: w.id)
        let out = nodes[id].value
        let sBlock = scratch(0, n * n), pBlock = scratch(1, m * n)
        for k in 0..<g {
            symsim_symmetrize(MatrixProduct.isaCode, n, nw.value + k * n, g * n, sBlock, n, 0)
            productGemm(transA: false, transB: false, m: m, n: n, k: n, alpha: 1, a: nl.value, lda: n,
                        b: sBlock, ldb: n, beta: 0, c: pBlock, ldc: n)
            for r in 0..<m { out[r * g + k] = dot(pBlock + r * n, nr.value + r * n, n) }
        }
        return Var(id: id)
    }

    func pullbackSymmetricBilinear(_ id: Int) {
        let nd = nodes[id]
        let grad = nd.grad!
        let m = nd.rows, g = nd.cols
        let left = nodes[nd.a].value, right = nodes[nd.b].value, w = nodes[nd.c].value
        let n = nodes[nd.c].rows
        let tl = target(nd.a), tr = target(nd.b), tw = target(nd.c)
        let sBlock = scratch(0, n * n), pBlock = scratch(1, m * n)
        let dP = scratch(2, m * n), gBlock = scratch(3, n * n)
        for k in 0..<g {
            // dP_k = g_k ⊙ R (row r scaled by grad[r, k]): the gradient of L·S_k.
            for r in 0..<m { addScaledInto(dP + r * n, right + r * n, grad[r * g + k], n, accumulate: false) }
            if let (gw, acc) = tw {
                // dW_k = sym(Lᵀ · dP_k)
                productGemm(transA: true, transB: false, m: n, n: n, k: m, alpha: 1, a: left, lda: n,
                            b: dP, ldb: n, beta: 0, c: gBlock, ldc: n)
                symsim_symmetrize(MatrixProduct.isaCode, n, gBlock, n, gw + k * n, g * n, acc ? 1 : 0)
            }
            if tl == nil && tr == nil { continue }
            symsim_symmetrize(MatrixProduct.isaCode, n, w + k * n, g * n, sBlock, n, 0)
            if let (gl, acc) = tl {
                // dL += dP_k · S_k (S_k is symmetric)
                productGemm(transA: false, transB: false, m: m, n: n, k: n, alpha: 1, a: dP, lda: n,
                            b: sBlock, ldb: n, beta: acc || k > 0 ? 1 : 0, c: gl, ldc: n)
            }
            if let (gr, acc) = tr {
                // dR_r += grad[r, k] · (L·S_k)_r
                productGemm(transA: false, transB: false, m: m, n: n, k: n, alpha: 1, a: left, lda: n,
                            b: sBlock, ldb: n, beta: 0, c: pBlock, ldc: n)
                for r in 0..<m {
                    addScaledInto(gr + r * n, pBlock + r * n, grad[r * g + k], n, accumulate: acc || k > 0)
                }
            }
        }
    }
}
