import Foundation

/// The evaluation metrics every run records, each defined exactly once, here.
///
/// Conventions shared by every metric (each function's comment states the exceptions):
///
/// - Scores are logits `s(a, b)`, one per pair, given as `Double`; probabilities are `σ(s)`.
/// - **Prediction rule**: a pair is predicted positive iff `logit > threshold` (strictly).
///   A NaN logit is therefore never predicted positive.
/// - **Undefined is `nil`, never a crash**: a metric that has no value on its input (a
///   single-class split for ROC AUC, no positives for average precision, nothing considered
///   for transitivity) returns `nil`, which the result store records as a missing value.
/// - **Bugs trap**: mismatched input lengths are a caller's bug and stop with a
///   `precondition` naming both lengths.
/// - Sums of many terms (means) use compensated (Neumaier) summation, so a mean over `10⁶`
///   terms is accurate to a few ulps rather than `n·ε`.
/// - Everything is `O(n log n)` or better in the number of scores; only `rocAUC`,
///   `averagePrecision` and `chooseThreshold` sort.
public enum Metrics {

    // MARK: - Logistic function

    /// The logistic function `σ(x) = 1 / (1 + e^{−x})`, evaluated without overflow for
    /// either sign.
    ///
    /// For `x ≥ 0` it computes `1 / (1 + e^{−x})`, for `x < 0` it computes `eˣ / (1 + eˣ)`, so
    /// `e^{|x|}` is never formed. `σ(±∞) = 1, 0`; `σ(NaN)` is NaN. In `Double`, `σ(x)`
    /// rounds to exactly `1` for `x ≳ 36.7`, while it stays distinguishable from `0` down to
    /// `x ≈ −745`: compare logits, not probabilities, when ranking.
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)  // also reached for NaN, which propagates
        return e / (1 + e)
    }
}

// MARK: - Internal helpers

/// Neumaier's compensated sum: error `O(ε)` relative to `Σ|xᵢ|`, independent of the count.
/// A NaN or infinite term propagates as in plain summation.
struct CompensatedSum {
    private(set) var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ x: Double) {
        let t = sum + x
        if Swift.abs(sum) >= Swift.abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    /// The compensated total. When the plain sum is not finite (an infinite or NaN term),
    /// the compensation is meaningless (`inf − inf`), so the plain sum is returned.
    var value: Double { sum.isFinite ? sum + compensation : sum }
}
