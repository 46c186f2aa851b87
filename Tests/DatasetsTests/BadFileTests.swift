import Foundation
import Testing
import TensorCore
@testable import Datasets

/// One refused input: the file to write (nil: leave it missing), which loader reads it, and the
/// exact one-line message expected, with `$F` standing for the file's path.
struct BadFile: Sendable, CustomTestStringConvertible {
    enum Loader: Sendable { case embeddings, pairs(itemCount: Int) }
    var name: String
    var fileName: String
    var bytes: [UInt8]?
    var loader: Loader = .embeddings
    var expected: String
    var testDescription: String { name }

    init(_ name: String, _ fileName: String, _ bytes: [UInt8]?, _ expected: String) {
        self.name = name; self.fileName = fileName; self.bytes = bytes; self.expected = expected
    }
    init(_ name: String, _ fileName: String, _ bytes: [UInt8]?, _ loader: Loader, _ expected: String) {
        self.init(name, fileName, bytes, expected)
        self.loader = loader
    }
    init(_ name: String, _ fileName: String, text: String, _ expected: String) {
        self.init(name, fileName, Array(text.utf8), expected)
    }
    init(_ name: String, _ fileName: String, text: String, _ loader: Loader, _ expected: String) {
        self.init(name, fileName, Array(text.utf8), loader, expected)
    }
}

let sixFloats = f32Bytes([1, 2, 3, 4, 5, 6])
let pairs10 = BadFile.Loader.pairs(itemCount: 10)

let badFiles: [BadFile] = makeBadFiles()

func cat(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }

