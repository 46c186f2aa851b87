/// A dense, row-major matrix of `Float`.
///
/// Element `(r, c)` lives at `data[r * cols + c]`. A value type: copies are cheap until written
/// (copy-on-write through `Array`).
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var cols: Int
    /// Row-major storage, `rows * cols` elements.
    public var data: [Float]

    /// A matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.data = [Float](repeating: value, count: rows * cols)
    }

    /// A matrix over existing row-major storage; `data.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, data: [Float]) {
        precondition(rows >= 0 && cols >= 0 && data.count == rows * cols,
                     "Matrix: \(data.count) elements do not fill \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// A matrix from nested rows; all rows must have the same length.
    public init(_ rowsOfValues: [[Float]]) {
        let r = rowsOfValues.count
        let c = rowsOfValues.first?.count ?? 0
        precondition(rowsOfValues.allSatisfy { $0.count == c }, "Matrix: ragged rows")
        self.init(rows: r, cols: c, data: rowsOfValues.flatMap { $0 })
    }

    /// Number of elements.
    @inlinable public var count: Int { rows * cols }

    /// Element access by row and column.
    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { data[r * cols + c] }
        set { data[r * cols + c] = newValue }
    }

    /// A copy of row `r`.
    public func row(_ r: Int) -> [Float] {
        Array(data[(r * cols)..<((r + 1) * cols)])
    }

    /// The rows at `indices`, in that order, as a new matrix.
    public func gatherRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < rows, "gatherRows: index \(i) outside 0..<\(rows)")
                    for c in 0..<cols { dst[k * cols + c] = src[i * cols + c] }
                }
            }
        }
        return out
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var out = Matrix(rows: cols, cols: rows)
        for r in 0..<rows { for c in 0..<cols { out.data[c * rows + r] = data[r * cols + c] } }
        return out
    }

    /// Largest absolute element-wise difference to `other` (same shape), `+inf` if shapes differ.
    public func maxAbsDifference(_ other: Matrix) -> Float {
        guard rows == other.rows && cols == other.cols else { return .infinity }
        var m: Float = 0
        for i in 0..<data.count { m = Swift.max(m, Swift.abs(data[i] - other.data[i])) }
        return m
    }
}
