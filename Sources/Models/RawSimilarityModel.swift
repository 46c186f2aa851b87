import TensorCore

/// `dot` and `cosine`: the raw similarity with a learned positive scale and a bias (2 parameters).
///
/// `s(a, b) = e^θ·sim(a, b) + c`. Symmetric bit for bit (`rowDot` and `rowCosine` are). Cosine is
/// reflexive: `cos(x, x) = 1 ≥ cos(x, y)` and the scale is positive. Cosine starts at scale 5 so
/// its logits are not confined to `[−1, 1]` at the start of training.
public final class RawSimilarityModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    let head: ScoreScale

    init(spec: ModelSpec, inputDim: Int) {
        self.spec = spec
        self.inputDim = inputDim
        head = ScoreScale(name: spec.architecture.rawValue, initialScale: spec.architecture == .cosine ? 5 : 1)
    }

    public var parameters: [Parameter] { head.parameters }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let sim = spec.architecture == .cosine ? tape.rowCosine(a, b) : tape.rowDot(a, b)
        return head(tape, sim)
    }
}
