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
    /// The largest embedding dimension a model file may declare (2^24).
    public static let maxInputDim = 1 << 24

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
                throw fail("corrupt header (parameter \(printable(e.name)) has shape \(e.rows)x\(e.cols))")
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
        // `dot` and `cosine` store no weights that depend on n, so n needs a bound of its own:
        // whoever scores with the model allocates inputs of that width.
        guard header.inputDim <= maxInputDim else {
            throw fail("corrupt header (input_dim \(header.inputDim) is implausibly large, limit \(maxInputDim))")
        }
        // Building the model allocates whatever the header describes, and a corrupt header can
        // describe terabytes (or overflow the factory's size arithmetic). The stored values are
        // counted above and bounded by the file size; a spec that needs more weights than that
        // cannot match them, so it is refused before anything is allocated.
        let storedValues = (expected - 16 - headerLength - 4) / 4
        if header.inputDim > 0, (try? header.spec.validate()) != nil {
            let needed = minimumWeights(header.spec.normalized(), inputDim: header.inputDim)
            guard needed <= storedValues else {
                throw fail("corrupt header (\(header.spec.architecture.rawValue) with input_dim \(header.inputDim) needs at least "
                           + "\(needed == .max ? "2^63 − 1" : String(needed)) weights, the file stores \(storedValues))")
            }
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
                throw fail("parameter \(printable(e.name)) \(e.rows)x\(e.cols) does not match the architecture's \(p.name) \(p.rows)x\(p.cols)")
            }
            for i in 0..<p.count {
                p.value[i] = Float(bitPattern: readLE(bytes, offset))
                offset += 4
            }
        }
        return model
    }

    /// A lower bound on the number of weights `ModelFactory.make(spec, inputDim:)` allocates for a
    /// valid, normalized spec: the weight matrices of its layer chains (biases and score scales
    /// left out), saturating at `Int.max` instead of overflowing.
    static func minimumWeights(_ spec: ModelSpec, inputDim n: Int) -> Int {
        func mul(_ a: Int, _ b: Int) -> Int { let (p, o) = a.multipliedReportingOverflow(by: b); return o ? .max : p }
        func add(_ a: Int, _ b: Int) -> Int { let (s, o) = a.addingReportingOverflow(b); return o ? .max : s }
        func chain(_ sizes: [Int]) -> Int { zip(sizes, sizes.dropFirst()).reduce(0) { add($0, mul($1.0, $1.1)) } }
        let head = chain([spec.width] + spec.hidden + [1])
        switch spec.architecture {
        case .dot, .cosine: return 0
        case .concat: return chain([mul(2, n)] + spec.hidden + [1])
        case .outer: return add(spec.rank == 0 ? mul(mul(n, n), spec.width) : mul(mul(mul(2, n), spec.rank), spec.width), head)
        case .mirror: return add(mul(mul(2, n), spec.width), head)
        case .sharedq: return chain([n] + spec.tower + [spec.width])
        case .pooling: return chain([mul(spec.features.count, n)] + spec.hidden + [1])
        }
    }

    /// `s` with control characters escaped, cut to 60 characters: header text in a one-line message.
    static func printable(_ s: String) -> String {
        var out = ""
        for (k, u) in s.unicodeScalars.enumerated() {
            if k == 60 { return out + "…" }
            if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u == "\u{2028}" || u == "\u{2029}" {
                out += "\\u{" + String(u.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
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
