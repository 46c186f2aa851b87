import TensorCore

/// `pooling`: an MLP on order-free features of the pair, any subset of `a+b`, `a⊙b`, `|a−b|`.
///
/// Each feature is exactly symmetric in IEEE arithmetic (`+` and `×` commute, `|x−y| = |y−x|`),
/// so the whole model is. The features are per coordinate, which is also its blind spot: the
/// pairs `((1,1),(2,2))` and `((1,2),(2,1))` give identical features.
public final class PoolingModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    let mlp: MLP

    init(spec: ModelSpec, inputDim: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = inputDim
        mlp = MLP(name: "pooling", inputs: spec.features.count * inputDim, hidden: spec.hidden, outputs: 1,
                  activation: spec.activation, initializer: spec.initializer, rng: &rng)
    }

    public var parameters: [Parameter] { mlp.parameters }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        let features = spec.features.map { feature -> PairFeature in
            switch feature {
            case .sum: return .sum
            case .product: return .product
            case .absdiff: return .absDiff
            }
        }
        // One fused node writes [a+b | a⊙b | |a−b|] side by side (no separate concat).
        return mlp(tape, tape.pairFeatures(a, b, features))
    }
}
