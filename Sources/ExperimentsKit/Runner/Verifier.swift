import Datasets
import Foundation
import TensorCore

/// Re-trains recorded runs from their stored resolved configs and compares the results.
///
/// Compared: every stored metric except the wall-clock ones (`train_seconds`,
/// `pairs_per_second`), the run's final state, the stored weights (byte for byte), and the data
/// fingerprint. With `tolerance == 0` values must be bit-identical (NaN matches NaN, a missing
/// value matches a missing value); otherwise `|recorded − now| ≤ tolerance`.
public struct Verifier {
    /// Metrics that measure the machine, not the computation; never compared.
    public static let timingMetrics: Set<String> = ["train.train_seconds", "train.pairs_per_second"]

    /// The verdict on one run.
    public struct RunCheck: Sendable {
        public var key: String
        public var label: String
        /// `split.name: recorded … now … (Δ …)` for each difference; empty when all match.
        public var mismatches: [String]
        public var compared: Int
        public var matched: Bool { mismatches.isEmpty }
    }

    public let store: ResultStore
    public let tolerance: Double
    public let dataDirectory: URL?

    public init(store: ResultStore, tolerance: Double = 0, dataDirectory: URL? = nil) {
        self.store = store
        self.tolerance = tolerance
        self.dataDirectory = dataDirectory
    }

    /// Keys of finished runs, optionally only those starting with `prefix`.
    public func finishedKeys(prefix: String? = nil) throws -> [String] {
        try store.query("SELECT key FROM runs WHERE state IN ('completed', 'diverged') ORDER BY key").compactMap { row in
            guard case .text(let k) = row.values[0] else { return nil }
            return prefix.map { k.hasPrefix($0) } ?? true ? k : nil
        }
    }

    /// The directory relative data paths of `key`'s sweep were resolved against.
    func baseDirectory(for key: String) throws -> URL {
        if let dataDirectory { return dataDirectory }
        let rows = try store.query("""
            SELECT s.provenance_json FROM sweeps s JOIN sweep_runs sr ON sr.sweep_id = s.id JOIN runs r ON r.id = sr.run_id
            WHERE r.key = ? ORDER BY s.id DESC LIMIT 1
            """, [.text(key)])
        if case .text(let json) = rows.first?.values.first,
           let dir = try? JSONValue.parse(Data(json.utf8)).objectValue?["config_directory"]?.stringValue {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Re-trains one run and compares it with its record.
    public func check(key: String, cache: inout [String: PairDataset]) throws -> RunCheck {
        let rows = try store.query("SELECT config_json, state, data_fingerprint, dataset, architecture, seed FROM runs WHERE key = ?", [.text(key)])
        guard let row = rows.first, case .text(let json) = row.values[0], case .text(let stateText) = row.values[1] else {
            throw ResultStoreError.unknownRun(key: key)
        }
        let label = "\(row.values[3].string ?? "?")/\(row.values[4].string ?? "?") seed \(row.values[5].int64.map(String.init) ?? "?")"
        var check = RunCheck(key: key, label: label, mismatches: [], compared: 0)
        let config: RunConfig
        do { config = try JSONDecoder().decode(RunConfig.self, from: Data(json.utf8)) } catch {
            check.mismatches.append("config: the stored config cannot be read by this build (\(error))")
            return check
        }
        guard config.semantics == RunConfig.currentSemantics else {
            check.mismatches.append("semantics: recorded with training semantics \(config.semantics), this build has \(RunConfig.currentSemantics)")
            return check
        }
        let cacheKey = JSONValue.encode(config.dataset).canonical
        let data: PairDataset
        if let cached = cache[cacheKey] { data = cached } else {
            data = try config.dataset.load(baseDirectory: try baseDirectory(for: key))
            cache[cacheKey] = data
        }
        if case .text(let recorded) = row.values[2], recorded != data.fingerprint {
            check.mismatches.append("data: changed since the run was recorded (fingerprint \(recorded.prefix(12)) → \(data.fingerprint.prefix(12)))")
        }
        let storedWeights = try store.weights(of: key)
        let result = try Trainer.run(config, data: data, saveWeights: storedWeights != nil)
        if result.state.rawValue != stateText {
            check.mismatches.append("state: recorded \(stateText), now \(result.state.rawValue)")
        }
        var now: [String: Double?] = [:]
        for m in result.metrics { now["\(m.split).\(m.name)"] = m.value }
        for m in try store.metrics(of: key) {
            let name = "\(m.split).\(m.name)"
            if Self.timingMetrics.contains(name) { continue }
            check.compared += 1
            guard let fresh = now[name] else {
                check.mismatches.append("\(name): recorded \(Self.text(m.value)), not produced now")
                continue
            }
            if !Self.same(m.value, fresh, tolerance: tolerance) {
                let delta = (m.value ?? .nan) - (fresh ?? .nan)
                check.mismatches.append("\(name): recorded \(Self.text(m.value)), now \(Self.text(fresh)) (Δ \(delta))")
            }
        }
        if let storedWeights {
            check.compared += 1
            if result.weights != storedWeights {
                check.mismatches.append("weights: the re-trained model's bytes differ from the stored model")
            }
        }
        return check
    }

    /// Whether two recorded values agree: both missing, both NaN, equal bits, or within tolerance.
    static func same(_ a: Double?, _ b: Double?, tolerance: Double) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?):
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            if x.bitPattern == y.bitPattern { return true }
            return tolerance > 0 && Swift.abs(x - y) <= tolerance
        default: return false
        }
    }

    static func text(_ v: Double?) -> String { v.map { "\($0)" } ?? "missing" }
}
