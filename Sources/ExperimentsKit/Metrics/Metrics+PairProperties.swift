import Foundation

// MARK: - Result types

/// How far a model is from symmetric on a set of pairs: see ``Metrics/symmetryError(forward:backward:)``.
public struct SymmetryError: Equatable, Codable, Sendable {
    /// Mean over pairs of `|σ(s(a,b)) − σ(s(b,a))|`.
    public var mean: Double
    /// Largest `|σ(s(a,b)) − σ(s(b,a))|` over pairs.
    public var max: Double

    /// Creates a result directly.
    public init(mean: Double, max: Double) {
        self.mean = mean
        self.max = max
    }
}

/// How a model scores items against themselves: see ``Metrics/reflexivity(selfLogits:partnerLogits:)``.
public struct Reflexivity: Equatable, Codable, Sendable {
    /// Mean over items of `σ(s(x, x))`.
    public var meanSelfProbability: Double
    /// Fraction of the items with at least one partner whose self logit beats every partner
    /// logit strictly; `nil` when no item has a partner.
    public var rankFraction: Double?
    /// Number of items with at least one partner: the denominator of `rankFraction`.
    public var itemsWithPartners: Int

    /// Creates a result directly.
    public init(meanSelfProbability: Double, rankFraction: Double?, itemsWithPartners: Int) {
        self.meanSelfProbability = meanSelfProbability
        self.rankFraction = rankFraction
        self.itemsWithPartners = itemsWithPartners
    }
}

/// How often a model breaks transitivity: see ``Metrics/transitivityViolation(triples:threshold:)``.
public struct TransitivityViolation: Equatable, Codable, Sendable {
    /// `violations / considered`; `nil` when no triple is considered.
    public var rate: Double?
    /// Triples with `s(a,b) > t` and `s(b,c) > t`.
    public var considered: Int
    /// Considered triples with `s(a,c) ≤ t` (or NaN).
    public var violations: Int

    /// Creates a result directly.
    public init(rate: Double?, considered: Int, violations: Int) {
        self.rate = rate
        self.considered = considered
        self.violations = violations
    }
}

// MARK: - Symmetry, reflexivity, transitivity

extension Metrics {

    /// Symmetry error over pairs, in probability space:
    ///
    ///     eᵢ = |σ(s(aᵢ, bᵢ)) − σ(s(bᵢ, aᵢ))|,   mean = (1/n) Σᵢ eᵢ,   max = maxᵢ eᵢ
    ///
    /// with `forward[i] = s(aᵢ, bᵢ)` and `backward[i] = s(bᵢ, aᵢ)`. Identical inputs give
    /// exactly `0` (σ is a deterministic function), which is what a model symmetric by
    /// construction must produce. Probabilities, not logits, so a disagreement between two
    /// saturated logits (`30` vs `40`) counts as the negligible amount it changes the
    /// prediction by; such differences below about `1e−16` round to `0`.
    ///
    /// - Returns: both NaN for no pairs, or when any logit is NaN (a broken model must not
    ///   read as symmetric). The mean is a compensated sum.
    /// - Precondition: `forward.count == backward.count`.
    public static func symmetryError(forward: [Double], backward: [Double]) -> SymmetryError {
        precondition(forward.count == backward.count,
                     "Metrics.symmetryError: \(forward.count) forward but \(backward.count) backward logits")
        guard !forward.isEmpty else { return SymmetryError(mean: .nan, max: .nan) }
        var total = CompensatedSum()
        var largest = 0.0
        for i in forward.indices {
            let e = Swift.abs(sigmoid(forward[i]) - sigmoid(backward[i]))
            if e.isNaN { return SymmetryError(mean: .nan, max: .nan) }
            total.add(e)
            if e > largest { largest = e }
        }
        return SymmetryError(mean: total.value / Double(forward.count), max: largest)
    }

    /// Reflexivity over items: how likely the model finds each item similar to itself, and
    /// whether it ranks itself above all its partners.
    ///
    /// With `selfLogits[i] = s(xᵢ, xᵢ)` and `partnerLogits[i] = [s(xᵢ, y) for the partners y
    /// of xᵢ]`:
    ///
    ///     meanSelfProbability = (1/n) Σᵢ σ(s(xᵢ, xᵢ))
    ///     rankFraction        = |{ i ∈ I : s(xᵢ, xᵢ) > s(xᵢ, y) for every partner y }| / |I|,
    ///                           I = { i : xᵢ has at least one partner }
    ///
    /// The rank test compares logits strictly: a tie with a partner does not count as ranking
    /// above it (a constant model must score 0, not 1), and comparing logits avoids the ties
    /// that `σ` would create by rounding to `1` above a logit of about 36.7. A NaN self or
    /// partner logit makes the comparison false, so the item counts as not ranking itself first.
    ///
    /// - Returns: `meanSelfProbability` is NaN for no items or a NaN self logit;
    ///   `rankFraction` is `nil` when no item has a partner.
    /// - Precondition: `selfLogits.count == partnerLogits.count`.
    public static func reflexivity(selfLogits: [Double], partnerLogits: [[Double]]) -> Reflexivity {
        precondition(selfLogits.count == partnerLogits.count,
                     "Metrics.reflexivity: \(selfLogits.count) self logits but \(partnerLogits.count) partner lists")
        var total = CompensatedSum()
        var withPartners = 0
        var rankedFirst = 0
        for i in selfLogits.indices {
            let own = selfLogits[i]
            total.add(sigmoid(own))
            let partners = partnerLogits[i]
            guard !partners.isEmpty else { continue }
            withPartners += 1
            if partners.allSatisfy({ own > $0 }) { rankedFirst += 1 }
        }
        return Reflexivity(
            meanSelfProbability: selfLogits.isEmpty ? .nan : total.value / Double(selfLogits.count),
            rankFraction: withPartners == 0 ? nil : Double(rankedFirst) / Double(withPartners),
            itemsWithPartners: withPartners)
    }

    /// Transitivity violations over triples `(a, b, c)`: among the triples the model calls
    /// `a~b` and `b~c`, the fraction it calls `a≁c`.
    ///
    ///     considered = |{ (ab, bc, ac) : ab > t  and  bc > t }|
    ///     violations = |{ considered triples : not (ac > t) }|
    ///     rate       = violations / considered
    ///
    /// with `ab = s(a,b)`, `bc = s(b,c)`, `ac = s(a,c)` logits and `t` the threshold (usually
    /// the one chosen on validation data). "Calls `a~c`" is the usual prediction rule
    /// `logit > t`, so `ac ≤ t`, and a NaN `ac`, is a violation; a NaN `ab` or `bc` leaves the
    /// triple out.
    ///
    /// - Returns: `rate` is `nil` when no triple is considered; `considered` is the
    ///   denominator, to report next to the rate.
    public static func transitivityViolation(
        triples: [(ab: Double, bc: Double, ac: Double)], threshold: Double
    ) -> TransitivityViolation {
        var considered = 0
        var violations = 0
        for triple in triples where triple.ab > threshold && triple.bc > threshold {
            considered += 1
            if !(triple.ac > threshold) { violations += 1 }
        }
        return TransitivityViolation(
            rate: considered == 0 ? nil : Double(violations) / Double(considered),
            considered: considered,
            violations: violations)
    }
}
