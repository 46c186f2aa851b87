import Foundation

/// Loads labelled pairs from a CSV file with a header naming the columns `i`, `j` and `label`.
///
/// Columns may come in any order and other columns are ignored; header names are matched
/// after trimming, case-insensitively. `i` and `j` are 0-based item indices (rows of the
/// embedding matrix); `label` is `0` or `1` (numeric spellings equal to 0 or 1, such as `1.0`,
/// are accepted). A pair of an item with itself is allowed.
///
/// Refused with a one-line `DataError` (naming the 1-based line where there is one): a
/// missing file, an empty file, a header without `i`, `j` or `label`, a line with a different
/// number of fields than the header, an index that is not an integer or is outside
/// `0..<itemCount`, a label other than 0/1, a duplicate pair and a contradictory pair
/// (`(i, j)` and `(j, i)` are the same unordered pair; both lines are named), and a file with
/// no pairs (an empty split).
public enum PairLoader {
    /// Loads the pairs in `path`, checking indices against `itemCount` embedding rows.
    public static func load(path: String, itemCount: Int) throws -> PairSet {
        try loadWithLines(path: path, itemCount: itemCount).pairs
    }

    /// Parses pair CSV held in memory; `source` names it in error messages.
    public static func decode(_ data: Data, itemCount: Int, source: String = "<memory>") throws -> PairSet {
        try read(MemoryBytes(source: source, data: data), itemCount: itemCount).pairs
    }

    /// The pairs and the 1-based line each came from.
    /// Loads pairs to be scored: the header needs `i` and `j`; a `label` column is optional
    /// (labels are read when present, else 0), and repeated pairs are allowed.
    public static func loadUnlabelled(path: String, itemCount: Int) throws -> PairSet {
        try read(FileBytes(path: path), itemCount: itemCount, forScoring: true).pairs
    }

    static func loadWithLines(path: String, itemCount: Int) throws -> (pairs: PairSet, lines: [Int]) {
        try read(FileBytes(path: path), itemCount: itemCount)
    }

    static func read(_ src: some ByteSource, itemCount: Int, forScoring: Bool = false) throws -> (pairs: PairSet, lines: [Int]) {
        let file = src.source
        let bytes = try src.allBytes()
        let text = DelimitedText(bytes: bytes, delimiter: UInt8(ascii: ","))
        var columns: (i: Int, j: Int, label: Int, count: Int)? = nil
        var pairs = PairSet()
        var lines: [Int] = []
        var seen: [PairKey: (line: Int, label: Float)] = [:]
        do {
            try text.forEachLine { line, fields in
                guard let col = columns else {
                    columns = try headerColumns(fields, file: file, line: line, labelOptional: forScoring)
                    return
                }
                guard fields.count == col.count else {
                    throw DataError(file: file, line: line, "expected \(col.count) fields as in the header, got \(fields.count)")
                }
                let a = try index(fields[col.i], name: "i", itemCount: itemCount, file: file, line: line)
                let b = try index(fields[col.j], name: "j", itemCount: itemCount, file: file, line: line)
                let l = col.label < 0 ? 0 : try label(fields[col.label], file: file, line: line)
                if forScoring {
                    pairs.append(a, b, label: l)
                    lines.append(line)
                    return
                }
                let key = PairKey(a, b)
                if let previous = seen[key] {
                    if previous.label == l {
                        throw DataError(file: file, line: line,
                                        "duplicate pair (\(a), \(b)): line \(previous.line) already lists it")
                    }
                    throw DataError(file: file, line: line,
                                    "contradictory pair (\(a), \(b)): label \(Int(l)) here, \(Int(previous.label)) on line \(previous.line)")
                }
                seen[key] = (line, l)
                pairs.append(a, b, label: l)
                lines.append(line)
            }
        } catch {
            if let e = error.underlying as? DataError { throw e }
            throw DataError(file: file, line: error.line, error.message)
        }
        guard columns != nil else {
            throw DataError(file: file, "empty file (expected a header line with columns i, j, label)")
        }
        guard pairs.count > 0 else {
            throw DataError(file: file, "no pairs after the header (empty split)")
        }
        return (pairs, lines)
    }

    private static func headerColumns(_ fields: [String], file: String, line: Int,
                                      labelOptional: Bool = false) throws -> (i: Int, j: Int, label: Int, count: Int) {
        let names = fields.map { $0.lowercased() }
        var found: [String: Int] = [:]
        for name in ["i", "j", "label"] {
            let hits = names.indices.filter { names[$0] == name }
            if hits.count > 1 { throw DataError(file: file, line: line, "column '\(name)' appears more than once in the header") }
            if let h = hits.first { found[name] = h }
        }
        if labelOptional && found["label"] == nil { found["label"] = -1 }
        let missing = ["i", "j", "label"].filter { found[$0] == nil }
        guard missing.isEmpty else {
            let shown = fields.prefix(10).map(quoted).joined(separator: ", ")
            throw DataError(file: file, line: line,
                            "header must name columns i, j and label; missing \(missing.joined(separator: ", ")) (found \(shown))")
        }
        return (found["i"]!, found["j"]!, found["label"]!, fields.count)
    }

    private static func index(_ field: String, name: String, itemCount: Int, file: String, line: Int) throws -> Int {
        guard let v = Int(field) else {
            throw DataError(file: file, line: line, "\(name) must be an integer item index, got \(quoted(field))")
        }
        guard v >= 0, v < itemCount else {
            throw DataError(file: file, line: line, "\(name) = \(v) is out of range (the embeddings have \(itemCount) items, 0..<\(itemCount))")
        }
        return v
    }

    private static func label(_ field: String, file: String, line: Int) throws -> Float {
        switch parseDouble(field) {
        case 0?: return 0
        case 1?: return 1
        default: throw DataError(file: file, line: line, "label must be 0 or 1, got \(quoted(field))")
        }
    }
}
