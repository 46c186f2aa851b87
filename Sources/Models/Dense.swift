import TensorCore

/// A fully connected layer `x·W + b` (`W` is `inputs × outputs`, `b` is `1 × outputs`).
public struct Dense {
    public let weight: Parameter
    public let bias: Parameter?

    /// A layer initialised with `initializer`; biases follow PyTorch for `torch_linear`
    /// (`U(±1/√fanIn)`) and are zero otherwise.
    public init(name: String, inputs: Int, outputs: Int, bias: Bool = true,
                initializer: Initializer, rng: inout RandomSource) {
        weight = Parameter(name: "\(name).weight",
                           initializer.matrix(rows: inputs, cols: outputs, fanIn: inputs, fanOut: outputs, rng: &rng))
        if bias {
            let biasInit: Initializer = initializer == .torchLinear ? .torchLinear : .zeros
            self.bias = Parameter(name: "\(name).bias",
                                  biasInit.matrix(rows: 1, cols: outputs, fanIn: inputs, fanOut: outputs, rng: &rng))
        } else {
            self.bias = nil
        }
    }

    /// The layer's parameters, weight first.
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// `x·W + b`.
    public func callAsFunction(_ tape: Tape, _ x: Var) -> Var {
        callAsFunction(tape, x, activation: .identity)
    }

    /// `φ(x·W + b)` as one fused tape node (product, then bias and activation in one pass).
    public func callAsFunction(_ tape: Tape, _ x: Var, activation: Nonlinearity) -> Var {
        tape.dense(x, tape.param(weight), bias: bias.map { tape.param($0) }, activation: activation)
    }
}

extension Activation {
    /// The tape's fused-op nonlinearity.
    var nonlinearity: Nonlinearity {
        switch self {
        case .relu: return .relu
        case .tanh: return .tanh
        }
    }
}

/// A stack of dense layers with an activation after each; with `outputs` set, a final linear
/// layer without activation follows (the logit layer of a head).
public struct MLP {
    public let layers: [Dense]
    public let activateLast: Bool
    public let activation: Activation

    /// Hidden layers of the given sizes, then a linear layer to `outputs` if it is not nil.
    public init(name: String, inputs: Int, hidden: [Int], outputs: Int?, activation: Activation,
                initializer: Initializer, rng: inout RandomSource) {
        var layers: [Dense] = []
        var width = inputs
        for (i, h) in hidden.enumerated() {
            layers.append(Dense(name: "\(name).\(i)", inputs: width, outputs: h, initializer: initializer, rng: &rng))
            width = h
        }
        if let outputs {
            layers.append(Dense(name: "\(name).out", inputs: width, outputs: outputs, initializer: initializer, rng: &rng))
        }
        self.layers = layers
        self.activateLast = outputs == nil
        self.activation = activation
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func callAsFunction(_ tape: Tape, _ x: Var) -> Var {
        var h = x
        for (i, layer) in layers.enumerated() {
            let last = i == layers.count - 1 && !activateLast
            h = layer(tape, h, activation: last ? .identity : activation.nonlinearity)
        }
        return h
    }
}

/// The learned affine map `e^θ·x + c` that turns a raw similarity into a logit; the scale is kept
/// positive (parametrised by its log) so that a similarity's ordering, and with it any
/// reflexivity the similarity has, is preserved.
public struct ScoreScale {
    public let logScale: Parameter
    public let bias: Parameter

    public init(name: String, initialScale: Float, initialBias: Float = 0) {
        logScale = Parameter(name: "\(name).log_scale", Matrix(rows: 1, cols: 1, data: [Float(portableLog(Double(initialScale)))]))
        bias = Parameter(name: "\(name).bias", Matrix(rows: 1, cols: 1, data: [initialBias]))
    }

    public var parameters: [Parameter] { [logScale, bias] }

    public func callAsFunction(_ tape: Tape, _ similarity: Var) -> Var {
        tape.addRowVector(tape.mulScalar(similarity, tape.exp(tape.param(logScale))), tape.param(bias))
    }
}
