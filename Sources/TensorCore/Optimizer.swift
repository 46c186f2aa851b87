import Foundation

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
/// one pass over `θ, g, m, v`, eight lanes at a time; `√v` comes from `adamSquareRoot` (vectorised
/// Newton iteration, within a few ulp of IEEE `sqrt`: Swift on Linux lowers `squareRoot()` to a
/// scalar call with an `errno` check, which made it the step's most expensive instruction).
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
        // One pass over memory per parameter, eight lanes at a time; the tail does exactly the
        // lanes' operations in the same order, so results do not depend on the position.
        let b1 = SIMD8<Float>(repeating: beta1), c1 = SIMD8<Float>(repeating: 1 - beta1)
        let b2 = SIMD8<Float>(repeating: beta2), c2 = SIMD8<Float>(repeating: 1 - beta2)
        let r2 = SIMD8<Float>(repeating: bc2Root), eps = SIMD8<Float>(repeating: epsilon)
        let dv = SIMD8<Float>(repeating: decay), sv = SIMD8<Float>(repeating: stepSize)
        for (index, p) in parameters.enumerated() {
            let mp = m[index], vp = v[index], w = p.value, g = p.grad
            let count = p.count
            var i = 0
            while i + 8 <= count {
                let gi = load8(g, i)
                let mi = b1 * load8(mp, i) + c1 * gi
                let vi = b2 * load8(vp, i) + c2 * gi * gi
                let denom = adamSquareRoot(vi) / r2 + eps
                store8(mi, mp, i); store8(vi, vp, i)
                store8(load8(w, i) * dv - sv * mi / denom, w, i)
                i += 8
            }
            while i < count {
                let gi = g[i]
                mp[i] = beta1 * mp[i] + (1 - beta1) * gi
                vp[i] = beta2 * vp[i] + (1 - beta2) * gi * gi
                let denom = adamSquareRoot(SIMD8<Float>(repeating: vp[i]))[0] / bc2Root + epsilon
                w[i] = w[i] * decay - stepSize * mp[i] / denom
                i += 1
            }
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

/// `√x` for `x ≥ 0` lane by lane, with plain arithmetic that vectorises: an inverse square root
/// from the exponent bits, three Newton steps `y ← y·(3/2 − (x/2)·y²)`, then `s = x·y` and one
/// Heron correction `s + (y/2)·(x − s²)`. Within a few ulp of IEEE `sqrt` for normal `x`;
/// `0 ↦ 0`; subnormal `x` lose accuracy, which is harmless where it is used (Adam's denominator
/// adds `ε = 1e-8` to `√v`). Deterministic: the same input gives the same bits everywhere.
@inline(__always) func adamSquareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = SIMD8<UInt32>(repeating: 0x5F37_5A86) &- (unsafeBitCast(x, to: SIMD8<UInt32>.self) &>> 1)
    var y = unsafeBitCast(bits, to: SIMD8<Float>.self)
    let h = x * 0.5
    y = y * (1.5 - h * y * y)
    y = y * (1.5 - h * y * y)
    y = y * (1.5 - h * y * y)
    let s = x * y
    return s + (y * 0.5) * (x - s * s)
}
