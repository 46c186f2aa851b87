import Foundation
import SymSimKernels
import Testing
@testable import TensorCore

/// The native kernels promise the same bits on every instruction set and any thread count
/// (Sources/SymSimKernels/include/symsim_kernels.h); these tests hold them to it exactly.
@Suite struct NativeKernelTests {
    /// Instruction sets this CPU can run, the scalar reference first.
    static var isas: [Int32] {
        [SYMSIM_ISA_SCALAR, SYMSIM_ISA_AVX2, SYMSIM_ISA_AVX512].map { Int32($0) }.filter { $0 <= symsim_best_isa() }
    }

    static let shapes: [(m: Int, n: Int, k: Int, tA: Bool, tB: Bool, alpha: Float, beta: Float)] = [
        (1, 1, 1, false, false, 1, 0), (13, 35, 7, false, false, 1, 0), (13, 35, 7, true, false, 0.5, 1),
        (13, 35, 7, false, true, 1, 1), (13, 35, 7, true, true, -2, 0.25),
        // More rows than one packed block of A (192), more columns than one block of B (1024),
        // more steps than one block of k (256), odd edges everywhere.
        (200, 1030, 600, false, false, 1, 0), (203, 47, 513, true, false, 1, 1),
        (37, 300, 257, false, true, 0.75, -1), (256, 256, 256, true, false, 1, 0),
    ]

    func randomArray(_ count: Int, _ rng: inout RandomSource) -> [Float] {
        (0..<count).map { _ in rng.normal(std: 1) }
    }

    /// Runs one product with the given kernel into a copy of `c0` (row stride `ldc`).
    func product(isa: Int32, _ s: (m: Int, n: Int, k: Int, tA: Bool, tB: Bool, alpha: Float, beta: Float),
                 a: [Float], b: [Float], c0: [Float], ldc: Int, columns: Range<Int>? = nil) -> [Float] {
        var c = c0
        let cols = columns ?? 0..<s.n
        c.withUnsafeMutableBufferPointer { pc in
            symsim_sgemm(isa, s.tA ? 1 : 0, s.tB ? 1 : 0, s.m, s.n, s.k, s.alpha,
                         a, s.tA ? s.m : s.k, b, s.tB ? s.k : s.n, s.beta, pc.baseAddress!, ldc,
                         cols.lowerBound, cols.upperBound)
        }
        return c
    }

