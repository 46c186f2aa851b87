import Foundation

/// The statistics the report quotes: means, sample standard deviations, Student-t confidence
/// intervals and paired comparisons over seeds.
///
/// Everything is computed here, from first principles, so the report needs no numerical
/// library: the t quantile comes from the regularized incomplete beta function (a continued
/// fraction) inverted by bisection. The tests check these against SciPy's values.
public enum ReportStatistics {
    // MARK: - Moments

    /// The arithmetic mean, or `nil` for no values.
    public static func mean(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        return xs.reduce(0, +) / Double(xs.count)
    }

    /// The sample standard deviation `sqrt(Σ (x − x̄)² / (n − 1))` (two passes), or `nil` for
    /// fewer than two values.
    public static func sampleStandardDeviation(_ xs: [Double]) -> Double? {
        guard xs.count > 1, let m = mean(xs) else { return nil }
        let ss = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(xs.count - 1)).squareRoot()
    }

    // MARK: - Special functions

    /// The regularized incomplete beta function `I_x(a, b) = B(x; a, b) / B(a, b)`.
    ///
    /// Evaluated by the continued fraction of Numerical Recipes (modified Lentz), on
    /// `I_x(a, b)` when `x < (a + 1)/(a + b + 2)` and on `1 − I_{1−x}(b, a)` otherwise, where the
    /// fraction converges quickly. Relative accuracy about 1e-14 for moderate `a`, `b`.
    /// - Precondition: `a > 0`, `b > 0`, `0 ≤ x ≤ 1`.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        precondition(a > 0 && b > 0, "regularizedIncompleteBeta: a and b must be positive, got a=\(a), b=\(b)")
        precondition(x >= 0 && x <= 1, "regularizedIncompleteBeta: x must be in [0, 1], got \(x)")
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    /// The continued fraction of the incomplete beta function (Numerical Recipes `betacf`).
    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The upper tail `P(T > t)` of Student's t with `df` degrees of freedom, for `t ≥ 0`:
    /// `½ · I_{df/(df+t²)}(df/2, ½)`, which keeps full relative accuracy far in the tail.
    static func studentTUpperTail(_ t: Double, degreesOfFreedom df: Double) -> Double {
        precondition(t >= 0, "studentTUpperTail: t must be ≥ 0, got \(t)")
        if t == .infinity { return 0 }
        return 0.5 * regularizedIncompleteBeta(a: df / 2, b: 0.5, x: df / (df + t * t))
    }

    /// The cumulative distribution function `P(T ≤ t)` of Student's t with `df > 0` degrees of
    /// freedom. NaN for a NaN `t`.
    public static func studentTCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        precondition(df > 0, "studentTCDF: degrees of freedom must be positive, got \(df)")
        if t.isNaN { return .nan }
        let tail = studentTUpperTail(abs(t), degreesOfFreedom: df)
        return t >= 0 ? 1 - tail : tail
    }

    /// The quantile `t_{p, df}` of Student's t: the `t` with `P(T ≤ t) = p`.
    ///
    /// Closed forms for `df = 1` (Cauchy: `tan(π(p − ½))`) and `df = 2`
    /// (`(2p − 1)/sqrt(2p(1 − p))`); otherwise the upper tail `min(p, 1 − p)` is inverted by
    /// bisection on `t` (200 halvings of a bracket found by doubling), accurate to about 1e-13
    /// relative. `±∞` at `p = 0` and `p = 1`.
    /// - Precondition: `0 ≤ p ≤ 1`, `df > 0`.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        precondition(p >= 0 && p <= 1, "studentTQuantile: p must be in [0, 1], got \(p)")
        precondition(df > 0, "studentTQuantile: degrees of freedom must be positive, got \(df)")
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if df == 1 { return tan(Double.pi * (p - 0.5)) }
        if df == 2 { return (2 * p - 1) / (2 * p * (1 - p)).squareRoot() }
        let q = min(p, 1 - p)  // the upper-tail probability to hit
        var lo = 0.0, hi = 1.0
        while studentTUpperTail(hi, degreesOfFreedom: df) > q { lo = hi; hi *= 2 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid == lo || mid == hi { break }
            if studentTUpperTail(mid, degreesOfFreedom: df) > q { lo = mid } else { hi = mid }
        }
        let t = 0.5 * (lo + hi)
        return p > 0.5 ? t : -t
    }

    // MARK: - Intervals

    /// The mean of `xs` with its two-sided Student-t confidence interval
    /// `x̄ ± t_{(1+level)/2, n−1} · s/√n`. Non-finite values are dropped first; `nil` when
    /// none are left. With one value there is no interval (`halfWidth == nil`).
    public static func meanEstimate(_ xs: [Double], level: Double = 0.95) -> MeanEstimate? {
        let values = xs.filter(\.isFinite)
        guard let m = mean(values) else { return nil }
        let s = sampleStandardDeviation(values)
        var half: Double?
        if let s, values.count > 1 {
            let t = studentTQuantile((1 + level) / 2, degreesOfFreedom: Double(values.count - 1))
            half = t * s / Double(values.count).squareRoot()
        }
        return MeanEstimate(n: values.count, mean: m, standardDeviation: s, halfWidth: half, level: level)
    }

    /// Paired comparison of `a` against `b` on the keys (seeds) both have a finite value for:
    /// the differences `a[k] − b[k]`, their mean with its t interval, and how often `a` is
    /// above, equal to and below `b`. `nil` when no key is shared.
    public static func paired<Key: Hashable & Comparable>(_ a: [Key: Double], _ b: [Key: Double],
                                                          level: Double = 0.95) -> PairedComparison<Key>? {
        let keys = a.keys.filter { k in
            guard let x = a[k], let y = b[k] else { return false }
            return x.isFinite && y.isFinite
        }.sorted()
        guard !keys.isEmpty else { return nil }
        let differences = keys.map { a[$0]! - b[$0]! }
        guard let estimate = meanEstimate(differences, level: level) else { return nil }
        return PairedComparison(keys: keys, differences: differences, estimate: estimate,
                                wins: differences.filter { $0 > 0 }.count,
                                ties: differences.filter { $0 == 0 }.count,
                                losses: differences.filter { $0 < 0 }.count)
    }
}

