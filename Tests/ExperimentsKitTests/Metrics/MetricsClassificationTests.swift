import Foundation
import Testing
@testable import ExperimentsKit

@Suite("Log loss, confusion counts and threshold choice")
struct MetricsClassificationTests {

    // MARK: - Log loss

    @Test func logLossByHand() {
        #expect(Swift.abs(Metrics.logLoss(logits: [0], labels: [true]) - Foundation.log(2)) <= 1e-15)
        #expect(Swift.abs(Metrics.logLoss(logits: [0, 0], labels: [true, false]) - Foundation.log(2)) <= 1e-15)
        // −log σ(ln 3) = ln(4/3) for a positive; −log(1 − σ(ln 3)) = ln 4 for a negative.
        let z = Foundation.log(3.0)
        let expected = (Foundation.log(4.0 / 3) + Foundation.log(4.0)) / 2
        #expect(Swift.abs(Metrics.logLoss(logits: [z, z], labels: [true, false]) - expected) <= 1e-15)
    }

    @Test("Log loss agrees with −log σ on moderate logits")
    func logLossNaive() {
        var rng = MetricsTestRNG(seed: 3)
        let (logits, labels) = rng.labelledScores(500, positiveRate: 0.5, shift: 1)
        var naive = 0.0
        for i in logits.indices {
            let p = 1 / (1 + Foundation.exp(-logits[i]))
            naive -= labels[i] ? Foundation.log(p) : Foundation.log(1 - p)
        }
        naive /= Double(logits.count)
        #expect(Swift.abs(Metrics.logLoss(logits: logits, labels: labels) - naive) <= 1e-12)
    }

    @Test("Log loss is exact for confident logits and defined for infinite ones")
    func logLossExtremes() {
        #expect(Metrics.logLoss(logits: [800], labels: [false]) == 800)      // no clipping at 36
        #expect(Metrics.logLoss(logits: [-800], labels: [true]) == 800)
        #expect(Metrics.logLoss(logits: [800], labels: [true]) == 0)
        #expect(Metrics.logLoss(logits: [.infinity, -.infinity], labels: [true, false]) == 0)
        #expect(Metrics.logLoss(logits: [.infinity], labels: [false]) == .infinity)
        #expect(Metrics.logLoss(logits: [], labels: []).isNaN)
        #expect(Metrics.logLoss(logits: [0, .nan], labels: [true, false]).isNaN)
    }

    // MARK: - Confusion, accuracy, F1

    @Test("Confusion counts by hand: strict comparison, NaN predicted negative")
    func confusionByHand() throws {
        let logits: [Double] = [2, -1, 0.5, 0.5, -3, .nan]
        let labels = [true, true, false, true, false, true]
        let c = Metrics.confusion(logits: logits, labels: labels, threshold: 0.5)
        #expect(c == ConfusionCounts(truePositives: 1, falsePositives: 0, trueNegatives: 2, falseNegatives: 3))
        #expect(c.total == 6)
        #expect(c.accuracy == 0.5)
        #expect(c.precision == 1)
        #expect(c.recall == 0.25)
        #expect(c.f1 == 0.4)  // 2·1 / (2·1 + 0 + 3)
    }

    @Test("F1 is 0 when there are no positives and none are predicted; empty accuracy is nil")
    func degenerateCounts() {
        let c = Metrics.confusion(logits: [-1, -2], labels: [false, false], threshold: 0)
        #expect(c.f1 == 0)
        #expect(c.accuracy == 1)
        #expect(c.precision == nil)
        #expect(c.recall == nil)
        let wrong = Metrics.confusion(logits: [1], labels: [false], threshold: 0)
        #expect(wrong.f1 == 0)
        #expect(Metrics.confusion(logits: [], labels: [], threshold: 0).accuracy == nil)
        #expect(Metrics.accuracy(logits: [], labels: [], threshold: 0) == nil)
    }

    // MARK: - Threshold choice

    struct ThresholdCase: Sendable, CustomTestStringConvertible {
        var logits: [Double]
        var labels: [Bool]
        var expected: Double
        var testDescription: String
    }

