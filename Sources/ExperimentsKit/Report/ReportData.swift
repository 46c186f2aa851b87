import Foundation

/// Everything the report reads from a result database: the sweeps with their provenance, and
/// every run with its state, flattened config, finite metrics and validation curve.
struct ReportData {
    /// One row of `sweeps`.
    struct Sweep {
        var id: Int64
        var name: String
        var createdAt: String
        var configJSON: String
        var config: JSONValue?
        var provenance: [String: JSONValue]
    }

    /// One row of `runs` with what the report needs of it.
    struct Run {
        var id: Int64
        var key: String
        var dataset: String
        var architecture: String
        var seed: Int
        var configGroup: String
        /// The config group flattened to `path → canonical value` (`model.width` → `32`),
        /// without `dataset.*`, `seed` and `semantics`; empty when it is not a JSON object.
        var settings: [String: String]
        var state: RunState
        var attempts: Int
        var error: String?
        var trainSeconds: Double?
        /// Finite metric values by `split.name` (`test.auc`); NaN, ±∞ and missing are absent.
        var metrics: [String: Double]
        /// Metrics recorded as NaN or ±∞, by `split.name`, with their kind.
        var nonFinite: [String: String]
        /// Validation AUC per epoch (`nil` where not evaluated).
        var curve: [(epoch: Int, valAUC: Double?)]

        func metric(_ name: String) -> Double? { metrics[name] }
    }

    var sweeps: [Sweep]
    var runs: [Run]
    /// Runs linked to each sweep record (`sweep_runs`).
    var sweepRunCounts: [Int64: Int] = [:]

    /// Reads the database through the store's SQL interface.
    static func load(from store: ResultStore) throws -> ReportData {
        let sweeps = try store.query("SELECT id, name, created_at, config_json, provenance_json FROM sweeps ORDER BY id").map { row in
            let config = try? JSONValue.parse(Data((row["config_json"].string ?? "").utf8))
            let provenance = (try? JSONValue.parse(Data((row["provenance_json"].string ?? "").utf8)))?.objectValue ?? [:]
            return Sweep(id: row["id"].int64 ?? 0, name: row["name"].string ?? "", createdAt: row["created_at"].string ?? "",
                         configJSON: row["config_json"].string ?? "", config: config, provenance: provenance)
        }
        var metrics: [Int64: [String: Double]] = [:]
        var nonFinite: [Int64: [String: String]] = [:]
        for row in try store.query("SELECT run_id, split, name, value, kind FROM metrics") {
            guard let id = row["run_id"].int64, let split = row["split"].string, let name = row["name"].string else { continue }
            let kind = row["kind"].string ?? "missing"
            if kind == "finite", let v = row["value"].double, v.isFinite {
                metrics[id, default: [:]]["\(split).\(name)"] = v
            } else if kind != "missing" {
                nonFinite[id, default: [:]]["\(split).\(name)"] = kind
            }
        }
        var curves: [Int64: [(epoch: Int, valAUC: Double?)]] = [:]
        for row in try store.query("SELECT run_id, epoch, val_auc FROM curves ORDER BY run_id, epoch") {
            guard let id = row["run_id"].int64, let epoch = row["epoch"].int64 else { continue }
            curves[id, default: []].append((Int(epoch), row["val_auc"].double))
        }
        var flattened: [String: [String: String]] = [:]
        let runs = try store.query("""
            SELECT id, key, dataset, architecture, seed, config_group, state, attempts, error, train_seconds
            FROM runs ORDER BY id
            """).map { row -> Run in
            let id = row["id"].int64 ?? 0
            let group = row["config_group"].string ?? ""
            if flattened[group] == nil { flattened[group] = Self.flatten(group) }
            return Run(id: id, key: row["key"].string ?? "", dataset: row["dataset"].string ?? "",
                       architecture: row["architecture"].string ?? "", seed: Int(row["seed"].int64 ?? 0),
                       configGroup: group, settings: flattened[group]!,
                       state: row["state"].string.flatMap(RunState.init(rawValue:)) ?? .pending,
                       attempts: Int(row["attempts"].int64 ?? 0), error: row["error"].string,
                       trainSeconds: row["train_seconds"].double,
                       metrics: metrics[id] ?? [:], nonFinite: nonFinite[id] ?? [:], curve: curves[id] ?? [])
        }
        var linked: [Int64: Int] = [:]
        for row in try store.query("SELECT sweep_id, count(*) AS n FROM sweep_runs GROUP BY sweep_id") {
            if let id = row["sweep_id"].int64, let n = row["n"].int64 { linked[id] = Int(n) }
        }
        return ReportData(sweeps: sweeps, runs: runs, sweepRunCounts: linked)
    }

    /// A config as `path → canonical value` leaves (`model.hidden` → `[64]`), skipping the
    /// dataset, the seed and the semantics version, which never describe a configuration's
    /// hyperparameters.
    static func flatten(_ json: String) -> [String: String] {
        guard let value = try? JSONValue.parse(Data(json.utf8)), let object = value.objectValue else { return [:] }
        var out: [String: String] = [:]
        func walk(_ v: JSONValue, _ path: String) {
            if let o = v.objectValue, !o.isEmpty {
                for (k, child) in o { walk(child, path.isEmpty ? k : path + "." + k) }
            } else {
                out[path] = v.stringValue ?? v.canonical
            }
        }
        for (k, v) in object where !["dataset", "seed", "semantics"].contains(k) { walk(v, k) }
        return out
    }
}
