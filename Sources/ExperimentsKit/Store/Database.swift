import SymSimSQLite
import Foundation

/// Tells SQLite to copy bound text and blobs before `sqlite3_bind_*` returns, so Swift's
/// temporary buffers may go away afterwards.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A connection to one SQLite database file: the only place in the project that calls
/// `sqlite3_*`.
///
/// In the style of GRDB.swift, reduced to what the harness needs: statements with positional
/// `?` bindings, rows by column name, and immediate transactions. Every return code is
/// checked; a failure throws a ``DatabaseError`` naming the SQL. Prepared statements are
/// finalized before each call returns, also when it throws, and the connection is closed in
/// `deinit`.
///
/// Opening configures the connection:
/// - `PRAGMA journal_mode=WAL` (readers never block the writer, and a crash cannot leave a
///   half-written transaction behind); the switch is retried for up to `busyTimeout` while
///   another connection holds the fresh file, and opening fails if the file system refuses WAL;
/// - `PRAGMA foreign_keys=ON` and `PRAGMA synchronous=NORMAL` (durable up to the last
///   checkpoint in WAL mode, and much faster than `FULL`);
/// - a busy timeout: a statement waiting for another connection's lock retries for up to
///   `busyTimeout` seconds before failing with `SQLITE_BUSY` (5);
/// - a `sqrt(x)` SQL function, registered only when the SQLite library was built without its
///   math functions (it returns NULL for NULL or negative `x`, as SQLite's own does).
///
/// A `Database` is not meant to be shared between threads without outside locking (SQLite is
/// opened in serialized mode, so doing so is memory-safe, but transactions would interleave).
public final class Database {
    /// The file this connection opened.
    public let path: String
    /// Seconds a statement waits for another connection's lock before failing.
    public let busyTimeout: Double
    private let handle: OpaquePointer

    /// Opens (and creates if missing) the database at `path` and configures the connection.
    ///
    /// - Parameters:
    ///   - path: a file path; `":memory:"` opens a private in-memory database (its journal
    ///     mode is `memory`, not WAL).
    ///   - busyTimeout: seconds to wait for locks held by other connections (default 10).
    /// - Throws: ``DatabaseError`` if the file cannot be opened or configured.
    /// Negative-control switch for the concurrency tests: with `SYMSIM_UNSAFE_SQLITE=1` in the
    /// environment every connection gets busy timeout 0 and deferred transactions, the setup
    /// that makes "database is locked" reach users of other tools. Never set it otherwise.
    static let unsafeForTesting = ProcessInfo.processInfo.environment["SYMSIM_UNSAFE_SQLITE"] == "1"

