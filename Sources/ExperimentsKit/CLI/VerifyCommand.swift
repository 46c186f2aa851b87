import Datasets
import Foundation
import TensorCore

/// `Experiments verify DB`: re-trains recorded runs and reports whether they reproduce.
public struct VerifyCommand: Command {
    public static let name = "verify"
    public static let abstract = "Re-train recorded runs from their stored configs and compare every metric."
    public static let help = """
    USAGE: Experiments verify <results.sqlite> [--runs N] [--run KEY] [--tolerance T] [--data-dir DIR] [--seed S]

    Re-trains finished runs from the resolved configs stored with them and compares every
    recorded metric (except wall-clock times), the final state and the stored weights. Prints
    one line per run (match, or each mismatch with its difference). Exit status 1 when any run
    does not reproduce.

    OPTIONS:
      --runs N         verify a random sample of N runs (seeded by --seed, default 0)
      --run KEY        verify the run whose key starts with KEY
      --tolerance T    allowed absolute difference (default 0: bit-identical)
      --data-dir DIR   resolve relative data paths against DIR instead of the recorded directory
      -h, --help       show this help
    """

    public var database: String
    public var runs: Int?
    public var runKey: String?
    public var tolerance: Double
    public var dataDirectory: String?
    public var seed: Int

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["runs", "run", "tolerance", "data-dir", "seed"], flags: [])
        guard s.positionals.count == 1 else { throw UsageError("expected one database file") }
        database = s.positionals[0]
        runs = try s.int("runs", min: 1)
        runKey = s.options["run"]
        seed = try s.int("seed", min: 0) ?? 0
        dataDirectory = s.options["data-dir"]
        if let t = s.options["tolerance"] {
            guard let v = Double(t), v >= 0, v.isFinite else { throw UsageError("--tolerance: expected a number ≥ 0, got \"\(t)\"") }
            tolerance = v
        } else {
            tolerance = 0
        }
    }

    public func validate() throws {
        if runs != nil && runKey != nil { throw UsageError("give --runs or --run, not both") }
        guard FileManager.default.fileExists(atPath: database) else { throw UsageError("no such database: \(database)") }
    }

    public func run() throws -> Int32 {
        let store = try ResultStore(path: database)
        let verifier = Verifier(store: store, tolerance: tolerance, dataDirectory: dataDirectory.map { URL(fileURLWithPath: $0) })
        var keys = try verifier.finishedKeys(prefix: runKey)
        if let runKey, keys.isEmpty { throw UsageError("no finished run has a key starting with \(runKey)") }
        if let runs, runs < keys.count {
            var rng = RandomSource(seed: UInt64(seed))
            rng.shuffle(&keys)
            keys = Array(keys.prefix(runs)).sorted()
        }
        var cache: [String: PairDataset] = [:]
        var failed = 0
        for key in keys {
            let c = try verifier.check(key: key, cache: &cache)
            if c.matched {
                print("match     \(key.prefix(12))  \(c.label)  (\(c.compared) values)")
            } else {
                failed += 1
                print("MISMATCH  \(key.prefix(12))  \(c.label)")
                for m in c.mismatches { print("          \(m)") }
            }
        }
        print("\(keys.count) run(s) verified: \(keys.count - failed) match, \(failed) mismatch" +
              (tolerance > 0 ? " (tolerance \(tolerance))" : " (bit-identical required)"))
        return failed == 0 ? 0 : 1
    }
}
