// Training-throughput benchmark: trains each architecture on synthetic pairs for a fixed number
// of steps after warm-up and reports training pairs per second, GFLOP/s of matrix-product work
// and peak memory. bench/perf/run.sh runs it side by side with PyTorch and Keras/JAX.
//
//     swift run -c release TrainBench                       # every head, n = 64, 128, 384
//     swift run -c release TrainBench --head mirror --n 128 --steps 300 --json
//     swift run -c release TrainBench --gemm                # the single-thread product rate
//
// Options: --head concat|mirror|sharedq|pooling|outer|outer_r8 (repeatable, default all),
// --n 64,128,384, --batch 256, --hidden 256, --steps N (default: about 2 s worth),
// --warmup N (default 20), --seed S, --json (one JSON object per line), --gemm.
//
// One training step is exactly the experiment runner's (Trainer.step): reset the tape, zero the
// gradients, gather the batch into tape constants, forward, BCE with logits, backward, Adam.
// The work counted is every matrix product the tape issues (2·m·n·k flops each), forward and
// backward; element-wise work is not counted.
import Foundation
import Models
import TensorCore

// MARK: - Options

struct Options {
    var heads: [String] = Head.all.map(\.name)
    var dims: [Int] = [64, 128, 384]
    var batch = 256
    var hidden = 256
    var steps: Int?
    var warmup = 20
    var seed: UInt64 = 0
    var json = false
    var gemm = false
    var seconds = 2.0
    var shape: [Int] = []
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(64)
}

func parseOptions() -> Options {
    var o = Options()
    var args = Array(CommandLine.arguments.dropFirst())
    var heads: [String] = []
    func value(_ flag: String) -> String {
        guard !args.isEmpty else { fail("\(flag) needs a value") }
        return args.removeFirst()
    }
    func int(_ flag: String) -> Int {
        let v = value(flag)
        guard let i = Int(v), i > 0 else { fail("\(flag): expected a positive integer, got \(v)") }
        return i
    }
    while !args.isEmpty {
        let flag = args.removeFirst()
        switch flag {
        case "--head":
            let h = value(flag)
            guard Head.all.contains(where: { $0.name == h }) else {
                fail("--head: unknown head \(h) (one of \(Head.all.map(\.name).joined(separator: ", ")))")
            }
            heads.append(h)
        case "--n": o.dims = value(flag).split(separator: ",").map { s in
            guard let i = Int(s), i > 0 else { fail("--n: expected positive integers, got \(s)") }
            return i
        }
        case "--batch": o.batch = int(flag)
        case "--hidden": o.hidden = int(flag)
        case "--steps": o.steps = int(flag)
        case "--warmup": o.warmup = int(flag)
        case "--seconds": o.seconds = Double(value(flag)) ?? o.seconds
        case "--seed": o.seed = UInt64(int(flag))
        case "--json": o.json = true
        case "--gemm": o.gemm = true
        case "--gemm-shape":
            // m,n,k,transA,transB (0/1): times one product shape, for profiling.
            let v = value(flag).split(separator: ",").compactMap { Int($0) }
            guard v.count == 5 else { fail("--gemm-shape: expected m,n,k,tA,tB") }
            o.shape = v
        case "--help", "-h":
            print("usage: TrainBench [--head H]... [--n 64,128,384] [--batch 256] [--hidden 256] [--steps N] [--warmup N] [--seed S] [--json] [--gemm]")
            exit(0)
        default: fail("unknown option \(flag)")
        }
    }
    if !heads.isEmpty { o.heads = heads }
    return o
}

// MARK: - Heads

/// A benchmarked configuration: the model spec for a hidden size.
struct Head {
    let name: String
    let spec: (Int) -> ModelSpec
    static let all: [Head] = [
        Head(name: "concat") { h in var s = ModelSpec(.concat); s.hidden = [h]; return s },
        Head(name: "mirror") { h in var s = ModelSpec(.mirror); s.width = h; s.hidden = [h]; return s },
        Head(name: "sharedq") { h in var s = ModelSpec(.sharedq); s.width = h; s.score = .cosine; return s },
        Head(name: "pooling") { h in var s = ModelSpec(.pooling); s.hidden = [h]; return s },
        Head(name: "outer") { h in var s = ModelSpec(.outer); s.width = 32; s.rank = 0; s.hidden = [h]; return s },
        Head(name: "outer_r8") { h in var s = ModelSpec(.outer); s.width = 32; s.rank = 8; s.hidden = [h]; return s },
    ]
}

