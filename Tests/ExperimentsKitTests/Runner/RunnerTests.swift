import Datasets
import Foundation
import Testing
@testable import ExperimentsKit

/// A temporary directory holding a small sweep config; removed by `cleanup()`.
struct SweepFixture {
    let dir: URL
    let configPath: String
    var database: String { dir.appendingPathComponent("results.sqlite").path }

    init(models: String = #"[{"architecture": "concat", "hidden": [8], "symmetrize": ["none", "average"]}, {"architecture": "mirror", "width": 8, "hidden": [8]}, {"architecture": "sharedq", "width": 4, "score": "distance"}]"#,
         seeds: String = "[0, 1]", training: String = #"{"epochs": 3, "batch_size": 64, "learning_rate": 0.01}"#,
         items: Int = 120, extra: String = "") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        configPath = dir.appendingPathComponent("sweep.json").path
        let text = """
        {"name": "test", "database": "results.sqlite", "seeds": \(seeds), \(extra)
         "datasets": [{"synthetic": "clusters", "items": \(items), "dim": 6, "cluster_count": 4, "train_pairs": 200, "val_pairs": 80, "test_pairs": 80}],
         "training": \(training),
         "models": \(models)}
        """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func cleanup() { try? FileManager.default.removeItem(at: dir) }

    /// Writes a small clusters dataset as files in the fixture's directory (`emb.npy`,
    /// `train.csv`, `val.csv`, `test.csv`) and returns it.
    func writeFileDataset() throws -> PairDataset {
        var options = SyntheticOptions()
        options.items = 300; options.dim = 6; options.trainPairs = 200; options.valPairs = 80; options.testPairs = 80
        let d = try SyntheticData.make(task: .clusters, options: options)
        try NpyFormat.write(d.embeddings, to: dir.appendingPathComponent("emb.npy").path)
        for (name, set) in [("train", d.train), ("val", d.val), ("test", d.test)] {
            try set.writeCSV(to: dir.appendingPathComponent("\(name).csv").path)
        }
        return d
    }

    func run(jobs: Int? = nil) throws -> SweepRunner.Report {
        let config = try SweepConfig.load(path: configPath)
        return try SweepRunner(config: config, jobs: jobs, progress: ProgressReporter(quiet: true)).run()
    }

    /// `key|sha256 of the stored model` for every run with weights, sorted.
    func weightRows() throws -> [String] {
        let store = try ResultStore(path: database)
        return try store.query("SELECT r.key, w.data FROM weights w JOIN runs r ON r.id = w.run_id ORDER BY r.key").map { row in
            guard case .text(let k) = row.values[0], case .blob(let b) = row.values[1] else { return "?" }
            return k + "|" + sha256Hex(of: b)
        }
    }

    /// `(key, split, name, value bits or kind)` for every metric, sorted: a byte-exact fingerprint.
    func metricRows() throws -> [String] {
        let store = try ResultStore(path: database)
        return try store.query("""
            SELECT r.key, m.split, m.name, m.kind, m.value FROM metrics m JOIN runs r ON r.id = m.run_id
            WHERE m.name NOT IN ('train_seconds', 'pairs_per_second') ORDER BY 1, 2, 3
            """).map { row in
                row.values.map { v -> String in
                    switch v {
                    case .text(let t): return t
                    case .real(let d): return "\(d.bitPattern)"
                    case .integer(let i): return "\(i)"
                    case .null: return "NULL"
                    case .blob(let b): return sha256Hex(of: b)
                    }
                }.joined(separator: "|")
            }
    }
}

