import Foundation
import TensorCore

/// Saving and loading trained models in a self-describing, versioned binary format.
///
/// Layout (all integers and floats little-endian):
///
/// | bytes | content |
/// |---|---|
/// | 8 | magic `SYMSIMW1` |
/// | 4 | format version (`UInt32`, currently 1) |
/// | 4 | header length `L` (`UInt32`) |
/// | L | UTF-8 JSON: `{"format_version", "input_dim", "spec", "parameters": [{"name","rows","cols"}]}` |
/// | 4·Σ rows·cols | parameter values, `Float32`, row-major, in header order |
/// | 4 | CRC-32 (IEEE 802.3) of every preceding byte |
///
/// The header carries the architecture and every hyperparameter, so a file is enough to rebuild
/// the model and score with it; no original config is needed.
public enum ModelFile {
    /// The magic bytes at the start of every model file.
    public static let magic = Array("SYMSIMW1".utf8)
    /// The format version this build writes and reads.
    public static let formatVersion: UInt32 = 1

    struct Header: Codable {
        struct Entry: Codable { var name: String; var rows: Int; var cols: Int }
        var formatVersion: Int
        var inputDim: Int
        var spec: ModelSpec
        var parameters: [Entry]
        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version", inputDim = "input_dim", spec, parameters
        }
    }

    /// The model's bytes in the format above.
    public static func encode(_ model: PairModel) -> Data {
        let header = Header(formatVersion: Int(formatVersion), inputDim: model.inputDim, spec: model.spec,
                            parameters: model.parameters.map { .init(name: $0.name, rows: $0.rows, cols: $0.cols) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try! encoder.encode(header)  // encoding plain structs cannot fail
        var out = Data(magic)
        appendLE(&out, formatVersion)
        appendLE(&out, UInt32(json.count))
        out.append(json)
        for p in model.parameters {
            for i in 0..<p.count { appendLE(&out, p.value[i].bitPattern) }
        }
        appendLE(&out, crc32(out))
        return out
    }

    /// Writes the model to `url` atomically (a crash never leaves a half-written file).
    public static func save(_ model: PairModel, to url: URL) throws {
        try encode(model).write(to: url, options: .atomic)
    }

    /// Reads a model file; every problem is a `ModelFileError` naming the file.
    public static func load(from url: URL) throws -> PairModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelFileError(file: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, file: url.path)
    }

    /// Rebuilds a model from bytes produced by `encode`.
    public static func decode(_ data: Data, file: String = "<data>") throws -> PairModel {
        let bytes = [UInt8](data)
        func fail(_ message: String) -> ModelFileError { ModelFileError(file: file, message: message) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
            throw fail("not a model file (expected magic SYMSIMW1)")
        }
        guard bytes.count >= 16 else { throw fail("truncated: \(bytes.count) bytes, the fixed header needs 16") }
        let version = readLE(bytes, 8)
        guard version == formatVersion else {
            throw fail("unsupported format version \(version) (this build reads version \(formatVersion))")
        }
        let headerLength = Int(readLE(bytes, 12))
        guard bytes.count >= 16 + headerLength + 4 else {
            throw fail("truncated: \(bytes.count) bytes, header alone needs \(16 + headerLength + 4)")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        } catch {
            throw fail("corrupt header (invalid JSON description)")
        }
        var expected = 16 + headerLength + 4
        for e in header.parameters {
            guard e.rows >= 0, e.cols >= 0, e.rows < 1 << 28, e.cols < 1 << 28, e.rows * e.cols < 1 << 30 else {
                throw fail("corrupt header (parameter \(e.name) has shape \(e.rows)x\(e.cols))")
            }
            expected += 4 * e.rows * e.cols
        }
        guard bytes.count == expected else {
            throw fail(bytes.count < expected
                ? "truncated: \(bytes.count) bytes, expected \(expected)"
                : "\(bytes.count - expected) unexpected trailing bytes (expected \(expected) bytes)")
        }
        let stored = readLE(bytes, expected - 4)
        guard stored == crc32(Data(bytes[0..<(expected - 4)])) else {
            throw fail("checksum mismatch: the file is corrupt")
        }
        let model: PairModel
        do {
            model = try ModelFactory.make(header.spec, inputDim: header.inputDim, seed: 0)
        } catch {
            throw fail("invalid model description: \(error)")
        }
        let params = model.parameters
        guard params.count == header.parameters.count else {
            throw fail("\(header.parameters.count) parameters stored, \(header.spec.architecture.rawValue) has \(params.count)")
        }
        var offset = 16 + headerLength
        for (p, e) in zip(params, header.parameters) {
            guard p.name == e.name, p.rows == e.rows, p.cols == e.cols else {
                throw fail("parameter \(e.name) \(e.rows)x\(e.cols) does not match the architecture's \(p.name) \(p.rows)x\(p.cols)")
            }
            for i in 0..<p.count {
                p.value[i] = Float(bitPattern: readLE(bytes, offset))
                offset += 4
            }
        }
        return model
    }

    static func appendLE(_ data: inout Data, _ x: UInt32) {
        withUnsafeBytes(of: x.littleEndian) { data.append(contentsOf: $0) }
    }

    static func readLE(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`).
    public static func crc32(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// A model file that cannot be used: names the file and what is wrong.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}
