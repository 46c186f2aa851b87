import TensorCore

/// A learned similarity: maps a batch of pairs `(A, B)`, both `m×n`, to one logit per pair (`m×1`).
///
/// Models are written as forward passes on a `Tape`; gradients come from the tape.
public protocol PairModel: AnyObject {
    /// The resolved description the model was built from.
    var spec: ModelSpec { get }
    /// Embedding dimension `n`.
    var inputDim: Int { get }
    /// Every trainable parameter, in a fixed order (the save format relies on it).
    var parameters: [Parameter] { get }
    /// Records the logits `s(A, B)` (`m×1`) on `tape`.
    func forward(_ tape: Tape, _ a: Var, _ b: Var) -> Var
}

extension PairModel {
    /// Total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Whether `s(a, b) == s(b, a)` bit for bit, by construction.
    public var isSymmetric: Bool { spec.isSymmetric }
    /// Whether `s(x, x) ≥ s(x, y)` by construction.
    public var isReflexive: Bool { spec.isReflexive }

    /// Logits for the pairs `(a[r], b[r])`, evaluated in batches of at most `batchSize` rows.
    public func score(_ a: Matrix, _ b: Matrix, batchSize: Int = 1024) -> [Float] {
        precondition(a.rows == b.rows && a.cols == inputDim && b.cols == inputDim,
                     "score: inputs are \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols), model takes n = \(inputDim)")
        let tape = Tape(recordsGradients: false)
        var out = [Float]()
        out.reserveCapacity(a.rows)
        var start = 0
        while start < a.rows {
            let m = min(batchSize, a.rows - start)
            tape.reset()
            let va = tape.constant(rows: m, cols: inputDim) { p in
                a.data.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + start * inputDim, count: m * inputDim) }
            }
            let vb = tape.constant(rows: m, cols: inputDim) { p in
                b.data.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + start * inputDim, count: m * inputDim) }
            }
            let s = forward(tape, va, vb)
            tape.withValue(s) { out.append(contentsOf: $0) }
            start += m
        }
        return out
    }
}

/// Builds models from specs.
public enum ModelFactory {
    /// A freshly initialised model for `n`-dimensional embeddings, weights drawn from `seed`.
    /// Throws `ModelSpecError` for an invalid spec or dimension.
    public static func make(_ spec: ModelSpec, inputDim: Int, seed: UInt64) throws -> PairModel {
        try spec.validate()
        guard inputDim > 0 else { throw ModelSpecError(field: "input_dim", message: "expected a positive integer, got \(inputDim)") }
        if spec.architecture == .outer {
            let perUnit = spec.rank == 0 ? inputDim * inputDim : 2 * inputDim * spec.rank
            if perUnit.multipliedReportingOverflow(by: spec.width).overflow || perUnit * spec.width > 1 << 28 {
                throw ModelSpecError(field: "width", message: "outer head with n = \(inputDim), width \(spec.width), rank \(spec.rank) needs over 2^28 weights; use a low rank")
            }
        }
        var rng = RandomSource(seed: seed)
        let s = spec.normalized()
        switch s.architecture {
        case .dot, .cosine: return RawSimilarityModel(spec: s, inputDim: inputDim)
        case .concat: return ConcatModel(spec: s, inputDim: inputDim, rng: &rng)
        case .outer: return OuterModel(spec: s, inputDim: inputDim, rng: &rng)
        case .mirror: return MirrorModel(spec: s, inputDim: inputDim, rng: &rng)
        case .sharedq: return SharedQModel(spec: s, inputDim: inputDim, rng: &rng)
        case .pooling: return PoolingModel(spec: s, inputDim: inputDim, rng: &rng)
        }
    }
}