func makeBadFiles() -> [BadFile] {
    var list: [BadFile] = []
    // .npy
    list.append(BadFile("npy: missing file", "missing.npy", nil, "$F: file not found"))
    list.append(BadFile("npy: empty file", "empty.npy", [], "$F: empty file (expected a .npy array)"))
    list.append(BadFile("npy: wrong magic", "magic.npy", Array("NUMPY-ish file".utf8), "$F: not a .npy file (missing \\x93NUMPY magic)"))
    list.append(BadFile("npy: truncated data", "short.npy", npyBytes(shape: "(4, 3)", payload: Array(sixFloats[0..<20])),
            "$F: truncated: shape (4, 3) of '<f4' needs 48 data bytes, file has 20"))
    list.append(BadFile("npy: truncated header", "shorthdr.npy", Array(npyBytes(payload: sixFloats)[0..<40]),
            "$F: truncated header: needs 118 bytes, file has 30 after the length field"))
    list.append(BadFile("npy: truncated before the header length", "tiny.npy", cat([0x93], Array("NUMPY".utf8), [1, 0]), "$F: truncated header (8 bytes)"))
    list.append(BadFile("npy: trailing bytes", "long.npy", npyBytes(payload: cat(sixFloats, [0, 0, 0, 0])),
            "$F: 4 unexpected bytes after the data of shape (2, 3) of '<f4'"))
    list.append(BadFile("npy: big-endian", "be.npy", npyBytes(descr: ">f4", payload: sixFloats),
            "$F: big-endian dtype '>f4' is not supported (expected '<f4' or '<f8'; convert with arr.astype('<f4'))"))
    list.append(BadFile("npy: Fortran order", "fortran.npy", npyBytes(fortran: true, payload: sixFloats),
            "$F: Fortran-order arrays are not supported (expected fortran_order False; save np.ascontiguousarray(arr))"))
    list.append(BadFile("npy: int32 dtype", "int.npy", npyBytes(descr: "<i4", payload: sixFloats),
            "$F: unsupported dtype '<i4' (expected '<f4' or '<f8')"))
    list.append(BadFile("npy: float16 dtype", "half.npy", npyBytes(descr: "<f2", payload: sixFloats),
            "$F: unsupported dtype '<f2' (expected '<f4' or '<f8')"))
    list.append(BadFile("npy: structured dtype", "struct.npy",
            npyBytes(payload: sixFloats, dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }"),
            "$F: unsupported structured dtype (expected '<f4' or '<f8')"))
    list.append(BadFile("npy: 1-D array", "vector.npy", npyBytes(shape: "(6,)", payload: sixFloats),
            "$F: expected a 2-D array (items × dim), got shape (6,)"))
    list.append(BadFile("npy: empty shape", "zero.npy", npyBytes(shape: "(0, 3)", payload: []),
            "$F: empty or negative shape (0, 3) (expected at least one row and one column)"))
    list.append(BadFile("npy: overflowing shape", "huge.npy", npyBytes(shape: "(4611686018427387904, 4)", payload: sixFloats),
            "$F: shape (4611686018427387904, 4) is too large"))
    list.append(BadFile("npy: shape larger than the file", "big.npy", npyBytes(shape: "(1000000, 1000000)", payload: sixFloats),
            "$F: truncated: shape (1000000, 1000000) of '<f4' needs 4000000000000 data bytes, file has 24"))
    list.append(BadFile("npy: integer beyond Int", "int-overflow.npy", npyBytes(shape: "(99999999999999999999, 3)", payload: sixFloats),
            "$F: malformed header: integer 99999999999999999999 is too large at offset 51"))
    list.append(BadFile("npy: header without shape", "noshape.npy", npyBytes(payload: sixFloats, dict: "{'descr': '<f4', 'fortran_order': False}"),
            "$F: header lacks the key 'shape'"))
    list.append(BadFile("npy: malformed header", "garbled.npy", npyBytes(payload: sixFloats, dict: "{'descr' '<f4'}"),
            "$F: malformed header: expected ':' at offset 9"))
    list.append(BadFile("npy: unknown version", "v9.npy", npyBytes(payload: sixFloats, major: 9),
            "$F: unsupported .npy format version 9.0 (expected 1.0, 2.0 or 3.0)"))
    list.append(BadFile("npy: NaN", "nan.npy", npyBytes(payload: f32Bytes([1, 2, 3, 4, 5, .nan])),
            "$F: non-finite value nan at row 1, column 2"))
    list.append(BadFile("npy: infinity in float64", "inf.npy", npyBytes(descr: "<f8", payload: f64Bytes([1, -.infinity, 3, 4, 5, 6])),
            "$F: non-finite value -inf at row 0, column 1"))
    list.append(BadFile("npy: float64 beyond Float32", "f8big.npy", npyBytes(descr: "<f8", payload: f64Bytes([1, 2, 3, 1e300, 5, 6])),
            "$F: value 1e+300 at row 1, column 0 does not fit in Float32"))
    // .fvecs
    list.append(BadFile("fvecs: inconsistent dimensions", "ragged.fvecs", cat(i32Bytes(3), f32Bytes([1, 2, 3]), i32Bytes(2), f32Bytes([4, 5])),
            "$F: vector 1 (byte offset 16): dimension 2 differs from the first vector's 3"))
    list.append(BadFile("fvecs: last vector cut short", "cut.fvecs", cat(i32Bytes(3), f32Bytes([1, 2, 3]), i32Bytes(3), f32Bytes([4])),
            "$F: truncated: vector 1 has 8 of its 16 bytes"))
    list.append(BadFile("fvecs: dimension larger than the file", "hugedim.fvecs", cat(i32Bytes(Int32.max), f32Bytes([1, 2, 3])),
            "$F: truncated: vector 0 has dimension 2147483647 and needs 8589934592 bytes, file has 16"))
    list.append(BadFile("fvecs: negative dimension", "negdim.fvecs", cat(i32Bytes(-1), f32Bytes([1])),
            "$F: vector 0: dimension -1 is not positive"))
    list.append(BadFile("fvecs: NaN", "nan.fvecs", cat(i32Bytes(2), f32Bytes([1, 2]), i32Bytes(2), f32Bytes([.nan, 4])),
            "$F: non-finite value nan at row 1, column 0"))
    list.append(BadFile("fvecs: empty", "empty.fvecs", [], "$F: empty file (expected vectors stored as int32 dimension + float32 values)"))
    // CSV / TSV embeddings
    list.append(BadFile("csv: missing column", "ragged.csv", text: "1,2,3\n4,5,6\n7,8\n", "$F:3: expected 3 fields (as on line 1), got 2"))
    list.append(BadFile("csv: non-numeric cell", "text.csv", text: "a,b\n1,2\n3,abc\n", "$F:3: column 1: expected a number, got \"abc\""))
    list.append(BadFile("csv: NaN", "nan.csv", text: "1,2\nnan,4\n", "$F:2: non-finite value nan at row 1, column 0"))
    list.append(BadFile("csv: empty cell", "hole.csv", text: "1,2\n3,\n", "$F:2: column 1: expected a number, got \"\""))
    list.append(BadFile("csv: header only", "headeronly.csv", text: "a,b\n", "$F: no data rows (expected a numeric matrix, one item per line)"))
    list.append(BadFile("csv: unterminated quote", "quote.csv", text: "1,2\n\"3,4\n", "$F:2: unterminated quoted field in column 0"))
    list.append(BadFile("tsv: missing column", "ragged.tsv", text: "1\t2\n3\n", "$F:2: expected 2 fields (as on line 1), got 1"))
    list.append(BadFile("unknown extension", "vectors.bin", [1, 2, 3],
            "$F: unsupported embeddings file extension '.bin' (expected .npy, .fvecs, .csv or .tsv)"))
    // pairs
    list.append(BadFile("pairs: missing file", "missing.csv", nil, pairs10, "$F: file not found"))
    list.append(BadFile("pairs: empty file", "empty.csv", [], pairs10, "$F: empty file (expected a header line with columns i, j, label)"))
    list.append(BadFile("pairs: header lacks label", "nolabel.csv", text: "i,j,weight\n1,2,0.5\n", pairs10,
            "$F:1: header must name columns i, j and label; missing label (found \"i\", \"j\", \"weight\")"))
    list.append(BadFile("pairs: no header", "noheader.csv", text: "1,2,1\n", pairs10,
            "$F:1: header must name columns i, j and label; missing i, j, label (found \"1\", \"2\", \"1\")"))
    list.append(BadFile("pairs: line with a missing column", "short.csv", text: "i,j,label\n1,2,1\n3,4\n", pairs10,
            "$F:3: expected 3 fields as in the header, got 2"))
    list.append(BadFile("pairs: non-integer index", "x.csv", text: "i,j,label\nx,2,1\n", pairs10, "$F:2: i must be an integer item index, got \"x\""))
    list.append(BadFile("pairs: index out of range", "range.csv", text: "label,j,i\n1,10,3\n", pairs10,
            "$F:2: j = 10 is out of range (the embeddings have 10 items, 0..<10)"))
    list.append(BadFile("pairs: negative index", "neg.csv", text: "i,j,label\n-1,2,1\n", pairs10,
            "$F:2: i = -1 is out of range (the embeddings have 10 items, 0..<10)"))
    list.append(BadFile("pairs: label 2", "label2.csv", text: "i,j,label\n0,1,1\n0,2,0\n0,3,1\n0,4,0\n0,5,1\n0,6,2\n", pairs10,
            "$F:7: label must be 0 or 1, got \"2\""))
    list.append(BadFile("pairs: duplicate pair (reversed order)", "dup.csv", text: "i,j,label\n1,2,1\n3,4,0\n2,1,1\n", pairs10,
            "$F:4: duplicate pair (2, 1): line 2 already lists it"))
    list.append(BadFile("pairs: contradictory pair", "contra.csv", text: "i,j,label\n1,2,1\n3,4,0\n1,2,0\n", pairs10,
            "$F:4: contradictory pair (1, 2): label 0 here, 1 on line 2"))
    list.append(BadFile("pairs: empty split", "nopairs.csv", text: "i,j,label\n\n", pairs10, "$F: no pairs after the header (empty split)"))
    list.append(BadFile("pairs: header names a column twice", "twice.csv", text: "i,j,label,i\n1,2,1,3\n", pairs10,
            "$F:1: column 'i' appears more than once in the header"))
    return list
}

