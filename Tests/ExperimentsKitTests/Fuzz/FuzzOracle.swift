import Datasets
import ExperimentsKit
import Foundation
import Models
import TensorCore

/// The outcome of one fuzz input.
enum FuzzVerdict: Equatable {
    /// Parsed and passed every sanity check.
    case accepted
    /// Refused with the documented error type; the one-line message.
    case rejected(String)
    /// Broke the contract (wrong error type, message without a path, a bad accepted value...).
    case violation(String)

    var violation: String? { if case .violation(let v) = self { return v } else { return nil } }
}

/// What every parser and loader must do with arbitrary bytes: return a sane value or throw its
/// documented error type with a one-line message. A crash, trap or hang is a violation the
/// caller sees directly.
///
/// Shared by the seeded fuzz tests and the libFuzzer harnesses in `Fuzz/` (which compile this
/// file and trap on a violation), so it uses public API only and no test framework.
enum FuzzOracle {
    /// A message that spans lines (or hides a carriage return) breaks the one-line contract.
    static func multiline(_ s: String) -> Bool { s.contains("\n") || s.contains("\r") }

    // MARK: - Config

    /// The run limit the config fuzzing passes to `SweepConfig.parse`. Expanding runs is linear
    /// work (about 0.4 ms per run in a debug build), so the documented limit of 100000 runs
    /// would make single inputs slow; the limit check itself runs before any expansion.
    static let configMaxRuns = 2000

    /// Config text → `JSONValue.parse` → `SweepConfig.parse`.
    ///
    /// Text that is not JSON is refused with an empty path and `invalid JSON at line L, column C`
    /// (a syntax error has no JSON path to name). A document that is JSON but not an object is
    /// refused at the root (empty path). **A JSON object that is refused must name a JSON path.**
    static func config(_ bytes: [UInt8]) -> FuzzVerdict {
        let doc: JSONValue
        do {
            doc = try JSONValue.parse(Data(bytes))
        } catch let e as ConfigError {
            if !e.path.isEmpty || !e.message.hasPrefix("invalid JSON at line ") || multiline(e.description) {
                return .violation("JSON syntax error not in the documented form: \(e.description.debugDescription)")
            }
            return .rejected(e.description)
        } catch {
            return .violation("JSONValue.parse threw \(type(of: error)), not ConfigError: \(error)")
        }
        // The canonical text (hashing, storage) must parse back to the same value.
        guard let again = try? JSONValue.parse(Data(doc.canonical.utf8)), again == doc else {
            return .violation("canonical text does not round-trip: \(doc.canonical.prefix(200).debugDescription)")
        }
        let config: SweepConfig
        do {
            config = try SweepConfig.parse(doc, file: "fuzz.json", baseDirectory: URL(fileURLWithPath: "/nonexistent/fuzz"),
                                           maxRuns: configMaxRuns)
        } catch let e as ConfigError {
            if doc.objectValue != nil, e.path.isEmpty { return .violation("refused a JSON object without naming a JSON path: \(e)") }
            if multiline(e.description) { return .violation("config error spans lines: \(e.description.debugDescription)") }
            return .rejected(e.description)
        } catch {
            return .violation("SweepConfig.parse threw \(type(of: error)), not ConfigError: \(error)")
        }
        if config.runs.isEmpty { return .violation("accepted a config with no runs") }
        if config.runs.count > configMaxRuns { return .violation("accepted \(config.runs.count) runs, over the limit") }
        if Set(config.runs.map(\.key)).count != config.runs.count { return .violation("run keys are not unique") }
        // The stored form of a run decodes back to the same run (what verify and resume rely on).
        let first = config.runs[0]
        guard let back = try? JSONValue.parse(Data(first.canonicalJSON.utf8)).decode(RunConfig.self), back == first else {
            return .violation("run config does not round-trip through its canonical JSON: \(first.canonicalJSON.prefix(300))")
        }
        return .accepted
    }

    // MARK: - Embeddings

    static func dataError(_ e: DataError, source: String) -> FuzzVerdict {
        if e.file != source { return .violation("DataError names \(e.file), not \(source)") }
        if e.message.isEmpty || multiline(e.description) { return .violation("DataError is not one line: \(e.description.debugDescription)") }
        if let line = e.line, line < 1 { return .violation("DataError line \(line) is not 1-based") }
        return .rejected(e.description)
    }

