/// A handle to a value recorded on a `Tape` (an index; valid until the tape is reset).
public struct Var: Hashable, Sendable {
    /// Position on the tape.
    public let id: Int
}

/// Reverse-mode automatic differentiation recorded per operation.
///
/// Each operation appends one node holding its output matrix; `backward` walks the nodes in
/// reverse and applies each operation's pullback, accumulating (`+=`) into the gradients of its
/// inputs, so a value used twice receives the sum of both contributions. Parameter nodes point at
/// the `Parameter`'s own storage, so gradients land there directly.
///
/// Buffers are pooled by node position: after `reset()`, a step that records the same sequence
/// of shapes reuses every buffer and allocates nothing (`bufferAllocations` stops growing).
public final class Tape {
    enum Op: UInt8 {
        case constant, parameter
        case matmul, add, sub, mul, addRowVector, scale, mulScalar
        case abs, relu, tanh, sigmoid, logSigmoid, exp, sqrt
        case concatCols, sliceCols
        case rowDot, rowSum, sqDist, rowCosine, maximum, groupSum, groupRowDot
        case orderedPair, symmetrizeBlocks
        case bceWithLogits, mean
        case dense, mirrorTwin, pairFeatures, pairedProducts, symmetricBilinear
    }

    struct Node {
        var op: Op
        var a: Int = -1, b: Int = -1, c: Int = -1
        var rows: Int, cols: Int
        var s: Float = 0           // scalar argument
        var i0: Int = 0, i1: Int = 0 // integer arguments (transposes, offsets, group sizes)
        var value: UnsafeMutablePointer<Float>
        var grad: UnsafeMutablePointer<Float>?
        var needsGrad: Bool
    }

    var nodes: [Node] = []
    /// Number of nodes recorded since the last reset.
    public private(set) var count = 0
    var extra: [Int] = []   // input lists for n-ary ops (concat)

    // Pooled buffers by node position.
    var valueSlots: [UnsafeMutablePointer<Float>] = []
    var valueCaps: [Int] = []
    var gradSlots: [UnsafeMutablePointer<Float>] = []
    var gradCaps: [Int] = []

    /// Whether a node's gradient buffer holds a contribution of the current `backward` pass. The
    /// first contribution overwrites the buffer and later ones add to it, so gradients need no
    /// zeroing pass; a node never written has gradient zero and its pullback is skipped.
    var written: [Bool] = []

    // Scratch buffers for fused pullbacks, pooled by index (contents do not outlive one pullback).
    var scratchSlots: [UnsafeMutablePointer<Float>] = []
    var scratchCaps: [Int] = []

    /// How many buffers the tape has allocated in its lifetime (tests check it stops growing).
    public private(set) var bufferAllocations = 0

    /// Floating-point operations (`2·m·n·k` per product) of every matrix product this tape has
    /// issued, forward and backward, in its lifetime: the work a benchmark reports.
    public internal(set) var productFlops = 0

    /// Whether operations record what `backward` needs; `false` for evaluation-only passes.
    public var recordsGradients: Bool

    /// An empty tape.
    public init(recordsGradients: Bool = true) {
        self.recordsGradients = recordsGradients
        nodes.reserveCapacity(64)
    }

    deinit {
        for p in valueSlots { p.deallocate() }
        for p in gradSlots { p.deallocate() }
        for p in scratchSlots { p.deallocate() }
    }

    /// Forgets all recorded nodes, keeping buffers for reuse.
    public func reset() {
        count = 0
        nodes.removeAll(keepingCapacity: true)
        extra.removeAll(keepingCapacity: true)
        written.removeAll(keepingCapacity: true)
    }

    /// Pooled scratch buffer `index` with room for `n` floats.
    func scratch(_ index: Int, _ n: Int) -> UnsafeMutablePointer<Float> {
        let need = max(n, 1)
        while scratchSlots.count <= index {
            scratchSlots.append(.allocate(capacity: 1)); scratchCaps.append(1)
        }
        if scratchCaps[index] < need {
            scratchSlots[index].deallocate()
            scratchSlots[index] = .allocate(capacity: need); scratchCaps[index] = need
            bufferAllocations += 1
        }
        return scratchSlots[index]
    }

    // MARK: - Node creation

    func valueBuffer(_ slot: Int, _ n: Int) -> UnsafeMutablePointer<Float> {
        let need = max(n, 1)
        if slot == valueSlots.count {
            valueSlots.append(.allocate(capacity: need)); valueCaps.append(need)
            gradSlots.append(.allocate(capacity: 1)); gradCaps.append(1)
            bufferAllocations += 1
        } else if valueCaps[slot] < need {
            valueSlots[slot].deallocate()
            valueSlots[slot] = .allocate(capacity: need); valueCaps[slot] = need
            bufferAllocations += 1
        }
        return valueSlots[slot]
    }

