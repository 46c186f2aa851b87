import Foundation
@testable import ExperimentsKit

/// A fresh SQLite path in a private temporary directory, removed (with its WAL files) by
/// `remove()`.
struct StoreScratch {
    let directory: URL
    let path: String

    init(_ name: String = "store.sqlite") {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("storetests-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body(i)` for `i` in `0..<count` on `count` threads released together; returns the
/// errors thrown (in no particular order).
func storeRunConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [Error] {
    let lock = NSLock()
    nonisolated(unsafe) var errors: [Error] = []
    let start = DispatchSemaphore(value: 0)
    let done = DispatchGroup()
    for i in 0..<count {
        done.enter()
        let thread = Thread {
            start.wait()
            do { try body(i) } catch {
                lock.lock(); errors.append(error); lock.unlock()
            }
            done.leave()
        }
        thread.start()
    }
    for _ in 0..<count { start.signal() }
    done.wait()
    return errors
}

/// A run record for tests: dataset `d`, architecture `arch`, group `group`, seed `seed`.
func storeRecord(_ key: String, dataset: String = "d1", architecture: String = "dot", seed: Int = 0,
                 group: String = "{\"lr\":0.01}", params: [String: String] = [:]) -> RunRecord {
    RunRecord(key: key, dataset: dataset, architecture: architecture, seed: seed,
              configJSON: "{\"lr\":0.01,\"seed\":\(seed)}", configGroup: group, params: params)
}

/// ISO-8601 UTC with milliseconds, as the store writes timestamps.
func storeIsISOTimestamp(_ s: String?) -> Bool {
    guard let s else { return false }
    return s.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil
}

/// Mean and sample standard deviation (two-pass), computed independently of SQLite.
func storeMeanStd(_ xs: [Double]) -> (mean: Double, std: Double?) {
    let mean = xs.reduce(0, +) / Double(xs.count)
    guard xs.count > 1 else { return (mean, nil) }
    let ss = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
    return (mean, (ss / Double(xs.count - 1)).squareRoot())
}
