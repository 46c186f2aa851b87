import Foundation

#if SYMSIM_OPENBLAS
import SymSimCBLAS
#elseif SYMSIM_ACCELERATE
import Accelerate
#endif

/// The matrix-product backend: the only place in the project that calls `cblas_*`.
///
/// Which backend is compiled in is decided by Package.swift (CBLAS when its header is present,
/// or as forced by `SYMSIM_BLAS`). The plain-Swift product (`SwiftGemm`) is always compiled,
/// so tests can compare the two.
public enum MatrixProduct {
    /// The backend a product runs on.
    public enum Backend: String, Sendable, CaseIterable {
        /// OpenBLAS through its CBLAS interface.
        case openblas
        /// Apple's Accelerate framework.
        case accelerate
        /// The cache-blocked, SIMD plain-Swift product.
        case swift
    }

    /// The BLAS compiled into this build, or `.swift` when none is.
    public static var compiledBackend: Backend {
        #if SYMSIM_OPENBLAS
        return .openblas
        #elseif SYMSIM_ACCELERATE
        return .accelerate
        #else
        return .swift
        #endif
    }

    /// One line describing the compiled matrix-product path, printed by programs at start-up.
    public static var backendDescription: String {
        #if SYMSIM_OPENBLAS
        let config = openblas_get_config().map { String(cString: $0) } ?? "?"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        return "matrix products: OpenBLAS (\(config.trimmingCharacters(in: .whitespaces)), core \(core)), \(threads) thread(s)"
        #elseif SYMSIM_ACCELERATE
        return "matrix products: Accelerate, \(threads) thread(s)"
        #else
        return "matrix products: plain Swift (no CBLAS found at build time), \(threads) thread(s)"
        #endif
    }

    nonisolated(unsafe) private static var threadCount = 1
    nonisolated(unsafe) private static var configured = false

    /// Threads used by one matrix product. Default 1, so independent runs can go in parallel and
    /// results stay deterministic. Setting it is process-wide (OpenBLAS's own setting is global).
    public static var threads: Int {
        get { threadCount }
        set {
            threadCount = max(1, newValue)
            configured = true
            #if SYMSIM_OPENBLAS
            openblas_set_num_threads(Int32(threadCount))
            #endif
        }
    }

    /// Applies the default thread count once (OpenBLAS otherwise starts one thread per core).
    @inline(__always) static func ensureConfigured() {
        if !configured { threads = threadCount }
    }

    /// `C = alpha · op(A) · op(B) + beta · C` on row-major storage.
    ///
    /// `op(A)` is `m×k` (`A` stored `k×m` when `transA`), `op(B)` is `k×n`; `lda`, `ldb`, `ldc`
    /// are the row strides. With `beta == 0`, `C` is overwritten (NaNs in it do not propagate).
    /// Empty shapes are allowed: with `k == 0`, `C` becomes `beta · C`.
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
        backend: Backend = compiledBackend
    ) {
        if m == 0 || n == 0 { return }
        switch backend {
        case .openblas, .accelerate:
            #if SYMSIM_OPENBLAS || SYMSIM_ACCELERATE
            ensureConfigured()
            if k == 0 {
                SwiftGemm.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                return
            }
            cblas_sgemm(CblasRowMajor,
                        transA ? CblasTrans : CblasNoTrans,
                        transB ? CblasTrans : CblasNoTrans,
                        blasInt(m), blasInt(n), blasInt(k), alpha,
                        a, blasInt(max(lda, 1)), b, blasInt(max(ldb, 1)),
                        beta, c, blasInt(max(ldc, 1)))
            #else
            preconditionFailure("MatrixProduct: backend \(backend) is not compiled into this build")
            #endif
        case .swift:
            SwiftGemm.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
                           threads: threadCount)
        }
    }

    #if SYMSIM_OPENBLAS || SYMSIM_ACCELERATE
    @inline(__always) private static func blasInt(_ x: Int) -> Int32 { Int32(x) }
    #endif

    /// `op(A) · op(B)` for whole matrices, on the given backend.
    public static func multiply(_ a: Matrix, _ b: Matrix, transA: Bool = false, transB: Bool = false,
                                backend: Backend = compiledBackend) -> Matrix {
        let m = transA ? a.cols : a.rows
        let k = transA ? a.rows : a.cols
        let kb = transB ? b.cols : b.rows
        let n = transB ? b.rows : b.cols
        precondition(k == kb, "multiply: inner dimensions differ, op(A) is \(m)x\(k), op(B) is \(kb)x\(n)")
        var out = Matrix(rows: m, cols: n)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.data.withUnsafeMutableBufferPointer { pc in
                    guard let ca = pc.baseAddress else { return }
                    let dummy = UnsafePointer<Float>(ca)
                    gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                         a: pa.baseAddress ?? dummy, lda: a.cols, b: pb.baseAddress ?? dummy, ldb: b.cols,
                         beta: 0, c: ca, ldc: n, backend: backend)
                }
            }
        }
        return out
    }
}
