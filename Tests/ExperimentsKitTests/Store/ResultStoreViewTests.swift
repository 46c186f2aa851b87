import Foundation
import Testing
@testable import ExperimentsKit

@Suite("ResultStore views")
struct ResultStoreViewTests {
    /// One hand-made run: its group, state and test metrics.
    struct Run {
        var key: String
        var dataset = "d1"
        var architecture = "dot"
        var group = "g1"
        var seed = 0
        var state = RunState.completed
        var auc: Double?
        var sym: Double?
    }

    static let runs: [Run] = [
        // Group (d1, dot, g1): four completed runs, one with a NaN AUC, plus a failed and a pending run.
        Run(key: "a1", seed: 1, auc: 0.71, sym: 0.010),
        Run(key: "a2", seed: 2, auc: 0.83, sym: 0.020),
        Run(key: "a3", seed: 3, auc: 0.95, sym: 0.000),
        Run(key: "a4", seed: 4, auc: .nan, sym: 0.035),
        Run(key: "a5", seed: 5, state: .failed, auc: 0.10, sym: 0.9),
        Run(key: "a6", seed: 6, state: .pending),
        // Same dataset and architecture, another config: one run, so no std.
        Run(key: "b1", group: "g2", seed: 1, auc: 0.66, sym: 0.5),
        // Another architecture: two runs, one without a symmetry metric.
        Run(key: "c1", architecture: "mirror", seed: 1, auc: 0.9, sym: nil),
        Run(key: "c2", architecture: "mirror", seed: 2, auc: 0.92, sym: 0.25),
        // A diverged run is not summarised.
        Run(key: "d1", dataset: "d2", seed: 1, state: .diverged, auc: 0.5, sym: 0.1),
    ]

    /// A store holding `runs`, finished through the public API.
    static func makeStore(_ scratch: StoreScratch) throws -> ResultStore {
        let store = try ResultStore(path: scratch.path)
        let sweep = try store.recordSweep(name: "views", configJSON: "{}", provenanceJSON: "{}")
        try store.register(runs.map {
            RunRecord(key: $0.key, dataset: $0.dataset, architecture: $0.architecture, seed: $0.seed,
                      configJSON: "{\"group\":\"\($0.group)\",\"seed\":\($0.seed)}", configGroup: $0.group)
        }, sweep: sweep)
        for run in runs where run.state != .pending {
            _ = try store.claim(key: run.key)
            var metrics = [MetricValue(split: "test", name: "auc", value: run.auc)]
            if let sym = run.sym { metrics.append(MetricValue(split: "test", name: "symmetry_error_mean", value: sym)) }
            try store.finish(key: run.key, result: RunResult(state: run.state, metrics: metrics, trainSeconds: 1))
        }
        return store
    }

    @Test("summary: one row per (dataset, architecture, config) of completed runs, mean and sample std")
    func summary() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let store = try Self.makeStore(scratch)
        let rows = try store.query("SELECT * FROM summary")
        #expect(rows.first?.columns == ["dataset", "architecture", "config", "n", "auc_mean", "auc_std", "sym_mean", "sym_std"])

