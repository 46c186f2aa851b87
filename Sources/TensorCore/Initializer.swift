/// Weight initialisation schemes, all drawn from a `RandomSource`.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    /// Glorot/Xavier uniform: `U(−a, a)`, `a = √(6 / (fanIn + fanOut))` (for tanh/sigmoid layers).
    case glorotUniform = "glorot_uniform"
    /// He/Kaiming normal: `N(0, 2 / fanIn)` (for ReLU layers).
    case heNormal = "he_normal"
    /// PyTorch's `nn.Linear` default: `U(−1/√fanIn, 1/√fanIn)`.
    case torchLinear = "torch_linear"
    /// All zeros (biases).
    case zeros

    /// A `rows × cols` matrix initialised with the given fan-in and fan-out.
    public func matrix(rows: Int, cols: Int, fanIn: Int, fanOut: Int, rng: inout RandomSource) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        switch self {
        case .zeros:
            break
        case .glorotUniform:
            let a = (6 / Float(max(1, fanIn + fanOut))).squareRoot()
            for i in 0..<m.count { m.data[i] = rng.uniform(-a, a) }
        case .heNormal:
            let s = (2 / Float(max(1, fanIn))).squareRoot()
            for i in 0..<m.count { m.data[i] = rng.normal(std: s) }
        case .torchLinear:
            let a = 1 / Float(max(1, fanIn)).squareRoot()
            for i in 0..<m.count { m.data[i] = rng.uniform(-a, a) }
        }
        return m
    }
}
