import Foundation
import Testing
@testable import ExperimentsKit

@Suite("ROC AUC and average precision")
struct MetricsRankingTests {

    // MARK: - Hand-computed ROC AUC

    struct AUCCase: Sendable, CustomTestStringConvertible {
        var scores: [Double]
        var labels: [Bool]
        var expected: Double?
        var testDescription: String
    }

    static let aucCases: [AUCCase] = [
        AUCCase(scores: [1, 1], labels: [true, false], expected: 0.5, testDescription: "one tie counts ½"),
        AUCCase(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true], expected: 0.75,
                testDescription: "sklearn docs example"),
        // Pairs (pos, neg): (2,1) win, (2,2) tie, (3,1) win, (3,2) win → 3.5 / 4.
        AUCCase(scores: [1, 2, 2, 3], labels: [false, true, false, true], expected: 0.875,
                testDescription: "a mixed tie group"),
        AUCCase(scores: [5, 5, 5, 5, 5], labels: [true, false, false, true, false], expected: 0.5,
                testDescription: "all tied"),
        AUCCase(scores: [3, 1], labels: [false, true], expected: 0, testDescription: "inverted"),
        AUCCase(scores: [-.infinity, .infinity], labels: [false, true], expected: 1,
                testDescription: "infinities are ordinary scores"),
        AUCCase(scores: [.infinity, .infinity], labels: [true, false], expected: 0.5,
                testDescription: "two +inf tie"),
        AUCCase(scores: [-0.0, 0.0], labels: [true, false], expected: 0.5, testDescription: "−0 ties +0"),
        AUCCase(scores: [0.2, 0.9, 0.4], labels: [true, true, true], expected: nil,
                testDescription: "only positives → nil"),
        AUCCase(scores: [0.2, 0.9], labels: [false, false], expected: nil, testDescription: "only negatives → nil"),
        AUCCase(scores: [], labels: [], expected: nil, testDescription: "empty → nil"),
        AUCCase(scores: [0.2, .nan, 0.4], labels: [true, false, false], expected: nil,
                testDescription: "NaN score → nil"),
    ]

    @Test("ROC AUC by hand", arguments: aucCases)
    func rocAUCByHand(_ c: AUCCase) {
        let auc = Metrics.rocAUC(scores: c.scores, labels: c.labels)
        #expect(metricsClose(auc, c.expected, 1e-15), "got \(String(describing: auc))")
    }

    // MARK: - Hand-computed average precision

    struct APCase: Sendable, CustomTestStringConvertible {
        var scores: [Double]
        var labels: [Bool]
        var expected: Double?
        var testDescription: String
    }

    static let apCases: [APCase] = [
        // Thresholds 0.8: P=1, R=½; 0.4: P=½; 0.35: P=⅔, R=1 → ½·1 + ½·⅔.
        APCase(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true], expected: 5.0 / 6,
               testDescription: "sklearn docs example"),
        APCase(scores: [1, 1], labels: [true, false], expected: 0.5, testDescription: "a tie is one threshold"),
        // Thresholds 3: (R⅓, P1); 2: (R⅔, P⅔); 1: (R1, P¾) → (1 + ⅔ + ¾)/3 = 29/36.
        APCase(scores: [3, 2, 2, 1], labels: [true, true, false, true], expected: 29.0 / 36,
               testDescription: "a mixed tie group"),
        APCase(scores: [0.7, 0.7, 0.7, 0.7], labels: [true, false, false, false], expected: 0.25,
               testDescription: "all tied → positive rate"),
        APCase(scores: [0.3, 0.1], labels: [true, true], expected: 1, testDescription: "no negatives → 1"),
        APCase(scores: [0.3, 0.1], labels: [false, false], expected: nil, testDescription: "no positives → nil"),
        APCase(scores: [], labels: [], expected: nil, testDescription: "empty → nil"),
        APCase(scores: [.nan, 0.1], labels: [true, false], expected: nil, testDescription: "NaN score → nil"),
    ]

    @Test("Average precision by hand", arguments: apCases)
    func averagePrecisionByHand(_ c: APCase) {
        let ap = Metrics.averagePrecision(scores: c.scores, labels: c.labels)
        #expect(metricsClose(ap, c.expected, 1e-15), "got \(String(describing: ap))")
    }

    // MARK: - Properties

    /// Strictly increasing maps that stay strictly increasing in floating point on `[-4, 4]`.
    static let monotoneTransforms: [(String, @Sendable (Double) -> Double)] = [
        ("3x + 7", { 3 * $0 + 7 }),
        ("exp", { Foundation.exp($0) }),
        ("x³", { $0 * $0 * $0 }),
        ("atan", { Foundation.atan($0) }),
        ("σ", { Metrics.sigmoid($0) }),
        ("x/1000 − 5", { $0 / 1000 - 5 }),
    ]

    @Test("AUC and AP are invariant under strictly monotone transforms (ties included)",
          arguments: 0..<monotoneTransforms.count)
    func monotoneInvariance(_ index: Int) throws {
        let (name, f) = Self.monotoneTransforms[index]
        var rng = MetricsTestRNG(seed: 100 + UInt64(index))
        for rounded in [false, true] {
            var (scores, labels) = rng.labelledScores(400, positiveRate: 0.3, shift: 1)
            scores = scores.map { Swift.min(4, Swift.max(-4, $0)) }
            if rounded { scores = scores.map { ($0 * 10).rounded() / 10 } }  // many ties
            let transformed = scores.map(f)
            let auc = try #require(Metrics.rocAUC(scores: scores, labels: labels))
            let aucT = try #require(Metrics.rocAUC(scores: transformed, labels: labels))
            #expect(auc == aucT, "\(name), rounded: \(rounded)")
            let ap = try #require(Metrics.averagePrecision(scores: scores, labels: labels))
            let apT = try #require(Metrics.averagePrecision(scores: transformed, labels: labels))
            #expect(ap == apT, "\(name), rounded: \(rounded)")
        }
    }

    @Test("AUC(−s) = 1 − AUC(s) without ties", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func negationComplements(_ seed: UInt64) throws {
        var rng = MetricsTestRNG(seed: seed)
        let (scores, labels) = rng.labelledScores(301, positiveRate: 0.45, shift: 0.7)
        #expect(Set(scores).count == scores.count)
        let auc = try #require(Metrics.rocAUC(scores: scores, labels: labels))
        let negated = try #require(Metrics.rocAUC(scores: scores.map { -$0 }, labels: labels))
        #expect(Swift.abs(negated - (1 - auc)) <= 1e-12)
    }

    @Test("With ties, AUC(−s) = 1 − AUC(s) still holds (ties count ½ both ways)")
    func negationWithTies() throws {
        let scores: [Double] = [1, 2, 2, 3, 3, 3, 4]
        let labels = [false, true, false, true, true, false, false]
        let auc = try #require(Metrics.rocAUC(scores: scores, labels: labels))
        let negated = try #require(Metrics.rocAUC(scores: scores.map { -$0 }, labels: labels))
        #expect(Swift.abs(negated - (1 - auc)) <= 1e-15)
    }

    @Test("AUC equals the pairwise definition P(s₊ > s₋) + ½ P(s₊ = s₋)", arguments: [7, 8, 9] as [UInt64])
    func pairwiseDefinition(_ seed: UInt64) throws {
        var rng = MetricsTestRNG(seed: seed)
        var (scores, labels) = rng.labelledScores(150, positiveRate: 0.4, shift: 0.5)
        scores = scores.map { ($0 * 4).rounded() }  // integer-valued, many ties
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] {
            for j in scores.indices where !labels[j] {
                pairs += 1
                if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
            }
        }
        let auc = try #require(Metrics.rocAUC(scores: scores, labels: labels))
        #expect(Swift.abs(auc - wins / pairs) <= 1e-15)
    }

    // MARK: - Scale

    /// A million items on 1,000 score levels: the sorting implementations against counting
    /// per level (an independent `O(n + levels)` computation of the same definitions).
    @Test("A million items: AUC and AP agree with a per-level count")
    func millionItems() throws {
        var rng = MetricsTestRNG(seed: 42)
        let n = 1_000_000, levels = 1000
        var scores = [Double](repeating: 0, count: n)
        var labels = [Bool](repeating: false, count: n)
        var positivesAt = [Int](repeating: 0, count: levels)
        var negativesAt = [Int](repeating: 0, count: levels)
        for i in 0..<n {
            let label = rng.uniform() < 0.2
            let level = Swift.min(levels - 1, Swift.max(0, Int((rng.normal() + (label ? 1 : 0)) * 150) + 500))
            scores[i] = Double(level) / 100 - 5
            labels[i] = label
            if label { positivesAt[level] += 1 } else { negativesAt[level] += 1 }
        }
        let p = positivesAt.reduce(0, +), q = negativesAt.reduce(0, +)

        var twiceU = 0, negativesBelow = 0
        for l in 0..<levels {
            twiceU += positivesAt[l] * (2 * negativesBelow + negativesAt[l])
            negativesBelow += negativesAt[l]
        }
        let auc = try #require(Metrics.rocAUC(scores: scores, labels: labels))
        #expect(auc == Double(twiceU) / (2 * Double(p) * Double(q)))

        var tp = 0, fp = 0, expectedAP = 0.0
        for l in stride(from: levels - 1, through: 0, by: -1) {
            tp += positivesAt[l]; fp += negativesAt[l]
            if positivesAt[l] > 0 { expectedAP += Double(positivesAt[l]) / Double(p) * Double(tp) / Double(tp + fp) }
        }
        let ap = try #require(Metrics.averagePrecision(scores: scores, labels: labels))
        #expect(Swift.abs(ap - expectedAP) <= 1e-9)

        // The threshold achieves the best accuracy over the level boundaries.
        var best = 0, correct = p
        best = correct
        for l in 0..<levels { correct += negativesAt[l] - positivesAt[l]; best = Swift.max(best, correct) }
        let t = Metrics.chooseThreshold(logits: scores, labels: labels)
        let counts = Metrics.confusion(logits: scores, labels: labels, threshold: t)
        #expect(counts.truePositives + counts.trueNegatives == best)

        let loss = Metrics.logLoss(logits: scores, labels: labels)
        #expect(loss.isFinite && loss > 0)
    }

    // MARK: - Traps

    #if !SWT_NO_EXIT_TESTS
    @Test("Mismatched lengths are a caller's bug and trap")
    func mismatchedLengthsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = Metrics.rocAUC(scores: [1, 2], labels: [true])
        }
    }
    #endif
}
