import Foundation
import Testing
@testable import TensorCore

@Suite("Random source")
struct RandomSourceTests {
    @Test func matchesReferenceStream() {
        // xoshiro256** seeded by SplitMix64(42): values from an independent Python implementation.
        var rng = RandomSource(seed: 42)
        #expect(rng.next() == 0x15780b2e0c2ec716)
        #expect(rng.next() == 0x6104d9866d113a7e)
        #expect(rng.next() == 0xae17533239e499a1)
    }

    @Test func normalHasUnitMoments() {
        var rng = RandomSource(seed: 9)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = rng.normal(); s += x; s2 += x * x }
        let mean = s / Double(n), variance = s2 / Double(n) - mean * mean
        // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
        #expect(Swift.abs(mean) < 0.01)
        #expect(Swift.abs(variance - 1) < 0.015)
    }

    @Test func portableLogAgreesWithLibm() {
        var rng = RandomSource(seed: 5)
        for _ in 0..<10_000 {
            let x = Foundation.exp(40 * rng.nextDouble() - 20)
            let ours = portableLog(x), theirs = Foundation.log(x)
            #expect(Swift.abs(ours - theirs) <= 4 * Swift.abs(theirs).ulp + 1e-300)
        }
        #expect(portableLog(1) == 0)
        #expect(portableLog(0) == -.infinity)
        #expect(portableLog(-1).isNaN)
    }

    @Test func boundedIntegersAreUniform() {
        var rng = RandomSource(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.nextInt(below: 7)] += 1 }
        for c in counts { #expect(Swift.abs(c - 10_000) < 500) }
    }
}

@Suite("Matrix products")
struct MatrixProductTests {
    static let shapes: [(m: Int, k: Int, n: Int, tA: Bool, tB: Bool)] = [
        (1, 1, 1, false, false), (7, 13, 5, false, false), (7, 13, 5, true, false),
        (7, 13, 5, false, true), (7, 13, 5, true, true), (0, 4, 3, false, false),
        (3, 0, 4, false, false), (4, 3, 0, false, false), (33, 65, 31, false, false),
        (67, 300, 129, true, false), (130, 600, 70, false, true), (5, 257, 513, true, true),
    ]

    func random(_ r: Int, _ c: Int, _ rng: inout RandomSource) -> Matrix {
        var m = Matrix(rows: r, cols: c)
        for i in 0..<m.count { m.data[i] = rng.normal(std: 1) }
        return m
    }

    /// Each backend against a Double reference, within the classic bound for a length-k dot
    /// product in Float32: |error| ≤ 2·k·ε·Σ|a||b| (ε = 2⁻²⁴), plus 1e-6.
    @Test(arguments: 0..<shapes.count)
    func backendsAgreeWithReference(_ index: Int) {
        let s = Self.shapes[index]
        var rng = RandomSource(seed: UInt64(index))
        let a = s.tA ? random(s.k, s.m, &rng) : random(s.m, s.k, &rng)
        let b = s.tB ? random(s.n, s.k, &rng) : random(s.k, s.n, &rng)
        let opA = s.tA ? a.transposed() : a, opB = s.tB ? b.transposed() : b
        var backends: [MatrixProduct.Backend] = [.swift]
        if MatrixProduct.compiledBackend != .swift { backends.append(MatrixProduct.compiledBackend) }
        if MatrixProduct.isAvailable(.native) { backends.append(.native) }
        for backend in backends {
            let c = MatrixProduct.multiply(a, b, transA: s.tA, transB: s.tB, backend: backend)
            #expect(c.rows == s.m && c.cols == s.n)
            for i in 0..<s.m {
                for j in 0..<s.n {
                    var exact = 0.0, magnitude = 0.0
                    for p in 0..<s.k {
                        exact += Double(opA[i, p]) * Double(opB[p, j])
                        magnitude += Swift.abs(Double(opA[i, p]) * Double(opB[p, j]))
                    }
                    let bound = 2 * Double(s.k) * 0x1p-24 * magnitude + 1e-6
                    #expect(Swift.abs(Double(c[i, j]) - exact) <= bound, "\(backend) \(s) at (\(i),\(j))")
                }
            }
        }
    }

    @Test func alphaBetaAndThreadsOnSwiftPath() {
        var rng = RandomSource(seed: 77)
        let a = random(70, 40, &rng), b = random(40, 90, &rng), c0 = random(70, 90, &rng)
        var one = c0, two = c0
        for (threads, target) in [(1, 0), (2, 1)] {
            var out = target == 0 ? one : two
            a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in out.data.withUnsafeMutableBufferPointer { pc in
                SwiftGemm.gemm(transA: false, transB: false, m: 70, n: 90, k: 40, alpha: 0.5, a: pa.baseAddress!, lda: 40,
                               b: pb.baseAddress!, ldb: 90, beta: 2, c: pc.baseAddress!, ldc: 90, threads: threads)
            } } }
            if target == 0 { one = out } else { two = out }
        }
        // Thread count does not change the order of accumulation: bit-identical.
        #expect(one == two)
        let ab = MatrixProduct.multiply(a, b, backend: .swift)
        for i in 0..<one.count { #expect(Swift.abs(one.data[i] - (0.5 * ab.data[i] + 2 * c0.data[i])) < 1e-4) }
    }

    @Test func backendIsDescribed() {
        #expect(MatrixProduct.backendDescription.hasPrefix("matrix products: "))
        // CI builds with OpenBLAS installed; a Linux build that silently fell back would show here.
        if ProcessInfo.processInfo.environment["SYMSIM_EXPECT_BLAS"] == "1" {
            #expect(MatrixProduct.compiledBackend != .swift)
        }
    }
}
