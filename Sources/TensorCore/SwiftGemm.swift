import Dispatch

/// The plain-Swift matrix product: always compiled, used when no CBLAS is available and tested
/// against CBLAS where one is.
///
/// Cache-blocked like the classic GotoBLAS layout: `B` is packed in `kc × nc` panels (zero-padded
/// to a multiple of 32 columns, so the micro-kernel never needs a column mask on loads), and a
/// `4 × 32` micro-kernel keeps eight `SIMD16<Float>` accumulators while it walks `k`. Row blocks
/// are split across threads when `threads > 1`. Accumulation order along `k` is fixed
/// (sequential within a panel, panels in order), so results do not depend on the thread count.
public enum SwiftGemm {
    static let kc = 256
    static let nc = 512
    static let lanes = 16

    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, as `MatrixProduct.gemm`.
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int = 1
    ) {
        if m == 0 || n == 0 { return }
        // C ← beta · C (beta == 0 overwrites, so stale NaNs vanish as in BLAS).
        if beta != 1 {
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 { for j in 0..<n { row[j] = 0 } } else { for j in 0..<n { row[j] *= beta } }
            }
        }
        if k == 0 || alpha == 0 { return }

        let panelCols = min(nc, roundUp(n, 32))
        let panel = UnsafeMutablePointer<Float>.allocate(capacity: kc * panelCols)
        defer { panel.deallocate() }
        let rowBlocks = (m + 3) / 4

        var jc = 0
        while jc < n {
            let ncur = min(nc, n - jc)
            let npad = roundUp(ncur, 32)
            var pc = 0
            while pc < k {
                let kcur = min(kc, k - pc)
                pack(b: b, ldb: ldb, transB: transB, rows: pc, kcur: kcur, cols: jc, ncur: ncur, npad: npad, into: panel)
                let work = { (block: Int) in
                    let i = block * 4
                    let mr = min(4, m - i)
                    kernel(mr: mr, i: i, a: a, lda: lda, transA: transA, pc: pc, kcur: kcur,
                           panel: panel, npad: npad, ncur: ncur, alpha: alpha, c: c + jc, ldc: ldc)
                }
                if threads > 1 && rowBlocks >= 2 * threads && m * ncur * kcur >= 1 << 18 {
                    let chunks = threads
                    DispatchQueue.concurrentPerform(iterations: chunks) { t in
                        let lo = rowBlocks * t / chunks, hi = rowBlocks * (t + 1) / chunks
                        for blk in lo..<hi { work(blk) }
                    }
                } else {
                    for blk in 0..<rowBlocks { work(blk) }
                }
                pc += kcur
            }
            jc += ncur
        }
    }

    @inline(__always) static func roundUp(_ x: Int, _ q: Int) -> Int { (x + q - 1) / q * q }

    /// Packs `op(B)[rows..<rows+kcur, cols..<cols+ncur]` into `kcur × npad`, zero padded.
    static func pack(b: UnsafePointer<Float>, ldb: Int, transB: Bool, rows: Int, kcur: Int,
                     cols: Int, ncur: Int, npad: Int, into panel: UnsafeMutablePointer<Float>) {
        for p in 0..<kcur {
            let dst = panel + p * npad
            if transB {
                // op(B)[p, j] = B[j, p]
                let src = b + rows + p
                for j in 0..<ncur { dst[j] = src[(cols + j) * ldb] }
            } else {
                let src = b + (rows + p) * ldb + cols
                dst.update(from: src, count: ncur)
            }
            for j in ncur..<npad { dst[j] = 0 }
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Accumulates `alpha · op(A)[i..<i+mr, pc..<pc+kcur] · panel` into `C[i..<i+mr, 0..<ncur]`.
    static func kernel(mr: Int, i: Int, a: UnsafePointer<Float>, lda: Int, transA: Bool,
                       pc: Int, kcur: Int, panel: UnsafePointer<Float>, npad: Int, ncur: Int,
                       alpha: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        // Row r of op(A) at column p: stride along p and row offset.
        let strideP = transA ? lda : 1
        let strideRow = transA ? 1 : lda
        let aBase = transA ? a + pc * lda + i : a + i * lda + pc
        var j = 0
        if mr == 4 {
            let a0 = aBase, a1 = aBase + strideRow, a2 = aBase + 2 * strideRow, a3 = aBase + 3 * strideRow
            while j < npad {
                var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
                var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
                var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
                var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
                var bp = panel + j
                var off = 0
                for _ in 0..<kcur {
                    let b0 = load(bp), b1 = load(bp + lanes)
                    let x0 = SIMD16<Float>(repeating: a0[off]), x1 = SIMD16<Float>(repeating: a1[off])
                    let x2 = SIMD16<Float>(repeating: a2[off]), x3 = SIMD16<Float>(repeating: a3[off])
                    c00 += x0 * b0; c01 += x0 * b1
                    c10 += x1 * b0; c11 += x1 * b1
                    c20 += x2 * b0; c21 += x2 * b1
                    c30 += x3 * b0; c31 += x3 * b1
                    bp += npad
                    off += strideP
                }
                store(c00, c01, alpha: alpha, to: c + i * ldc + j, valid: ncur - j)
                store(c10, c11, alpha: alpha, to: c + (i + 1) * ldc + j, valid: ncur - j)
                store(c20, c21, alpha: alpha, to: c + (i + 2) * ldc + j, valid: ncur - j)
                store(c30, c31, alpha: alpha, to: c + (i + 3) * ldc + j, valid: ncur - j)
                j += 2 * lanes
            }
        } else {
            for r in 0..<mr {
                let ar = aBase + r * strideRow
                j = 0
                while j < npad {
                    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>()
                    var bp = panel + j
                    var off = 0
                    for _ in 0..<kcur {
                        let x = SIMD16<Float>(repeating: ar[off])
                        c0 += x * load(bp); c1 += x * load(bp + lanes)
                        bp += npad
                        off += strideP
                    }
                    store(c0, c1, alpha: alpha, to: c + (i + r) * ldc + j, valid: ncur - j)
                    j += 2 * lanes
                }
            }
        }
    }

    /// Adds `alpha · [v0 v1]` to the first `valid` (≤ 32) floats at `dst`.
    @inline(__always) static func store(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>, alpha: Float,
                                        to dst: UnsafeMutablePointer<Float>, valid: Int) {
        let s0 = v0 * alpha, s1 = v1 * alpha
        if valid >= 32 {
            let raw = UnsafeMutableRawPointer(dst)
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + s0, as: SIMD16<Float>.self)
            let raw1 = UnsafeMutableRawPointer(dst + lanes)
            raw1.storeBytes(of: raw1.loadUnaligned(as: SIMD16<Float>.self) + s1, as: SIMD16<Float>.self)
        } else {
            for t in 0..<min(valid, lanes) { dst[t] += s0[t] }
            if valid > lanes { for t in 0..<(valid - lanes) { dst[lanes + t] += s1[t] } }
        }
    }
}
