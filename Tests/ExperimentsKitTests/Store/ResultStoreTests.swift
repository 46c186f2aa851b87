import Foundation
import Testing
@testable import ExperimentsKit

@Suite("ResultStore: runs, round trips, claims and finishing")
struct ResultStoreTests {
    /// A store with one sweep and the given runs registered.
    private func makeStore(_ runs: [RunRecord]) throws -> (ResultStore, StoreScratch, Int64) {
        let scratch = StoreScratch()
        let store = try ResultStore(path: scratch.path)
        let sweep = try store.recordSweep(name: "s", configJSON: "{}", provenanceJSON: "{}")
        try store.register(runs, sweep: sweep)
        return (store, scratch, sweep)
    }

    private func finishCompleted(_ store: ResultStore, _ key: String, metrics: [MetricValue] = []) throws {
        _ = try store.claim(key: key)
        try store.finish(key: key, result: RunResult(state: .completed, metrics: metrics, trainSeconds: 1))
    }

    // MARK: - Round trips

    @Test("a metric value round-trips exactly, with its kind recorded", arguments: [
        (0.5 as Double?, "finite"), (0, "finite"), (-1.25, "finite"), (1e308, "finite"),
        (Double.leastNonzeroMagnitude, "finite"), (0.1 + 0.2, "finite"),
        (Double.nan, "nan"), (Double.infinity, "inf"), (-Double.infinity, "-inf"), (nil, "missing"),
    ])
    func metricRoundTrip(value: Double?, kind: String) throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        try finishCompleted(store, "r", metrics: [MetricValue(split: "test", name: "auc", value: value)])
        let back = try #require(try store.metrics(of: "r").first)
        switch value {
        case nil: #expect(back.value == nil)
        case let v? where v.isNaN: #expect(back.value?.isNaN == true)
        case let v?: #expect(back.value?.bitPattern == v.bitPattern)
        }
        let row = try #require(try store.query("SELECT value, kind FROM metrics").first)
        #expect(row["kind"] == .text(kind))
        #expect(row["value"].isNull == (kind != "finite"))
    }

    @Test("metrics come back in recorded order, NaN equal to NaN")
    func metricsOrder() throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        let metrics = [
            MetricValue(split: "test", name: "symmetry_error_mean", value: 0),
            MetricValue(split: "val", name: "auc", value: .nan),
            MetricValue(split: "test", name: "auc", value: 0.75),
            MetricValue(split: "test", name: "ap", value: nil),
            MetricValue(split: "train", name: "loss", value: -.infinity),
        ]
        try finishCompleted(store, "r", metrics: metrics)
        #expect(try store.metrics(of: "r") == metrics)
        #expect(try store.metrics(of: "no such run") == [])
    }

    @Test("curves round-trip; ±∞ exactly, NaN as NaN (and as nil in valAUC)")
    func curvesRoundTrip() throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        let curve = [
            CurvePoint(epoch: 1, trainLoss: 0.69, valAUC: 0.6, valLoss: 0.7, elapsed: 0.5),
            CurvePoint(epoch: 2, trainLoss: 0.5, valAUC: nil, valLoss: 0.55, elapsed: 1.0),
            CurvePoint(epoch: 3, trainLoss: .infinity, valAUC: 0.5, valLoss: -.infinity, elapsed: 1.5),
            CurvePoint(epoch: 4, trainLoss: .nan, valAUC: .nan, valLoss: .nan, elapsed: 2.0),
        ]
        _ = try store.claim(key: "r")
        try store.finish(key: "r", result: RunResult(state: .diverged, curves: curve, trainSeconds: 2, error: "loss is NaN"))
        let back = try store.curves(of: "r")
        #expect(back.count == 4)
        #expect(Array(back[0..<3]) == Array(curve[0..<3]))
        #expect(back[2].trainLoss == .infinity && back[2].valLoss == -.infinity)
        #expect(back[3].trainLoss.isNaN && back[3].valLoss.isNaN && back[3].valAUC == nil && back[3].elapsed == 2)
        #expect(try store.curves(of: "no such run") == [])
    }

    @Test("weights round-trip as bytes: large, empty, or none", arguments: [
        [UInt8]?.none, .some([]), .some([0, 255, 0, 1]),
        .some((0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }),
    ])
    func weightsRoundTrip(weights: [UInt8]?) throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        _ = try store.claim(key: "r")
        try store.finish(key: "r", result: RunResult(state: .completed, weights: weights, trainSeconds: 1))
        #expect(try store.weights(of: "r") == weights)
        if weights != nil {
            #expect(try store.query("SELECT format FROM weights").first?["format"] == "SYMSIMW1")
        }
    }

    @Test("a registered run reads back with params; value_num is filled for finite numbers")
    func runRoundTrip() throws {
        let params = ["lr": "0.001", "hidden": "64", "merge": "sum", "weird": "nan", "big": "inf"]
        let record = storeRecord("r", dataset: "toy", architecture: "mirror", seed: 7, params: params)
        let (store, scratch, sweep) = try makeStore([record])
        defer { scratch.remove() }
        let run = try #require(try store.run(key: "r"))
        #expect(run.record == record)
        #expect(run.state == .pending)
        #expect(run.attempts == 0)
        #expect(run.error == nil)
        #expect(try store.run(key: "nope") == nil)
        let nums = try store.query("SELECT name, value_num FROM params ORDER BY name")
        #expect(nums.map { $0["value_num"] } == [.null, .integer(64), .real(0.001), .null, .null]
            || nums.map { $0["value_num"] } == [.null, .real(64), .real(0.001), .null, .null])
        let stored = try #require(try store.query("SELECT sweep_id, created_at, state FROM runs").first)
        #expect(stored["sweep_id"] == .integer(sweep))
        #expect(storeIsISOTimestamp(stored["created_at"].string))
    }

    @Test("sweeps are recorded with their JSON and an ISO-8601 UTC timestamp")
    func sweeps() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let store = try ResultStore(path: scratch.path)
        let a = try store.recordSweep(name: "grid", configJSON: "{\"a\":1}", provenanceJSON: "{\"git\":\"abc\"}")
        let b = try store.recordSweep(name: "grid", configJSON: "{}", provenanceJSON: "{}")
        #expect(a != b)
        let row = try #require(try store.query("SELECT * FROM sweeps WHERE id = ?", [.integer(a)]).first)
        #expect(row["name"] == "grid")
        #expect(row["config_json"] == "{\"a\":1}")
        #expect(row["provenance_json"] == "{\"git\":\"abc\"}")
        #expect(storeIsISOTimestamp(row["created_at"].string))
    }

    // MARK: - Registering

    @Test("registering twice does not duplicate, keeps existing runs, and links both sweeps")
    func registerTwice() throws {
        let runs = (0..<5).map { storeRecord("k\($0)", seed: $0, params: ["seed": "\($0)"]) }
        let (store, scratch, first) = try makeStore(runs)
        defer { scratch.remove() }
        try finishCompleted(store, "k0", metrics: [MetricValue(split: "test", name: "auc", value: 0.9)])
        try store.register(runs, sweep: first)  // same sweep again
        let second = try store.recordSweep(name: "again", configJSON: "{}", provenanceJSON: "{}")
        var changed = runs[0]
        changed.dataset = "other"  // an existing key is never updated
        try store.register([changed, storeRecord("k5"), storeRecord("k5")], sweep: second)
        #expect(try store.query("SELECT count(*) FROM runs")[0][0] == 6)
        #expect(try store.query("SELECT count(*) FROM params")[0][0] == 5)
        #expect(try store.query("SELECT count(*) FROM sweep_runs WHERE sweep_id = ?", [.integer(first)])[0][0] == 5)
        #expect(try store.query("SELECT count(*) FROM sweep_runs WHERE sweep_id = ?", [.integer(second)])[0][0] == 2)
        #expect(try store.state(of: "k0") == .completed)
        #expect(try store.run(key: "k0")?.record.dataset == "d1")
        #expect(try store.metrics(of: "k0") == [MetricValue(split: "test", name: "auc", value: 0.9)])
        #expect(try store.states() == ["k0": .completed, "k1": .pending, "k2": .pending, "k3": .pending,
                                       "k4": .pending, "k5": .pending])
    }

    @Test("registering into a missing sweep throws and registers nothing")
    func registerUnknownSweep() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let store = try ResultStore(path: scratch.path)
        #expect(throws: ResultStoreError.unknownSweep(id: 42)) { try store.register([storeRecord("a")], sweep: 42) }
        #expect(try store.states().isEmpty)
    }

    @Test("registering the same runs from several stores at once stores each run once")
    func concurrentRegister() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let sweep = try ResultStore(path: scratch.path).recordSweep(name: "s", configJSON: "{}", provenanceJSON: "{}")
        let runs = (0..<40).map { storeRecord("k\($0)", seed: $0, params: ["a": "1", "b": "x"]) }
        let path = scratch.path
        let errors = storeRunConcurrently(4) { _ in
            try ResultStore(path: path).register(runs, sweep: sweep)
        }
        #expect(errors.isEmpty, "\(errors)")
        let store = try ResultStore(path: path)
        #expect(try store.query("SELECT count(*) FROM runs")[0][0] == 40)
        #expect(try store.query("SELECT count(*) FROM params")[0][0] == 80)
        #expect(try store.query("SELECT count(*) FROM sweep_runs")[0][0] == 40)
    }

    // MARK: - Claiming

    @Test("claim counts attempts, stamps started_at, retries failed runs and refuses final ones")
    func claim() throws {
        let (store, scratch, _) = try makeStore([storeRecord("a"), storeRecord("b")])
        defer { scratch.remove() }
        #expect(try store.claim(key: "a") == 1)
        #expect(try store.state(of: "a") == .running)
        #expect(try store.claim(key: "a") == 2)  // a stale running run: the caller decided to retry
        try store.finish(key: "a", result: RunResult(state: .failed, trainSeconds: 0.5, error: "out of memory"))
        #expect(try store.run(key: "a")?.error == "out of memory")
        #expect(try store.claim(key: "a") == 3)
        let run = try #require(try store.run(key: "a"))
        #expect(run.state == .running && run.attempts == 3 && run.error == nil)
        let started = try store.query("SELECT started_at FROM runs WHERE key = 'a'")[0][0].string
        #expect(storeIsISOTimestamp(started))
        try store.finish(key: "a", result: RunResult(state: .completed, trainSeconds: 1))
        #expect(try store.claim(key: "a") == nil)
        #expect(try store.run(key: "a")?.attempts == 3)

        #expect(try store.claim(key: "b") == 1)
        try store.finish(key: "b", result: RunResult(state: .diverged, trainSeconds: 1, error: "NaN loss"))
        #expect(try store.claim(key: "b") == nil)
        #expect(try store.state(of: "b") == .diverged)

        #expect(throws: ResultStoreError.unknownRun(key: "zzz")) { try store.claim(key: "zzz") }
    }

    @Test("one store shared by threads serializes claims and finishes")
    func sharedStore() throws {
        let runs = (0..<24).map { storeRecord("k\($0)", seed: $0) }
        let (store, scratch, _) = try makeStore(runs)
        defer { scratch.remove() }
        let errors = storeRunConcurrently(4) { worker in
            for i in stride(from: worker, to: 24, by: 4) {
                let key = "k\(i)"
                guard try store.claim(key: key) == 1 else { throw ResultStoreError.unknownRun(key: key) }
                try store.finish(key: key, result: RunResult(
                    state: .completed, metrics: [MetricValue(split: "test", name: "auc", value: Double(i) / 24)],
                    trainSeconds: 1))
            }
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(Set(try store.states().values) == [.completed])
        #expect(try store.metrics(of: "k12") == [MetricValue(split: "test", name: "auc", value: 0.5)])
    }

    // MARK: - Finishing

    @Test("finish writes state, timestamps, time and error, replacing an earlier attempt's results")
    func finishReplaces() throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        _ = try store.claim(key: "r")
        try store.finish(key: "r", result: RunResult(
            state: .failed, metrics: [MetricValue(split: "val", name: "auc", value: 0.5)],
            curves: [CurvePoint(epoch: 1, trainLoss: 1, valAUC: 0.5, valLoss: 1, elapsed: 1)],
            weights: [1, 2, 3], trainSeconds: 3, error: "boom"))
        _ = try store.claim(key: "r")
        let metrics = [MetricValue(split: "test", name: "auc", value: 0.8)]
        try store.finish(key: "r", result: RunResult(state: .completed, metrics: metrics, trainSeconds: 4.5))
        #expect(try store.metrics(of: "r") == metrics)
        #expect(try store.curves(of: "r") == [])
        #expect(try store.weights(of: "r") == nil)
        let row = try #require(try store.query("SELECT * FROM runs WHERE key = 'r'").first)
        #expect(row["state"] == "completed")
        #expect(row["train_seconds"] == .real(4.5))
        #expect(row["error"] == .null)
        #expect(storeIsISOTimestamp(row["finished_at"].string))
    }

    @Test("finish is atomic: a failing insert leaves state and metrics as they were")
    func finishAtomic() throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        _ = try store.claim(key: "r")
        let first = [MetricValue(split: "val", name: "auc", value: 0.6), MetricValue(split: "test", name: "auc", value: .nan)]
        try store.finish(key: "r", result: RunResult(state: .failed, metrics: first, weights: [9], trainSeconds: 1, error: "first"))
        _ = try store.claim(key: "r")
        let before = try store.query("SELECT * FROM runs WHERE key = 'r'")

        let duplicate = RunResult(
            state: .completed,
            metrics: [MetricValue(split: "test", name: "auc", value: 0.9), MetricValue(split: "test", name: "f1", value: 0.8),
                      MetricValue(split: "test", name: "auc", value: 0.91)],
            curves: [CurvePoint(epoch: 1, trainLoss: 0.1, valAUC: 0.9, valLoss: 0.2, elapsed: 1)],
            weights: [1, 2, 3], trainSeconds: 2)
        let error = #expect(throws: DatabaseError.self) { try store.finish(key: "r", result: duplicate) }
        #expect(error?.resultCode == 19)
        #expect(error?.description.contains("UNIQUE constraint failed: metrics.run_id, metrics.split, metrics.name") == true)
        #expect(error?.sql?.hasPrefix("INSERT INTO metrics") == true)

        #expect(try store.state(of: "r") == .running)
        #expect(try store.metrics(of: "r") == first)
        #expect(try store.curves(of: "r") == [])
        #expect(try store.weights(of: "r") == [9])
        #expect(try store.query("SELECT * FROM runs WHERE key = 'r'") == before)

        // The store is usable afterwards (no transaction left open).
        try store.finish(key: "r", result: RunResult(state: .completed, trainSeconds: 2))
        #expect(try store.state(of: "r") == .completed)
    }

    @Test("finish refuses to overwrite a completed or diverged run", arguments: [RunState.completed, .diverged])
    func finishRefusesFinal(state: RunState) throws {
        let (store, scratch, _) = try makeStore([storeRecord("r")])
        defer { scratch.remove() }
        _ = try store.claim(key: "r")
        let metrics = [MetricValue(split: "test", name: "auc", value: 0.7)]
        try store.finish(key: "r", result: RunResult(state: state, metrics: metrics, trainSeconds: 1))
        let before = try store.query("SELECT * FROM runs WHERE key = 'r'")
        let error = #expect(throws: ResultStoreError.alreadyFinished(key: "r", state: state)) {
            try store.finish(key: "r", result: RunResult(state: .completed, trainSeconds: 9))
        }
        #expect(error.map(String.init(describing:)) == "run r is already \(state.rawValue); its result is kept, not overwritten")
        #expect(try store.metrics(of: "r") == metrics)
        #expect(try store.query("SELECT * FROM runs WHERE key = 'r'") == before)
        #expect(throws: ResultStoreError.unknownRun(key: "x")) {
            try store.finish(key: "x", result: RunResult(state: .completed, trainSeconds: 9))
        }
    }

    @Test("finish with a non-final state is a programming error and traps")
    func finishTrapsOnPending() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let scratch = StoreScratch()
            let store = try ResultStore(path: scratch.path)
            let sweep = try store.recordSweep(name: "s", configJSON: "{}", provenanceJSON: "{}")
            try store.register([storeRecord("r")], sweep: sweep)
            try store.finish(key: "r", result: RunResult(state: .pending, trainSeconds: 0))
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("result state must be completed, diverged or failed, got pending for run r"))
    }
}
