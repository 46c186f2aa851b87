import Foundation

// MARK: - Probabilistic loss

extension Metrics {

    /// Mean binary cross-entropy of the labels under `σ(logit)`, computed from the logits.
    ///
    ///     ℓ(z, y) = −[y·log σ(z) + (1 − y)·log(1 − σ(z))]
    ///             = max(z, 0) − z·y + log1p(e^{−|z|})
    ///     logLoss = (1/n) Σᵢ ℓ(zᵢ, yᵢ)
    ///
    /// The second form never forms `log 0` nor `e^{|z|}`, so it is finite and accurate for
    /// every finite logit (a confident mistake at `z = 800` costs `800`, where clipping the
    /// probability, as scikit-learn's `log_loss` does at `ε ≈ 2.2e−16`, would cap it at about
    /// `36`). It is evaluated per label as `softplus(−z)` for `y = 1` and `softplus(z)` for
    /// `y = 0`, which is the same floating-point value for finite `z` and also right for
    /// infinite ones: a correct `±∞` costs `0`, a wrong one `+∞`. Natural logarithm; the sum is
    /// compensated.
    ///
    /// - Returns: NaN for an empty input (no mean) or when any logit is NaN.
    /// - Precondition: `logits.count == labels.count`.
    public static func logLoss(logits: [Double], labels: [Bool]) -> Double {
        precondition(logits.count == labels.count,
                     "Metrics.logLoss: \(logits.count) logits but \(labels.count) labels")
        guard !logits.isEmpty else { return .nan }
        var total = CompensatedSum()
        for i in logits.indices {
            total.add(softplus(labels[i] ? -logits[i] : logits[i]))
        }
        return total.value / Double(logits.count)
    }

    /// `softplus(t) = log(1 + eᵗ) = max(t, 0) + log1p(e^{−|t|})`; `softplus(−∞) = 0`.
    @inlinable
    static func softplus(_ t: Double) -> Double {
        Swift.max(t, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(t)))
    }
}

// MARK: - Thresholded classification

/// Counts of a binary confusion matrix, under the prediction rule `logit > threshold`.
public struct ConfusionCounts: Equatable, Hashable, Codable, Sendable {
    /// Positives predicted positive.
    public var truePositives: Int
    /// Negatives predicted positive.
    public var falsePositives: Int
    /// Negatives predicted negative.
    public var trueNegatives: Int
    /// Positives predicted negative.
    public var falseNegatives: Int

    /// Creates counts directly.
    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// `TP + FP + TN + FN`.
    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// Accuracy `(TP + TN) / (TP + FP + TN + FN)`; `nil` for no items.
    public var accuracy: Double? {
        total == 0 ? nil : Double(truePositives + trueNegatives) / Double(total)
    }

    /// Precision `TP / (TP + FP)`; `nil` when nothing is predicted positive.
    public var precision: Double? {
        let predicted = truePositives + falsePositives
        return predicted == 0 ? nil : Double(truePositives) / Double(predicted)
    }

    /// Recall `TP / (TP + FN)`; `nil` when there are no positives.
    public var recall: Double? {
        let actual = truePositives + falseNegatives
        return actual == 0 ? nil : Double(truePositives) / Double(actual)
    }

    /// F1 score, the harmonic mean of precision and recall, written without either:
    ///
    ///     F1 = 2·TP / (2·TP + FP + FN)
    ///
    /// Defined as `0` when `2·TP + FP + FN = 0` (no positives, none predicted), which is
    /// scikit-learn's `f1_score` with its default `zero_division`. With `TP = 0` and some
    /// errors it is `0` as well.
    public var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }
}

extension Metrics {

