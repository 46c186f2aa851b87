// Element-wise kernels shared by the tape's forward and reverse passes. Each runs in index order
// in fixed-width SIMD chunks then a scalar tail, so results depend only on the length, never on
// alignment or thread count.

/// Eight lanes loaded from `p + i` (unaligned).
@inline(__always) func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func load8(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// `dst = src` (`accumulate == false`) or `dst += src`.
@inline(__always) func addInto(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ n: Int, accumulate: Bool) {
    if !accumulate { dst.update(from: src, count: n); return }
    var i = 0
    while i + 8 <= n { store8(load8(dst, i) + load8(src, i), dst, i); i += 8 }
    while i < n { dst[i] += src[i]; i += 1 }
}

@inline(__always) func addInto(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool) {
    addInto(dst, UnsafePointer(src), n, accumulate: accumulate)
}

/// `dst = k·src` or `dst += k·src`.
@inline(__always) func addScaledInto(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ k: Float, _ n: Int, accumulate: Bool) {
    let kv = SIMD8<Float>(repeating: k)
    var i = 0
    if accumulate {
        while i + 8 <= n { store8(load8(dst, i) + kv * load8(src, i), dst, i); i += 8 }
        while i < n { dst[i] += k * src[i]; i += 1 }
    } else {
        while i + 8 <= n { store8(kv * load8(src, i), dst, i); i += 8 }
        while i < n { dst[i] = k * src[i]; i += 1 }
    }
}

@inline(__always) func addScaledInto(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeMutablePointer<Float>, _ k: Float, _ n: Int, accumulate: Bool) {
    addScaledInto(dst, UnsafePointer(src), k, n, accumulate: accumulate)
}

/// `dst = x ⊙ y` or `dst += x ⊙ y`.
@inline(__always) func addProductInto(_ dst: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                                      _ n: Int, accumulate: Bool) {
    var i = 0
    if accumulate {
        while i + 8 <= n { store8(load8(dst, i) + load8(x, i) * load8(y, i), dst, i); i += 8 }
        while i < n { dst[i] += x[i] * y[i]; i += 1 }
    } else {
        while i + 8 <= n { store8(load8(x, i) * load8(y, i), dst, i); i += 8 }
        while i < n { dst[i] = x[i] * y[i]; i += 1 }
    }
}

/// Nonlinearities that fused ops apply after a product or a bias.
public enum Nonlinearity: UInt8, Sendable, CaseIterable {
    /// `x`
    case identity
    /// `max(x, 0)`; gradient 0 at 0 (and NaN maps to 0, as `Tape.relu`).
    case relu
    /// `tanh x`
    case tanh
}

/// `φ(z)` for eight lanes (tanh lane by lane).
@inline(__always) func activate8(_ z: SIMD8<Float>, _ act: Nonlinearity) -> SIMD8<Float> {
    switch act {
    case .identity: return z
    case .relu: return z.replacing(with: 0, where: .!(z .> 0))
    case .tanh:
        var out = z
        for l in 0..<8 { out[l] = Foundation.tanh(z[l]) }
        return out
    }
}

@inline(__always) func activate1(_ z: Float, _ act: Nonlinearity) -> Float {
    switch act {
    case .identity: return z
    case .relu: return z > 0 ? z : 0
    case .tanh: return Foundation.tanh(z)
    }
}

/// `g · φ'(z)` from the activated value `y = φ(z)`.
@inline(__always) func activationGrad8(_ g: SIMD8<Float>, _ y: SIMD8<Float>, _ act: Nonlinearity) -> SIMD8<Float> {
    switch act {
    case .identity: return g
    case .relu: return g.replacing(with: 0, where: .!(y .> 0))
    case .tanh: return g * (1 - y * y)
    }
}

@inline(__always) func activationGrad1(_ g: Float, _ y: Float, _ act: Nonlinearity) -> Float {
    switch act {
    case .identity: return g
    case .relu: return y > 0 ? g : 0
    case .tanh: return g * (1 - y * y)
    }
}

import Foundation
