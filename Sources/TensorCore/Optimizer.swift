import Foundation
import SymSimKernels

/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters this optimiser updates.
    var parameters: [Parameter] { get }
    /// Learning rate (may be changed between steps).
    var learningRate: Float { get set }
    /// Applies one update from the current gradients.
    func step()
}

extension Optimizer {
    /// Zeroes every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Adam with decoupled weight decay (AdamW, Loshchilov & Hutter), as PyTorch's `AdamW`:
///
///     θ ← θ·(1 − lr·λ)
///     m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
///     θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
///
/// With `weightDecay == 0` this is plain Adam. State buffers are allocated once. The update is
/// one pass over `θ, g, m, v` in `symsim_adam` (Sources/SymSimKernels/optim.c): AVX-512 or AVX2
/// where the CPU has them, with IEEE (correctly rounded) square root and division and no fused
/// multiply-adds, so the bits are the same on every instruction set.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// Steps taken so far.
    public private(set) var stepCount = 0
    private var m: [UnsafeMutablePointer<Float>]
    private var v: [UnsafeMutablePointer<Float>]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        m = parameters.map { let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, $0.count)); p.initialize(repeating: 0, count: max(1, $0.count)); return p }
        v = parameters.map { let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, $0.count)); p.initialize(repeating: 0, count: max(1, $0.count)); return p }
    }

    deinit {
        for p in m { p.deallocate() }
        for p in v { p.deallocate() }
    }

    public func step() {
        stepCount += 1
        let t = Float(stepCount)
        let bc1 = 1 - Foundation.pow(beta1, t)
        let bc2 = 1 - Foundation.pow(beta2, t)
        let decay = 1 - learningRate * weightDecay
        let stepSize = learningRate / bc1
        let bc2Root = bc2.squareRoot()
        // One pass over memory per parameter in the C kernel (the CPU's widest vectors; every
        // instruction set gives the same bits).
        for (index, p) in parameters.enumerated() {
            symsim_adam(MatrixProduct.isaCode, p.count, p.value, p.grad, m[index], v[index],
                        beta1, 1 - beta1, beta2, 1 - beta2, bc2Root, epsilon, decay, stepSize)
        }
    }
}

/// Stochastic gradient descent with momentum, as PyTorch's `SGD` (dampening 0, not Nesterov):
///
///     g ← g + λθ            (L2 weight decay, when λ > 0)
///     b ← g on the first step, else μb + g
///     θ ← θ − lr·b
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float
    public private(set) var stepCount = 0
    private var buffers: [UnsafeMutablePointer<Float>]

    public init(parameters: [Parameter], learningRate: Float = 1e-2, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        buffers = parameters.map { let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, $0.count)); p.initialize(repeating: 0, count: max(1, $0.count)); return p }
    }

    deinit { for p in buffers { p.deallocate() } }

    public func step() {
        stepCount += 1
        for (index, p) in parameters.enumerated() {
            let b = buffers[index], w = p.value, g = p.grad
            for i in 0..<p.count {
                let gi = g[i] + weightDecay * w[i]
                b[i] = stepCount == 1 ? gi : momentum * b[i] + gi
                w[i] -= learningRate * (momentum == 0 ? gi : b[i])
            }
        }
    }
}