    public init(path: String, busyTimeout requestedTimeout: Double = 10) throws {
        let busyTimeout = Database.unsafeForTesting ? 0 : requestedTimeout
        precondition(busyTimeout.isFinite && busyTimeout >= 0,
                     "Database: busyTimeout must be a finite number of seconds ≥ 0, got \(busyTimeout)")
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            // A handle is allocated even when opening fails and must be released; the open
            // error is what matters, so close's own result code is not reported.
            if let db { _ = sqlite3_close_v2(db) }
            throw DatabaseError(extendedResultCode: rc, message: "\(message): \(path)", sql: nil)
        }
        self.path = path
        self.busyTimeout = busyTimeout
        self.handle = db
        // From here on, a throw runs deinit, which closes the handle.
        try check(sqlite3_extended_result_codes(db, 1), sql: nil)
        let milliseconds = Int32(min(busyTimeout * 1000, Double(Int32.max)).rounded())
        try check(sqlite3_busy_timeout(db, milliseconds), sql: nil)
        try configure()
    }

    deinit {
        // Every statement is finalized before the call that prepared it returns, so closing
        // cannot find one still open; close_v2 fails only on misuse (a bad handle).
        let rc = sqlite3_close_v2(handle)
        assert(rc == SQLITE_OK, "sqlite3_close_v2 failed with \(rc) for \(path)")
    }

    // MARK: - Statements

    /// Runs `sql`, discarding any rows it returns.
    ///
    /// Without bindings `sql` may hold several statements separated by `;`, run in order
    /// (a failure stops at the failing statement, which the error names). With bindings it must
    /// be one statement whose `?` parameters take the bindings in order.
    /// - Throws: ``DatabaseError`` on a failed statement, or on a binding count that does not
    ///   match the statement's parameters (`SQLITE_MISUSE`, 21).
    public func execute(_ sql: String, _ bindings: [SQLValue] = []) throws {
        if bindings.isEmpty {
            try forEachStatement(in: sql) { statement in
                try requireBindings(statement, count: 0)
                _ = try step(statement, collect: false)
            }
        } else {
            _ = try withStatement(sql, bindings) { try step($0, collect: false) }
        }
    }

    /// Runs one statement and returns all its rows.
    /// - Throws: ``DatabaseError`` on failure, if `sql` holds more than one statement, or on a
    ///   binding count mismatch.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try withStatement(sql, bindings) { try step($0, collect: true) }
    }

    /// The first column of the first row of one statement, or `nil` when it returns no rows.
    public func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> SQLValue? {
        try query(sql, bindings).first.map { $0[0] }
    }

    /// The rowid of the latest successful `INSERT` on this connection (0 before any).
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the latest `INSERT`, `UPDATE` or `DELETE` on this connection.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: - Transactions

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; rolls back if `body` or the commit throws.
    ///
    /// `IMMEDIATE` takes the write lock at the start (waiting up to `busyTimeout` for it), so two
    /// connections cannot both read, decide and then write on stale data, and a transaction
    /// never fails half-way for a lock. Transactions do not nest: calling this inside `body`
    /// throws SQLite's "cannot start a transaction within a transaction".
    /// - Returns: what `body` returns.
    /// - Throws: the error of `body`, or a ``DatabaseError`` from `BEGIN`/`COMMIT`; after a
    ///   throw nothing `body` wrote is in the database.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute(Database.unsafeForTesting ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
            try execute("COMMIT")
        } catch {
            rollbackIfActive()
            throw error
        }
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so itself (it does after
    /// some errors, such as `SQLITE_FULL`). Called while an error is being thrown: a failing
    /// rollback must not hide that error, and the connection then reports "cannot start a
    /// transaction within a transaction" on its next `BEGIN`.
    private func rollbackIfActive() {
        guard isInTransaction else { return }
        do { try execute("ROLLBACK") } catch {}
    }

    // MARK: - Configuration

    private func configure() throws {
        try enableWAL()
        try execute("PRAGMA foreign_keys=ON")
        try execute("PRAGMA synchronous=NORMAL")
        if try !hasFunction("sqrt(4.0)") {
            try registerSquareRoot(named: "sqrt")
        }
    }

    /// Switches the file to WAL mode (a persistent property of the file).
    ///
    /// The switch needs exclusive access, and SQLite answers `SQLITE_BUSY` at once, without
    /// calling the busy handler, when another connection holds a lock (several processes
    /// opening a fresh file together). So the current mode is read first (after the first
    /// open there is nothing to do), and a busy switch is retried with short sleeps for up to
    /// `busyTimeout` seconds.
    private func enableWAL() throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64((busyTimeout * 1000).rounded()))
        var pause: Int32 = 1
        while true {
            do {
                var mode = try scalar("PRAGMA journal_mode")?.string?.lowercased()
                if mode != "wal" && !(mode == "memory" && isInMemory) {
                    mode = try scalar("PRAGMA journal_mode=WAL")?.string?.lowercased()
                }
                guard mode == "wal" || (mode == "memory" && isInMemory) else {
                    throw DatabaseError(extendedResultCode: SQLITE_ERROR,
                                        message: "could not switch \(path) to WAL, journal_mode is \(mode ?? "unknown")",
                                        sql: "PRAGMA journal_mode=WAL")
                }
                return
            } catch let error as DatabaseError where error.resultCode == SQLITE_BUSY && ContinuousClock.now < deadline {
                _ = sqlite3_sleep(pause)  // returns the milliseconds slept; nothing to check
                pause = min(pause * 2, 50)
            }
        }
    }

    private var isInMemory: Bool { path == ":memory:" || path.isEmpty || path.hasPrefix("file::memory:") }

    /// Whether `SELECT call` compiles, i.e. the SQL function it calls exists.
    func hasFunction(_ call: String) throws -> Bool {
        let sql = "SELECT \(call)"
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        // Finalizing a statement that was only prepared reports nothing new.
        _ = sqlite3_finalize(statement)
        if rc == SQLITE_OK { return true }
        let message = String(cString: sqlite3_errmsg(handle))
        if rc == SQLITE_ERROR && message.hasPrefix("no such function") { return false }
        throw DatabaseError(extendedResultCode: rc, message: message, sql: sql)
    }

    /// Registers `name(x)` as the square root of `x` (NULL for NULL or negative `x`, as SQLite's
    /// built-in `sqrt`), for libraries compiled without `SQLITE_ENABLE_MATH_FUNCTIONS`.
    func registerSquareRoot(named name: String) throws {
        let rc = sqlite3_create_function_v2(
            handle, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, arguments in
                guard count == 1, let argument = arguments?[0],
                      sqlite3_value_type(argument) != SQLITE_NULL
                else {
                    sqlite3_result_null(context)
                    return
                }
                let x = sqlite3_value_double(argument)
                if x >= 0 {
                    sqlite3_result_double(context, x.squareRoot())
                } else {
                    sqlite3_result_null(context)
                }
            },
            nil, nil, nil)
        try check(rc, sql: nil)
    }

    // MARK: - Preparing, binding, stepping

    /// Prepares each statement of `sql` in turn and passes it to `body`; finalizes each one
    /// before moving on, also when `body` throws.
    private func forEachStatement(in sql: String, _ body: (OpaquePointer) throws -> Void) throws {
        try sql.withCString { start in
            var cursor = start
            while cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(handle, cursor, -1, &statement, &tail)
                defer { _ = sqlite3_finalize(statement) }  // nil-safe; repeats a step error already thrown
                guard rc == SQLITE_OK else {
                    throw error(rc, sql: String(cString: cursor))
                }
                guard let tail, tail != cursor else { break }
                cursor = tail
                if let statement {  // nil for a stretch of only whitespace or comments
                    try body(statement)
                }
            }
        }
    }

    /// Prepares exactly one statement, binds `bindings`, runs `body`, finalizes (also on throw).
    /// SQL with a second statement is refused before anything runs.
    private func withStatement<T>(_ sql: String, _ bindings: [SQLValue], _ body: (OpaquePointer) throws -> T) throws -> T {
        try sql.withCString { start in
            var prepared: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(handle, start, -1, &prepared, &tail)
            defer { _ = sqlite3_finalize(prepared) }  // nil-safe; repeats a step error already thrown
            guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
            guard let statement = prepared else { throw misuse("no SQL statement to run", sql: sql) }
            if let tail, try containsStatement(tail) {
                throw misuse("expected one SQL statement, found more after \"\(text(of: statement))\"", sql: sql)
            }
            try requireBindings(statement, count: bindings.count)
            try bind(bindings, to: statement)
            return try body(statement)
        }
    }

    /// Whether the rest of an SQL string holds a statement (not just whitespace and comments).
    private func containsStatement(_ rest: UnsafePointer<CChar>) throws -> Bool {
        var cursor = rest
        while cursor.pointee != 0 {
            switch UInt8(bitPattern: cursor.pointee) {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x3B:  // whitespace and ';'
                cursor += 1
                continue
            default:
                break
            }
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(handle, cursor, -1, &statement, &tail)
            _ = sqlite3_finalize(statement)  // only prepared, never run: nothing to report
            guard rc == SQLITE_OK else { throw error(rc, sql: String(cString: cursor)) }
            if statement != nil { return true }
            guard let tail, tail != cursor else { return false }
            cursor = tail
        }
        return false
    }

    private func requireBindings(_ statement: OpaquePointer, count: Int) throws {
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected == count else {
            throw misuse("statement has \(expected) parameter\(expected == 1 ? "" : "s"), got \(count) binding\(count == 1 ? "" : "s")",
                         sql: text(of: statement))
        }
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(statement, index)
            case .integer(let v):
                rc = sqlite3_bind_int64(statement, index, v)
            case .real(let v):
                rc = sqlite3_bind_double(statement, index, v)
            case .text(let s):
                var s = s
                rc = s.withUTF8 { bytes -> Int32 in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, index, "", 0, SQLITE_TRANSIENT)
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text64(statement, index, $0, sqlite3_uint64(bytes.count), SQLITE_TRANSIENT,
                                            UInt8(SQLITE_UTF8))
                    }
                }
            case .blob(let b):
                if b.isEmpty {
                    // A nil pointer would bind NULL; an empty blob is a zero-length blob.
                    rc = sqlite3_bind_zeroblob(statement, index, 0)
                } else {
                    rc = b.withUnsafeBytes {
                        sqlite3_bind_blob64(statement, index, $0.baseAddress, sqlite3_uint64($0.count), SQLITE_TRANSIENT)
                    }
                }
            }
            try check(rc, sql: text(of: statement))
        }
    }

    /// Steps `statement` to completion; returns its rows when `collect` is set.
    private func step(_ statement: OpaquePointer, collect: Bool) throws -> [Row] {
        let count = sqlite3_column_count(statement)
        var names: [String] = []
        if collect {
            for i in 0..<count {
                guard let name = sqlite3_column_name(statement, i) else {
                    throw error(SQLITE_NOMEM, sql: text(of: statement))
                }
                names.append(String(cString: name))
            }
        }
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw error(rc, sql: text(of: statement)) }
            if collect {
                var values: [SQLValue] = []
                values.reserveCapacity(Int(count))
                for i in 0..<count {
                    values.append(try column(i, of: statement))
                }
                rows.append(Row(columns: names, values: values))
            }
        }
    }

    private func column(_ i: Int32, of statement: OpaquePointer) throws -> SQLValue {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_NULL:
            return .null
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, i))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, i))
        case SQLITE_BLOB:
            let bytes = sqlite3_column_blob(statement, i)  // before column_bytes, as SQLite advises
            let n = Int(sqlite3_column_bytes(statement, i))
            guard n > 0 else { return .blob([]) }
            guard let bytes else { throw error(SQLITE_NOMEM, sql: text(of: statement)) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: n)))
        default:  // SQLITE_TEXT
            let chars = sqlite3_column_text(statement, i)
            let n = Int(sqlite3_column_bytes(statement, i))
            guard let chars else {
                if n == 0 && sqlite3_errcode(handle) != SQLITE_NOMEM { return .text("") }
                throw error(SQLITE_NOMEM, sql: text(of: statement))
            }
            return .text(String(decoding: UnsafeBufferPointer(start: chars, count: n), as: UTF8.self))
        }
    }

    // MARK: - Errors

    /// Throws unless `rc` is `SQLITE_OK`.
    private func check(_ rc: Int32, sql: String?) throws {
        guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
    }

    /// The error for result code `rc`, with the connection's current message.
    private func error(_ rc: Int32, sql: String?) -> DatabaseError {
        DatabaseError(extendedResultCode: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    private func misuse(_ message: String, sql: String) -> DatabaseError {
        DatabaseError(extendedResultCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// The SQL text a statement was prepared from.
    private func text(of statement: OpaquePointer) -> String {
        sqlite3_sql(statement).map { String(cString: $0) } ?? ""
    }
}
