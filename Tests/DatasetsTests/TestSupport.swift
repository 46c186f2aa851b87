import Foundation
import TensorCore
@testable import Datasets

/// A fresh directory under the system temporary directory, removed when released.
final class TempDir: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the directory (not created).
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    /// Writes UTF-8 `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }
}

/// Little-endian float32 bytes.
func f32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// Little-endian float64 bytes.
func f64Bytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// Little-endian int32 bytes.
func i32Bytes(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// A `.npy` file built the way NumPy writes one: magic, version, header length, the header
/// dictionary padded with spaces to a multiple of 64 bytes and ended by `\n`, then `payload`.
/// `dict` replaces the whole dictionary text when given.
func npyBytes(descr: String = "<f4", fortran: Bool = false, shape: String = "(2, 3)",
              payload: [UInt8], major: UInt8 = 1, dict: String? = nil) -> [UInt8] {
    let text = dict ?? "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    let lengthBytes = major == 1 ? 2 : 4
    let unpadded = 8 + lengthBytes + text.utf8.count + 1
    let header = Array(text.utf8) + [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    for b in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: header.count >> (8 * b))) }
    return out + header + payload
}

/// Bytes from a hex string.
func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = hex.makeIterator()
    while let hi = it.next(), let lo = it.next() { out.append(UInt8(String([hi, lo]), radix: 16)!) }
    return out
}

/// The repository root, found from this file's path (symlinks resolved, so it also works when
/// the test target is reached through a symlink).
func repositoryRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()   // DatasetsTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repo root
}

/// The one-line description of the error `body` throws, or a note that it did not throw.
func errorLine(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "<no error>"
    } catch let error as DataError {
        return error.description
    } catch {
        return "<not a DataError: \(error)>"
    }
}
