import Foundation

/// The harness's result store: one SQLite file (WAL mode) holding sweeps, runs, their
/// parameters, metrics, training curves and weights, for users to query with SQL.
///
/// A run is keyed by a hash of its fully resolved config, so registering a sweep again finds
/// its finished runs and skips them. Each run's life: ``register(_:sweep:)`` inserts it as
/// `pending`; ``claim(key:)`` marks it `running` and counts the attempt; ``finish(key:result:)``
/// writes its metrics, curves and weights and its final state in one transaction, so a
/// completed run is never half-written.
///
/// Schema and views are described in `ResultStore+Schema.swift`. Metrics are long-form rows
/// `(run, split, name, value, kind)`; the views read these names: on split `test`
/// `auc`, `ap`, `log_loss`, `accuracy`, `f1`, `symmetry_error_mean`, `symmetry_error_max`,
/// `reflexivity_mean`, `reflexivity_rank`, `transitivity_violation`; on split `val` `auc`;
/// on any split `param_count` and `train_pairs_per_second` (or `pairs_per_second` on split
/// `train`).
///
/// One `ResultStore` may be shared by threads: its calls are serialized by a lock. Several
/// processes (or several stores) may use one file at once; writes take SQLite's write lock
/// with `BEGIN IMMEDIATE` and wait up to `busyTimeout` seconds for it. Timestamps are
/// ISO-8601 UTC with milliseconds (`2025-01-31T12:00:00.000Z`).
public final class ResultStore: @unchecked Sendable {
    /// The database file.
    public let path: String
    /// The connection; every use holds `lock`.
    let db: Database
    private let lock = NSLock()

    /// SQL for the current time as ISO-8601 UTC with milliseconds.
    static let nowSQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

    /// Opens (creating if missing) the store at `path` and brings its schema up to date.
    ///
    /// Missing migrations run inside one `BEGIN IMMEDIATE` transaction, so several processes
    /// opening a fresh file at once create exactly one schema.
    /// - Parameters:
    ///   - path: the SQLite file.
    ///   - busyTimeout: seconds to wait for another connection's write lock (default 10).
    /// - Throws: ``DatabaseError`` when SQLite fails; ``ResultStoreError/schemaTooNew(path:found:supported:)``
    ///   when the file was written by a newer build.
    public convenience init(path: String, busyTimeout: Double = 10) throws {
        try self.init(path: path, busyTimeout: busyTimeout, migrations: Self.migrations)
    }

    /// Opens the store with an explicit migration list (tests use shorter or longer lists).
    init(path: String, busyTimeout: Double, migrations: [String]) throws {
        self.path = path
        self.db = try Database(path: path, busyTimeout: busyTimeout)
        try Self.migrate(db, to: migrations, path: path)
    }

    /// Runs `body` while holding the store's lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: - Sweeps and runs

    /// Records a sweep and returns its id.
    /// - Parameters:
    ///   - name: the sweep's name.
    ///   - configJSON: the sweep config as given.
    ///   - provenanceJSON: where and how it ran (versions, host, git commit, …).
    public func recordSweep(name: String, configJSON: String, provenanceJSON: String) throws -> Int64 {
        try locked {
            try db.execute(
                "INSERT INTO sweeps (name, config_json, provenance_json, created_at) VALUES (?, ?, ?, \(Self.nowSQL))",
                [.text(name), .text(configJSON), .text(provenanceJSON)])
            return db.lastInsertRowID
        }
    }