/// A mean over `n` values with its Student-t confidence interval.
public struct MeanEstimate: Equatable, Sendable {
    /// Number of (finite) values.
    public var n: Int
    /// Their mean.
    public var mean: Double
    /// Sample standard deviation (n − 1); `nil` when `n < 2`.
    public var standardDeviation: Double?
    /// `t_{(1+level)/2, n−1} · s/√n`; `nil` when `n < 2`.
    public var halfWidth: Double?
    /// Confidence level of the interval (0.95 in the report).
    public var level: Double

    /// Lower end of the interval, `nil` without one.
    public var lower: Double? { halfWidth.map { mean - $0 } }
    /// Upper end of the interval, `nil` without one.
    public var upper: Double? { halfWidth.map { mean + $0 } }

    /// Where the interval lies relative to zero (for differences).
    public var sign: IntervalSign {
        guard let lower, let upper else { return .undetermined }
        if lower > 0 { return .positive }
        if upper < 0 { return .negative }
        return .containsZero
    }
}

/// Where a confidence interval of a difference lies relative to zero.
public enum IntervalSign: Equatable, Sendable {
    /// Entirely above zero.
    case positive
    /// Entirely below zero.
    case negative
    /// Zero is inside the interval: the difference is not distinguishable from zero.
    case containsZero
    /// No interval (fewer than two values).
    case undetermined
}

/// Seed-by-seed comparison of two configurations.
public struct PairedComparison<Key: Hashable & Comparable>: Equatable {
    /// The shared keys (seeds), sorted.
    public var keys: [Key]
    /// `a − b` per key, in the order of `keys`.
    public var differences: [Double]
    /// Mean difference with its t interval.
    public var estimate: MeanEstimate
    /// Keys where `a > b`, `a == b` and `a < b`.
    public var wins: Int, ties: Int, losses: Int
}
