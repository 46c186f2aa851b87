import TensorCore

/// `mirror`: twin layers with mirror-tied weights and an order-free merge.
///
///     h₁ = φ(W a + V b + c),   h₂ = φ(V a + W b + c),   s = head(merge(h₁, h₂))
///
/// `W` and `V` are stored side by side as one `n × 2w` parameter. The layer is one fused tape
/// node (`Tape.mirrorTwin`) that needs half the multiply-adds of `A·[W V]` and `B·[W V]`: with
/// `S = (W + V)/2`, `D = (W − V)/2`, `P = (A + B)·S`, `Q = (A − B)·D` and `r = P + c`, it is
/// `h₁ = φ(r + Q)` and `h₂ = φ(r − Q)`. Swapping the inputs leaves `A + B` unchanged and negates
/// `A − B` exactly, hence `Q`; so `h₁` and `h₂` trade places exactly (see `Tape.mirrorTwin` for
/// the signed zeros). The merge (`sum`, `mean`, `max`) is order-free, so `s(a, b) == s(b, a)`
/// bit for bit.
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
        let merge: PairMerge
        switch spec.merge {
        case .sum: merge = .sum
        case .mean: merge = .mean
        case .max: merge = .max
        }
        let merged = tape.mirrorTwin(a, b, weights: tape.param(twin), bias: tape.param(bias),
                                     activation: spec.activation.nonlinearity, merge: merge)
        return head(tape, merged)
    }
}
