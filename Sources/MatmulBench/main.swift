// Micro-benchmark of the matrix-product paths and of the outer-product head.
//
//     swift run -c release MatmulBench [--quick]
//
// Prints GFLOP/s (2·n³ flops per product) for square products on each available path (native
// kernels, the compiled BLAS, plain Swift) at 1 and 2 threads, then the outer head's
// matrix-product path against the materialised n² features.
import Foundation
import Models
import TensorCore

let quick = CommandLine.arguments.contains("--quick")
print(MatrixProduct.backendDescription)

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best time of `reps` runs, after one warm-up.
func best(reps: Int, _ body: () -> Void) -> Double {
    body()
    return (0..<reps).map { _ in seconds(body) }.min()!
}

func random(_ r: Int, _ c: Int, seed: UInt64) -> Matrix {
    var rng = RandomSource(seed: seed)
    var m = Matrix(rows: r, cols: c)
    for i in 0..<m.count { m.data[i] = rng.uniform(-1, 1) }
    return m
}

// MARK: - Square products

var backends: [MatrixProduct.Backend] = [.swift]
if MatrixProduct.compiledBackend != .swift { backends.insert(MatrixProduct.compiledBackend, at: 0) }
if MatrixProduct.isAvailable(.native) { backends.insert(.native, at: 0) }
let sizes = quick ? [256, 512] : [256, 512, 1024, 2048]
print("\nsquare products C = A·B, GFLOP/s (best of runs after warm-up)")
print("n".padding(toLength: 6, withPad: " ", startingAt: 0) + backends.flatMap { b in [1, 2].map { "\(b.rawValue) \($0)t" } }
        .map { $0.padding(toLength: 14, withPad: " ", startingAt: 0) }.joined())
for n in sizes {
    let a = random(n, n, seed: 1), b = random(n, n, seed: 2)
    var line = "\(n)".padding(toLength: 6, withPad: " ", startingAt: 0)
    for backend in backends {
        for threads in [1, 2] {
            MatrixProduct.threads = threads
            let reps = n >= 2048 ? 2 : (n >= 1024 ? 3 : 10)
            let t = best(reps: reps) { _ = MatrixProduct.multiply(a, b, backend: backend) }
            line += String(format: "%-14.1f", 2 * Double(n * n * n) / t / 1e9)
        }
    }
    print(line)
}
MatrixProduct.threads = 1

// MARK: - Outer head: matrix products versus materialised features

print("\nouter head, forward of the bilinear units for a batch of 256 pairs, width 32, 1 thread")
print("(same multiply-add count; the materialised form also writes 256·n² features per batch)")
print("n     matrix-product path   materialised n² features   speed-up")
for n in quick ? [64] : [128, 384] {
    var spec = ModelSpec(.outer); spec.width = 32
    let model = try! ModelFactory.make(spec, inputDim: n, seed: 1) as! OuterModel
    let a = random(256, n, seed: 3), b = random(256, n, seed: 4)
    let tape = Tape(recordsGradients: false)
    let fast = best(reps: 5) {
        tape.reset()
        _ = model.bilinear(tape, tape.constant(a), tape.constant(b))
    }
    let weights = model.materializedWeights()
    let slow = best(reps: 3) { _ = model.materializedBilinear(a, b, weights: weights) }
    let cells = ["\(n)", String(format: "%.2f ms", fast * 1e3), String(format: "%.2f ms", slow * 1e3),
                 String(format: "%.1f×", slow / fast)]
    print(zip(cells, [6, 22, 27, 0]).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }.joined())
}
