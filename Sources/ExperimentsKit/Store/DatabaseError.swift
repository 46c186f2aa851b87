/// A failed SQLite call: the result code, SQLite's own message, and the SQL that failed.
///
/// `description` is one line, for example
/// `SQLite error 19 (UNIQUE constraint failed: runs.key) in INSERT INTO runs (key) VALUES (?)`.
/// Whitespace in the SQL is collapsed, and SQL longer than ``maxSQLLength`` characters is cut
/// with `…` (``sql`` keeps the full text).
public struct DatabaseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The primary result code (`SQLITE_CONSTRAINT` is 19, `SQLITE_BUSY` 5, …).
    public var resultCode: Int32 { extendedResultCode & 0xFF }
    /// The extended result code (for example 2067, `SQLITE_CONSTRAINT_UNIQUE`).
    public let extendedResultCode: Int32
    /// SQLite's own message for the failure (or, for misuse detected by the wrapper, its own).
    public let message: String
    /// The statement that failed, or `nil` when no statement was involved (opening a file).
    public let sql: String?

    /// The longest SQL shown in `description`.
    public static let maxSQLLength = 240

    /// An error with an extended result code, a message and the failing SQL.
    public init(extendedResultCode: Int32, message: String, sql: String?) {
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
    }

    /// One line: code, message and the (shortened) SQL.
    public var description: String {
        var line = "SQLite error \(resultCode) (\(message))"
        if let sql {
            line += " in " + Self.oneLine(sql)
        }
        return line
    }

    /// `sql` with runs of whitespace collapsed to one space and cut to `maxSQLLength`.
    static func oneLine(_ sql: String) -> String {
        let collapsed = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard collapsed.count > maxSQLLength else { return collapsed }
        return String(collapsed.prefix(maxSQLLength)) + "…"
    }
}
