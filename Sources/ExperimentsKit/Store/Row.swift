/// One row of a query result: the values, and the column names to find them by.
public struct Row: Equatable, Sendable {
    /// Column names, in the order of the `SELECT` list.
    public let columns: [String]
    /// Values, one per column.
    public let values: [SQLValue]

    /// A row of `values` named by `columns` (the same length).
    public init(columns: [String], values: [SQLValue]) {
        precondition(columns.count == values.count,
                     "Row: \(columns.count) column names for \(values.count) values")
        self.columns = columns
        self.values = values
    }

    /// The value in column `index` (0-based; out of range is a programming error and traps).
    public subscript(_ index: Int) -> SQLValue {
        precondition(values.indices.contains(index),
                     "Row: column index \(index) out of range, the row has \(values.count) columns \(columns)")
        return values[index]
    }

    /// The value of the first column named `name` (exact match, then case-insensitive, as
    /// SQLite compares names). Asking for a column the query did not select traps.
    public subscript(_ name: String) -> SQLValue {
        guard let value = value(named: name) else {
            preconditionFailure("Row: no column named \"\(name)\"; the row has \(columns)")
        }
        return value
    }

    /// The value of the first column named `name`, or `nil` if there is no such column.
    public func value(named name: String) -> SQLValue? {
        if let i = columns.firstIndex(of: name) { return values[i] }
        let lower = name.lowercased()
        if let i = columns.firstIndex(where: { $0.lowercased() == lower }) { return values[i] }
        return nil
    }
}
