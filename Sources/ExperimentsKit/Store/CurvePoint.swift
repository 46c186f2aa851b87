/// One epoch of a training curve.
///
/// Storage caveat: the `curves` table keeps plain REAL columns, and SQLite stores a NaN as
/// NULL. ±∞ round-trip exactly; a NaN `trainLoss`, `valLoss` or `elapsed` reads back as NaN,
/// but a NaN `valAUC` reads back as `nil` (NULL is indistinguishable from "not evaluated").
///
/// Equality treats two NaN values as equal, unlike `Double`'s `==`.
public struct CurvePoint: Codable, Sendable, Equatable {
    /// Epoch number (0-based or 1-based, as the trainer counts).
    public var epoch: Int
    /// Mean training loss over the epoch.
    public var trainLoss: Double
    /// Validation ROC AUC, `nil` when not evaluated or undefined.
    public var valAUC: Double?
    /// Validation loss.
    public var valLoss: Double
    /// Seconds since training started, at the end of the epoch.
    public var elapsed: Double

    /// A curve point.
    public init(epoch: Int, trainLoss: Double, valAUC: Double?, valLoss: Double, elapsed: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.valAUC = valAUC
        self.valLoss = valLoss
        self.elapsed = elapsed
    }

    /// Equal fields, where NaN equals NaN.
    public static func == (lhs: CurvePoint, rhs: CurvePoint) -> Bool {
        lhs.epoch == rhs.epoch && sameMeasurement(lhs.trainLoss, rhs.trainLoss)
            && sameMeasurement(lhs.valAUC, rhs.valAUC) && sameMeasurement(lhs.valLoss, rhs.valLoss)
            && sameMeasurement(lhs.elapsed, rhs.elapsed)
    }
}
