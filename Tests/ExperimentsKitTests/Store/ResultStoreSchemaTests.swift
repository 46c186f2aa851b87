import Foundation
import Testing
@testable import ExperimentsKit

@Suite("ResultStore schema and migrations")
struct ResultStoreSchemaTests {
    static let tables = ["curves", "metrics", "params", "runs", "sweep_runs", "sweeps", "weights"]
    static let views = ["runs_wide", "summary"]

    private func userVersion(_ path: String) throws -> SQLValue? {
        try Database(path: path).scalar("PRAGMA user_version")
    }

    private func names(_ path: String, type: String) throws -> [String] {
        try Database(path: path).query("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name", [.text(type)])
            .map { $0[0].string! }
    }

    @Test("a fresh store has the latest user_version, the tables and views, in WAL mode")
    func fresh() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let store = try ResultStore(path: scratch.path)
        #expect(ResultStore.schemaVersion == 3)
        #expect(try userVersion(scratch.path) == .integer(Int64(ResultStore.schemaVersion)))
        #expect(try names(scratch.path, type: "table") == Self.tables)
        #expect(try names(scratch.path, type: "view") == Self.views)
        #expect(try store.query("PRAGMA journal_mode")[0][0] == "wal")
        #expect(try store.query("PRAGMA foreign_keys")[0][0] == 1)
    }

    @Test("reopening keeps the data and does not run migrations again")
    func reopen() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        // With the real schema: data survives a reopen.
        do {
            let store = try ResultStore(path: scratch.path)
            let sweep = try store.recordSweep(name: "s", configJSON: "{}", provenanceJSON: "{}")
            try store.register([storeRecord("r")], sweep: sweep)
        }
        #expect(try ResultStore(path: scratch.path).states() == ["r": .pending])

        // With test migrations that fail if run twice (CREATE TABLE without IF NOT EXISTS).
        let other = StoreScratch()
        defer { other.remove() }
        let m1 = "CREATE TABLE one (x); INSERT INTO one VALUES (1);"
        let m2 = "CREATE TABLE two (x); INSERT INTO two SELECT x + 1 FROM one;"
        _ = try ResultStore(path: other.path, busyTimeout: 10, migrations: [m1])
        _ = try ResultStore(path: other.path, busyTimeout: 10, migrations: [m1])
        #expect(try userVersion(other.path) == 1)
        _ = try ResultStore(path: other.path, busyTimeout: 10, migrations: [m1, m2])  // only m2 runs
        _ = try ResultStore(path: other.path, busyTimeout: 10, migrations: [m1, m2])
        #expect(try userVersion(other.path) == 2)
        let db = try Database(path: other.path)
        #expect(try db.query("SELECT x FROM one").map { $0[0] } == [1])
        #expect(try db.query("SELECT x FROM two").map { $0[0] } == [2])
    }

    @Test("a failing migration rolls back entirely and leaves the version")
    func failingMigration() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let m1 = "CREATE TABLE one (x);"
        let bad = "CREATE TABLE two (x); INSERT INTO nosuch VALUES (1);"
        _ = try ResultStore(path: scratch.path, busyTimeout: 10, migrations: [m1])
        let error = #expect(throws: DatabaseError.self) {
            _ = try ResultStore(path: scratch.path, busyTimeout: 10, migrations: [m1, bad])
        }
        #expect(error?.description == "SQLite error 1 (no such table: nosuch) in INSERT INTO nosuch VALUES (1);")
        #expect(try userVersion(scratch.path) == 1)
        #expect(try names(scratch.path, type: "table") == ["one"])
    }

    @Test("a database with a newer schema is refused with a clear message")
    func newerRefused() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        _ = try ResultStore(path: scratch.path)
        try Database(path: scratch.path).execute("PRAGMA user_version = 99")
        let error = #expect(throws: ResultStoreError.schemaTooNew(path: scratch.path, found: 99, supported: ResultStore.schemaVersion)) {
            _ = try ResultStore(path: scratch.path)
        }
        #expect(error.map(String.init(describing:))
            == "\(scratch.path): schema version 99 is newer than version \(ResultStore.schemaVersion) that this build knows; open it with a newer build of the harness")
        #expect(try userVersion(scratch.path) == 99)  // untouched
    }

    @Test("several threads opening one fresh file at once create one schema without error", arguments: 0..<5)
    func concurrentOpen(round: Int) throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let path = scratch.path
        let errors = storeRunConcurrently(8) { i in
            let store = try ResultStore(path: path)
            let sweep = try store.recordSweep(name: "opener \(i)", configJSON: "{}", provenanceJSON: "{}")
            try store.register([storeRecord("shared"), storeRecord("own\(i)")], sweep: sweep)
        }
        #expect(errors.isEmpty, "\(errors)")
        #expect(try userVersion(path) == .integer(Int64(ResultStore.schemaVersion)))
        #expect(try names(path, type: "table") == Self.tables)
        #expect(try names(path, type: "view") == Self.views)
        let store = try ResultStore(path: path)
        #expect(try store.states().count == 9)
        #expect(try store.query("SELECT count(*) FROM sweep_runs")[0][0] == 16)
        #expect(try store.query("PRAGMA journal_mode")[0][0] == "wal")
    }
}