    /// The confusion counts of the prediction rule `logit > threshold` against the labels.
    ///
    /// The comparison is strict, so a logit equal to the threshold is predicted negative, and
    /// a NaN logit is always predicted negative.
    ///
    /// - Precondition: `logits.count == labels.count`.
    public static func confusion(logits: [Double], labels: [Bool], threshold: Double) -> ConfusionCounts {
        precondition(logits.count == labels.count,
                     "Metrics.confusion: \(logits.count) logits but \(labels.count) labels")
        var tp = 0, fp = 0, tn = 0, fn = 0
        for i in logits.indices {
            switch (logits[i] > threshold, labels[i]) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        return ConfusionCounts(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }

    /// Accuracy at a threshold: `confusion(logits:labels:threshold:).accuracy` (see
    /// ``ConfusionCounts/accuracy``); `nil` for an empty input.
    public static func accuracy(logits: [Double], labels: [Bool], threshold: Double) -> Double? {
        confusion(logits: logits, labels: labels, threshold: threshold).accuracy
    }

    /// F1 at a threshold: `confusion(logits:labels:threshold:).f1` (see ``ConfusionCounts/f1``).
    public static func f1(logits: [Double], labels: [Bool], threshold: Double) -> Double {
        confusion(logits: logits, labels: labels, threshold: threshold).f1
    }

    // MARK: Threshold choice

    /// The threshold on the logits that maximises accuracy on the given (validation) data
    /// under the rule "positive iff `logit > threshold`".
    ///
    /// Let `u₁ < u₂ < … < u_k` be the distinct logits. Every threshold in `[u_j, u_{j+1})`
    /// gives the same predictions, so the candidates are one representative per gap:
    ///
    /// - between `u_j` and `u_{j+1}`: the midpoint `(u_j + u_{j+1}) / 2` (computed so that it
    ///   stays inside the gap even for huge or adjacent values);
    /// - below every logit (all predicted positive): `0` if `u₁ > 0`, else `u₁ − 1`;
    /// - at or above every logit (all predicted negative): `0` if `u_k ≤ 0`, else `u_k + 1`.
    ///
    /// (A gap bounded by an infinite logit takes the corresponding end rule.) The candidate
    /// with the most correct predictions wins; among equally accurate candidates the one
    /// closest to `0` (the natural threshold on logits, `σ = ½`) wins, and between `t` and
    /// `−t` the lower. Accuracy is counted in integers, so "equally accurate" is exact.
    ///
    /// - Returns: `0` when the labels hold a single class or none: accuracy is then maximised
    ///   by predicting that class for everything, which says nothing about where the classes
    ///   separate. NaN logits are predicted negative under every threshold, so they shift all
    ///   candidates' accuracy equally and are left out of the choice; if every logit is NaN
    ///   the result is `0`.
    /// - Complexity: `O(n log n)`: one sort, then one pass over the gaps updating the count
    ///   of correct predictions.
    /// - Precondition: `logits.count == labels.count`.
    public static func chooseThreshold(logits: [Double], labels: [Bool]) -> Double {
        precondition(logits.count == labels.count,
                     "Metrics.chooseThreshold: \(logits.count) logits but \(labels.count) labels")
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, positives < labels.count else { return 0 }

        var keptScores: [Double] = []
        var keptLabels: [Bool] = []
        keptScores.reserveCapacity(logits.count)
        keptLabels.reserveCapacity(logits.count)
        for i in logits.indices where !logits[i].isNaN {
            keptScores.append(logits[i])
            keptLabels.append(labels[i])
        }
        guard !keptScores.isEmpty else { return 0 }

        let sorted = sortedByScore(keptScores, keptLabels)
        var groups: [(score: Double, positives: Int, negatives: Int)] = []
        forEachTieGroup(sorted) { start, _, groupPositives, groupNegatives in
            groups.append((sorted[start].score, groupPositives, groupNegatives))
        }

        var bestCorrect = -1
        var bestThreshold = 0.0
        func consider(_ correct: Int, _ threshold: Double) {
            if correct > bestCorrect
                || (correct == bestCorrect && Swift.abs(threshold) < Swift.abs(bestThreshold)) {
                bestCorrect = correct
                bestThreshold = threshold
            }
        }

        // Everything predicted positive: the positives are right.
        var correct = keptLabels.reduce(0) { $0 + ($1 ? 1 : 0) }
        if let below = thresholdBelow(groups[0].score) { consider(correct, below) }
        // Moving the threshold past group g turns its items negative.
        for g in groups.indices {
            correct += groups[g].negatives - groups[g].positives
            let threshold = g + 1 < groups.count
                ? thresholdBetween(groups[g].score, groups[g + 1].score)
                : thresholdAtOrAbove(groups[g].score)
            consider(correct, threshold)
        }
        return bestThreshold
    }

    /// A threshold `t < hi`: `0` if `hi > 0`, else `hi − 1` (or the next lower double when
    /// `hi − 1` rounds back to `hi`); `nil` for `hi = −∞`, below which nothing lies.
    static func thresholdBelow(_ hi: Double) -> Double? {
        if hi == -.infinity { return nil }
        if hi > 0 { return 0 }
        let t = hi - 1
        return t < hi ? t : hi.nextDown
    }

    /// A threshold `t ≥ lo`: `0` if `lo ≤ 0`, else `lo + 1` (never below `lo`).
    static func thresholdAtOrAbove(_ lo: Double) -> Double {
        lo <= 0 ? 0 : lo + 1
    }

    /// A threshold `t` with `lo ≤ t < hi` for `lo < hi`: the midpoint when both are finite,
    /// the end rules when one is infinite.
    static func thresholdBetween(_ lo: Double, _ hi: Double) -> Double {
        if lo == -.infinity { return thresholdBelow(hi)! }  // hi > lo, so hi ≠ −∞
        if hi == .infinity { return thresholdAtOrAbove(lo) }
        let mid = (lo + hi) / 2
        if mid.isFinite && lo <= mid && mid < hi { return mid }
        let halves = lo / 2 + hi / 2  // no overflow near ±greatestFiniteMagnitude
        if lo <= halves && halves < hi { return halves }
        return lo  // adjacent doubles: only lo itself lies in [lo, hi)
    }
}
