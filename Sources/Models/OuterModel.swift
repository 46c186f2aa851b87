import TensorCore

/// `outer`: bilinear units over the symmetrised outer product, then an MLP head.
///
///     h_k = ⟨W_k, (a⊗b + b⊗a)/2⟩ = aᵀ S_k b,   S_k = (W_k + W_kᵀ)/2,
///     s(a, b) = head(φ(h + c))
///
/// Never materialises the `n²` features. With the polarisation identity
/// `aᵀ S b = (q(a+b) − q(a−b)) / 4`, `q(x) = xᵀ W x`, each quadratic form is one matrix product
/// `X·W` (`W` stored `n × (width·n)`, block `k` in columns `k·n ..< (k+1)·n`) followed by a
/// row-wise dot of each `n`-block with `x` (`Tape.groupRowDot`). Symmetry is exact: swapping the
/// inputs leaves `a+b` unchanged and negates `a−b`, and `q(−x) = q(x)` bit for bit because IEEE
/// rounding is sign-symmetric (every product and partial sum just flips sign, twice).
///
/// Low rank `r > 0`: `W_k = Σ_{j<r} u_kj v_kjᵀ`, so `q_k(x) = Σ_j (uᵀx)(vᵀx)` from two `n × (width·r)`
/// products; `2·n·r·width` weights instead of `n²·width`.
public final class OuterModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    /// Full rank: `W`, `n × (width·n)`. Low rank: `U`, `n × (width·r)`.
    let w: Parameter
    /// Low rank only: `V`, `n × (width·r)`.
    let v: Parameter?
    let bias: Parameter
    let head: MLP

    init(spec: ModelSpec, inputDim n: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = n
        let h = spec.width
        if spec.rank == 0 {
            // h_k is a sum of n² products: fan-in n² keeps it O(1) for O(1) inputs.
            w = Parameter(name: "outer.w", spec.initializer.matrix(rows: n, cols: h * n, fanIn: n * n, fanOut: h, rng: &rng))
            v = nil
        } else {
            // (uᵀx)(vᵀx) summed over r terms: fan-in √r·n per factor keeps the sum O(1).
            let fan = max(1, Int((Double(spec.rank).squareRoot() * Double(n)).rounded()))
            w = Parameter(name: "outer.u", spec.initializer.matrix(rows: n, cols: h * spec.rank, fanIn: fan, fanOut: h, rng: &rng))
            v = Parameter(name: "outer.v", spec.initializer.matrix(rows: n, cols: h * spec.rank, fanIn: fan, fanOut: h, rng: &rng))
        }
        let biasInit: Initializer = spec.initializer == .torchLinear ? .torchLinear : .zeros
        bias = Parameter(name: "outer.c", biasInit.matrix(rows: 1, cols: h, fanIn: n * n, fanOut: h, rng: &rng))
        head = MLP(name: "outer.head", inputs: h, hidden: spec.hidden, outputs: 1,
                   activation: spec.activation, initializer: spec.initializer, rng: &rng)
    }

    public var parameters: [Parameter] { [w] + (v.map { [$0] } ?? []) + [bias] + head.parameters }

    /// `q_k(x) = xᵀ W_k x` for every unit, `m × width`.
    func quadraticForms(_ tape: Tape, _ x: Var) -> Var {
        if let v {
            let xu = tape.matmul(x, tape.param(w)), xv = tape.matmul(x, tape.param(v))
            return tape.groupSum(tape.mul(xu, xv), groupSize: spec.rank)
        }
        return tape.groupRowDot(tape.matmul(x, tape.param(w)), x)
    }

    /// The bilinear units `h = aᵀ S_k b`, `m × width` (before bias and activation).
    public func bilinear(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let qs = quadraticForms(tape, tape.add(a, b))
        let qd = quadraticForms(tape, tape.sub(a, b))
        return tape.scale(tape.sub(qs, qd), 0.25)
    }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let h = activate(tape, tape.addRowVector(bilinear(tape, a, b), tape.param(bias)), spec.activation)
        return head(tape, h)
    }

    /// The effective matrices `W_k` (`n×n` each, before symmetrisation), for oracles and inspection.
    public func unitMatrices() -> [Matrix] {
        let n = inputDim, h = spec.width
        let wm = w.matrix
        return (0..<h).map { k in
            var m = Matrix(rows: n, cols: n)
            if let v {
                let vm = v.matrix, r = spec.rank
                for i in 0..<n { for j in 0..<n {
                    var s: Float = 0
                    for t in 0..<r { s += wm[i, k * r + t] * vm[j, k * r + t] }
                    m[i, j] = s
                } }
            } else {
                for i in 0..<n { for j in 0..<n { m[i, j] = wm[i, k * n + j] } }
            }
            return m
        }
    }

    /// The naive oracle: materialises `F = vec((a⊗b + b⊗a)/2)` (`m × n²`) and computes
    /// `h = F · [vec W_1 … vec W_width]` with one matrix product. `O(m·n²·width)` time and
    /// `O(m·n²)` memory: for tests and the benchmark only.
    public func materializedBilinear(_ a: Matrix, _ b: Matrix) -> Matrix {
        let n = inputDim, h = spec.width, m = a.rows
        var features = Matrix(rows: m, cols: n * n)
        for r in 0..<m { for i in 0..<n { for j in 0..<n {
            features[r, i * n + j] = (a[r, i] * b[r, j] + b[r, i] * a[r, j]) * 0.5
        } } }
        var weights = Matrix(rows: n * n, cols: h)
        for (k, wk) in unitMatrices().enumerated() {
            for idx in 0..<(n * n) { weights[idx, k] = wk.data[idx] }
        }
        return MatrixProduct.multiply(features, weights)
    }
}
