import TensorCore

/// What a split keeps apart: whole items, or only pairs.
public enum SplitUnit: String, Sendable, Codable, CaseIterable {
    /// Items are partitioned; a pair is kept only if both its items are in the same part, so no
    /// item is seen in two parts (the honest setting for learned similarities).
    case item
    /// Pairs are partitioned; an item may appear in several parts.
    case pair
}

/// The outcome of splitting one pair set.
public struct PairSplit: Sendable, Equatable {
    /// Training pairs.
    public var train: PairSet
    /// Validation pairs.
    public var val: PairSet
    /// Test pairs.
    public var test: PairSet
    /// Pairs dropped because their two items fell into different parts (always 0 for `.pair`).
    public var droppedCrossPairs: Int
}

/// Splits one pair set into train / validation / test, deterministically from a seed.
public enum PairSplitter {
    /// Splits `pairs` by `unit` with the given fractions and seed.
    ///
    /// - `.item`: the distinct items that occur in `pairs`, sorted, are shuffled with
    ///   `RandomSource(seed:)` and cut by `fractions` (fractions of **items**); a pair is kept
    ///   in the part holding both its items and dropped otherwise (`droppedCrossPairs`). With
    ///   fractions `f` the parts keep roughly `f²` of the pairs each.
    /// - `.pair`: pair positions are shuffled and cut by `fractions` (fractions of pairs).
    ///
    /// Within each part pairs keep their input order. The same input, fractions and seed give
    /// the same split on every platform. Throws a `DataError` naming `source` if the fractions
    /// are invalid or any part comes out empty.
    public static func split(_ pairs: PairSet, by unit: SplitUnit, fractions: SplitFractions,
                             seed: UInt64, source: String = "pairs") throws -> PairSplit {
        try fractions.validate(source: source)
        var rng = RandomSource(seed: seed)
        var parts: [[Int]] = [[], [], []]
        var dropped = 0
        switch unit {
        case .item:
            let items = Array(Set(pairs.i + pairs.j)).sorted()
            var order = items
            rng.shuffle(&order)
            let sizes = fractions.sizes(of: order.count)
            var partOf: [Int: Int] = [:]
            for (k, item) in order.enumerated() {
                partOf[item] = k < sizes.train ? 0 : (k < sizes.train + sizes.val ? 1 : 2)
            }
            for k in 0..<pairs.count {
                let pa = partOf[pairs.i[k]]!, pb = partOf[pairs.j[k]]!
                if pa == pb { parts[pa].append(k) } else { dropped += 1 }
            }
        case .pair:
            var order = Array(0..<pairs.count)
            rng.shuffle(&order)
            let sizes = fractions.sizes(of: order.count)
            parts[0] = order[0..<sizes.train].sorted()
            parts[1] = order[sizes.train..<(sizes.train + sizes.val)].sorted()
            parts[2] = order[(sizes.train + sizes.val)...].sorted()
        }
        for (name, part) in zip(["train", "val", "test"], parts) where part.isEmpty {
            let detail = unit == .item ? ", \(dropped) cross-split pairs dropped" : ""
            throw DataError(file: source, "splitting \(pairs.count) pairs by \(unit.rawValue) (fractions \(fractions), seed \(seed)\(detail)) left the \(name) split empty")
        }
        return PairSplit(train: pairs.subset(parts[0]), val: pairs.subset(parts[1]),
                         test: pairs.subset(parts[2]), droppedCrossPairs: dropped)
    }
}
