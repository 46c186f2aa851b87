import Foundation

/// A parsed JSON value that keeps integers and floating-point numbers apart.
public enum JSONValue: Equatable, Hashable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses UTF-8 JSON (RFC 8259); a syntax error names the line and column.
    /// Integers without a fraction or exponent stay `.int`; nesting deeper than 256 is refused.
    public static func parse(_ data: Data) throws -> JSONValue {
        var parser = JSONParser(bytes: [UInt8](data))
        return try parser.parseDocument()
    }

    /// Compact JSON with sorted keys: the canonical text used for hashing and storage.
    public var canonical: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isFinite && d == d.rounded() && Swift.abs(d) < 1e15 { return String(format: "%.1f", d) }
            return d.isFinite ? "\(d)" : "null"
        case .string(let s): return JSONValue.quote(s)
        case .array(let a): return "[" + a.map(\.canonical).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { JSONValue.quote($0) + ":" + o[$0]!.canonical }.joined(separator: ",") + "}"
        }
    }

    public var description: String { canonical }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Converts an `Encodable` value to a `JSONValue` (through JSONEncoder).
    public static func encode<T: Encodable>(_ value: T) -> JSONValue {
        let data = try! JSONEncoder().encode(value)  // plain structs always encode
        return try! parse(data)
    }

    /// Decodes a `Decodable` from this value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(canonical.utf8))
    }

    /// Object members, or nil.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    /// Array elements, or nil.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// A number as Double, or nil.
    public var numberValue: Double? {
        switch self { case .int(let i): return Double(i); case .double(let d): return d; default: return nil }
    }
    /// An integer (also from a float with an integral value), or nil.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && Swift.abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
    /// A string, or nil.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
}
