// MARK: - Reading results

extension ResultStore {
    /// The state of run `key`, or `nil` if there is no such run.
    public func state(of key: String) throws -> RunState? {
        try locked {
            try db.scalar("SELECT state FROM runs WHERE key = ?", [.text(key)]).map(Self.state)
        }
    }

    /// The state of every run, by key.
    public func states() throws -> [String: RunState] {
        try locked {
            var result: [String: RunState] = [:]
            for row in try db.query("SELECT key, state FROM runs") {
                result[Self.text(row["key"], "runs.key")] = Self.state(row["state"])
            }
            return result
        }
    }

    /// The metrics of run `key` in the order they were recorded (empty for an unknown key or
    /// an unfinished run). NaN, ±∞ and missing values come back exactly.
    public func metrics(of key: String) throws -> [MetricValue] {
        try locked {
            try db.query(
                """
                SELECT m.split, m.name, m.value, m.kind FROM metrics m JOIN runs r ON r.id = m.run_id
                WHERE r.key = ? ORDER BY m.rowid
                """,
                [.text(key)]
            ).map { row in
                MetricValue(split: Self.text(row["split"], "metrics.split"), name: Self.text(row["name"], "metrics.name"),
                            value: Self.decode(row["value"], kind: row["kind"]))
            }
        }
    }

    /// The training curve of run `key` by epoch (empty for an unknown key). A stored NaN
    /// comes back as NaN, except in `valAUC`, where it comes back as `nil` (see ``CurvePoint``).
    public func curves(of key: String) throws -> [CurvePoint] {
        try locked {
            try db.query(
                """
                SELECT c.epoch, c.train_loss, c.val_auc, c.val_loss, c.elapsed FROM curves c
                JOIN runs r ON r.id = c.run_id WHERE r.key = ? ORDER BY c.epoch
                """,
                [.text(key)]
            ).map { row in
                CurvePoint(epoch: Int(Self.int64(row["epoch"], "curves.epoch")),
                           trainLoss: row["train_loss"].double ?? .nan,
                           valAUC: row["val_auc"].double,
                           valLoss: row["val_loss"].double ?? .nan,
                           elapsed: row["elapsed"].double ?? .nan)
            }
        }
    }

    /// The stored weights of run `key`, or `nil` if it has none (or there is no such run).
    public func weights(of key: String) throws -> [UInt8]? {
        try locked {
            try db.scalar("SELECT w.data FROM weights w JOIN runs r ON r.id = w.run_id WHERE r.key = ?",
                          [.text(key)]).map { Self.required($0.blob, "weights.data") }
        }
    }

    /// Run `key` as registered, with its state, attempt count and last error; `nil` if there
    /// is no such run.
    public func run(key: String) throws -> (record: RunRecord, state: RunState, attempts: Int, error: String?)? {
        try locked {
            guard let row = try db.query(
                """
                SELECT id, dataset, architecture, seed, config_json, config_group, state, attempts, error
                FROM runs WHERE key = ?
                """,
                [.text(key)]
            ).first else { return nil }
            var params: [String: String] = [:]
            for p in try db.query("SELECT name, value FROM params WHERE run_id = ?", [row["id"]]) {
                params[Self.text(p["name"], "params.name")] = Self.text(p["value"], "params.value")
            }
            let record = RunRecord(
                key: key,
                dataset: Self.text(row["dataset"], "runs.dataset"),
                architecture: Self.text(row["architecture"], "runs.architecture"),
                seed: Int(Self.int64(row["seed"], "runs.seed")),
                configJSON: Self.text(row["config_json"], "runs.config_json"),
                configGroup: Self.text(row["config_group"], "runs.config_group"),
                params: params)
            return (record, Self.state(row["state"]), Int(Self.int64(row["attempts"], "runs.attempts")),
                    row["error"].string)
        }
    }
}