// MARK: - Measurement helpers

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Peak resident set size of this process in MiB (`VmHWM` from /proc/self/status), or nil.
func peakMemoryMiB() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
        return kb.map { $0 / 1024 }
    }
    return nil
}

/// The single-thread rate of `C = A·B` for square `size`, best of runs after warm-up, GFLOP/s.
func gemmRate(size: Int) -> Double {
    var rng = RandomSource(seed: 1)
    var a = Matrix(rows: size, cols: size), b = Matrix(rows: size, cols: size)
    for i in 0..<a.count { a.data[i] = rng.uniform(-1, 1); b.data[i] = rng.uniform(-1, 1) }
    _ = MatrixProduct.multiply(a, b)
    var best = Double.infinity
    let reps = size >= 1024 ? 5 : 20
    for _ in 0..<reps {
        let t0 = now()
        _ = MatrixProduct.multiply(a, b)
        best = min(best, now() - t0)
    }
    return 2 * Double(size * size * size) / best / 1e9
}

// MARK: - Synthetic data

/// `batches` pre-generated batches of pairs (N(0,1) entries) with labels `a·b > 0`.
struct SyntheticBatches {
    let n: Int, batch: Int, count: Int
    let a: [Float], b: [Float], y: [Float]
    init(n: Int, batch: Int, count: Int, seed: UInt64) {
        self.n = n; self.batch = batch; self.count = count
        var rng = RandomSource(seed: seed)
        var a = [Float](repeating: 0, count: count * batch * n), b = a
        var y = [Float](repeating: 0, count: count * batch)
        for i in 0..<a.count { a[i] = rng.normal(std: 1) }
        for i in 0..<b.count { b[i] = rng.normal(std: 1) }
        for r in 0..<(count * batch) {
            var d: Float = 0
            for c in 0..<n { d += a[r * n + c] * b[r * n + c] }
            y[r] = d > 0 ? 1 : 0
        }
        self.a = a; self.b = b; self.y = y
    }
}

// MARK: - One configuration

struct Result {
    var head: String, n: Int, batch: Int, hidden: Int, steps: Int, seconds: Double
    var flopsPerStep: Double, peakMiB: Double?, loss: Float, parameters: Int
    var pairsPerSecond: Double { Double(steps * batch) / seconds }
    var gflops: Double { flopsPerStep * Double(steps) / seconds / 1e9 }
}

/// One model, its optimiser and data; `step()` is one training step (callgrind collects it:
/// `--toggle-collect='$s10TrainBench0B3RunC4stepyyF'`).
final class BenchRun {
    let model: PairModel, opt: Adam, data: SyntheticBatches, tape = Tape()
    let m: Int, n: Int
    var cursor = 0
    var lastLoss: Float = .nan

    init(model: PairModel, data: SyntheticBatches) {
        self.model = model
        self.data = data
        opt = Adam(parameters: model.parameters, learningRate: 1e-3)
        m = data.batch; n = data.n
    }

    @inline(never) func step() {
        let k = cursor % data.count, m = m, n = n
        cursor += 1
        tape.reset()
        opt.zeroGrad()
        let a = tape.constant(rows: m, cols: n) { p in
            data.a.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + k * m * n, count: m * n) }
        }
        let b = tape.constant(rows: m, cols: n) { p in
            data.b.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + k * m * n, count: m * n) }
        }
        let y = tape.constant(rows: m, cols: 1) { p in
            data.y.withUnsafeBufferPointer { p.update(from: $0.baseAddress! + k * m, count: m) }
        }
        let loss = tape.bceWithLogits(model.forward(tape, a, b), labels: y)
        lastLoss = tape.scalar(loss)
        tape.backward(loss)
        opt.step()
    }
}

func run(head: Head, n: Int, options o: Options) -> Result {
    let spec = head.spec(o.hidden)
    let model: PairModel
    do { model = try ModelFactory.make(spec, inputDim: n, seed: o.seed) } catch { fail("\(head.name): \(error)") }
    let bench = BenchRun(model: model, data: SyntheticBatches(n: n, batch: o.batch, count: 8, seed: o.seed &+ 17))
    let t0 = now()
    for _ in 0..<o.warmup { bench.step() }
    let perStep = (now() - t0) / Double(o.warmup)
    let steps = o.steps ?? max(10, Int((o.seconds / max(perStep, 1e-6)).rounded()))
    let flops0 = bench.tape.productFlops
    let start = now()
    for _ in 0..<steps { bench.step() }
    let seconds = now() - start
    let flopsPerStep = Double(bench.tape.productFlops - flops0) / Double(steps)
    return Result(head: head.name, n: n, batch: o.batch, hidden: o.hidden, steps: steps, seconds: seconds,
                  flopsPerStep: flopsPerStep, peakMiB: peakMemoryMiB(), loss: bench.lastLoss,
                  parameters: model.parameterCount)
}