    /// Registers runs of a sweep, in one transaction.
    ///
    /// A run whose key is new is inserted as `pending` with its params; a run whose key exists
    /// is left untouched (whatever its state), so registering again never duplicates. Every
    /// run is linked to `sweep` in `sweep_runs` (a run shared by two sweeps is stored once and
    /// linked twice). `runs.sweep_id` is the sweep that first registered the run.
    /// - Throws: ``ResultStoreError/unknownSweep(id:)``, or a ``DatabaseError``; either way
    ///   nothing is registered.
    public func register(_ runs: [RunRecord], sweep: Int64) throws {
        try locked {
            try db.transaction {
                guard try db.scalar("SELECT 1 FROM sweeps WHERE id = ?", [.integer(sweep)]) != nil else {
                    throw ResultStoreError.unknownSweep(id: sweep)
                }
                for run in runs {
                    let runID: Int64
                    if let existing = try db.scalar("SELECT id FROM runs WHERE key = ?", [.text(run.key)])?.int64 {
                        runID = existing
                    } else {
                        try db.execute(
                            """
                            INSERT INTO runs (key, sweep_id, dataset, architecture, seed, config_json, config_group,
                                              state, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', \(Self.nowSQL))
                            """,
                            [.text(run.key), .integer(sweep), .text(run.dataset), .text(run.architecture),
                             SQLValue(run.seed), .text(run.configJSON), .text(run.configGroup)])
                        runID = db.lastInsertRowID
                        for (name, value) in run.params.sorted(by: { $0.key < $1.key }) {
                            let number = Double(value).flatMap { $0.isFinite ? SQLValue.real($0) : nil } ?? .null
                            try db.execute("INSERT INTO params (run_id, name, value, value_num) VALUES (?, ?, ?, ?)",
                                           [.integer(runID), .text(name), .text(value), number])
                        }
                    }
                    try db.execute("INSERT OR IGNORE INTO sweep_runs (sweep_id, run_id) VALUES (?, ?)",
                                   [.integer(sweep), .integer(runID)])
                }
            }
        }
    }

    /// Claims a run for an attempt: marks it `running`, counts the attempt and stamps
    /// `started_at`, atomically (`BEGIN IMMEDIATE`), and returns the attempt number (1 for the
    /// first).
    ///
    /// `pending`, `failed` and `running` runs are claimed; deciding whether a `running` run is
    /// stale (its worker died) and may be claimed again is the caller's business. A claim
    /// clears the error of the previous attempt.
    /// - Returns: the new attempt number, or `nil` if the run is final (`completed` or
    ///   `diverged`) and must not run again.
    /// - Throws: ``ResultStoreError/unknownRun(key:)`` or a ``DatabaseError``.
    public func claim(key: String) throws -> Int? {
        // Any running run counts as stale here: grace 0, unlimited attempts.
        switch try claim(key: key, lease: Lease(grace: 0, maxAttempts: .max)) {
        case .claimed(let attempt, _, _): return attempt
        default: return nil
        }
    }

