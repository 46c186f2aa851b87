import Foundation
import SymSimKernels

// MARK: - Forward operations
//
// Every operation checks shapes with a `precondition` naming them (a mismatch is a bug in the
// caller, not bad user input), computes its output into a pooled buffer, and records what its
// pullback needs. Element-wise loops run in index order, so results are deterministic.

extension Tape {
    @inline(__always) func node(_ v: Var) -> Node { nodes[v.id] }

    /// Traps unless two inputs have the same shape (a caller bug), naming the op and the shapes.
    @inline(__always) func requireSameShape(_ na: Node, _ nb: Node, _ op: String) {
        precondition(na.rows == nb.rows && na.cols == nb.cols,
                     "\(op): shapes \(na.rows)x\(na.cols) and \(nb.rows)x\(nb.cols) differ")
    }

    /// `op(A) · op(B)`; `transA`/`transB` use the transpose of the stored matrix.
    public func matmul(_ a: Var, _ b: Var, transA: Bool = false, transB: Bool = false) -> Var {
        let na = node(a), nb = node(b)
        let m = transA ? na.cols : na.rows, k = transA ? na.rows : na.cols
        let kb = transB ? nb.cols : nb.rows, n = transB ? nb.rows : nb.cols
        precondition(k == kb, "matmul: op(A) is \(m)x\(k), op(B) is \(kb)x\(n)")
        let id = push(.matmul, rows: m, cols: n, a: a.id, b: b.id, i0: transA ? 1 : 0, i1: transB ? 1 : 0)
        productGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                           a: na.value, lda: na.cols, b: nb.value, ldb: nb.cols,
                           beta: 0, c: nodes[id].value, ldc: n)
        return Var(id: id)
    }

    private func elementwise(_ op: Op, _ a: Var, _ b: Var, _ name: String,
                             _ f: (Float, Float) -> Float) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, name)
        let id = push(op, rows: na.rows, cols: na.cols, a: a.id, b: b.id)
        let out = nodes[id].value, x = na.value, y = nb.value
        for i in 0..<(na.rows * na.cols) { out[i] = f(x[i], y[i]) }
        return Var(id: id)
    }

    /// Element-wise `a + b` (same shapes). Exactly commutative: `add(a, b) == add(b, a)` bit for bit.
    public func add(_ a: Var, _ b: Var) -> Var { elementwise(.add, a, b, "add") { $0 + $1 } }
    /// Element-wise `a − b` (same shapes).
    public func sub(_ a: Var, _ b: Var) -> Var { elementwise(.sub, a, b, "sub") { $0 - $1 } }
    /// Element-wise (Hadamard) product `a ⊙ b` (same shapes).
    public func mul(_ a: Var, _ b: Var) -> Var { elementwise(.mul, a, b, "mul") { $0 * $1 } }
    /// Element-wise maximum; the gradient goes to the larger input, split evenly on ties
    /// (so it is order-free like the value).
    public func maximum(_ a: Var, _ b: Var) -> Var { elementwise(.maximum, a, b, "maximum") { Swift.max($0, $1) } }

    /// `a + v` with the `1×n` row `v` added to every row of the `m×n` matrix `a`.
    public func addRowVector(_ a: Var, _ v: Var) -> Var {
        let na = node(a), nv = node(v)
        precondition(nv.rows == 1 && nv.cols == na.cols,
                     "addRowVector: row vector is \(nv.rows)x\(nv.cols), matrix is \(na.rows)x\(na.cols)")
        let id = push(.addRowVector, rows: na.rows, cols: na.cols, a: a.id, b: v.id)
        let out = nodes[id].value, x = na.value, y = nv.value, n = na.cols
        for r in 0..<na.rows { for c in 0..<n { out[r * n + c] = x[r * n + c] + y[c] } }
        return Var(id: id)
    }

    /// `s · a` for a constant scalar `s`.
    public func scale(_ a: Var, _ s: Float) -> Var {
        let na = node(a)
        let id = push(.scale, rows: na.rows, cols: na.cols, a: a.id, s: s)
        let out = nodes[id].value, x = na.value
        for i in 0..<(na.rows * na.cols) { out[i] = x[i] * s }
        return Var(id: id)
    }

    /// `a · s` for a recorded `1×1` scalar `s` (a learned scale).
    public func mulScalar(_ a: Var, _ s: Var) -> Var {
        let na = node(a), ns = node(s)
        precondition(ns.rows == 1 && ns.cols == 1, "mulScalar: scalar is \(ns.rows)x\(ns.cols), expected 1x1")
        let id = push(.mulScalar, rows: na.rows, cols: na.cols, a: a.id, b: s.id)
        let out = nodes[id].value, x = na.value, k = ns.value[0]
        for i in 0..<(na.rows * na.cols) { out[i] = x[i] * k }
        return Var(id: id)
    }

    private func unary(_ op: Op, _ a: Var, _ f: (Float) -> Float) -> Var {
        let na = node(a)
        let id = push(op, rows: na.rows, cols: na.cols, a: a.id)
        let out = nodes[id].value, x = na.value
        for i in 0..<(na.rows * na.cols) { out[i] = f(x[i]) }
        return Var(id: id)
    }

    /// `|a|`; the gradient at 0 is 0.
    public func abs(_ a: Var) -> Var { unary(.abs, a) { Swift.abs($0) } }
    /// `max(a, 0)`; the gradient at 0 is 0.
    public func relu(_ a: Var) -> Var { unary(.relu, a) { $0 > 0 ? $0 : 0 } }
    /// Hyperbolic tangent.
    public func tanh(_ a: Var) -> Var { unary(.tanh, a) { Foundation.tanh($0) } }
    /// Logistic sigmoid `1 / (1 + e^{−x})`, evaluated without overflow for either sign.
    public func sigmoid(_ a: Var) -> Var { unary(.sigmoid, a) { stableSigmoid($0) } }
    /// `log σ(x) = min(x, 0) − log(1 + e^{−|x|})`: finite for every finite `x`.
    public func logSigmoid(_ a: Var) -> Var { unary(.logSigmoid, a) { Swift.min($0, 0) - log1p(Foundation.exp(-Swift.abs($0))) } }
    /// `e^x` (overflows to `+inf` above about 88.7).
    public func exp(_ a: Var) -> Var { unary(.exp, a) { Foundation.exp($0) } }

    /// `√(a + ε)` element-wise (negative `a + ε` gives NaN). The `ε` keeps the gradient
    /// `1 / (2√(a + ε))` finite at `a = 0`, where a distance's square root is not differentiable.
    public func sqrt(_ a: Var, epsilon: Float = 1e-12) -> Var { unary(.sqrt, a) { ($0 + epsilon).squareRoot() } }

    /// Columns of the inputs side by side; all inputs have the same number of rows.
    public func concatCols(_ parts: [Var]) -> Var {
        precondition(!parts.isEmpty, "concatCols: no inputs")
        let rows = node(parts[0]).rows
        var cols = 0
        var needs = false
        for p in parts {
            precondition(node(p).rows == rows, "concatCols: input has \(node(p).rows) rows, expected \(rows)")
            cols += node(p).cols
            needs = needs || node(p).needsGrad
        }
        let offset = extra.count
        for p in parts { extra.append(p.id) }
        let id = push(.concatCols, rows: rows, cols: cols, i0: offset, i1: parts.count)
        if needs && recordsGradients && nodes[id].grad == nil {
            nodes[id].grad = gradBuffer(id, rows * cols)
        }
        nodes[id].needsGrad = needs && recordsGradients
        let out = nodes[id].value
        var c0 = 0
        for p in parts {
            let np = node(p)
            for r in 0..<rows { (out + r * cols + c0).update(from: np.value + r * np.cols, count: np.cols) }
            c0 += np.cols
        }
        return Var(id: id)
    }

    /// Columns `start ..< start + count` of `a`.
    public func sliceCols(_ a: Var, start: Int, count width: Int) -> Var {
        let na = node(a)
        precondition(start >= 0 && width >= 0 && start + width <= na.cols,
                     "sliceCols: columns \(start)..<\(start + width) outside a \(na.rows)x\(na.cols) matrix")
        let id = push(.sliceCols, rows: na.rows, cols: width, a: a.id, i0: start)
        let out = nodes[id].value
        for r in 0..<na.rows { (out + r * width).update(from: na.value + r * na.cols + start, count: width) }
        return Var(id: id)
    }

    /// Row-wise dot products: `out[r] = Σ_c a[r,c]·b[r,c]`, an `m×1` column. Exactly symmetric
    /// in `a` and `b` (each product commutes, the sum runs in the same order).
    public func rowDot(_ a: Var, _ b: Var) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, "rowDot")
        let id = push(.rowDot, rows: na.rows, cols: 1, a: a.id, b: b.id)
        let out = nodes[id].value, n = na.cols
        for r in 0..<na.rows { out[r] = dot(na.value + r * n, nb.value + r * n, n) }
        return Var(id: id)
    }

    /// Row sums: `out[r] = Σ_c a[r,c]`, an `m×1` column.
    public func rowSum(_ a: Var) -> Var {
        let na = node(a)
        let id = push(.rowSum, rows: na.rows, cols: 1, a: a.id)
        let out = nodes[id].value, n = na.cols
        for r in 0..<na.rows {
            var s: Float = 0
            let p = na.value + r * n
            for c in 0..<n { s += p[c] }
            out[r] = s
        }
        return Var(id: id)
    }

    /// Row-wise squared Euclidean distances `Σ_c (a[r,c] − b[r,c])²`, an `m×1` column.
    /// Exactly symmetric: `(x − y)² == (y − x)²` in IEEE arithmetic.
    public func sqDist(_ a: Var, _ b: Var) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, "sqDist")
        let id = push(.sqDist, rows: na.rows, cols: 1, a: a.id, b: b.id)
        let out = nodes[id].value, n = na.cols
        for r in 0..<na.rows {
            var s: Float = 0
            let x = na.value + r * n, y = nb.value + r * n
            for c in 0..<n { let d = x[c] - y[c]; s += d * d }
            out[r] = s
        }
        return Var(id: id)
    }

    /// Floor on `‖a‖·‖b‖` in `rowCosine`, so zero rows give 0 instead of NaN.
    public static let cosineEpsilon: Float = 1e-8

    /// Row-wise cosine similarity `a·b / max(‖a‖‖b‖, ε)`, an `m×1` column, `ε = 1e-8`.
    /// Exactly symmetric in `a` and `b`.
    public func rowCosine(_ a: Var, _ b: Var) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, "rowCosine")
        let id = push(.rowCosine, rows: na.rows, cols: 1, a: a.id, b: b.id)
        // The C kernel does the eight-lane dots of `dot` with wider registers, same bits.
        symsim_row_cosine(MatrixProduct.isaCode, na.rows, na.cols, na.value, nb.value, nodes[id].value, Tape.cosineEpsilon)
        return Var(id: id)
    }

    /// Sums of consecutive column groups: `m×(g·size)` → `m×g`, `out[r,k] = Σ_{t<size} a[r, k·size+t]`.
    public func groupSum(_ a: Var, groupSize: Int) -> Var {
        let na = node(a)
        precondition(groupSize > 0 && na.cols % groupSize == 0,
                     "groupSum: \(na.cols) columns do not split into groups of \(groupSize)")
        let g = na.cols / groupSize
        let id = push(.groupSum, rows: na.rows, cols: g, a: a.id, i0: groupSize)
        let out = nodes[id].value
        for r in 0..<na.rows {
            let p = na.value + r * na.cols
            for k in 0..<g {
                var s: Float = 0
                for t in 0..<groupSize { s += p[k * groupSize + t] }
                out[r * g + k] = s
            }
        }
        return Var(id: id)
    }

    /// Each row of `p` (`m×(g·n)`) read as `g` blocks of length `n`, dotted with the same row of
    /// `x` (`m×n`): `out[r,k] = Σ_i p[r, k·n+i]·x[r,i]`, an `m×g` matrix. With `p = X·W` this is
    /// the quadratic form `xᵀ W_k x` for every block `W_k` without forming `n²` features.
    public func groupRowDot(_ p: Var, _ x: Var) -> Var {
        let np = node(p), nx = node(x)
        precondition(np.rows == nx.rows && nx.cols > 0 && np.cols % nx.cols == 0,
                     "groupRowDot: \(np.rows)x\(np.cols) does not split into blocks of \(nx.rows)x\(nx.cols)")
        let n = nx.cols, g = np.cols / n
        let id = push(.groupRowDot, rows: np.rows, cols: g, a: p.id, b: x.id)
        let out = nodes[id].value
        for r in 0..<np.rows {
            let xr = nx.value + r * n, pr = np.value + r * np.cols
            for k in 0..<g { out[r * g + k] = dot(pr + k * n, xr, n) }
        }
        return Var(id: id)
    }

    /// Puts each pair of rows in a canonical order: row `r` of the result is the smaller
    /// (`first: true`) or larger (`first: false`) of `a[r]` and `b[r]`, comparing rows
    /// lexicographically by IEEE total order (so `−0 < +0` and NaNs are ordered too).
    ///
    /// Any function `f(L, R)` of the ordered rows is symmetric in `(a, b)` bit for bit, at the
    /// cost of one evaluation; for `f` symmetric in exact arithmetic (a bilinear form with a
    /// symmetric matrix) nothing is lost, since only rounding depended on the order.
    public func orderedPair(_ a: Var, _ b: Var, first: Bool) -> Var {
        let na = node(a), nb = node(b)
        requireSameShape(na, nb, "orderedPair")
        let id = push(.orderedPair, rows: na.rows, cols: na.cols, a: a.id, b: b.id, i0: first ? 1 : 0)
        let out = nodes[id].value, n = na.cols
        for r in 0..<na.rows {
            let takeA = rowPrecedes(na.value + r * n, nb.value + r * n, n) == first
            (out + r * n).update(from: (takeA ? na.value : nb.value) + r * n, count: n)
        }
        return Var(id: id)
    }

    /// Symmetrises each `n×n` block of `w` (`n × (g·n)`): block `k` becomes `(W_k + W_kᵀ)/2`.
    public func symmetrizeBlocks(_ w: Var) -> Var {
        let nw = node(w)
        let n = nw.rows
        precondition(n > 0 && nw.cols % n == 0, "symmetrizeBlocks: \(nw.rows)x\(nw.cols) is not a row of square blocks")
        let id = push(.symmetrizeBlocks, rows: nw.rows, cols: nw.cols, a: w.id)
        symsim_symmetrize_blocks(MatrixProduct.isaCode, n, nw.cols / n, nw.value, nodes[id].value, 0)
        return Var(id: id)
    }

    /// Mean binary cross-entropy with logits, `1×1`:
    /// `mean_r [max(z,0) − z·y + log(1 + e^{−|z|})]` (stable for any finite `z`).
    /// `labels` is a constant `m×1` column of targets in `[0, 1]`.
    public func bceWithLogits(_ logits: Var, labels: Var) -> Var {
        let nz = node(logits), ny = node(labels)
        precondition(nz.cols == 1 && ny.cols == 1 && nz.rows == ny.rows,
                     "bceWithLogits: logits \(nz.rows)x\(nz.cols), labels \(ny.rows)x\(ny.cols); expected two m×1 columns")
        let id = push(.bceWithLogits, rows: 1, cols: 1, a: logits.id, b: labels.id)
        var total: Double = 0
        for r in 0..<nz.rows {
            let z = nz.value[r], y = ny.value[r]
            total += Double(Swift.max(z, 0) - z * y + log1p(Foundation.exp(-Swift.abs(z))))
        }
        nodes[id].value[0] = nz.rows > 0 ? Float(total / Double(nz.rows)) : 0
        return Var(id: id)
    }

    /// Mean of all elements, `1×1`.
    public func mean(_ a: Var) -> Var {
        let na = node(a)
        let id = push(.mean, rows: 1, cols: 1, a: a.id)
        var total: Double = 0
        for i in 0..<(na.rows * na.cols) { total += Double(na.value[i]) }
        nodes[id].value[0] = na.rows * na.cols > 0 ? Float(total / Double(na.rows * na.cols)) : 0
        return Var(id: id)
    }
}

// MARK: - Scalar helpers

/// Whether row `x` comes before row `y` (or equals it) in lexicographic IEEE total order.
@inline(__always) func rowPrecedes(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Bool {
    for c in 0..<n where x[c].bitPattern != y[c].bitPattern {
        return x[c].isTotallyOrdered(belowOrEqualTo: y[c])
    }
    return true
}

@inline(__always) func rowPrecedes(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
    rowPrecedes(UnsafePointer(x), UnsafePointer(y), n)
}

/// `σ(x) = 1/(1+e^{−x})` evaluated on the side that cannot overflow.
@inlinable public func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}

/// Dot product of two length-`n` buffers: eight interleaved partial sums, then the tail.
/// The order of operations depends only on `n`, and each product commutes, so
/// `dot(x, y) == dot(y, x)` bit for bit.
@inline(__always) func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    while i + 8 <= n {
        acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
             * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    while i < n { s += x[i] * y[i]; i += 1 }
    return s
}

@inline(__always) func dot(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    dot(UnsafePointer(x), UnsafePointer(y), n)
}
