/// The parsed header dictionary of a `.npy` file: `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (100, 384), }`.
///
/// The header is a Python literal. This parser accepts the subset NumPy writes and a little
/// more (either quote style, arbitrary whitespace, trailing commas, Python 2 `L` suffixes on
/// integers, extra keys, which are ignored) and refuses everything else with a message that
/// names the offset. Nesting depth is capped so hostile input cannot exhaust the stack.
struct NpyHeader: Equatable {
    /// The dtype descriptor, e.g. `<f4`; `nil` when `descr` is not a plain string
    /// (a structured dtype, which we refuse).
    var descr: String?
    /// Whether the array is stored column-major.
    var fortranOrder: Bool
    /// The shape tuple.
    var shape: [Int]

    /// A parse failure; the caller wraps it into a `DataError` naming the file.
    struct ParseError: Error { var message: String }

    /// A Python literal value as it can appear in a header.
    indirect enum Value: Equatable {
        case string(String), bool(Bool), int(Int), none
        case tuple([Value]), list([Value]), dict([(String, Value)])

        static func == (l: Value, r: Value) -> Bool {
            switch (l, r) {
            case let (.string(a), .string(b)): return a == b
            case let (.bool(a), .bool(b)): return a == b
            case let (.int(a), .int(b)): return a == b
            case (.none, .none): return true
            case let (.tuple(a), .tuple(b)), let (.list(a), .list(b)): return a == b
            case let (.dict(a), .dict(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }
    }

    /// Parses the header text (after the length field, including trailing padding and `\n`).
    static func parse(_ text: String) throws(ParseError) -> NpyHeader {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.bytes.count else {
            throw ParseError(message: "unexpected text after the header dictionary at offset \(parser.pos)")
        }
        guard case let .dict(entries) = value else {
            throw ParseError(message: "header is not a dictionary")
        }
        func lookup(_ key: String) throws(ParseError) -> Value {
            guard let v = entries.first(where: { $0.0 == key })?.1 else {
                throw ParseError(message: "header lacks the key '\(key)'")
            }
            return v
        }
        let descrValue = try lookup("descr")
        var descr: String? = nil
        if case let .string(s) = descrValue { descr = s }
        guard case let .bool(fortran) = try lookup("fortran_order") else {
            throw ParseError(message: "header 'fortran_order' is not True or False")
        }
        guard case let .tuple(dims) = try lookup("shape") else {
            throw ParseError(message: "header 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for d in dims {
            guard case let .int(n) = d else { throw ParseError(message: "header 'shape' holds a non-integer") }
            shape.append(n)
        }
        return NpyHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    /// A shape written the way Python prints it: `(5,)`, `(100, 384)`, `()`.
    static func format(shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    // MARK: - Tokenising parser

    private struct Parser {
        let bytes: [UInt8]
        var pos = 0
        static let maxDepth = 16

        mutating func skipSpace() {
            while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
        }

        func fail(_ what: String) -> ParseError {
            ParseError(message: "malformed header: \(what) at offset \(pos)")
        }

        mutating func expect(_ c: UInt8) throws(ParseError) {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == c else {
                throw fail("expected '\(Character(Unicode.Scalar(c)))'")
            }
            pos += 1
        }

        mutating func parseValue(depth: Int) throws(ParseError) -> Value {
            guard depth < Parser.maxDepth else { throw fail("nesting too deep") }
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                var entries: [(String, Value)] = []
                while true {
                    skipSpace()
                    if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
                    guard case let .string(key) = try parseValue(depth: depth + 1) else {
                        throw fail("dictionary key is not a string")
                    }
                    try expect(UInt8(ascii: ":"))
                    let v = try parseValue(depth: depth + 1)
                    entries.append((key, v))
                    skipSpace()
                    guard pos < bytes.count else { throw fail("unterminated dictionary") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
                    throw fail("expected ',' or '}'")
                }
                return .dict(entries)
            case UInt8(ascii: "("), UInt8(ascii: "["):
                let close = bytes[pos] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                let isTuple = close == UInt8(ascii: ")")
                pos += 1
                var items: [Value] = []
                var sawComma = false
                while true {
                    skipSpace()
                    if pos < bytes.count, bytes[pos] == close { pos += 1; break }
                    items.append(try parseValue(depth: depth + 1))
                    skipSpace()
                    guard pos < bytes.count else { throw fail("unterminated sequence") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; sawComma = true; continue }
                    if bytes[pos] == close { pos += 1; break }
                    throw fail("expected ',' or closing bracket")
                }
                // `(5)` is the integer 5 in Python, not a tuple.
                if isTuple, items.count == 1, !sawComma { return items[0] }
                return isTuple ? .tuple(items) : .list(items)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let quote = bytes[pos]
                pos += 1
                let start = pos
                while pos < bytes.count, bytes[pos] != quote {
                    if bytes[pos] == UInt8(ascii: "\\") { throw fail("escape sequences are not supported") }
                    pos += 1
                }
                guard pos < bytes.count else { throw fail("unterminated string") }
                let s = String(decoding: bytes[start..<pos], as: UTF8.self)
                pos += 1
                return .string(s)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = pos
                if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                let digitsStart = pos
                while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
                guard pos > digitsStart else { throw fail("expected digits") }
                let text = String(decoding: bytes[start..<pos], as: UTF8.self)
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "L") || bytes[pos] == UInt8(ascii: "l") { pos += 1 }
                guard let n = Int(text) else {
                    pos = start
                    throw fail("integer \(text.prefix(40)) is too large")
                }
                return .int(n)
            default:
                let start = pos
                while pos < bytes.count, isIdentifierByte(bytes[pos]) { pos += 1 }
                switch String(decoding: bytes[start..<pos], as: UTF8.self) {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    pos = start
                    throw fail("unexpected character")
                }
            }
        }

        func isIdentifierByte(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "_")
        }
    }
}