    func gradBuffer(_ slot: Int, _ n: Int) -> UnsafeMutablePointer<Float> {
        let need = max(n, 1)
        if gradCaps[slot] < need {
            gradSlots[slot].deallocate()
            gradSlots[slot] = .allocate(capacity: need); gradCaps[slot] = need
            bufferAllocations += 1
        }
        return gradSlots[slot]
    }

    /// Appends a node with a fresh (pooled) output buffer; gradient need follows the inputs.
    /// `auxiliary` floats after the value are the op's own storage for its pullback.
    func push(_ op: Op, rows: Int, cols: Int, a: Int = -1, b: Int = -1, c: Int = -1,
              s: Float = 0, i0: Int = 0, i1: Int = 0, auxiliary: Int = 0) -> Int {
        let slot = count
        let value = valueBuffer(slot, rows * cols + auxiliary)
        var needs = false
        if recordsGradients {
            if a >= 0 { needs = needs || nodes[a].needsGrad }
            if b >= 0 { needs = needs || nodes[b].needsGrad }
            if c >= 0 { needs = needs || nodes[c].needsGrad }
        }
        let grad = needs ? gradBuffer(slot, rows * cols) : nil
        nodes.append(Node(op: op, a: a, b: b, c: c, rows: rows, cols: cols, s: s, i0: i0, i1: i1,
                          value: value, grad: grad, needsGrad: needs))
        count += 1
        return slot
    }

    // MARK: - Leaves

    /// Records a constant (no gradient) holding a copy of `m`.
    public func constant(_ m: Matrix) -> Var {
        let id = push(.constant, rows: m.rows, cols: m.cols)
        m.data.withUnsafeBufferPointer { if let b = $0.baseAddress { nodes[id].value.update(from: b, count: m.count) } }
        return Var(id: id)
    }

    /// Records a constant of the given shape whose values `fill` writes into the buffer
    /// (lets callers gather a batch straight into pooled storage).
    public func constant(rows: Int, cols: Int, fill: (UnsafeMutablePointer<Float>) -> Void) -> Var {
        let id = push(.constant, rows: rows, cols: cols)
        fill(nodes[id].value)
        return Var(id: id)
    }

    /// Records a parameter; its node reads and writes the parameter's own storage.
    public func param(_ p: Parameter) -> Var {
        let id = count
        let needs = recordsGradients
        nodes.append(Node(op: .parameter, rows: p.rows, cols: p.cols, value: p.value,
                          grad: needs ? p.grad : nil, needsGrad: needs))
        if id == valueSlots.count {
            valueSlots.append(.allocate(capacity: 1)); valueCaps.append(1)
            gradSlots.append(.allocate(capacity: 1)); gradCaps.append(1)
            bufferAllocations += 1
        }
        count += 1
        return Var(id: id)
    }

    // MARK: - Reading

    /// Shape of a recorded value.
    public func shape(_ v: Var) -> (rows: Int, cols: Int) { (nodes[v.id].rows, nodes[v.id].cols) }

    /// A copy of a recorded value.
    public func value(_ v: Var) -> Matrix {
        let n = nodes[v.id]
        return Matrix(rows: n.rows, cols: n.cols, data: Array(UnsafeBufferPointer(start: n.value, count: n.rows * n.cols)))
    }

    /// The single element of a 1×1 value.
    public func scalar(_ v: Var) -> Float {
        precondition(nodes[v.id].rows * nodes[v.id].cols == 1, "scalar: value is \(nodes[v.id].rows)x\(nodes[v.id].cols), not 1x1")
        return nodes[v.id].value[0]
    }

    /// Read-only access to a recorded value's buffer.
    public func withValue<R>(_ v: Var, _ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let n = nodes[v.id]
        return try body(UnsafeBufferPointer(start: n.value, count: n.rows * n.cols))
    }

    /// A copy of the gradient of a recorded value after `backward` (zeros if it needs none).
    public func gradient(_ v: Var) -> Matrix {
        let n = nodes[v.id]
        guard let g = n.grad, n.op == .parameter || (v.id < written.count && written[v.id]) else {
            return Matrix(rows: n.rows, cols: n.cols)
        }
        return Matrix(rows: n.rows, cols: n.cols, data: Array(UnsafeBufferPointer(start: g, count: n.rows * n.cols)))
    }
}

extension Tape {
    /// Every product the tape issues goes through here, so `productFlops` counts it.
    @inline(__always)
    func productGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        productFlops += 2 * m * n * k
        MatrixProduct.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
