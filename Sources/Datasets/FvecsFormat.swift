import Foundation
import TensorCore

/// Reads and writes `.fvecs` files (the TEXMEX / FAISS benchmark format).
///
/// Each vector is stored as a little-endian `int32` dimension `d` followed by `d`
/// little-endian `float32` values; every vector must have the same, positive `d`. Refused
/// with a one-line `DataError`: an empty file, a dimension that is not positive or larger
/// than the file allows, a vector whose dimension differs from the first vector's (named by
/// 0-based vector number and byte offset), a last vector cut short, and NaN or ±Inf values.
///
/// Memory: one output buffer of `n·d` floats plus a 1 MiB read buffer.
public enum FvecsFormat {
    /// Loads the matrix stored in the `.fvecs` file at `path` (one row per vector).
    public static func load(path: String) throws -> Matrix {
        try read(FileBytes(path: path))
    }

    /// Decodes `.fvecs` bytes held in memory; `source` names them in error messages.
    public static func decode(_ data: Data, source: String = "<memory>") throws -> Matrix {
        try read(MemoryBytes(source: source, data: data))
    }

    static func read(_ src: some ByteSource) throws -> Matrix {
        func fail(_ message: String) -> DataError { DataError(file: src.source, message) }
        let size = src.size
        guard size > 0 else { throw fail("empty file (expected vectors stored as int32 dimension + float32 values)") }
        guard size >= 4 else { throw fail("truncated: vector 0 has \(size) of the 4 bytes of its dimension") }
        let first = try src.bytes(at: 0, count: 4, what: "the first dimension")
        let d32 = Int32(bitPattern: UInt32(first[0]) | UInt32(first[1]) << 8 | UInt32(first[2]) << 16 | UInt32(first[3]) << 24)
        guard d32 > 0 else { throw fail("vector 0: dimension \(d32) is not positive") }
        let dim = Int(d32)
        let record = 4 + 4 * dim          // cannot overflow: dim < 2^31
        guard record <= size else {
            throw fail("truncated: vector 0 has dimension \(dim) and needs \(record) bytes, file has \(size)")
        }
        let capacity = size / record
        let recordsPerChunk = Swift.max(1, (1 << 20) / record)
        var scratch = [UInt8](repeating: 0, count: Swift.min(recordsPerChunk * record, size))  // no 1 MiB for a tiny file
        var rows = 0
        let values = try [Float](unsafeUninitializedCapacity: capacity * dim) { out, initialized in
            var offset = 0
            while offset < size {
                let want = Swift.min(recordsPerChunk * record, size - offset)
                let got = try scratch.withUnsafeMutableBytes { raw in
                    try src.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]))
                }
                guard got == want else { throw fail("truncated: read ended early at byte \(offset + got)") }
                try scratch.withUnsafeBytes { raw in
                    var p = 0
                    while p < got {
                        let vectorOffset = offset + p
                        guard got - p >= 4 else {
                            throw fail("truncated: vector \(rows) has \(got - p) of the 4 bytes of its dimension")
                        }
                        let d = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: Int32.self))
                        guard Int(d) == dim else {
                            throw fail("vector \(rows) (byte offset \(vectorOffset)): dimension \(d) differs from the first vector's \(dim)")
                        }
                        guard got - p >= record else {
                            throw fail("truncated: vector \(rows) has \(got - p) of its \(record) bytes")
                        }
                        for c in 0..<dim {
                            let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p + 4 + 4 * c, as: UInt32.self))
                            let v = Float(bitPattern: bits)
                            guard v.isFinite else { throw fail("non-finite value \(v) at row \(rows), column \(c)") }
                            out[rows * dim + c] = v
                        }
                        rows += 1
                        p += record
                    }
                }
                offset += got
            }
            initialized = rows * dim
        }
        return Matrix(rows: rows, cols: dim, data: values)
    }

    /// The `.fvecs` bytes of `matrix` (one vector per row).
    public static func encode(_ matrix: Matrix) -> Data {
        var out = Data()
        out.reserveCapacity(matrix.rows * (4 + 4 * matrix.cols))
        for r in 0..<matrix.rows {
            withUnsafeBytes(of: Int32(matrix.cols).littleEndian) { out.append(contentsOf: $0) }
            for c in 0..<matrix.cols {
                withUnsafeBytes(of: matrix[r, c].bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }
}