        // Expected values, computed here from the table above.
        var groups: [String: [Run]] = [:]
        for run in Self.runs where run.state == .completed {
            groups["\(run.dataset)|\(run.architecture)|\(run.group)", default: []].append(run)
        }
        #expect(rows.count == groups.count)
        for row in rows {
            let id = "\(row["dataset"].string!)|\(row["architecture"].string!)|\(row["config"].string!)"
            let members = try #require(groups[id], "unexpected summary row \(id)")
            #expect(row["n"] == .integer(Int64(members.count)))
            let aucs = members.compactMap(\.auc).filter(\.isFinite)
            let syms = members.compactMap(\.sym).filter(\.isFinite)
            let (aucMean, aucStd) = storeMeanStd(aucs)
            let (symMean, symStd) = storeMeanStd(syms)
            #expect(abs(row["auc_mean"].double! - aucMean) < 1e-12, "\(id)")
            #expect(abs(row["sym_mean"].double! - symMean) < 1e-12, "\(id)")
            if let aucStd { #expect(abs(row["auc_std"].double! - aucStd) < 1e-12, "\(id)") } else { #expect(row["auc_std"] == .null) }
            if let symStd { #expect(abs(row["sym_std"].double! - symStd) < 1e-12, "\(id)") } else { #expect(row["sym_std"] == .null) }
        }

        // The main group, by hand: AUC 0.71, 0.83, 0.95 → mean 0.83, std 0.12.
        let main = try #require(rows.first { $0["config"] == "g1" && $0["architecture"] == "dot" })
        #expect(main["n"] == 4)
        #expect(abs(main["auc_mean"].double! - 0.83) < 1e-12)
        #expect(abs(main["auc_std"].double! - 0.12) < 1e-12)
    }

    @Test("runs_wide: one row per run, test metrics as columns, NULL when missing or not finite")
    func runsWide() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let store = try Self.makeStore(scratch)
        let sweep = try store.recordSweep(name: "wide", configJSON: "{}", provenanceJSON: "{}")
        try store.register([storeRecord("full", architecture: "outer", seed: 3)], sweep: sweep)
        let values: [(String, String, Double)] = [
            ("test", "auc", 0.91), ("test", "ap", 0.88), ("test", "log_loss", 0.31), ("test", "accuracy", 0.85),
            ("test", "f1", 0.84), ("val", "auc", 0.9), ("test", "symmetry_error_mean", 0.0),
            ("test", "symmetry_error_max", 1e-7), ("test", "reflexivity_mean", 0.97), ("test", "reflexivity_rank", 0.8),
            ("test", "transitivity_violation", 0.05), ("train", "param_count", 4097), ("train", "train_pairs_per_second", 123456.5),
        ]
        _ = try store.claim(key: "full")
        try store.finish(key: "full", result: RunResult(
            state: .completed,
            metrics: values.map { MetricValue(split: $0.0, name: $0.1, value: $0.2) }
                + [MetricValue(split: "val", name: "f1", value: 0.1)],  // not a column: ignored
            trainSeconds: 12.5))

        try store.register([storeRecord("trainer", seed: 4)], sweep: sweep)
        _ = try store.claim(key: "trainer")
        try store.finish(key: "trainer", result: RunResult(
            state: .completed, metrics: [MetricValue(split: "train", name: "pairs_per_second", value: 5e5)], trainSeconds: 1))

        let rows = try store.query("SELECT * FROM runs_wide")
        #expect(rows.count == Self.runs.count + 2)
        #expect(rows.first { $0["key"] == "trainer" }?["train_pairs_per_second"] == .real(5e5))
        #expect(rows[0].columns == [
            "key", "dataset", "architecture", "seed", "state", "attempts", "train_seconds",
            "test_auc", "test_ap", "test_log_loss", "test_accuracy", "test_f1", "val_auc",
            "symmetry_error_mean", "symmetry_error_max", "reflexivity_mean", "reflexivity_rank",
            "transitivity_violation", "param_count", "train_pairs_per_second",
        ])
        let full = try #require(rows.first { $0["key"] == "full" })
        #expect(full["architecture"] == "outer" && full["seed"] == 3 && full["state"] == "completed")
        #expect(full["attempts"] == 1 && full["train_seconds"] == .real(12.5))
        let expected: [String: Double] = [
            "test_auc": 0.91, "test_ap": 0.88, "test_log_loss": 0.31, "test_accuracy": 0.85, "test_f1": 0.84,
            "val_auc": 0.9, "symmetry_error_mean": 0, "symmetry_error_max": 1e-7, "reflexivity_mean": 0.97,
            "reflexivity_rank": 0.8, "transitivity_violation": 0.05, "param_count": 4097,
            "train_pairs_per_second": 123456.5,
        ]
        for (column, value) in expected {
            #expect(full[column].double == value, "\(column)")
        }

        let nan = try #require(rows.first { $0["key"] == "a4" })
        #expect(nan["test_auc"] == .null)
        #expect(nan["symmetry_error_mean"].double == 0.035)
        #expect(nan["test_ap"] == .null)
        let pending = try #require(rows.first { $0["key"] == "a6" })
        #expect(pending["train_pairs_per_second"] == .null)
        #expect(pending["state"] == "pending" && pending["attempts"] == 0 && pending["test_auc"] == .null)
    }
}
