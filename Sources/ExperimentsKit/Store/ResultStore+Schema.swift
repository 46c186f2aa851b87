// MARK: - Schema and migrations

extension ResultStore {
    /// The schema version this build writes: the number of migrations.
    public static var schemaVersion: Int { migrations.count }

    /// Forward-only migrations: `migrations[i]` upgrades a database from `PRAGMA user_version`
    /// `i` to `i + 1`. Never edit a shipped migration; append a new one.
    static let migrations: [String] = [version1, version2, version3]

    /// Brings `db` from its `user_version` to `migrations.count`.
    ///
    /// A current file is only read. Otherwise the missing migrations and the new
    /// `user_version` are applied in one `BEGIN IMMEDIATE` transaction, after reading the
    /// version again under the write lock: when several processes open a fresh file at once,
    /// the first migrates and the others find the schema done. A file whose version is newer
    /// than `migrations.count` is refused.
    static func migrate(_ db: Database, to migrations: [String], path: String) throws {
        let latest = migrations.count
        func version() throws -> Int {
            Int(int64(try db.scalar("PRAGMA user_version") ?? .null, "PRAGMA user_version"))
        }
        func refuseNewer(_ found: Int) throws {
            if found > latest { throw ResultStoreError.schemaTooNew(path: path, found: found, supported: latest) }
        }
        let found = try version()
        try refuseNewer(found)
        guard found < latest else { return }
        try db.transaction {
            let current = try version()
            try refuseNewer(current)
            for step in current..<latest {
                try db.execute(migrations[step])
                try db.execute("PRAGMA user_version = \(step + 1)")
            }
        }
    }

    // MARK: - Later versions

    /// Version 2: the fingerprint of the data a run was trained on (SHA-256 of the loaded
    /// embeddings and pairs), so a run whose data changed since it was recorded is reported.
    static let version2 = """
        ALTER TABLE runs ADD COLUMN data_fingerprint TEXT;
        """

    /// Version 3: `metrics.kind` gains `-0` (SQLite stores a REAL −0.0 as the integer 0 and
    /// reads it back as +0.0, so the sign is kept in `kind`); run leases (owner, token,
    /// heartbeat); and database-level guards on the run lifecycle: a finished run never changes
    /// state or results, attempt numbers only increase, and only the transitions pending→running,
    /// failed→running, running→running (a stale run taken over) and
    /// running→completed/diverged/failed happen.
    static let version3 = """
        DROP VIEW summary;
        DROP VIEW runs_wide;
        CREATE TABLE metrics_v3 (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            split  TEXT NOT NULL,
            name   TEXT NOT NULL,
            value  REAL,
            kind   TEXT NOT NULL CHECK (kind IN ('finite', 'nan', 'inf', '-inf', '-0', 'missing')),
            PRIMARY KEY (run_id, split, name),
            CHECK ((kind = 'finite') = (value IS NOT NULL))
        );
        INSERT INTO metrics_v3 (run_id, split, name, value, kind) SELECT run_id, split, name, value, kind FROM metrics;
        DROP TABLE metrics;
        ALTER TABLE metrics_v3 RENAME TO metrics;
        """ + "\n" + summaryView + "\n" + runsWideView + "\n" + """
        ALTER TABLE runs ADD COLUMN owner TEXT;
        ALTER TABLE runs ADD COLUMN lease_token TEXT;
        ALTER TABLE runs ADD COLUMN heartbeat_at REAL;
        CREATE TRIGGER runs_attempts_only_increase BEFORE UPDATE OF attempts ON runs
            WHEN NEW.attempts < OLD.attempts
            BEGIN SELECT RAISE(ABORT, 'attempt numbers only increase'); END;
        CREATE TRIGGER runs_allowed_transitions BEFORE UPDATE OF state ON runs
            WHEN NOT (
                (OLD.state = NEW.state AND OLD.state NOT IN ('completed', 'diverged'))
                OR (OLD.state IN ('pending', 'failed', 'running') AND NEW.state = 'running')
                OR (OLD.state = 'running' AND NEW.state IN ('completed', 'diverged', 'failed')))
            BEGIN SELECT RAISE(ABORT, 'run state transition not allowed'); END;
        CREATE TRIGGER metrics_of_finished_runs_are_final_insert BEFORE INSERT ON metrics
            WHEN (SELECT state FROM runs WHERE id = NEW.run_id) IN ('completed', 'diverged')
            BEGIN SELECT RAISE(ABORT, 'a finished run''s metrics never change'); END;
        CREATE TRIGGER metrics_of_finished_runs_are_final_update BEFORE UPDATE ON metrics
            WHEN (SELECT state FROM runs WHERE id = OLD.run_id) IN ('completed', 'diverged')
            BEGIN SELECT RAISE(ABORT, 'a finished run''s metrics never change'); END;
        CREATE TRIGGER metrics_of_finished_runs_are_final_delete BEFORE DELETE ON metrics
            WHEN (SELECT state FROM runs WHERE id = OLD.run_id) IN ('completed', 'diverged')
            BEGIN SELECT RAISE(ABORT, 'a finished run''s metrics never change'); END;
        """

