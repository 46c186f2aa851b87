import Foundation
import SymSimKernels

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
        /// The project's own AVX-512 / AVX2 kernels (Sources/SymSimKernels), chosen at run time
        /// from the CPU. Bit-identical between the two instruction sets and any thread count.
        case native
    }

    /// The instruction set of the C kernels (SYMSIM_ISA_*): the widest this CPU supports, or the
    /// one `SYMSIM_ISA=avx512|avx2|scalar` names (to show that results do not depend on it).
    static let isaCode: Int32 = resolved.isa

    /// The instruction set the native kernels use on this CPU: "avx512", "avx2" or nil (neither).
    public static let nativeISA: String? = name(ofISA: isaCode)

    /// The backend products use unless a caller names one: `SYMSIM_GEMM=native|openblas|
    /// accelerate|swift` if set, else the native kernels when the CPU has AVX2+FMA or AVX-512,
    /// else the compiled BLAS.
    public static let defaultBackend: Backend = resolved.backend

    /// What is wrong with `SYMSIM_GEMM` / `SYMSIM_ISA` in `environment` (one line naming the
    /// variable and the values this build and CPU accept), or nil. Programs check it at start-up
    /// and exit with status 64; a program that does not is stopped the same way at its first
    /// matrix product.
    public static func environmentProblem(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if case .failure(let problem) = resolve(environment) { return problem.message }
        return nil
    }

    struct EnvironmentProblem: Error { let message: String }

    private static let resolved: (isa: Int32, backend: Backend) = {
        switch resolve(ProcessInfo.processInfo.environment) {
        case .success(let r): return r
        case .failure(let problem):
            FileHandle.standardError.write(Data("error: \(problem.message)\n".utf8))
            exit(64)
        }
    }()

    private static func name(ofISA code: Int32) -> String? {
        switch Int(code) {
        case Int(SYMSIM_ISA_AVX512): return "avx512"
        case Int(SYMSIM_ISA_AVX2): return "avx2"
        default: return nil
        }
    }

    private static func resolve(_ environment: [String: String]) -> Result<(isa: Int32, backend: Backend), EnvironmentProblem> {
        let best = symsim_best_isa()
        var isa = best
        if let name = environment["SYMSIM_ISA"], !name.isEmpty {
            let known: [(String, Int32)] = [("avx512", Int32(SYMSIM_ISA_AVX512)), ("avx2", Int32(SYMSIM_ISA_AVX2)),
                                            ("scalar", Int32(SYMSIM_ISA_SCALAR))]
            guard let code = known.first(where: { $0.0 == name })?.1, code <= best else {
                let usable = known.filter { $0.1 <= best }.map(\.0).joined(separator: ", ")
                return .failure(EnvironmentProblem(message: "SYMSIM_ISA=\(name): expected one of \(usable) on this CPU"))
            }
            isa = code
        }
        let native = name(ofISA: isa) != nil
        if let name = environment["SYMSIM_GEMM"], !name.isEmpty {
            guard let b = Backend(rawValue: name), available(b, native: native) else {
                let names = Backend.allCases.filter { available($0, native: native) }.map(\.rawValue).joined(separator: ", ")
                return .failure(EnvironmentProblem(message: "SYMSIM_GEMM=\(name): expected one of \(names)"))
            }
            return .success((isa, b))
        }
        return .success((isa, native ? .native : compiledBackend))
    }

    /// Whether `backend` can run in this build on this CPU.
    public static func isAvailable(_ backend: Backend) -> Bool {
        available(backend, native: nativeISA != nil)
    }

    private static func available(_ backend: Backend, native: Bool) -> Bool {
        switch backend {
        case .swift: return true
        case .native: return native
        case .openblas, .accelerate: return backend == compiledBackend
        }
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

    /// One line describing the matrix-product path in use, printed by programs at start-up and
    /// recorded with every sweep.
    public static var backendDescription: String {
        if defaultBackend == .native {
            return "matrix products: native \(nativeISA ?? "?") kernel, \(threads) thread(s)"
        }
        if defaultBackend == .swift {
            return "matrix products: plain Swift, \(threads) thread(s)"
        }
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
        backend: Backend = defaultBackend
    ) {
        if m == 0 || n == 0 { return }
        switch backend {
        case .native:
            precondition(nativeISA != nil, "MatrixProduct: the native kernels need AVX2+FMA or AVX-512")
            let isa = isaCode
            let tA: Int32 = transA ? 1 : 0, tB: Int32 = transB ? 1 : 0
            // Threads take whole 32-column strips; every element's order of operations is the same.
            let strips = (n + 31) / 32
            let parts = m * n * k >= 1 << 20 ? min(threadCount, strips) : 1
            let columns = { (t: Int) in
                let lo = strips * t / parts * 32, hi = min(n, strips * (t + 1) / parts * 32)
                symsim_sgemm(isa, tA, tB, m, n, k, alpha, a, max(lda, 1), b, max(ldb, 1),
                             beta, c, max(ldc, 1), lo, hi)
            }
            if parts > 1 { DispatchQueue.concurrentPerform(iterations: parts, execute: columns) } else { columns(0) }
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
                                backend: Backend = defaultBackend) -> Matrix {
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