    static let thresholdCases: [ThresholdCase] = [
        // Candidates −3 (2/5), −1.5 (3/5), −0.25 (4/5), 0.75 (3/5), 2 (4/5), 4 (3/5):
        // −0.25 and 2 tie on accuracy; −0.25 is closer to 0.
        ThresholdCase(logits: [-2, -1, 0.5, 1, 3], labels: [false, false, true, false, true], expected: -0.25,
                      testDescription: "hand example: tie broken towards 0"),
        ThresholdCase(logits: [3, 0.5, -2, .nan, 1, -1, .nan], labels: [true, true, false, true, false, false, false],
                      expected: -0.25, testDescription: "same with NaN logits left out, shuffled"),
        ThresholdCase(logits: [1, 5, 2, 6], labels: [false, true, false, true], expected: 3.5,
                      testDescription: "perfect separation: the midpoint"),
        // Candidates −2 (1/2), 0 (0/2), 2 (1/2): equal |t|, the lower wins.
        ThresholdCase(logits: [-1, 1], labels: [true, false], expected: -2,
                      testDescription: "±t tie goes to the lower"),
        ThresholdCase(logits: [1, 2, 3], labels: [true, true, false], expected: 0,
                      testDescription: "all positive, logits above 0: threshold 0"),
        ThresholdCase(logits: [-3, -2, -1], labels: [true, false, false], expected: 0,
                      testDescription: "all negative, logits below 0: threshold 0"),
        ThresholdCase(logits: [-5, -4, -3], labels: [true, true, false], expected: -6,
                      testDescription: "all positive, logits below 0: one unit below"),
        ThresholdCase(logits: [3, 4, 5], labels: [true, false, false], expected: 6,
                      testDescription: "all negative, logits above 0: one unit above"),
        ThresholdCase(logits: [0.7, 0.7, 0.7], labels: [true, false, true], expected: 0,
                      testDescription: "one tie group, majority positive: 0 lies below it"),
        ThresholdCase(logits: [-.infinity, 1, .infinity], labels: [false, true, true], expected: 0,
                      testDescription: "gap next to −∞ uses the end rule"),
        ThresholdCase(logits: [1, 2], labels: [true, true], expected: 0, testDescription: "single class → 0"),
        ThresholdCase(logits: [-1, 2], labels: [false, false], expected: 0, testDescription: "single class → 0"),
        ThresholdCase(logits: [], labels: [], expected: 0, testDescription: "empty → 0"),
        ThresholdCase(logits: [.nan, .nan], labels: [true, false], expected: 0, testDescription: "all NaN → 0"),
    ]

    @Test("chooseThreshold by hand", arguments: thresholdCases)
    func chooseThresholdByHand(_ c: ThresholdCase) {
        #expect(Metrics.chooseThreshold(logits: c.logits, labels: c.labels) == c.expected)
    }

    @Test("The chosen threshold separates adjacent and huge logits")
    func thresholdEdgeValues() {
        let pairs: [(Double, Double)] = [
            (1.0, 1.0.nextUp),
            (1.7e308, 1.79e308),
            (-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude),
            (-1e300, -1e300.nextDown.nextDown),
        ]
        for (lo, hi) in pairs {
            let t = Metrics.chooseThreshold(logits: [lo, hi], labels: [false, true])
            #expect(Metrics.accuracy(logits: [lo, hi], labels: [false, true], threshold: t) == 1,
                    "lo \(lo), hi \(hi), t \(t)")
        }
    }

    @Test("The chosen threshold is at least as accurate as any other", arguments: [11, 12, 13, 14] as [UInt64])
    func thresholdIsOptimal(_ seed: UInt64) throws {
        var rng = MetricsTestRNG(seed: seed)
        var (logits, labels) = rng.labelledScores(200, positiveRate: 0.4, shift: 1)
        logits = logits.map { ($0 * 3).rounded() / 3 }
        let t = Metrics.chooseThreshold(logits: logits, labels: labels)
        let chosen = try #require(Metrics.accuracy(logits: logits, labels: labels, threshold: t))
        for u in Set(logits) {
            for other in [u, u.nextDown, u - 0.01, u + 0.01] {
                let accuracy = try #require(Metrics.accuracy(logits: logits, labels: labels, threshold: other))
                #expect(accuracy <= chosen)
            }
        }
    }
}