    static func matrix(_ m: Matrix) -> String? {
        guard m.rows > 0, m.cols > 0, m.data.count == m.rows * m.cols else {
            return "matrix \(m.rows)x\(m.cols) with \(m.data.count) values"
        }
        if let bad = m.data.firstIndex(where: { !$0.isFinite }) { return "non-finite value \(m.data[bad]) accepted" }
        return nil
    }

    /// Runs a loader: a sane matrix or a one-line `DataError` naming `source`.
    static func embeddings(source: String, _ load: () throws -> Matrix) -> FuzzVerdict {
        do {
            let m = try load()
            if let problem = matrix(m) { return .violation(problem) }
            // What we accept, we can write and read back unchanged.
            guard let again = try? NpyFormat.decode(NpyFormat.encode(m)), again.data == m.data,
                  again.rows == m.rows, again.cols == m.cols else { return .violation("accepted matrix does not round-trip through .npy") }
            return .accepted
        } catch let e as DataError {
            return dataError(e, source: source)
        } catch {
            return .violation("threw \(type(of: error)), not DataError: \(error)")
        }
    }

    static func npy(_ bytes: [UInt8]) -> FuzzVerdict {
        embeddings(source: "fuzz.npy") { try NpyFormat.decode(Data(bytes), source: "fuzz.npy") }
    }

    static func fvecs(_ bytes: [UInt8]) -> FuzzVerdict {
        embeddings(source: "fuzz.fvecs") { try FvecsFormat.decode(Data(bytes), source: "fuzz.fvecs") }
    }

