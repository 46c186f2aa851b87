import Foundation

// MARK: - Ranking metrics (threshold-free)

extension Metrics {

    /// Area under the ROC curve, by the rank-sum (Mann–Whitney U) formula with tied scores
    /// given their average rank.
    ///
    /// Rank all `n = P + N` scores in increasing order from 1 to `n`; a group of tied scores
    /// occupying ranks `i+1 … j` all get the average rank `(i + 1 + j) / 2`. With `R₊` the sum
    /// of the positives' ranks,
    ///
    ///     U   = R₊ − P(P + 1)/2
    ///     AUC = U / (P · N)
    ///
    /// which equals `P(s₊ > s₋) + ½·P(s₊ = s₋)` over all positive–negative pairs, and the
    /// trapezoidal area under the ROC curve (scikit-learn's `roc_auc_score`). Scores `[1, 1]`
    /// with labels `[true, false]` give `0.5`.
    ///
    /// - Returns: `nil` when only one class is present (including the empty input), and `nil`
    ///   when any score is NaN: a ranking containing NaN is undefined, and a number would hide
    ///   a diverged model. `±∞` are ordinary scores (two `+∞` tie).
    /// - Complexity: `O(n log n)` (one sort). `2U` is accumulated in integer arithmetic, so
    ///   the only rounding is the final division.
    /// - Precondition: `scores.count == labels.count`.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count,
                     "Metrics.rocAUC: \(scores.count) scores but \(labels.count) labels")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0, !scores.contains(where: \.isNaN) else { return nil }

        let sorted = sortedByScore(scores, labels)
        // Twice the positives' rank sum: a tie group at ranks i+1…j contributes
        // (positives in group) · (i + 1 + j), an integer.
        var twiceRankSum = 0
        forEachTieGroup(sorted) { start, end, groupPositives, _ in
            twiceRankSum += groupPositives * (start + 1 + end)
        }
        let twiceU = twiceRankSum - positives * (positives + 1)
        return Double(twiceU) / (2 * Double(positives) * Double(negatives))
    }

    /// Average precision, as scikit-learn's `average_precision_score` defines it: the
    /// precision at each threshold weighted by the increase in recall,
    ///
    ///     AP = Σₖ (Rₖ − Rₖ₋₁) · Pₖ,   R₀ = 0,
    ///
    /// where the thresholds are the distinct scores in decreasing order, tied scores are one
    /// threshold (they enter together), `Pₖ = TPₖ / (TPₖ + FPₖ)` and `Rₖ = TPₖ / P` count the
    /// items scoring at least the `k`-th threshold. No interpolation (unlike the 11-point
    /// PASCAL VOC AP); a random ranking scores about the positive rate, not 0.5.
    ///
    /// - Returns: `nil` when there are no positives (recall is undefined; scikit-learn warns
    ///   and returns 0 there) or when any score is NaN. With no negatives it is `1`.
    /// - Complexity: `O(n log n)` (one sort); the sum is compensated.
    /// - Precondition: `scores.count == labels.count`.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count,
                     "Metrics.averagePrecision: \(scores.count) scores but \(labels.count) labels")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, !scores.contains(where: \.isNaN) else { return nil }

        // Walk the tie groups from the highest score down.
        let sorted = sortedByScore(scores, labels)
        var groups: [(positives: Int, negatives: Int)] = []
        forEachTieGroup(sorted) { _, _, groupPositives, groupNegatives in
            groups.append((groupPositives, groupNegatives))
        }
        var truePositives = 0
        var falsePositives = 0
        var ap = CompensatedSum()
        for group in groups.reversed() {
            truePositives += group.positives
            falsePositives += group.negatives
            guard group.positives > 0 else { continue }  // recall unchanged: no term
            let recallStep = Double(group.positives) / Double(positives)
            let precision = Double(truePositives) / Double(truePositives + falsePositives)
            ap.add(recallStep * precision)
        }
        return ap.value
    }
}

// MARK: - Sorting helpers

/// A score with its label, the unit that the ranking metrics sort.
struct ScoredLabel {
    var score: Double
    var label: Bool
}

extension Metrics {
    /// The pairs `(score, label)` in increasing order of score. The caller has removed NaN,
    /// so `<` is a strict weak order (`−0.0` and `0.0` tie, as they should).
    static func sortedByScore(_ scores: [Double], _ labels: [Bool]) -> [ScoredLabel] {
        var items = [ScoredLabel]()
        items.reserveCapacity(scores.count)
        for i in scores.indices { items.append(ScoredLabel(score: scores[i], label: labels[i])) }
        items.sort { $0.score < $1.score }
        return items
    }

    /// Calls `body(start, end, positives, negatives)` for each maximal run `start..<end` of
    /// equal scores in a sorted array, in increasing order of score.
    static func forEachTieGroup(_ sorted: [ScoredLabel], _ body: (Int, Int, Int, Int) -> Void) {
        var start = 0
        while start < sorted.count {
            var end = start
            var groupPositives = 0
            let score = sorted[start].score
            while end < sorted.count && sorted[end].score == score {
                if sorted[end].label { groupPositives += 1 }
                end += 1
            }
            body(start, end, groupPositives, end - start - groupPositives)
            start = end
        }
    }
}
