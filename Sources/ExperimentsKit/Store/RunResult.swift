/// The outcome of one attempt at a run, as ``ResultStore/finish(key:result:)`` records it.
public struct RunResult: Sendable {
    /// `.completed`, `.diverged` or `.failed` (anything else is a programming error).
    public var state: RunState
    /// Every metric of the run; `(split, name)` pairs must be distinct.
    public var metrics: [MetricValue]
    /// The training curve, one point per epoch (epochs distinct).
    public var curves: [CurvePoint]
    /// The trained model's bytes, or `nil` to store none.
    public var weights: [UInt8]?
    /// Format tag stored with the weights (default `"SYMSIMW1"`, the Models weight file magic).
    public var weightsFormat: String
    /// Wall-clock training time in seconds.
    public var trainSeconds: Double
    /// Error message of a failed (or diverged) run.
    public var error: String?
    /// SHA-256 of the data the run was trained on (see `PairDataset.fingerprint`), if known.
    public var dataFingerprint: String?

    /// A run result; everything except the state and the training time is optional.
    public init(state: RunState, metrics: [MetricValue] = [], curves: [CurvePoint] = [],
                weights: [UInt8]? = nil, weightsFormat: String = "SYMSIMW1",
                trainSeconds: Double, error: String? = nil, dataFingerprint: String? = nil) {
        self.state = state
        self.metrics = metrics
        self.curves = curves
        self.weights = weights
        self.weightsFormat = weightsFormat
        self.trainSeconds = trainSeconds
        self.error = error
        self.dataFingerprint = dataFingerprint
    }
}
