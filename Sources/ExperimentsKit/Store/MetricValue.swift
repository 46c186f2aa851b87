/// One measured number of a run: a metric `name` on a data `split`.
///
/// `value` is `nil` when the metric is undefined (ROC AUC of a single-class split, …); NaN and
/// ±∞ are allowed and round-trip exactly through the store (its `metrics.kind` column records
/// them, because SQLite turns a stored NaN into NULL).
///
/// Equality treats two NaN values as equal (the same measurement), unlike `Double`'s `==`.
public struct MetricValue: Sendable, Equatable {
    /// Data split: `"train"`, `"val"` or `"test"` by convention.
    public var split: String
    /// Metric name, for example `"auc"` or `"symmetry_error_mean"`.
    public var name: String
    /// The value; `nil` means missing (undefined on this split).
    public var value: Double?

    /// A metric value.
    public init(split: String, name: String, value: Double?) {
        self.split = split
        self.name = name
        self.value = value
    }

    /// Equal split, name and value, where NaN equals NaN.
    public static func == (lhs: MetricValue, rhs: MetricValue) -> Bool {
        lhs.split == rhs.split && lhs.name == rhs.name && sameMeasurement(lhs.value, rhs.value)
    }
}

/// `a == b`, except that NaN equals NaN and `nil` equals `nil`.
func sameMeasurement(_ a: Double?, _ b: Double?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (x?, y?): return x == y || (x.isNaN && y.isNaN)
    default: return false
    }
}
