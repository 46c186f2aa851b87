import Foundation

extension ResultStore {
    /// What a merge did.
    public struct MergeReport: Sendable, Equatable {
        /// Finished runs copied in.
        public var added = 0
        /// Runs already finished here (kept; never overwritten).
        public var kept = 0
        /// Runs not finished in the source (left for a rerun).
        public var unfinished = 0
        /// Sweep records copied.
        public var sweeps = 0
    }

    /// Copies every finished (completed or diverged) run of the store at `path` into this one,
    /// with its parameters, metrics, curve and weights, and the source's sweep records; in one
    /// transaction. A run already finished here is kept as it is; a run pending, failed or
    /// running here is replaced by the finished one. The source is opened through `ResultStore`
    /// first, so it is brought to this build's schema.
    public func merge(from path: String) throws -> MergeReport {
        _ = try ResultStore(path: path)   // validates and migrates the source
        return try locked {
            try db.execute("ATTACH DATABASE ? AS src", [.text(path)])
            defer { try? db.execute("DETACH DATABASE src") }
            return try db.transaction {
                var report = MergeReport()
                var sweepMap: [Int64: Int64] = [:]
                for row in try db.query("SELECT id, name, config_json, provenance_json, created_at FROM src.sweeps ORDER BY id") {
                    try db.execute("INSERT INTO sweeps (name, config_json, provenance_json, created_at) VALUES (?, ?, ?, ?)",
                                   [row["name"], row["config_json"], row["provenance_json"], row["created_at"]])
                    sweepMap[row["id"].int64 ?? 0] = db.lastInsertRowID
                    report.sweeps += 1
                }
                let columns = "key, sweep_id, dataset, architecture, seed, config_json, config_group, attempts, error, created_at, started_at, finished_at, train_seconds, data_fingerprint"
                for run in try db.query("SELECT id, state, \(columns) FROM src.runs ORDER BY id") {
                    guard let state = RunState(rawValue: run["state"].string ?? ""), state.isFinal else {
                        report.unfinished += 1
                        continue
                    }
                    let key = run["key"]
                    if let here = try db.query("SELECT id, state FROM runs WHERE key = ?", [key]).first {
                        if RunState(rawValue: here["state"].string ?? "")?.isFinal == true { report.kept += 1; continue }
                        try db.execute("DELETE FROM runs WHERE id = ?", [here["id"]])
                    }
                    let sweep = run["sweep_id"].int64.flatMap { sweepMap[$0] }.map(SQLValue.integer) ?? .null
                    // Inserted as running, children copied, then finished: the lifecycle triggers
                    // allow exactly this order.
                    try db.execute("""
                        INSERT INTO runs (\(columns), state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
                        """, [key, sweep, run["dataset"], run["architecture"], run["seed"], run["config_json"],
                              run["config_group"], run["attempts"], run["error"], run["created_at"], run["started_at"],
                              run["finished_at"], run["train_seconds"], run["data_fingerprint"]])
                    let newID = SQLValue.integer(db.lastInsertRowID), oldID = run["id"]
                    try db.execute("INSERT INTO params (run_id, name, value, value_num) SELECT ?, name, value, value_num FROM src.params WHERE run_id = ?", [newID, oldID])
                    try db.execute("INSERT INTO metrics (run_id, split, name, value, kind) SELECT ?, split, name, value, kind FROM src.metrics WHERE run_id = ?", [newID, oldID])
                    try db.execute("INSERT INTO curves (run_id, epoch, train_loss, val_auc, val_loss, elapsed) SELECT ?, epoch, train_loss, val_auc, val_loss, elapsed FROM src.curves WHERE run_id = ?", [newID, oldID])
                    try db.execute("INSERT INTO weights (run_id, format, data) SELECT ?, format, data FROM src.weights WHERE run_id = ?", [newID, oldID])
                    for link in try db.query("SELECT sweep_id FROM src.sweep_runs WHERE run_id = ?", [oldID]) {
                        if let mapped = link["sweep_id"].int64.flatMap({ sweepMap[$0] }) {
                            try db.execute("INSERT OR IGNORE INTO sweep_runs (sweep_id, run_id) VALUES (?, ?)", [.integer(mapped), newID])
                        }
                    }
                    try db.execute("UPDATE runs SET state = ? WHERE id = ?", [.text(state.rawValue), newID])
                    report.added += 1
                }
                return report
            }
        }
    }
}
