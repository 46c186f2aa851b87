import TensorCore

/// `sharedq`: one tower `f` applied to both sides, then a fixed comparison with a learned
/// positive scale and a bias.
///
/// `f` is a linear `Q` (`n × width`, no bias) or, with `tower` sizes, an MLP followed by `Q`.
/// Scores: `dot = f(a)·f(b)`, `cosine = cos(f(a), f(b))`, `distance = −‖f(a) − f(b)‖²`. All are
/// symmetric bit for bit. `distance` is reflexive by construction (`s(x,x) = c ≥ s(x,y)`), and
/// `d(a,b) = ‖f(a) − f(b)‖` is a pseudometric, so it obeys the triangle inequality; `cosine`
/// is reflexive whenever `f(x) ≠ 0`.
public final class SharedQModel: PairModel {
    public let spec: ModelSpec
    public let inputDim: Int
    let tower: MLP?
    let q: Dense
    let head: ScoreScale

    init(spec: ModelSpec, inputDim: Int, rng: inout RandomSource) {
        self.spec = spec
        self.inputDim = inputDim
        if spec.tower.isEmpty {
            tower = nil
        } else {
            tower = MLP(name: "sharedq.tower", inputs: inputDim, hidden: spec.tower, outputs: nil,
                        activation: spec.activation, initializer: spec.initializer, rng: &rng)
        }
        q = Dense(name: "sharedq.q", inputs: spec.tower.last ?? inputDim, outputs: spec.width, bias: false,
                  initializer: spec.initializer, rng: &rng)
        head = ScoreScale(name: "sharedq.score", initialScale: spec.score == .cosine ? 5 : 1)
    }

    public var parameters: [Parameter] { (tower?.parameters ?? []) + q.parameters + head.parameters }

    /// The tower output `f(X)`.
    public func embed(_ tape: Tape, _ x: Var) -> Var {
        q(tape, tower.map { $0(tape, x) } ?? x)
    }

    public func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var {
        forwardWithDistance(tape, a, b).logits
    }

    /// The logits and, for the `distance` score, the squared tower distance `‖f(a) − f(b)‖²`
    /// (`m×1`) from the same pass, for losses that act on the distance (the contrastive loss).
    public func forwardWithDistance(_ tape: Tape, _ a: Var, _ b: Var) -> (logits: Var, squaredDistance: Var?) {
        let fa = embed(tape, a), fb = embed(tape, b)
        let d2 = spec.score == .distance ? tape.sqDist(fa, fb) : nil
        let sim: Var
        switch spec.score {
        case .dot: sim = tape.rowDot(fa, fb)
        case .cosine: sim = tape.rowCosine(fa, fb)
        case .distance: sim = tape.scale(d2!, -1)
        }
        return (head(tape, sim), d2)
    }
}
