import Foundation

/// A seeded SplitMix64 stream for the metrics tests (names prefixed to stay clear of other
/// suites in this target).
struct MetricsTestRNG {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        let u1 = 1 - uniform()  // (0, 1]
        let u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
    }

    /// `n` labels with the given positive rate (both classes forced present for `n ≥ 2`) and
    /// scores `normal + shift·label`.
    mutating func labelledScores(_ n: Int, positiveRate: Double, shift: Double) -> (scores: [Double], labels: [Bool]) {
        var labels = (0..<n).map { _ in uniform() < positiveRate }
        if n >= 2 { labels[0] = true; labels[1] = false }
        let scores = labels.map { normal() + ($0 ? shift : 0) }
        return (scores, labels)
    }
}

/// `|a − b| ≤ tolerance`, with `nil == nil` and NaN == NaN counted as agreement.
func metricsClose(_ a: Double?, _ b: Double?, _ tolerance: Double) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return (x.isNaN && y.isNaN) || Swift.abs(x - y) <= tolerance
    default: return false
    }
}
