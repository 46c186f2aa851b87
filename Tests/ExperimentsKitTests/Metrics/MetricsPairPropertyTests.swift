import Foundation
import Testing
@testable import ExperimentsKit

@Suite("Sigmoid, symmetry, reflexivity and transitivity")
struct MetricsPairPropertyTests {

    // MARK: - Sigmoid

    @Test func sigmoidValues() {
        #expect(Metrics.sigmoid(0) == 0.5)
        #expect(Metrics.sigmoid(.infinity) == 1)
        #expect(Metrics.sigmoid(-.infinity) == 0)
        #expect(Metrics.sigmoid(1000) == 1)
        #expect(Metrics.sigmoid(-1000) == 0)
        #expect(Metrics.sigmoid(-700) > 0)                    // no premature underflow
        #expect(Metrics.sigmoid(.nan).isNaN)
        #expect(Swift.abs(Metrics.sigmoid(Foundation.log(3.0)) - 0.75) <= 1e-15)
        for x in stride(from: -30.0, through: 30, by: 0.37) {
            #expect(Swift.abs(Metrics.sigmoid(x) - 1 / (1 + Foundation.exp(-x))) <= 1e-15)
            #expect(Swift.abs(Metrics.sigmoid(x) + Metrics.sigmoid(-x) - 1) <= 1e-15)
        }
    }

    // MARK: - Symmetry error

    @Test("Identical forward and backward logits give exactly 0")
    func symmetricIsExactlyZero() {
        var rng = MetricsTestRNG(seed: 5)
        let logits = (0..<1000).map { _ in rng.normal() * 20 }
        let e = Metrics.symmetryError(forward: logits, backward: logits)
        #expect(e.mean == 0)
        #expect(e.max == 0)
    }

    @Test("Symmetry error by hand")
    func symmetryByHand() {
        // σ(ln 3) = ¾ and σ(−ln 3) = ¼: errors 0, ½, 0.
        let l3 = Foundation.log(3.0)
        let e = Metrics.symmetryError(forward: [0, l3, 1], backward: [0, -l3, 1])
        #expect(Swift.abs(e.mean - 1.0 / 6) <= 1e-15)
        #expect(Swift.abs(e.max - 0.5) <= 1e-15)
        // σ(2) − σ(0) both ways.
        let d = Metrics.sigmoid(2) - 0.5
        let f = Metrics.symmetryError(forward: [2, 0], backward: [0, 2])
        #expect(Swift.abs(f.mean - d) <= 1e-15)
        #expect(Swift.abs(f.max - d) <= 1e-15)
        // Saturated logits differ by a negligible probability.
        #expect(Metrics.symmetryError(forward: [30], backward: [40]).max < 1e-12)
    }

    @Test("Symmetry error: NaN and empty inputs give NaN")
    func symmetryUndefined() {
        let empty = Metrics.symmetryError(forward: [], backward: [])
        #expect(empty.mean.isNaN && empty.max.isNaN)
        let broken = Metrics.symmetryError(forward: [1, .nan], backward: [1, 2])
        #expect(broken.mean.isNaN && broken.max.isNaN)
    }

    // MARK: - Reflexivity

    @Test("Reflexivity by hand: a tie with a partner is not ranking first")
    func reflexivityByHand() throws {
        let r = Metrics.reflexivity(
            selfLogits: [2, 0, 1, -1, 3],
            partnerLogits: [
                [1, -1],   // 2 beats both: counted
                [0, -2],   // ties a partner: not counted
                [],        // no partner: not in the denominator
                [-2],      // −1 > −2: counted
                [3.5],     // loses: not counted
            ])
        #expect(r.itemsWithPartners == 4)
        #expect(r.rankFraction == 0.5)
        let expectedMean = (Metrics.sigmoid(2) + 0.5 + 1 + Metrics.sigmoid(3)) / 5  // σ(1) + σ(−1) = 1
        #expect(Swift.abs(r.meanSelfProbability - expectedMean) <= 1e-15)
    }

    @Test("Reflexivity compares logits, not saturated probabilities; NaN never ranks first")
    func reflexivityEdges() {
        let saturated = Metrics.reflexivity(selfLogits: [40], partnerLogits: [[39]])
        #expect(Metrics.sigmoid(40) == Metrics.sigmoid(39))
        #expect(saturated.rankFraction == 1)
        let nanPartner = Metrics.reflexivity(selfLogits: [1, 1], partnerLogits: [[.nan], [0]])
        #expect(nanPartner.rankFraction == 0.5)
        let nanSelf = Metrics.reflexivity(selfLogits: [.nan], partnerLogits: [[0]])
        #expect(nanSelf.rankFraction == 0)
        #expect(nanSelf.meanSelfProbability.isNaN)
    }

    @Test("Reflexivity without partners: rankFraction is nil")
    func reflexivityNoPartners() {
        let r = Metrics.reflexivity(selfLogits: [0, 0], partnerLogits: [[], []])
        #expect(r.rankFraction == nil)
        #expect(r.itemsWithPartners == 0)
        #expect(r.meanSelfProbability == 0.5)
        let empty = Metrics.reflexivity(selfLogits: [], partnerLogits: [])
        #expect(empty.rankFraction == nil)
        #expect(empty.meanSelfProbability.isNaN)
    }

    // MARK: - Transitivity

    /// (ab, bc, ac) at threshold 0, with whether each is considered and violated.
    static let transitivityTable: [(ab: Double, bc: Double, ac: Double)] = [
        (1, 1, 1),        // considered, transitive
        (1, 2, -1),       // considered, violation
        (1, 1, 0),        // considered, violation: ac = t is "not similar"
        (-1, 2, 3),       // not considered: a≁b
        (2, 0, -5),       // not considered: bc = t
        (1, 1, .nan),     // considered, violation: NaN is never "similar"
        (.nan, 1, 1),     // not considered
        (0.5, 3, 0.01),   // considered, transitive
    ]

    @Test("Transitivity violations by hand")
    func transitivityByHand() {
        let v = Metrics.transitivityViolation(triples: Self.transitivityTable, threshold: 0)
        #expect(v.considered == 5)
        #expect(v.violations == 3)
        #expect(v.rate == 0.6)
        // Raising the threshold to 0.75 leaves (1,1,1), (1,2,−1), (1,1,0), (1,1,NaN) considered.
        let w = Metrics.transitivityViolation(triples: Self.transitivityTable, threshold: 0.75)
        #expect(w.considered == 4)
        #expect(w.violations == 3)
        #expect(w.rate == 0.75)
    }

    @Test("Transitivity with nothing considered: rate is nil")
    func transitivityNoneConsidered() {
        let none = Metrics.transitivityViolation(triples: Self.transitivityTable, threshold: 10)
        #expect(none.rate == nil)
        #expect(none.considered == 0)
        let empty = Metrics.transitivityViolation(triples: [], threshold: 0)
        #expect(empty.rate == nil)
        #expect(empty.considered == 0)
    }
}
