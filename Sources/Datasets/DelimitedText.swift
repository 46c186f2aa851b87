/// Line and field splitting shared by the CSV/TSV embedding reader and the pair reader.
///
/// Lines end at `\n`; a trailing `\r` is dropped (CRLF files); a UTF-8 byte-order mark at the
/// start is skipped. Fields are separated by one delimiter byte and trimmed of spaces and tabs
/// (tabs only when they are not the delimiter). A field may be wrapped in double quotes, with
/// `""` for a literal quote; a quoted field cannot span lines. Bytes that are not valid UTF-8
/// turn into U+FFFD and so fail any numeric parse rather than crash.
struct DelimitedText {
    let bytes: [UInt8]
    let delimiter: UInt8

    /// Calls `body(lineNumber, fields)` for each line that is not blank (1-based line numbers).
    func forEachLine(_ body: (Int, [String]) throws -> Void) throws(FieldError) {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var lineNumber = 0
        while start <= bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var stop = end
            if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
            if !isBlank(start, stop) {
                let fields = try splitFields(start, stop, line: lineNumber)
                do { try body(lineNumber, fields) } catch let e as FieldError { throw e } catch {
                    throw FieldError(line: lineNumber, message: "\(error)", underlying: error)
                }
            }
            if end >= bytes.count { break }
            start = end + 1
        }
    }

    /// A failure inside the splitter, or an error thrown by the caller's body (passed through).
    struct FieldError: Error {
        var line: Int
        var message: String
        var underlying: (any Error)? = nil
    }

    private func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b == 0x09 && delimiter != 0x09)
    }

    private func isBlank(_ start: Int, _ stop: Int) -> Bool {
        var k = start
        while k < stop { if !(bytes[k] == 0x20 || bytes[k] == 0x09) { return false }; k += 1 }
        return true
    }

    private func splitFields(_ start: Int, _ stop: Int, line: Int) throws(FieldError) -> [String] {
        var fields: [String] = []
        var k = start
        while true {
            while k < stop, isSpace(bytes[k]) { k += 1 }
            if k < stop, bytes[k] == 0x22 {
                // quoted field
                k += 1
                var content: [UInt8] = []
                var closed = false
                while k < stop {
                    if bytes[k] == 0x22 {
                        if k + 1 < stop, bytes[k + 1] == 0x22 { content.append(0x22); k += 2; continue }
                        k += 1
                        closed = true
                        break
                    }
                    content.append(bytes[k])
                    k += 1
                }
                guard closed else {
                    throw FieldError(line: line, message: "unterminated quoted field in column \(fields.count)")
                }
                while k < stop, isSpace(bytes[k]) { k += 1 }
                guard k == stop || bytes[k] == delimiter else {
                    throw FieldError(line: line, message: "unexpected text after the closing quote in column \(fields.count)")
                }
                fields.append(String(decoding: content, as: UTF8.self))
            } else {
                let fieldStart = k
                while k < stop, bytes[k] != delimiter { k += 1 }
                var fieldEnd = k
                while fieldEnd > fieldStart, isSpace(bytes[fieldEnd - 1]) { fieldEnd -= 1 }
                fields.append(String(decoding: bytes[fieldStart..<fieldEnd], as: UTF8.self))
            }
            if k >= stop { break }
            k += 1  // skip the delimiter; a delimiter at the end of the line yields an empty last field
        }
        return fields
    }
}

/// Quotes a field for error messages: `"abc"`, cut to 40 characters, control characters
/// escaped (see `printable`) so the message stays on one line.
func quoted(_ field: String) -> String {
    "\"" + excerpt(field) + "\""
}

/// A field for an error message, unquoted: cut to 40 characters, control characters escaped.
func excerpt(_ field: String) -> String {
    printable(field.count > 40 ? String(field.prefix(40)) + "…" : field)
}

/// `Float(field)`, except that a field containing a NUL byte is not a number: the standard
/// library's parser stops at the first NUL, so `Float("1\0abc")` is 1.
func parseFloat(_ field: String) -> Float? {
    field.utf8.contains(0) ? nil : Float(field)
}

/// `Double(field)`, refusing a NUL byte as `parseFloat` does.
func parseDouble(_ field: String) -> Double? {
    field.utf8.contains(0) ? nil : Double(field)
}

/// `text` with control characters (C0, DEL, C1 and the Unicode line and paragraph separators)
/// written as `\u{d}`: text from a file, such as a lone carriage return inside a CSV line,
/// must not break a one-line error message or drive the terminal.
func printable(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
        if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" {
            out += "\\u{" + String(u.value, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}
