/// How a set of items or pairs is divided into train, validation and test parts.
///
/// The three fractions must be finite, non-negative and sum to 1 (within 1e-6). Part sizes
/// are `round(train·n)` and `round(val·n)` (clamped to `n`), and the test part takes the rest,
/// so every element lands in exactly one part.
public struct SplitFractions: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Fraction for training.
    public var train: Double
    /// Fraction for validation (threshold choice, early stopping).
    public var val: Double
    /// Fraction for the final test.
    public var test: Double

    /// Fractions `train / val / test`.
    public init(train: Double, val: Double, test: Double) {
        self.train = train
        self.val = val
        self.test = test
    }

    /// 60 % / 20 % / 20 %.
    public static let standard = SplitFractions(train: 0.6, val: 0.2, test: 0.2)

    /// `0.6/0.2/0.2`.
    public var description: String { "\(train)/\(val)/\(test)" }

    /// Throws unless the fractions are finite, non-negative and sum to 1.
    public func validate(source: String) throws {
        let parts = [train, val, test]
        guard parts.allSatisfy({ $0.isFinite && $0 >= 0 }), Swift.abs(parts.reduce(0, +) - 1) <= 1e-6 else {
            throw DataError(file: source, "split fractions must be non-negative and sum to 1, got \(self)")
        }
    }

    /// The sizes of the three parts of `n` elements.
    func sizes(of n: Int) -> (train: Int, val: Int, test: Int) {
        let t = Swift.min(n, Int((train * Double(n)).rounded()))
        let v = Swift.min(n - t, Int((val * Double(n)).rounded()))
        return (t, v, n - t - v)
    }
}
