import Foundation
import TensorCore

/// Reads and writes NumPy `.npy` files holding a 2-D float matrix (items × dim).
///
/// Accepted: format versions 1.0 (16-bit header length), 2.0 and 3.0 (32-bit header length);
/// dtype `'<f4'` (float32) or `'<f8'` (float64, converted to Float32); C order; a 2-D shape
/// with at least one row and one column; exactly `rows·cols·itemsize` data bytes after the
/// header. Refused with a one-line `DataError`: a missing magic, an unknown version, a
/// malformed or oversized header, big-endian (`'>f4'`) and every other dtype, Fortran order,
/// shapes that are not 2-D, empty, overflowing or larger than the file, trailing bytes, and
/// NaN or ±Inf values (reported by 0-based row and column), and float64 values beyond the
/// Float32 range.
///
/// Memory: a float32 file is read straight into the matrix storage (one buffer the size of
/// the data, no intermediate copy); float64 is converted in 1 MiB chunks.
public enum NpyFormat {
    /// The six magic bytes every `.npy` file starts with: `\x93NUMPY`.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Largest header we parse (NumPy itself refuses headers over 10 000 bytes by default).
    static let maxHeaderLength = 1 << 20

    /// Loads the matrix stored in the `.npy` file at `path`.
    public static func load(path: String) throws -> Matrix {
        try read(FileBytes(path: path))
    }

    /// Decodes `.npy` bytes held in memory; `source` names them in error messages.
    public static func decode(_ data: Data, source: String = "<memory>") throws -> Matrix {
        try read(MemoryBytes(source: source, data: data))
    }

    // MARK: - Reading