// MARK: - Main

let options = parseOptions()
let env = ProcessInfo.processInfo.environment
let coretype = env["OPENBLAS_CORETYPE"] ?? "unset"
let l2 = env["OPENBLAS_L2_SIZE"] ?? "unset"
if !options.json {
    print(MatrixProduct.backendDescription)
    print("OPENBLAS_CORETYPE=\(coretype) OPENBLAS_L2_SIZE=\(l2)")
}

if options.shape.count == 5 {
    let v = options.shape, m = v[0], n = v[1], k = v[2], tA = v[3] == 1, tB = v[4] == 1
    var rng = RandomSource(seed: 3)
    let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }, b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
    var c = [Float](repeating: 0, count: m * n)
    let reps = max(10, Int(2e9 / Double(2 * m * n * k)))
    var best = Double.infinity
    for _ in 0..<5 {
        let t0 = now()
        for _ in 0..<reps {
            MatrixProduct.gemm(transA: tA, transB: tB, m: m, n: n, k: k, alpha: 1, a: a, lda: tA ? m : k,
                               b: b, ldb: tB ? k : n, beta: 0, c: &c, ldc: n)
        }
        best = min(best, (now() - t0) / Double(reps))
    }
    print(String(format: "gemm m=%d n=%d k=%d tA=%d tB=%d: %.1f us, %.1f GFLOP/s", m, n, k, v[3], v[4],
                 best * 1e6, 2 * Double(m * n * k) / best / 1e9))
    exit(0)
}

if options.gemm {
    let rates = [256, 512, 1024].map { ($0, gemmRate(size: $0)) }
    if options.json {
        let parts = rates.map { "\"\($0.0)\": \(String(format: "%.2f", $0.1))" }.joined(separator: ", ")
        print("{\"gemm_gflops\": {\(parts)}, \"coretype\": \"\(coretype)\", \"backend\": \"\(MatrixProduct.defaultBackend.rawValue)\", "
            + "\"description\": \"\(MatrixProduct.backendDescription.replacingOccurrences(of: "matrix products: ", with: ""))\"}")
    } else {
        for (s, r) in rates { print(String(format: "sgemm %4d³, 1 thread: %.1f GFLOP/s", s, r)) }
    }
    exit(0)
}

if !options.json {
    print("head      n     steps  pairs/s     ms/step  GFLOP/s  MFLOP/step  peak MiB  params")
}
for n in options.dims {
    for name in options.heads {
        let head = Head.all.first { $0.name == name }!
        let r = run(head: head, n: n, options: options)
        if options.json {
            let peak = r.peakMiB.map { String(format: "%.1f", $0) } ?? "null"
            print("{\"impl\": \"swift\", \"head\": \"\(r.head)\", \"n\": \(r.n), \"batch\": \(r.batch), \"hidden\": \(r.hidden), "
                + "\"steps\": \(r.steps), \"seconds\": \(String(format: "%.4f", r.seconds)), "
                + "\"pairs_per_s\": \(String(format: "%.1f", r.pairsPerSecond)), \"gflops\": \(String(format: "%.2f", r.gflops)), "
                + "\"mflop_per_step\": \(String(format: "%.2f", r.flopsPerStep / 1e6)), \"peak_mib\": \(peak), "
                + "\"loss\": \(r.loss), \"params\": \(r.parameters), \"coretype\": \"\(coretype)\", \"backend\": \"\(MatrixProduct.defaultBackend.rawValue)\"}")
        } else {
            print(r.head.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%-5d %-6d %-11.0f %-8.3f %-8.1f %-11.1f %-9.1f %d",
                         r.n, r.steps, r.pairsPerSecond, r.seconds / Double(r.steps) * 1e3,
                         r.gflops, r.flopsPerStep / 1e6, r.peakMiB ?? -1, r.parameters))
        }
        fflush(stdout)
    }
}
