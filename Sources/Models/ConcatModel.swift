import TensorCore

/// `concat`: an MLP on `[a; b]`, the obvious and asymmetric baseline.
///
/// - `none`: `s(a, b) = MLP([a; b])`, not symmetric.
/// - `swap`: the same function; the trainer feeds every pair in both orders, so symmetry is
///   only learned, never guaranteed.
/// - `average`: `s(a, b) = (MLP([a; b]) + MLP([b; a])) / 2`, symmetric bit for bit because the
///   two terms are added (IEEE addition commutes), at twice the cost.
public final class ConcatModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    let mlp: MLP

    init(spec: ModelSpec, inputDim: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = inputDim
        mlp = MLP(name: "concat", inputs: 2 * inputDim, hidden: spec.hidden, outputs: 1,
                  activation: spec.activation, initializer: spec.initializer, rng: &rng)
    }

    public var parameters: [Parameter] { mlp.parameters }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let ab = mlp(tape, tape.concatCols([a, b]))
        guard spec.symmetrize == .average else { return ab }
        let ba = mlp(tape, tape.concatCols([b, a]))
        return tape.scale(tape.add(ab, ba), 0.5)
    }
}