    @Test(arguments: 0..<shapes.count)
    func everyInstructionSetGivesTheSameBits(_ index: Int) {
        let s = Self.shapes[index]
        var rng = RandomSource(seed: 900 + UInt64(index))
        let a = randomArray(s.m * s.k, &rng), b = randomArray(s.k * s.n, &rng)
        let ldc = s.n + 3  // a sub-matrix of a wider array: the padding must be left alone
        let c0 = randomArray(s.m * ldc, &rng)
        let reference = product(isa: Int32(SYMSIM_ISA_SCALAR), s, a: a, b: b, c0: c0, ldc: ldc)
        for isa in Self.isas.dropFirst() {
            let c = product(isa: isa, s, a: a, b: b, c0: c0, ldc: ldc)
            let differing = zip(c, reference).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(differing == 0, "isa \(isa), shape \(s): \(differing) of \(c.count) floats differ")
        }
        for i in 0..<s.m {
            for j in s.n..<ldc { #expect(reference[i * ldc + j].bitPattern == c0[i * ldc + j].bitPattern) }
        }
        // And the reference is a product: compare with Double arithmetic.
        var worst = 0.0
        for i in Swift.stride(from: 0, to: s.m, by: max(1, s.m / 7)) {
            for j in Swift.stride(from: 0, to: s.n, by: max(1, s.n / 7)) {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<s.k {
                    let x = Double(s.tA ? a[p * s.m + i] : a[i * s.k + p])
                    let y = Double(s.tB ? b[j * s.k + p] : b[p * s.n + j])
                    exact += x * y; magnitude += Swift.abs(x * y)
                }
                exact = Double(s.alpha) * exact + Double(s.beta) * Double(c0[i * ldc + j])
                let bound = 2 * Double(s.k + 2) * 0x1p-24 * (Swift.abs(Double(s.alpha)) * magnitude + Swift.abs(Double(s.beta * c0[i * ldc + j]))) + 1e-6
                worst = max(worst, Swift.abs(Double(reference[i * ldc + j]) - exact) / bound)
            }
        }
        #expect(worst <= 1, "shape \(s): error reaches \(worst) of the bound")
    }

    @Test func columnRangesSplitAProductWithoutChangingBits() {
        let s = (m: 70, n: 300, k: 300, tA: false, tB: true, alpha: Float(1), beta: Float(0))
        var rng = RandomSource(seed: 4)
        let a = randomArray(s.m * s.k, &rng), b = randomArray(s.k * s.n, &rng)
        let c0 = [Float](repeating: .nan, count: s.m * s.n)
        let isa = symsim_best_isa()
        let whole = product(isa: isa, s, a: a, b: b, c0: c0, ldc: s.n)
        var pieces = c0
        for range in [0..<32, 32..<96, 96..<300] {
            let part = product(isa: isa, s, a: a, b: b, c0: pieces, ldc: s.n, columns: range)
            pieces = part
        }
        #expect(pieces.map(\.bitPattern) == whole.map(\.bitPattern))
        #expect(!whole.contains { $0.isNaN })  // beta = 0 overwrites, NaNs in C do not survive
    }

    @Test func threadCountDoesNotChangeBits() {
        guard MatrixProduct.isAvailable(.native) else { return }
        var rng = RandomSource(seed: 5)
        var a = Matrix(rows: 300, cols: 200), b = Matrix(rows: 200, cols: 333)
        for i in 0..<a.count { a.data[i] = rng.normal(std: 1) }
        for i in 0..<b.count { b.data[i] = rng.normal(std: 1) }
        let saved = MatrixProduct.threads
        defer { MatrixProduct.threads = saved }
        MatrixProduct.threads = 1
        let one = MatrixProduct.multiply(a, b, backend: .native)
        MatrixProduct.threads = 3
        let three = MatrixProduct.multiply(a, b, backend: .native)
        #expect(one.data.map(\.bitPattern) == three.data.map(\.bitPattern))
    }

    @Test func emptyInnerDimensionScalesC() {
        let c: [Float] = [1, 2, 3, 4, 5, 6]
        for isa in Self.isas {
            var out = c
            symsim_sgemm(isa, 0, 0, 2, 3, 0, 1, [], 1, [], 3, 2, &out, 3, 0, 3)
            #expect(out == c.map { $0 * 2 })
            symsim_sgemm(isa, 0, 0, 2, 3, 0, 1, [], 1, [], 3, 0, &out, 3, 0, 3)
            #expect(out == [Float](repeating: 0, count: 6))
        }
    }

    @Test func adamGivesTheSameBitsOnEveryInstructionSet() {
        var rng = RandomSource(seed: 6)
        let count = 1000 + 13
        let w0 = randomArray(count, &rng), g = randomArray(count, &rng)
        let m0 = randomArray(count, &rng).map { $0 * 0.1 }, v0 = randomArray(count, &rng).map { $0 * $0 }
        var results: [[UInt32]] = []
        for isa in Self.isas {
            var w = w0, m = m0, v = v0
            for _ in 0..<3 {
                symsim_adam(isa, count, &w, g, &m, &v, 0.9, 0.1, 0.999, 0.001, 0.03, 1e-8, 0.99, 0.01)
            }
            results.append(w.map(\.bitPattern) + m.map(\.bitPattern) + v.map(\.bitPattern))
        }
        for r in results.dropFirst() { #expect(r == results[0]) }
        // One element by hand in Double: the Float result is within a few ulp of it.
        var w = w0, m = m0, v = v0
        symsim_adam(symsim_best_isa(), count, &w, g, &m, &v, 0.9, 0.1, 0.999, 0.001, 0.03, 1e-8, 0.99, 0.01)
        for i in [0, 7, 500, count - 1] {
            let mi = 0.9 * Double(m0[i]) + 0.1 * Double(g[i])
            let vi = 0.999 * Double(v0[i]) + 0.001 * Double(g[i]) * Double(g[i])
            let wi = Double(w0[i]) * 0.99 - 0.01 * mi / (vi.squareRoot() / 0.03 + 1e-8)
            #expect(Swift.abs(Double(w[i]) - wi) <= 1e-6 * Swift.max(1, Swift.abs(wi)), "element \(i)")
        }
    }

    @Test(arguments: [1, 15, 16, 37, 48])
    func symmetrizedBlocksAreExactOnEveryInstructionSet(_ n: Int) {
        var rng = RandomSource(seed: 7 + UInt64(n))
        let blocks = 3, ld = n * blocks
        let src = randomArray(n * ld, &rng), start = randomArray(n * ld, &rng)
        for accumulate in [Int32(0), 1] {
            // The definition, element by element.
            var expected = start
            for k in 0..<blocks {
                for i in 0..<n {
                    for j in 0..<n {
                        let v = (src[i * ld + k * n + j] + src[j * ld + k * n + i]) * 0.5
                        expected[i * ld + k * n + j] = accumulate == 1 ? start[i * ld + k * n + j] + v : v
                    }
                }
            }
            for isa in Self.isas {
                var out = start
                symsim_symmetrize_blocks(isa, n, blocks, src, &out, accumulate)
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "isa \(isa), n \(n), accumulate \(accumulate)")
            }
        }
    }

    @Test func denseBiasReluAndItsGradientAreExactOnEveryInstructionSet() {
        var rng = RandomSource(seed: 8)
        let m = 5, n = 37  // two full vectors and a tail per row
        var x = randomArray(m * n, &rng), g = randomArray(m * n, &rng)
        x[3] = .nan; x[4] = -0.0; x[5] = 0; g[6] = .infinity
        let bias = randomArray(n, &rng)
        for relu in [Int32(0), 1] {
            for useBias in [false, true] {
                // The definition: z = x + b; relu(z) = z > 0 ? z : +0 (NaN and -0 give +0).
                let expected = (0..<(m * n)).map { i -> Float in
                    let z = useBias ? x[i] + bias[i % n] : x[i]
                    return relu == 1 ? (z > 0 ? z : 0) : z
                }
                for isa in Self.isas {
                    var out = [Float](repeating: 9, count: m * n)
                    bias.withUnsafeBufferPointer { b in
                        symsim_bias_relu(isa, m, n, x, useBias ? b.baseAddress : nil, &out, relu)
                    }
                    #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "isa \(isa) relu \(relu) bias \(useBias)")
                }
            }
            let y = x.map { $0 > 0 ? $0 : 0 }
            var dzExpected = [Float](repeating: 0, count: m * n), sumExpected = [Float](repeating: 0, count: n)
            for r in 0..<m {
                for c in 0..<n {
                    let v = relu == 1 ? (y[r * n + c] > 0 ? g[r * n + c] : 0) : g[r * n + c]
                    dzExpected[r * n + c] = v
                    sumExpected[c] += v
                }
            }
            for isa in Self.isas {
                var dz = [Float](repeating: 9, count: m * n), sums = [Float](repeating: 9, count: n)
                symsim_relu_grad_colsum(isa, m, n, g, y, &dz, &sums, relu)
                #expect(dz.map(\.bitPattern) == dzExpected.map(\.bitPattern), "isa \(isa) relu \(relu)")
                #expect(sums.map(\.bitPattern) == sumExpected.map(\.bitPattern), "isa \(isa) relu \(relu)")
            }
        }
    }

    @Test func rowCosineAndItsGradientGiveTheSameBitsOnEveryInstructionSet() {
        var rng = RandomSource(seed: 9)
        let m = 6, n = 37
        var x = randomArray(m * n, &rng)
        let y = randomArray(m * n, &rng), g = randomArray(m, &rng)
        for c in 0..<n { x[2 * n + c] = 0 }  // a zero row: the value is floored, the gradient linear
        var outs: [[UInt32]] = []
        for isa in Self.isas {
            var cosv = [Float](repeating: 0, count: m)
            symsim_row_cosine(isa, m, n, x, y, &cosv, 1e-8)
            var gx = [Float](repeating: 1, count: m * n), gy = [Float](repeating: 0, count: m * n)
            symsim_row_cosine_grad(isa, m, n, x, y, cosv, g, &gx, 1, &gy, 0, 1e-8)
            outs.append((cosv + gx + gy).map(\.bitPattern))
            // The values are cosines: against Double arithmetic.
            for r in [0, 1, 5] {
                var xy = 0.0, xx = 0.0, yy = 0.0
                for c in 0..<n {
                    xy += Double(x[r * n + c]) * Double(y[r * n + c])
                    xx += Double(x[r * n + c]) * Double(x[r * n + c]); yy += Double(y[r * n + c]) * Double(y[r * n + c])
                }
                #expect(Swift.abs(Double(cosv[r]) - xy / (xx * yy).squareRoot()) < 1e-5)
            }
            #expect(cosv[2] == 0)
        }
        for o in outs.dropFirst() { #expect(o == outs[0]) }
    }
}