    // MARK: - Version 1

    /// The first schema: tables, indexes and the `summary` and `runs_wide` views.
    ///
    /// Numerical caveats: `metrics.value` is NULL unless `kind` is `finite`, so NaN and ±∞
    /// round-trip through `kind` and never poison an aggregate. `curves` holds plain REALs:
    /// ±∞ are stored as such, NaN becomes NULL. The views need `sqrt`, which Debian's SQLite
    /// (and `Database`, registering it where missing) provides.
    static let version1 = [version1Tables, summaryView, runsWideView].joined(separator: "\n")

    static let version1Tables = """
        CREATE TABLE sweeps (
            id              INTEGER PRIMARY KEY,
            name            TEXT NOT NULL,
            config_json     TEXT NOT NULL,
            provenance_json TEXT NOT NULL,
            created_at      TEXT NOT NULL
        );

        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY,
            key           TEXT UNIQUE NOT NULL,
            sweep_id      INTEGER REFERENCES sweeps(id),
            dataset       TEXT NOT NULL,
            architecture  TEXT NOT NULL,
            seed          INTEGER NOT NULL,
            config_json   TEXT NOT NULL,
            config_group  TEXT NOT NULL,
            state         TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'diverged')),
            attempts      INTEGER NOT NULL DEFAULT 0,
            error         TEXT,
            created_at    TEXT NOT NULL,
            started_at    TEXT,
            finished_at   TEXT,
            train_seconds REAL
        );
        CREATE INDEX runs_by_group ON runs (dataset, architecture, config_group);

        CREATE TABLE sweep_runs (
            sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
            run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            PRIMARY KEY (sweep_id, run_id)
        ) WITHOUT ROWID;
        CREATE INDEX sweep_runs_by_run ON sweep_runs (run_id);

        CREATE TABLE params (
            run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name      TEXT NOT NULL,
            value     TEXT NOT NULL,
            value_num REAL,
            PRIMARY KEY (run_id, name)
        );

        CREATE TABLE metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            split  TEXT NOT NULL,
            name   TEXT NOT NULL,
            value  REAL,
            kind   TEXT NOT NULL CHECK (kind IN ('finite', 'nan', 'inf', '-inf', 'missing')),
            PRIMARY KEY (run_id, split, name),
            CHECK ((kind = 'finite') = (value IS NOT NULL))
        );

        CREATE TABLE curves (
            run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            epoch      INTEGER NOT NULL,
            train_loss REAL,
            val_auc    REAL,
            val_loss   REAL,
            elapsed    REAL,
            PRIMARY KEY (run_id, epoch)
        );

        CREATE TABLE weights (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            data   BLOB NOT NULL
        );

        -- One row per (dataset, architecture, config without seed) over completed runs.
        -- Means and sample standard deviations (n − 1) of the test AUC and test mean symmetry
        -- error, over the runs where that metric is finite (two passes: mean, then squared
        -- deviations); std is NULL with fewer than two such runs.
        """

