import Foundation
import Testing
@testable import ExperimentsKit

@Suite("Database")
struct DatabaseTests {
    @Test("values of every storage class round-trip", arguments: [
        SQLValue.null, .integer(0), .integer(.max), .integer(.min), .integer(-42),
        .real(0.1), .real(-1e-300), .real(.greatestFiniteMagnitude), .real(.infinity), .real(-.infinity),
        .text(""), .text("plain"), .text("ünïcödé 🙂 'quoted'"), .text("nul\u{0}inside"),
        .blob([]), .blob([0, 1, 2, 255, 0]),
    ])
    func roundTrip(value: SQLValue) throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v)")
        try db.execute("INSERT INTO t (v) VALUES (?)", [value])
        #expect(try db.scalar("SELECT v FROM t") == value)
        #expect(try db.scalar("SELECT v FROM t WHERE v IS ?", [value]) == value)
    }

    @Test("NaN is stored as NULL by SQLite")
    func nanBecomesNull() throws {
        let db = try Database(path: ":memory:")
        #expect(try db.scalar("SELECT ?", [.real(.nan)]) == .null)
    }

    @Test("a large blob round-trips")
    func largeBlob() throws {
        let db = try Database(path: ":memory:")
        let bytes = (0..<1_000_003).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }
        #expect(try db.scalar("SELECT ?", [.blob(bytes)]) == .blob(bytes))
    }

    @Test("rows are found by column name")
    func rowsByName() throws {
        let db = try Database(path: ":memory:")
        let rows = try db.query("SELECT 1 AS one, 'x' AS Two UNION ALL SELECT 2, 'y'")
        #expect(rows.count == 2)
        #expect(rows[1]["one"] == 2)
        #expect(rows[0]["two"] == "x")
        #expect(rows[0].value(named: "three") == nil)
        #expect(rows[0].columns == ["one", "Two"])
    }

    @Test("execute runs several statements; lastInsertRowID and changes")
    func multipleStatements() throws {
        let db = try Database(path: ":memory:")
        try db.execute("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);  -- a comment
            INSERT INTO t (v) VALUES ('a');
            INSERT INTO t (v) VALUES ('b');
            /* trailing comment */
            """)
        #expect(db.lastInsertRowID == 2)
        try db.execute("UPDATE t SET v = 'c'")
        #expect(db.changes == 2)
        #expect(try db.scalar("SELECT count(*) FROM t WHERE v = 'c'") == 2)
        #expect(try db.scalar("SELECT v FROM t WHERE id = 99") == nil)
    }

    @Test("a constraint failure names the code, message and SQL")
    func errorNamesSQL() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE runs (key TEXT UNIQUE)")
        let sql = "INSERT INTO runs (key) VALUES (?)"
        try db.execute(sql, ["a"])
        let error = #expect(throws: DatabaseError.self) { try db.execute(sql, ["a"]) }
        #expect(error?.resultCode == 19)
        #expect(error?.extendedResultCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.sql == sql)
        #expect(error?.description == "SQLite error 19 (UNIQUE constraint failed: runs.key) in INSERT INTO runs (key) VALUES (?)")
    }

    @Test("a syntax error in a script names the failing statement")
    func syntaxErrorInScript() throws {
        let db = try Database(path: ":memory:")
        let error = #expect(throws: DatabaseError.self) {
            try db.execute("CREATE TABLE a (x);\nSELEC 1;\nCREATE TABLE b (x);")
        }
        #expect(error?.resultCode == 1)
        #expect(error?.description.contains("near \"SELEC\": syntax error") == true)
        #expect(error?.description.hasSuffix("in SELEC 1; CREATE TABLE b (x);") == true)
        // Statements before the failing one ran; the ones after did not.
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')") == 1)
    }

    @Test("long SQL is shortened to one line in the description, kept whole in sql")
    func longSQL() throws {
        let db = try Database(path: ":memory:")
        let sql = "SELECT nosuchcolumn\n FROM (SELECT 1 AS x)  -- " + String(repeating: "padding ", count: 60)
        let error = #expect(throws: DatabaseError.self) { try db.query(sql) }
        #expect(error?.sql == sql)
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.hasSuffix("…") == true)
        #expect(error?.description.hasPrefix("SQLite error 1 (no such column: nosuchcolumn) in SELECT nosuchcolumn FROM") == true)
    }

    @Test("binding count mismatches and multi-statement queries are refused before running")
    func misuse() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v)")
        let tooFew = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (?)") }
        #expect(tooFew?.resultCode == 21)
        #expect(tooFew?.message == "statement has 1 parameter, got 0 bindings")
        let tooMany = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (?)", [1, 2]) }
        #expect(tooMany?.message == "statement has 1 parameter, got 2 bindings")
        let two = #expect(throws: DatabaseError.self) {
            try db.query("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)")
        }
        #expect(two?.resultCode == 21)
        let none = #expect(throws: DatabaseError.self) { try db.query("  -- nothing ") }
        #expect(none?.message == "no SQL statement to run")
        #expect(try db.scalar("SELECT count(*) FROM t") == 0)
        #expect(try db.query("SELECT 1;  \n ").count == 1)  // a trailing ';' is fine
    }

    @Test("transaction commits, or rolls back on a thrown error")
    func transaction() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (v)")
        let n = try db.transaction { () throws -> Int in
            try db.execute("INSERT INTO t VALUES (1)")
            return 7
        }
        #expect(n == 7)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(db.isInTransaction == false)
        #expect(try db.query("SELECT v FROM t").map { $0[0] } == [1])
        // A failing statement inside rolls back the statements before it.
        #expect(throws: DatabaseError.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (3)")
                try db.execute("INSERT INTO nosuchtable VALUES (4)")
            }
        }
        #expect(try db.query("SELECT v FROM t").map { $0[0] } == [1])
    }

    @Test("a file connection is in WAL mode with foreign keys, synchronous NORMAL and the busy timeout")
    func pragmas() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let db = try Database(path: scratch.path)
        #expect(try db.scalar("PRAGMA journal_mode") == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys") == 1)
        #expect(try db.scalar("PRAGMA synchronous") == 1)
        #expect(try db.scalar("PRAGMA busy_timeout") == 10_000)
        let other = try Database(path: scratch.path, busyTimeout: 2.5)
        #expect(try other.scalar("PRAGMA busy_timeout") == 2_500)
    }

    @Test("a writer waits for the busy timeout, then fails with SQLITE_BUSY")
    func busyTimeout() throws {
        let scratch = StoreScratch()
        defer { scratch.remove() }
        let holder = try Database(path: scratch.path)
        let waiter = try Database(path: scratch.path, busyTimeout: 0.2)
        try holder.execute("BEGIN IMMEDIATE")
        // The wait itself is wall time, which tests do not measure; the configured timeout is
        // checked through PRAGMA busy_timeout above.
        let error = #expect(throws: DatabaseError.self) { try waiter.transaction {} }
        #expect(error?.resultCode == 5)
        #expect(error?.sql == "BEGIN IMMEDIATE")
        try holder.execute("COMMIT")
        try waiter.transaction {}
    }

    @Test("opening a file in a missing directory throws, naming the path")
    func openFailure() throws {
        let path = "/nonexistent-\(UUID().uuidString)/x.sqlite"
        let error = #expect(throws: DatabaseError.self) { try Database(path: path) }
        #expect(error?.resultCode == 14)  // SQLITE_CANTOPEN
        #expect(error?.description.contains(path) == true)
    }

    @Test("sqrt is available, and the fallback sqrt behaves like SQLite's")
    func squareRoot() throws {
        let db = try Database(path: ":memory:")
        #expect(try db.scalar("SELECT sqrt(6.25)") == .real(2.5))
        #expect(try db.hasFunction("store_test_sqrt(1)") == false)
        try db.registerSquareRoot(named: "store_test_sqrt")
        #expect(try db.hasFunction("store_test_sqrt(1)"))
        #expect(try db.scalar("SELECT store_test_sqrt(9)") == .real(3))
        #expect(try db.scalar("SELECT store_test_sqrt(2.25)") == .real(1.5))
        #expect(try db.scalar("SELECT store_test_sqrt(-1)") == .null)
        #expect(try db.scalar("SELECT store_test_sqrt(NULL)") == .null)
    }
}
