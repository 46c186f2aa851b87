// LoadBench: how fast and how lean is loading a large float32 .npy embedding file?
//
// Writes a rows × cols float32 .npy (default 100 000 × 384, 153.6 MB) to a temporary
// directory in 1 000-row chunks (so the writer never holds the matrix), loads it through
// `EmbeddingLoader.load(path:)` three times, and prints one line: the best time, the
// throughput, and the process's peak resident set size (VmHWM from /proc/self/status)
// next to the file size. Usage: LoadBench [rows] [cols]
import Foundation
import Datasets
import TensorCore

/// Peak resident set size in bytes (Linux `VmHWM`), or nil where /proc is absent.
func peakRSS() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        return kb.map { $0 * 1024 }
    }
    return nil
}

func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

let arguments = CommandLine.arguments.dropFirst().map { Int($0) }
guard arguments.allSatisfy({ ($0 ?? 0) > 0 }) else {
    FileHandle.standardError.write(Data("usage: LoadBench [rows] [cols]  (positive integers)\n".utf8))
    exit(64)
}
let rows = arguments.count > 0 ? arguments[0]! : 100_000
let cols = arguments.count > 1 ? arguments[1]! : 384

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loadbench-\(getpid())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }
let path = dir.appendingPathComponent("embeddings.npy").path

// Write the file in chunks.
do {
    guard FileManager.default.createFile(atPath: path, contents: nil),
          let out = FileHandle(forWritingAtPath: path) else {
        FileHandle.standardError.write(Data("LoadBench: cannot create \(path)\n".utf8))
        exit(1)
    }
    try out.write(contentsOf: NpyFormat.preamble(rows: rows, cols: cols))
    var rng = RandomSource(seed: 42)
    var chunk = [Float](repeating: 0, count: 1000 * cols)
    var written = 0
    while written < rows {
        let n = min(1000, rows - written)
        for k in 0..<(n * cols) { chunk[k] = rng.nextFloat() * 2 - 1 }
        try chunk.withUnsafeBytes { try out.write(contentsOf: Data($0[0..<(n * cols * 4)])) }
        written += n
    }
    try out.close()
}
let fileSize = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let rssBefore = peakRSS()

var best = Double.infinity
var checksum: Float = 0
for _ in 0..<3 {
    let start = DispatchTime.now().uptimeNanoseconds
    let m = try EmbeddingLoader.load(path: path)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    precondition(m.rows == rows && m.cols == cols, "LoadBench: loaded \(m.rows)x\(m.cols)")
    checksum += m.data[m.count - 1]
    best = min(best, seconds)
}
let peak = peakRSS()
let rssText = peak.map { String(format: "peak RSS %@ = %.2fx file size (%@ before loading)", megabytes($0), Double($0) / Double(fileSize), megabytes(rssBefore ?? 0)) }
    ?? "peak RSS unavailable (no /proc/self/status)"
print(String(format: "LoadBench: %dx%d float32 .npy, %@: best of 3 %.3f s, %.0f MB/s; %@",
             rows, cols, megabytes(fileSize), best, Double(fileSize) / 1e6 / best, rssText))
if checksum.isNaN { print("(checksum NaN)") }
