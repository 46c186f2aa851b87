import TensorCore

/// `outer`: bilinear units over the symmetrised outer product, then an MLP head.
///
///     h_k = ⟨W_k, (a⊗b + b⊗a)/2⟩ = aᵀ S_k b,   S_k = (W_k + W_kᵀ)/2,
///     s(a, b) = head(φ(h + c))
///
/// Never materialises the `n²` features per pair. Full rank: `W` is stored `n × (width·n)`
/// (block `k` in columns `k·n ..< (k+1)·n`); each step puts every pair in a canonical order
/// `(L, R)` (`Tape.orderedPair`) and, block by block, forms `S_k = (W_k + W_kᵀ)/2` (`n²` work,
/// independent of the batch), computes `L·S_k` and dots its rows with `R`
/// (`Tape.symmetricBilinear`): `m·n²·width` multiply-adds, the same as a product with
/// materialised features, in `O(m·n + n²)` scratch memory. Because `S_k` is symmetric, `Lᵀ S_k R = Rᵀ S_k L` in exact
/// arithmetic, so the ordering changes only rounding, and it makes `s(a, b) == s(b, a)` bit for bit.
///
/// Low rank `r > 0`: `W_k = Σ_{j<r} u_kj v_kjᵀ`, so
/// `h_k = ½ Σ_j [(u·a)(v·b) + (v·a)(u·b)]` from the products `A·[U V]` and `B·[U V]` (one fused
/// node, `Tape.pairedProducts`); the two terms trade places when `a` and `b` do, and their sum
/// commutes exactly.
/// `2·n·r·width` weights instead of `n²·width`.
public final class OuterModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    /// Full rank: `W`, `n × (width·n)`. Low rank: `[U V]`, `n × (2·width·r)`.
    let w: Parameter
    let bias: Parameter
    let head: MLP

    init(spec: ModelSpec, inputDim n: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = n
        let h = spec.width
        if spec.rank == 0 {
            // h_k is a sum of n² products: fan-in n² keeps it O(1) for O(1) inputs.
            w = Parameter(name: "outer.w", spec.initializer.matrix(rows: n, cols: h * n, fanIn: n * n, fanOut: h, rng: &rng))
        } else {
            // (u·a)(v·b) summed over r terms: fan-in √r·n per factor keeps the sum O(1).
            let fan = max(1, Int((Double(spec.rank).squareRoot() * Double(n)).rounded()))
            w = Parameter(name: "outer.uv", spec.initializer.matrix(rows: n, cols: 2 * h * spec.rank, fanIn: fan, fanOut: h, rng: &rng))
        }
        let biasInit: Initializer = spec.initializer == .torchLinear ? .torchLinear : .zeros
        bias = Parameter(name: "outer.c", biasInit.matrix(rows: 1, cols: h, fanIn: n * n, fanOut: h, rng: &rng))
        head = MLP(name: "outer.head", inputs: h, hidden: spec.hidden, outputs: 1,
                   activation: spec.activation, initializer: spec.initializer, rng: &rng)
    }

    public var parameters: [Parameter] { [w, bias] + head.parameters }

    /// The bilinear units `h_k = aᵀ S_k b`, `m × width` (before bias and activation).
    public func bilinear(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let r = spec.rank
        if r == 0 {
            let left = tape.orderedPair(a, b, first: true), right = tape.orderedPair(a, b, first: false)
            return tape.symmetricBilinear(left, right, tape.param(w))
        }
        let uv = tape.param(w)
        let pa = tape.matmul(a, uv), pb = tape.matmul(b, uv)
        return tape.pairedProducts(pa, pb, rank: r)
    }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let h = tape.biasActivation(bilinear(tape, a, b), tape.param(bias), activation: spec.activation.nonlinearity)
        return head(tape, h)
    }

    /// The effective matrices `W_k` (`n×n` each, before symmetrisation), for oracles and inspection.
    public func unitMatrices() -> [Matrix] {
        let n = inputDim, h = spec.width
        let wm = w.matrix
        return (0..<h).map { k in
            var m = Matrix(rows: n, cols: n)
            if spec.rank > 0 {
                let r = spec.rank, hr = h * r
                for i in 0..<n { for j in 0..<n {
                    var s: Float = 0
                    for t in 0..<r { s += wm[i, k * r + t] * wm[j, hr + k * r + t] }
                    m[i, j] = s
                } }
            } else {
                for i in 0..<n { for j in 0..<n { m[i, j] = wm[i, k * n + j] } }
            }
            return m
        }
    }

    /// The naive oracle: materialises `F = vec((a⊗b + b⊗a)/2)` (`m × n²`) and computes
    /// `h = F · [vec W_1 … vec W_width]` with one matrix product: `m·n²·width` multiply-adds like
    /// the fast path, but `m·n²` floats of features. For tests and the benchmark only.
    public func materializedBilinear(_ a: Matrix, _ b: Matrix) -> Matrix {
        materializedBilinear(a, b, weights: materializedWeights())
    }

    /// `[vec W_1 … vec W_width]`, `n² × width`: the weights of the materialised formulation.
    public func materializedWeights() -> Matrix {
        let n = inputDim
        var weights = Matrix(rows: n * n, cols: spec.width)
        for (k, wk) in unitMatrices().enumerated() {
            for idx in 0..<(n * n) { weights[idx, k] = wk.data[idx] }
        }
        return weights
    }

    /// The materialised formulation with precomputed `materializedWeights()`.
    public func materializedBilinear(_ a: Matrix, _ b: Matrix, weights: Matrix) -> Matrix {
        let n = inputDim, m = a.rows
        var features = Matrix(rows: m, cols: n * n)
        a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in
            features.data.withUnsafeMutableBufferPointer { f in
                for r in 0..<m {
                    let x = pa.baseAddress! + r * n, y = pb.baseAddress! + r * n
                    let row = f.baseAddress! + r * n * n
                    for i in 0..<n {
                        let xi = x[i], yi = y[i], out = row + i * n
                        for j in 0..<n { out[j] = (xi * y[j] + yi * x[j]) * 0.5 }
                    }
                }
            }
        } }
        return MatrixProduct.multiply(features, weights)
    }
}