    /// Records the result of an attempt, in one transaction: replaces the run's metrics,
    /// curves and weights with the result's, and sets its state, `finished_at`,
    /// `train_seconds` and `error`.
    ///
    /// If any insert fails (a duplicate `(split, name)` metric, a duplicate epoch, …) nothing
    /// changes: the previous metrics and state stay as they were.
    /// - Precondition: `result.state` is `.completed`, `.diverged` or `.failed`.
    /// - Throws: ``ResultStoreError/alreadyFinished(key:state:)`` if the run is already
    ///   `completed` or `diverged` (its result is never overwritten),
    ///   ``ResultStoreError/unknownRun(key:)``, or a ``DatabaseError``.
    public func finish(key: String, result: RunResult, leaseToken: String? = nil) throws {
        precondition(result.state == .completed || result.state == .diverged || result.state == .failed,
                     "ResultStore.finish: result state must be completed, diverged or failed, got \(result.state.rawValue) for run \(key)")
        try locked {
            try db.transaction {
                let (runID, state, _) = try runStatus(key)
                if let leaseToken {
                    // A result under a lease that is no longer the run's (taken over, and maybe
                    // finished since) is a late result: rejected, nothing written.
                    let row = try db.query("SELECT lease_token, owner FROM runs WHERE id = ?", [.integer(runID)]).first
                    guard state == .running, row?["lease_token"].string == leaseToken else {
                        throw ResultStoreError.leaseLost(key: key, holder: row?["owner"].string)
                    }
                }
                if state.isFinal { throw ResultStoreError.alreadyFinished(key: key, state: state) }
                let id = SQLValue.integer(runID)
                try db.execute("DELETE FROM metrics WHERE run_id = ?", [id])
                try db.execute("DELETE FROM curves WHERE run_id = ?", [id])
                try db.execute("DELETE FROM weights WHERE run_id = ?", [id])
                for metric in result.metrics {
                    let (value, kind) = Self.encode(metric.value)
                    try db.execute("INSERT INTO metrics (run_id, split, name, value, kind) VALUES (?, ?, ?, ?, ?)",
                                   [id, .text(metric.split), .text(metric.name), value, .text(kind)])
                }
                for point in result.curves {
                    try db.execute(
                        "INSERT INTO curves (run_id, epoch, train_loss, val_auc, val_loss, elapsed) VALUES (?, ?, ?, ?, ?, ?)",
                        [id, SQLValue(point.epoch), .real(point.trainLoss), SQLValue(point.valAUC),
                         .real(point.valLoss), .real(point.elapsed)])
                }
                if let weights = result.weights {
                    try db.execute("INSERT INTO weights (run_id, format, data) VALUES (?, ?, ?)",
                                   [id, .text(result.weightsFormat), .blob(weights)])
                }
                try db.execute(
                    "UPDATE runs SET state = ?, finished_at = \(Self.nowSQL), train_seconds = ?, error = ?, data_fingerprint = ?, lease_token = NULL, heartbeat_at = NULL WHERE id = ?",
                    [.text(result.state.rawValue), .real(result.trainSeconds), SQLValue(result.error),
                     SQLValue(result.dataFingerprint), id])
            }
        }
    }

    /// Runs one SQL statement against the store and returns its rows (for reports and ad-hoc
    /// questions; the views `summary` and `runs_wide` are the usual starting points).
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try locked { try db.query(sql, bindings) }
    }

    // MARK: - Helpers

    /// The id, state and attempt count of run `key`; throws if there is none.
    func runStatus(_ key: String) throws -> (id: Int64, state: RunState, attempts: Int) {
        guard let row = try db.query("SELECT id, state, attempts FROM runs WHERE key = ?", [.text(key)]).first else {
            throw ResultStoreError.unknownRun(key: key)
        }
        return (Self.int64(row["id"], "runs.id"), Self.state(row["state"]), Int(Self.int64(row["attempts"], "runs.attempts")))
    }

    /// The `(value, kind)` columns of a metric value: the value only when finite.
    static func encode(_ value: Double?) -> (SQLValue, String) {
        guard let value else { return (.null, "missing") }
        if value.isNaN { return (.null, "nan") }
        if value == .infinity { return (.null, "inf") }
        if value == -.infinity { return (.null, "-inf") }
        if value == 0 && value.sign == .minus { return (.null, "-0") }
        return (.real(value), "finite")
    }

    /// The metric value stored as `(value, kind)`.
    static func decode(_ value: SQLValue, kind: SQLValue) -> Double? {
        switch kind.string {
        case "finite": return required(value.double, "metrics.value of a finite metric")
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "-0": return -0.0
        case "missing": return nil
        default: preconditionFailure("metrics.kind holds \(kind), which its CHECK constraint forbids")
        }
    }

    static func int64(_ value: SQLValue, _ column: String) -> Int64 {
        required(value.int64, column)
    }

    static func text(_ value: SQLValue, _ column: String) -> String {
        required(value.string, column)
    }

    static func state(_ value: SQLValue) -> RunState {
        required(value.string.flatMap(RunState.init(rawValue:)), "runs.state")
    }

    /// Unwraps a column the schema guarantees (NOT NULL, typed, CHECKed); a violation traps.
    static func required<T>(_ value: T?, _ column: String) -> T {
        guard let value else { preconditionFailure("ResultStore: \(column) does not hold a \(T.self)") }
        return value
    }
}