@Suite("Bad data files are refused with one exact line")
struct BadFileTests {
    @Test(arguments: badFiles)
    func refused(_ bad: BadFile) throws {
        let dir = try TempDir()
        let path = dir.path(bad.fileName)
        if let bytes = bad.bytes { try dir.write(bad.fileName, bytes) }
        let line = errorLine {
            switch bad.loader {
            case .embeddings: _ = try EmbeddingLoader.load(path: path)
            case let .pairs(itemCount): _ = try PairLoader.load(path: path, itemCount: itemCount)
            }
        }
        #expect(line == bad.expected.replacingOccurrences(of: "$F", with: path))
        #expect(!line.contains("\n"))
    }

    @Test("a directory is not a data file")
    func directory() throws {
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path("d.npy"), withIntermediateDirectories: true)
        #expect(errorLine { _ = try EmbeddingLoader.load(path: dir.path("d.npy")) } == "\(dir.path("d.npy")): is a directory, expected a file")
    }

    @Test("DataError formats file:line: message")
    func description() {
        #expect(DataError(file: "data/x.npy", "unsupported dtype '<i4' (expected '<f4' or '<f8')").description
                == "data/x.npy: unsupported dtype '<i4' (expected '<f4' or '<f8')")
        #expect(DataError(file: "pairs.csv", line: 7, "label must be 0 or 1, got \"2\"").description
                == "pairs.csv:7: label must be 0 or 1, got \"2\"")
    }
}
