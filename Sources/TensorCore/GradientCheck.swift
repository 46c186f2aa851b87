/// Finite-difference verification of reverse-mode gradients.
///
/// The scalar checked is `L = Σ out ⊙ R` for a fixed random `R` (so no structure in the output
/// can hide a wrong gradient). Analytic gradients come from `Tape.backward`; numerical ones from
/// central differences `(L(θ+h) − L(θ−h)) / 2h`, with `L` summed in `Double` from the Float32
/// forward values. Central differences have truncation error `O(h²)`; Float32 forward values
/// carry relative rounding near `1e-7`, which the difference amplifies by `1/h`. With `h = 1e-2`
/// and O(1) values both stay near `1e-4`, hence the default tolerance
/// `|num − ana| ≤ atol + rtol·max(|num|, |ana|)` with `atol = 2e-3`, `rtol = 2e-2`.
public enum GradientCheck {
    /// The outcome of one check.
    public struct Result: CustomStringConvertible, Sendable {
        /// Number of parameter entries compared.
        public var checked = 0
        /// Largest `|num − ana| − rtol·max(|num|,|ana|)` seen (≤ atol means pass).
        public var worstExcess: Double = -.infinity
        /// Description of the worst entry.
        public var worst = ""
        /// Whether every entry was within tolerance.
        public var passed = true
        public var description: String { "checked \(checked) entries, worst: \(worst), passed: \(passed)" }
    }

    /// Compares analytic and numerical gradients of `forward` with respect to `parameters`.
    ///
    /// `forward` must record a pure function of the parameters' values (it is called again for
    /// every perturbation, on a tape that records no gradients). At most `maxEntries` entries per
    /// parameter are checked, chosen by the seeded generator.
    public static func run(parameters: [Parameter], h: Float = 1e-2, atol: Double = 2e-3, rtol: Double = 2e-2,
                           maxEntries: Int = 48, seed: UInt64 = 7,
                           forward: (Tape) -> Var) -> Result {
        var rng = RandomSource(seed: seed)
        // Analytic.
        for p in parameters { p.zeroGrad() }
        let tape = Tape()
        let out = forward(tape)
        let (rows, cols) = tape.shape(out)
        var r = Matrix(rows: rows, cols: cols)
        for i in 0..<r.count { r.data[i] = rng.normal(std: 1) }
        let loss = tape.scale(tape.mean(tape.mul(out, tape.constant(r))), Float(max(1, rows * cols)))
        tape.backward(loss)

        let evalTape = Tape(recordsGradients: false)
        func objective() -> Double {
            evalTape.reset()
            let o = forward(evalTape)
            return evalTape.withValue(o) { buf in
                var s = 0.0
                for i in 0..<buf.count { s += Double(buf[i]) * Double(r.data[i]) }
                return s
            }
        }

        var result = Result()
        for p in parameters {
            var entries = Array(0..<p.count)
            if entries.count > maxEntries { rng.shuffle(&entries); entries = Array(entries.prefix(maxEntries)) }
            for e in entries {
                let saved = p.value[e]
                p.value[e] = saved + h
                let up = objective()
                p.value[e] = saved - h
                let down = objective()
                p.value[e] = saved
                let numerical = (up - down) / (2 * Double(h))
                let analytic = Double(p.grad[e])
                let excess = Swift.abs(numerical - analytic) - rtol * Swift.max(Swift.abs(numerical), Swift.abs(analytic))
                result.checked += 1
                if excess > result.worstExcess {
                    result.worstExcess = excess
                    result.worst = "\(p.name)[\(e)] analytic \(analytic) numerical \(numerical)"
                }
                if !(excess <= atol) { result.passed = false }
            }
        }
        return result
    }
}
