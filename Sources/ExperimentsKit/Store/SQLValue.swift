/// A value stored in, bound to, or read from an SQLite statement: one of SQLite's five storage
/// classes.
///
/// Numerical caveat: SQLite cannot store a NaN. Binding `.real(.nan)` stores NULL, and a NULL
/// reads back as `.null`. Infinities are stored as they are. Code that must round-trip NaN
/// keeps it out of band (the result store's `metrics.kind` column does this).
public enum SQLValue: Equatable, Hashable, Sendable {
    /// SQL `NULL`.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE 754 double.
    case real(Double)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])

    /// Whether the value is `NULL`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The integer, or `nil` if the value is not an integer.
    public var int64: Int64? {
        if case .integer(let v) = self { return v }
        return nil
    }

    /// The value as a `Double`: reals as they are, integers converted; `nil` for anything else.
    public var double: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }

    /// The text, or `nil` if the value is not text.
    public var string: String? {
        if case .text(let v) = self { return v }
        return nil
    }

    /// The bytes, or `nil` if the value is not a blob.
    public var blob: [UInt8]? {
        if case .blob(let v) = self { return v }
        return nil
    }
}

// MARK: - Literals

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral
{
    /// `nil` is SQL `NULL`.
    public init(nilLiteral: ()) { self = .null }
    /// An integer literal is `.integer`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// A float literal is `.real`.
    public init(floatLiteral value: Double) { self = .real(value) }
    /// A string literal is `.text`.
    public init(stringLiteral value: String) { self = .text(value) }
}

// MARK: - Conversions

extension SQLValue {
    /// An integer value, from a Swift `Int`.
    public init(_ value: Int) { self = .integer(Int64(value)) }
    /// A real value, from a Swift `Double` (NaN is stored as NULL by SQLite).
    public init(_ value: Double) { self = .real(value) }
    /// A text value.
    public init(_ value: String) { self = .text(value) }
    /// `.null` for `nil`, otherwise the text.
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    /// `.null` for `nil`, otherwise the real.
    public init(_ value: Double?) { self = value.map(SQLValue.real) ?? .null }
}

extension SQLValue: CustomStringConvertible {
    /// The value as an SQL literal would show it (blobs as `X'…'` hex).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return "'" + v.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .blob(let v):
            let hex = v.map { b -> String in
                let s = String(b, radix: 16, uppercase: true)
                return s.count == 1 ? "0" + s : s
            }
            return "X'" + hex.joined() + "'"
        }
    }
}
