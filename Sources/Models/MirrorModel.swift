import TensorCore

/// `mirror`: twin layers with mirror-tied weights and an order-free merge.
///
///     h₁ = φ(W a + V b + c),   h₂ = φ(V a + W b + c),   s = head(merge(h₁, h₂))
///
/// `W` and `V` are stored side by side as one `n × 2w` parameter so each side needs one matrix
/// product: `A·[W V]` and `B·[W V]`. Swapping the inputs swaps `h₁` and `h₂` exactly: `h₁`
/// is formed as `(A·W) + (B·V)` and `h₂` as `(A·V) + (B·W)`, and IEEE addition commutes. The merge
/// (`sum`, `mean`, `max`) is order-free, so `s(a, b) == s(b, a)` bit for bit.
public final class MirrorModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    /// `[W V]`, `n × 2w`.
    let twin: Parameter
    /// `c`, `1 × w`.
    let bias: Parameter
    let head: MLP

    init(spec: ModelSpec, inputDim: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = inputDim
        let w = spec.width
        // Each twin unit sees 2n inputs (a and b), so that is its fan-in.
        twin = Parameter(name: "mirror.wv", spec.initializer.matrix(rows: inputDim, cols: 2 * w, fanIn: 2 * inputDim, fanOut: w, rng: &rng))
        let biasInit: Initializer = spec.initializer == .torchLinear ? .torchLinear : .zeros
        bias = Parameter(name: "mirror.c", biasInit.matrix(rows: 1, cols: w, fanIn: 2 * inputDim, fanOut: w, rng: &rng))
        head = MLP(name: "mirror.head", inputs: w, hidden: spec.hidden, outputs: 1,
                   activation: spec.activation, initializer: spec.initializer, rng: &rng)
    }

    public var parameters: [Parameter] { [twin, bias] + head.parameters }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let w = spec.width
        let wv = tape.param(twin)
        let pa = tape.matmul(a, wv), pb = tape.matmul(b, wv)
        let aW = tape.sliceCols(pa, start: 0, count: w), aV = tape.sliceCols(pa, start: w, count: w)
        let bW = tape.sliceCols(pb, start: 0, count: w), bV = tape.sliceCols(pb, start: w, count: w)
        let c = tape.param(bias)
        let h1 = activate(tape, tape.addRowVector(tape.add(aW, bV), c), spec.activation)
        let h2 = activate(tape, tape.addRowVector(tape.add(aV, bW), c), spec.activation)
        let merged: Var
        switch spec.merge {
        case .sum: merged = tape.add(h1, h2)
        case .mean: merged = tape.scale(tape.add(h1, h2), 0.5)
        case .max: merged = tape.maximum(h1, h2)
        }
        return head(tape, merged)
    }
}
