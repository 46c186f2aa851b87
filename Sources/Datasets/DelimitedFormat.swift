import Foundation
import TensorCore

/// Reads CSV and TSV files holding a numeric matrix, one item per line.
///
/// The delimiter is `,` for CSV and a tab for TSV (`EmbeddingLoader` chooses by extension).
/// Blank lines are skipped; see `DelimitedText` for quoting, CRLF and trimming rules.
///
/// **Header detection:** the first non-blank line is taken as a header, and skipped, when
/// *none* of its fields parses as a number; if any field parses, the line is data, and a
/// non-numeric field in it is an error. Every data line must have as many fields as the first
/// data line. Refused with a one-line `DataError` naming the 1-based line: a cell that is not a
/// number (0-based column), a ragged line, NaN or ±Inf (also naming the 0-based row and
/// column), and a file with no data rows.
public enum DelimitedFormat {
    /// Loads a numeric matrix from the delimited text file at `path`.
    public static func load(path: String, delimiter: Character) throws -> Matrix {
        try read(FileBytes(path: path), delimiter: delimiter)
    }

    /// Decodes delimited text held in memory; `source` names it in error messages.
    public static func decode(_ data: Data, delimiter: Character, source: String = "<memory>") throws -> Matrix {
        try read(MemoryBytes(source: source, data: data), delimiter: delimiter)
    }

    static func read(_ src: some ByteSource, delimiter: Character) throws -> Matrix {
        guard let d = delimiter.asciiValue else {
            throw DataError(file: src.source, "delimiter must be one ASCII character")
        }
        let text = DelimitedText(bytes: try src.allBytes(), delimiter: d)
        var values: [Float] = []
        var cols = -1
        var firstDataLine = 0
        var rows = 0
        var sawFirstLine = false
        do {
            try text.forEachLine { line, fields in
                if !sawFirstLine {
                    sawFirstLine = true
                    if fields.allSatisfy({ parseFloat($0) == nil }) { return }  // header
                }
                if cols < 0 {
                    cols = fields.count
                    firstDataLine = line
                    values.reserveCapacity(Swift.min(text.bytes.count / 8, 1 << 24))
                } else if fields.count != cols {
                    throw DataError(file: src.source, line: line,
                                    "expected \(cols) fields (as on line \(firstDataLine)), got \(fields.count)")
                }
                for (c, field) in fields.enumerated() {
                    guard let v = parseFloat(field) else {
                        throw DataError(file: src.source, line: line, "column \(c): expected a number, got \(quoted(field))")
                    }
                    guard v.isFinite else {
                        throw DataError(file: src.source, line: line, "non-finite value \(excerpt(field)) at row \(rows), column \(c)")
                    }
                    values.append(v)
                }
                rows += 1
            }
        } catch {
            if let e = error.underlying as? DataError { throw e }
            throw DataError(file: src.source, line: error.line, error.message)
        }
        guard rows > 0 else {
            throw DataError(file: src.source, "no data rows (expected a numeric matrix, one item per line)")
        }
        return Matrix(rows: rows, cols: cols, data: values)
    }
}