@Suite("Runner", .serialized)
struct RunnerTests {
    @Test func sweepRecordsEveryMetricAndResumes() throws {
        let f = try SweepFixture()
        defer { f.cleanup() }
        let first = try f.run()
        #expect(first.total == 8 && first.completed == 8 && first.failed.isEmpty)
        let store = try ResultStore(path: f.database)
        let names = Set(try store.query("SELECT DISTINCT split || '.' || name FROM metrics").compactMap { row -> String? in
            if case .text(let s) = row.values[0] { return s } else { return nil }
        })
        for needed in ["test.auc", "test.ap", "test.log_loss", "test.accuracy", "test.f1", "test.symmetry_error_mean",
                       "test.symmetry_error_max", "test.reflexivity_mean", "test.reflexivity_rank",
                       "test.transitivity_violation", "val.auc", "val.threshold", "train.param_count",
                       "train.train_seconds", "train.pairs_per_second"] {
            #expect(names.contains(needed), "missing metric \(needed)")
        }
        // Symmetric models record exactly zero symmetry error; concat without symmetrisation does not.
        let sym = try store.query("""
            SELECT r.architecture, r.config_json, m.value FROM metrics m JOIN runs r ON r.id = m.run_id
            WHERE m.split = 'test' AND m.name = 'symmetry_error_max'
            """)
        for row in sym {
            guard case .text(let arch) = row.values[0], case .text(let cfg) = row.values[1], case .real(let v) = row.values[2] else {
                Issue.record("unexpected row \(row)"); continue
            }
            if arch == "concat" && cfg.contains("\"none\"") { #expect(v > 0) } else { #expect(v == 0, "\(arch) \(cfg)") }
        }
        // Curves: one row per epoch.
        let curves = try store.query("SELECT count(*) FROM curves")
        #expect(curves.first?.values.first == .integer(8 * 3))
        // The stored weights rebuild the model.
        let before = try f.metricRows()
        let again = try f.run()
        #expect(again.alreadyDone == 8 && again.completed == 0)
        #expect(try f.metricRows() == before)
        let attempts = try store.query("SELECT max(attempts), count(*), count(DISTINCT key) FROM runs")
        #expect(attempts.first?.values == [.integer(1), .integer(8), .integer(8)])
    }

    /// The same sweep run twice from scratch, and once more with several jobs, gives
    /// bit-identical metrics and byte-identical models (wall-clock metrics aside).
    @Test func resultsAreBitIdenticalAcrossRepeatsAndJobCounts() throws {
        let a = try SweepFixture(), b = try SweepFixture(), c = try SweepFixture()
        defer { a.cleanup(); b.cleanup(); c.cleanup() }
        _ = try a.run(jobs: 1)
        _ = try b.run(jobs: 1)
        _ = try c.run(jobs: 3)
        #expect(try a.metricRows().count > 100)
        #expect(try a.metricRows() == b.metricRows())
        #expect(try a.metricRows() == c.metricRows())
        #expect(try a.weightRows().count == 8)
        #expect(try a.weightRows() == b.weightRows())
        #expect(try a.weightRows() == c.weightRows())
    }

    @Test func divergedRunIsRecordedAndTheSweepGoesOn() throws {
        // A learning rate of 1e30 drives the loss to infinity within an epoch.
        let f = try SweepFixture(models: #"[{"architecture": "concat", "hidden": [8], "training": {"learning_rate": [1e30, 0.01]}}]"#, seeds: "[0]")
        defer { f.cleanup() }
        let r = try f.run()
        #expect(r.diverged == 1 && r.completed == 1)
        let store = try ResultStore(path: f.database)
        let states = try store.states()
        #expect(states.values.sorted { $0.rawValue < $1.rawValue } == [.completed, .diverged])
        let err = try store.query("SELECT error FROM runs WHERE state = 'diverged'")
        if case .text(let e) = err.first?.values.first { #expect(e.hasPrefix("training loss became")) } else { Issue.record("no error text") }
    }

    @Test func dataErrorStopsBeforeTrainingAndKeepsResults() throws {
        let f = try SweepFixture(seeds: "[0]")
        defer { f.cleanup() }
        _ = try f.run()
        let before = try f.metricRows()
        // Add a file dataset whose embeddings file does not exist.
        var text = try String(contentsOfFile: f.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"datasets\": [", with: "\"datasets\": [{\"name\": \"missing\", \"embeddings\": \"none.npy\", \"train\": \"t.csv\", \"val\": \"v.csv\", \"test\": \"s.csv\"}, ")
        try text.write(toFile: f.configPath, atomically: true, encoding: .utf8)
        let status = ExperimentsCLI.run([f.configPath, "--quiet"])
        #expect(status == 64)
        #expect(try f.metricRows() == before)
    }
}

@Suite("Command line")
struct CommandLineTests {
    static let cases: [([String], Int32)] = [
        (["run"], 64), (["run", "a.json", "--jobs", "0"], 64), (["--help"], 0), (["run", "--help"], 0),
        (["frobnicate"], 64), ([], 64),
    ]

    @Test(arguments: cases)
    func exitStatus(_ args: [String], _ status: Int32) {
        #expect(ExperimentsCLI.run(args) == status)
    }

    @Test func dryRunListsRunsWithoutTraining() throws {
        let f = try SweepFixture()
        defer { f.cleanup() }
        #expect(ExperimentsCLI.run([f.configPath, "--dry-run"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: f.database))
    }
}