    static func read(_ src: some ByteSource) throws -> Matrix {
        func fail(_ message: String) -> DataError { DataError(file: src.source, message) }
        let size = src.size
        let prefix = try src.bytes(at: 0, count: Swift.min(12, size), what: "the header")
        guard prefix.count >= 6, Array(prefix[0..<6]) == magic else {
            if size == 0 { throw fail("empty file (expected a .npy array)") }
            throw fail("not a .npy file (missing \\x93NUMPY magic)")
        }
        guard prefix.count >= 10 else { throw fail("truncated header (\(size) bytes)") }
        let major = prefix[6], minor = prefix[7]
        let headerLength: Int, dataStartBase: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            dataStartBase = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw fail("truncated header (\(size) bytes)") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            dataStartBase = 12
        default:
            throw fail("unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        guard headerLength <= maxHeaderLength else {
            throw fail("header length \(headerLength) is implausibly large (limit \(maxHeaderLength))")
        }
        guard headerLength <= size - dataStartBase else {
            throw fail("truncated header: needs \(headerLength) bytes, file has \(size - dataStartBase) after the length field")
        }
        let headerBytes = try src.bytes(at: dataStartBase, count: headerLength, what: "the header")
        let header: NpyHeader
        do {
            header = try NpyHeader.parse(String(decoding: headerBytes, as: UTF8.self))
        } catch {
            throw fail(error.message)
        }
        let dataStart = dataStartBase + headerLength

        // dtype, order, shape
        let itemSize: Int
        switch header.descr {
        case "<f4": itemSize = 4
        case "<f8": itemSize = 8
        case let d? where d.hasPrefix(">"):
            throw fail("big-endian dtype '\(printable(String(d.prefix(40))))' is not supported (expected '<f4' or '<f8'; convert with arr.astype('<f4'))")
        case let d?:
            throw fail("unsupported dtype '\(printable(String(d.prefix(40))))' (expected '<f4' or '<f8')")
        case nil:
            throw fail("unsupported structured dtype (expected '<f4' or '<f8')")
        }
        let descr = header.descr!
        if header.fortranOrder {
            throw fail("Fortran-order arrays are not supported (expected fortran_order False; save np.ascontiguousarray(arr))")
        }
        let shapeText = NpyHeader.format(shape: header.shape)
        guard header.shape.count == 2 else {
            throw fail("expected a 2-D array (items × dim), got shape \(shapeText)")
        }
        let rows = header.shape[0], cols = header.shape[1]
        guard rows >= 1, cols >= 1 else {
            throw fail("empty or negative shape \(shapeText) (expected at least one row and one column)")
        }
        let (count, o1) = rows.multipliedReportingOverflow(by: cols)
        let (byteCount, o2) = count.multipliedReportingOverflow(by: itemSize)
        guard !o1, !o2 else { throw fail("shape \(shapeText) is too large") }
        let available = size - dataStart
        guard byteCount <= available else {
            throw fail("truncated: shape \(shapeText) of '\(descr)' needs \(byteCount) data bytes, file has \(available)")
        }
        guard byteCount == available else {
            throw fail("\(available - byteCount) unexpected bytes after the data of shape \(shapeText) of '\(descr)'")
        }

        // payload
        let values: [Float]
        if itemSize == 4 {
            values = try [Float](unsafeUninitializedCapacity: count) { buf, initialized in
                let n = try src.read(at: dataStart, into: UnsafeMutableRawBufferPointer(buf))
                guard n == byteCount else { throw fail("truncated: read \(n) of \(byteCount) data bytes") }
                #if _endian(big)
                for k in 0..<count { buf[k] = Float(bitPattern: UInt32(littleEndian: buf[k].bitPattern)) }
                #endif
                initialized = count
            }
            if let bad = firstNonFinite(values) {
                throw fail("non-finite value \(values[bad]) at row \(bad / cols), column \(bad % cols)")
            }
        } else {
            values = try [Float](unsafeUninitializedCapacity: count) { buf, initialized in
                let chunkElements = 1 << 17
                var scratch = [UInt8](repeating: 0, count: Swift.min(chunkElements, count) * 8)
                var done = 0
                while done < count {
                    let m = Swift.min(chunkElements, count - done)
                    let n = try scratch.withUnsafeMutableBytes { raw in
                        try src.read(at: dataStart + done * 8, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<(m * 8)]))
                    }
                    guard n == m * 8 else { throw fail("truncated: read ended early in the data") }
                    try scratch.withUnsafeBytes { raw in
                        for k in 0..<m {
                            let d = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)))
                            let f = Float(d)
                            if !f.isFinite {
                                let e = done + k
                                if d.isFinite {
                                    throw fail("value \(d) at row \(e / cols), column \(e % cols) does not fit in Float32")
                                }
                                throw fail("non-finite value \(d) at row \(e / cols), column \(e % cols)")
                            }
                            buf[done + k] = f
                        }
                    }
                    done += m
                }
                initialized = count
            }
        }
        return Matrix(rows: rows, cols: cols, data: values)
    }

    /// Index of the first NaN or ±Inf, if any.
    static func firstNonFinite(_ values: [Float]) -> Int? {
        values.withUnsafeBufferPointer { buf in
            for k in 0..<buf.count where !buf[k].isFinite { return k }
            return nil
        }
    }

    // MARK: - Writing

    /// The full preamble (magic, version, length, padded header dictionary) for a C-order
    /// float array of the given shape; `descr` is `<f4` or `<f8`. Uses version 1.0 when the
    /// header fits in 16 bits, else 2.0. The preamble length is a multiple of 64, as NumPy writes it.
    public static func preamble(rows: Int, cols: Int, descr: String = "<f4") -> [UInt8] {
        let dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
        func build(lengthBytes: Int, major: UInt8) -> [UInt8] {
            let unpadded = 6 + 2 + lengthBytes + dict.utf8.count + 1
            let padding = (64 - unpadded % 64) % 64
            let text = Array(dict.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
            var out = magic + [major, 0]
            for b in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: text.count >> (8 * b))) }
            return out + text
        }
        let v1 = build(lengthBytes: 2, major: 1)
        return v1.count - 10 <= Int(UInt16.max) ? v1 : build(lengthBytes: 4, major: 2)
    }

    /// The `.npy` bytes (float32, C order) of `matrix`.
    public static func encode(_ matrix: Matrix) -> Data {
        var out = Data(preamble(rows: matrix.rows, cols: matrix.cols))
        out.reserveCapacity(out.count + matrix.count * 4)
        for v in matrix.data { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// Writes `matrix` to `path` as a float32 `.npy` file.
    public static func write(_ matrix: Matrix, to path: String) throws {
        do {
            try encode(matrix).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DataError(file: path, "cannot write: \(error.localizedDescription)")
        }
    }
}
