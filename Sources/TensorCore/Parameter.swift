/// A trainable matrix that persists across steps, with its gradient buffer.
///
/// Storage is allocated once; tapes read `value` and accumulate into `grad` in place, so a
/// parameter used several times in one forward pass collects the sum of its gradients.
public final class Parameter {
    /// A name for saved files and diagnostics, unique within a model.
    public let name: String
    /// Shape.
    public let rows: Int, cols: Int
    /// Current value, `rows * cols` floats, row-major.
    public let value: UnsafeMutablePointer<Float>
    /// Gradient accumulated by `Tape.backward`, same layout as `value`.
    public let grad: UnsafeMutablePointer<Float>

    /// Number of elements.
    public var count: Int { rows * cols }

    /// A parameter holding a copy of `initial`.
    public init(name: String, _ initial: Matrix) {
        self.name = name
        rows = initial.rows
        cols = initial.cols
        let n = max(1, initial.count)
        value = .allocate(capacity: n)
        grad = .allocate(capacity: n)
        value.initialize(repeating: 0, count: n)
        grad.initialize(repeating: 0, count: n)
        initial.data.withUnsafeBufferPointer { if let b = $0.baseAddress { value.update(from: b, count: initial.count) } }
    }

    deinit {
        value.deallocate()
        grad.deallocate()
    }

    /// The value as a matrix (a copy); setting copies in, shapes must match.
    public var matrix: Matrix {
        get { Matrix(rows: rows, cols: cols, data: Array(UnsafeBufferPointer(start: value, count: count))) }
        set {
            precondition(newValue.rows == rows && newValue.cols == cols,
                         "Parameter \(name): cannot assign \(newValue.rows)x\(newValue.cols) to \(rows)x\(cols)")
            newValue.data.withUnsafeBufferPointer { if let b = $0.baseAddress { value.update(from: b, count: count) } }
        }
    }

    /// The gradient as a matrix (a copy).
    public var gradient: Matrix {
        Matrix(rows: rows, cols: cols, data: Array(UnsafeBufferPointer(start: grad, count: count)))
    }

    /// Sets the gradient to zero.
    public func zeroGrad() {
        grad.update(repeating: 0, count: count)
    }
}