    /// The `summary` view (recreated by migrations that rebuild the tables it reads).
    static let summaryView = """
        CREATE VIEW summary AS
        WITH per_run AS (
            SELECT r.dataset, r.architecture, r.config_group,
                   (SELECT m.value FROM metrics m
                     WHERE m.run_id = r.id AND m.split = 'test' AND m.name = 'auc') AS auc,
                   (SELECT m.value FROM metrics m
                     WHERE m.run_id = r.id AND m.split = 'test' AND m.name = 'symmetry_error_mean') AS sym
            FROM runs r
            WHERE r.state = 'completed'
        ),
        groups AS (
            SELECT dataset, architecture, config_group, count(*) AS n,
                   avg(auc) AS auc_mean, count(auc) AS auc_n,
                   avg(sym) AS sym_mean, count(sym) AS sym_n
            FROM per_run
            GROUP BY dataset, architecture, config_group
        )
        SELECT g.dataset, g.architecture, g.config_group AS config, g.n,
               g.auc_mean,
               CASE WHEN g.auc_n > 1
                    THEN sqrt(sum((p.auc - g.auc_mean) * (p.auc - g.auc_mean)) / (g.auc_n - 1)) END AS auc_std,
               g.sym_mean,
               CASE WHEN g.sym_n > 1
                    THEN sqrt(sum((p.sym - g.sym_mean) * (p.sym - g.sym_mean)) / (g.sym_n - 1)) END AS sym_std
        FROM groups g
        JOIN per_run p
          ON p.dataset = g.dataset AND p.architecture = g.architecture AND p.config_group = g.config_group
        GROUP BY g.dataset, g.architecture, g.config_group
        ORDER BY g.dataset, g.architecture, g.config_group;

        -- One row per run with its main metrics as columns (NULL when missing or not finite).
        -- Split 'test' unless named otherwise; param_count and train_pairs_per_second from any
        -- split (they describe the run, not a split), the latter also from 'pairs_per_second'
        -- on split 'train', the name the trainer records.
        """

    /// The `runs_wide` view.
    static let runsWideView = """
        CREATE VIEW runs_wide AS
        SELECT r.key, r.dataset, r.architecture, r.seed, r.state, r.attempts, r.train_seconds,
               max(CASE WHEN m.split = 'test' AND m.name = 'auc' THEN m.value END) AS test_auc,
               max(CASE WHEN m.split = 'test' AND m.name = 'ap' THEN m.value END) AS test_ap,
               max(CASE WHEN m.split = 'test' AND m.name = 'log_loss' THEN m.value END) AS test_log_loss,
               max(CASE WHEN m.split = 'test' AND m.name = 'accuracy' THEN m.value END) AS test_accuracy,
               max(CASE WHEN m.split = 'test' AND m.name = 'f1' THEN m.value END) AS test_f1,
               max(CASE WHEN m.split = 'val' AND m.name = 'auc' THEN m.value END) AS val_auc,
               max(CASE WHEN m.split = 'test' AND m.name = 'symmetry_error_mean' THEN m.value END) AS symmetry_error_mean,
               max(CASE WHEN m.split = 'test' AND m.name = 'symmetry_error_max' THEN m.value END) AS symmetry_error_max,
               max(CASE WHEN m.split = 'test' AND m.name = 'reflexivity_mean' THEN m.value END) AS reflexivity_mean,
               max(CASE WHEN m.split = 'test' AND m.name = 'reflexivity_rank' THEN m.value END) AS reflexivity_rank,
               max(CASE WHEN m.split = 'test' AND m.name = 'transitivity_violation' THEN m.value END) AS transitivity_violation,
               max(CASE WHEN m.name = 'param_count' THEN m.value END) AS param_count,
               coalesce(max(CASE WHEN m.name = 'train_pairs_per_second' THEN m.value END),
                        max(CASE WHEN m.split = 'train' AND m.name = 'pairs_per_second' THEN m.value END))
                   AS train_pairs_per_second
        FROM runs r
        LEFT JOIN metrics m ON m.run_id = r.id
        GROUP BY r.id
        ORDER BY r.id;
        """
}