    /// The same bytes as CSV and as TSV. Every field after the header is a number, so an
    /// accepted file has no NUL byte after its first non-blank line (`Float("1\0x")` is 1: that
    /// was a bug).
    static func delimited(_ bytes: [UInt8]) -> FuzzVerdict {
        var lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0   // a byte-order mark is skipped
        while let end = bytes[lineStart...].firstIndex(of: 0x0A),
              bytes[lineStart..<end].allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) { lineStart = end + 1 }
        if let firstBreak = bytes[lineStart...].firstIndex(of: 0x0A), bytes[firstBreak...].contains(0) {
            for (source, delimiter) in [("fuzz.csv", Character(",")), ("fuzz.tsv", Character("\t"))] {
                if (try? DelimitedFormat.decode(Data(bytes), delimiter: delimiter, source: source)) != nil {
                    return .violation("\(source): accepted a data line holding a NUL byte")
                }
            }
        }
        let csv = embeddings(source: "fuzz.csv") { try DelimitedFormat.decode(Data(bytes), delimiter: ",", source: "fuzz.csv") }
        if csv.violation != nil { return csv }
        let tsv = embeddings(source: "fuzz.tsv") { try DelimitedFormat.decode(Data(bytes), delimiter: "\t", source: "fuzz.tsv") }
        if tsv.violation != nil || csv != .accepted { return tsv }
        return csv
    }

    // MARK: - Pairs and splits

    /// Items the pair fuzzing checks indices against.
    static let pairItemCount = 12

    /// Pair CSV → `PairLoader.decode`; accepted pairs are then split with fractions, unit and
    /// seed chosen from a hash of the input (valid and invalid fractions alike).
    static func pairs(_ bytes: [UInt8]) -> FuzzVerdict {
        let n = pairItemCount
        let pairs: PairSet
        do {
            pairs = try PairLoader.decode(Data(bytes), itemCount: n, source: "fuzz.csv")
        } catch let e as DataError {
            return dataError(e, source: "fuzz.csv")
        } catch {
            return .violation("PairLoader threw \(type(of: error)), not DataError: \(error)")
        }
        guard pairs.count > 0, pairs.i.count == pairs.count, pairs.j.count == pairs.count, pairs.label.count == pairs.count else {
            return .violation("inconsistent pair set of \(pairs.count) pairs")
        }
        if !(pairs.i + pairs.j).allSatisfy({ (0..<n).contains($0) }) { return .violation("index out of range accepted") }
        if !pairs.label.allSatisfy({ $0 == 0 || $0 == 1 }) { return .violation("label other than 0/1 accepted") }
        var unordered = Set<[Int]>()
        for k in 0..<pairs.count { unordered.insert([Swift.min(pairs.i[k], pairs.j[k]), Swift.max(pairs.i[k], pairs.j[k])]) }
        if unordered.count != pairs.count { return .violation("duplicate unordered pair accepted") }
        guard let again = try? PairLoader.decode(Data(pairs.csvText().utf8), itemCount: n), again == pairs else {
            return .violation("accepted pairs do not round-trip through csvText()")
        }

        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01B3 }
        var rng = RandomSource(seed: hash)
        let fractions: [SplitFractions] = [.standard, .init(train: 1, val: 0, test: 0), .init(train: 0.34, val: 0.33, test: 0.33),
                                           .init(train: 0.5, val: 0.5, test: 0), .init(train: -0.1, val: 0.6, test: 0.5),
                                           .init(train: .nan, val: 0.5, test: 0.5), .init(train: 0.7, val: 0.2, test: 0.2),
                                           .init(train: .infinity, val: 0, test: 0), .init(train: 0.1, val: 0.1, test: 0.8)]
        let f = fractions[rng.nextInt(below: fractions.count)]
        let unit: SplitUnit = rng.nextInt(below: 2) == 0 ? .item : .pair
        do {
            let s = try PairSplitter.split(pairs, by: unit, fractions: f, seed: rng.next(), source: "fuzz.csv")
            let parts = [s.train, s.val, s.test]
            if parts.contains(where: { $0.count == 0 }) { return .violation("split returned an empty part") }
            if parts.map(\.count).reduce(0, +) + s.droppedCrossPairs != pairs.count { return .violation("split loses or invents pairs") }
            if unit == .pair, s.droppedCrossPairs != 0 { return .violation("pair split dropped pairs") }
            if unit == .item {
                let items = parts.map { Set($0.i + $0.j) }
                if !items[0].isDisjoint(with: items[1]) || !items[0].isDisjoint(with: items[2]) || !items[1].isDisjoint(with: items[2]) {
                    return .violation("item split leaks an item between parts")
                }
            }
            return .accepted
        } catch let e as DataError {
            return dataError(e, source: "fuzz.csv")
        } catch {
            return .violation("PairSplitter threw \(type(of: error)), not DataError: \(error)")
        }
    }

    // MARK: - Model files

    /// Model-file bytes → `ModelFile.decode`; an accepted model scores a pair and re-encodes.
    static func modelFile(_ bytes: [UInt8]) -> FuzzVerdict {
        let model: PairModel
        do {
            model = try ModelFile.decode(Data(bytes), file: "fuzz.bin")
        } catch let e as ModelFileError {
            if e.file != "fuzz.bin" || e.message.isEmpty || multiline(e.description) {
                return .violation("ModelFileError not in the documented form: \(e.description.debugDescription)")
            }
            return .rejected(e.description)
        } catch {
            return .violation("ModelFile.decode threw \(type(of: error)), not ModelFileError: \(error)")
        }
        guard model.inputDim > 0, model.inputDim <= ModelFile.maxInputDim else { return .violation("accepted input_dim \(model.inputDim)") }
        guard model.parameterCount * 4 <= bytes.count else {
            return .violation("decoded \(model.parameterCount) parameters from \(bytes.count) bytes")
        }
        if model.inputDim <= 4096 {
            let x = Matrix(rows: 2, cols: model.inputDim, data: (0..<(2 * model.inputDim)).map { Float($0 % 7) - 3 })
            guard model.score(x, x).count == 2 else { return .violation("scoring returned the wrong count") }
        }
        guard let again = try? ModelFile.decode(ModelFile.encode(model)), again.spec == model.spec,
              again.parameters.map(\.count) == model.parameters.map(\.count) else {
            return .violation("accepted model does not round-trip through ModelFile.encode")
        }
        return .accepted
    }

    /// `body` with a correct CRC-32 appended: lets mutations reach past the checksum.
    static func withChecksum(_ body: [UInt8]) -> [UInt8] {
        let crc = ModelFile.crc32(Data(body))
        return body + (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
    }

    /// A model file assembled from a header text and parameter bytes, with a correct length and CRC.
    static func modelFile(header: [UInt8], payload: [UInt8]) -> [UInt8] {
        var body = ModelFile.magic
        for v in [ModelFile.formatVersion, UInt32(truncatingIfNeeded: header.count)] {
            body += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) }
        }
        return withChecksum(body + header + payload)
    }
}
