import Datasets
import ExperimentsKit
import Foundation
import Models
import TensorCore
import Testing

/// Seeded mutation fuzzing of the config parser and every loader: each input is either
/// accepted with a sane result or refused with the documented error type in one line (see
/// `FuzzOracle`), never a crash, trap or hang. The budget comes from `SYMSIM_FUZZ_ITERATIONS`
/// (see `FuzzBudget`; a few thousand in CI, `Fuzz/run.sh` runs 100000 and more).
///
/// Builds on `DatasetsTests/FuzzTests` (300 byte mutations per loader): this suite adds
/// structure-aware JSON mutations for configs and model headers, splices between seeds and
/// the hand-made corpus (`Tests/Corpus`), mutations that keep a model file's checksum valid,
/// an evolving pool of accepted inputs, file-path entry points and a hang detector.
@Suite("Hostile input never crashes a parser or loader")
struct HostileInputTests {
    /// Feeds `iterations` mutations of `seeds` (and of accepted inputs found on the way) to `oracle`.
    static func fuzz(_ target: String, stream: UInt64, fraction: Double, seeds: [[UInt8]], tokens: [String], maxSize: Int,
                     expectAccepted: Bool = true, mutate: ((inout FuzzMutator, [UInt8]) -> [UInt8])? = nil,
                     oracle: ([UInt8]) -> FuzzVerdict) {
        var run = FuzzRun(target)
        for seed in seeds { run.run(seed, oracle) }
        var m = FuzzMutator(seed: FuzzBudget.seed ^ (stream &* 0x9E37_79B9_7F4A_7C15), maxSize: maxSize,
                            dictionary: tokens, pool: seeds + corpusFiles)
        var grown: [[UInt8]] = []
        for _ in 0..<FuzzBudget.share(fraction) {
            let parent = !grown.isEmpty && m.oneIn(3) ? m.pick(grown) : m.pick(seeds)
            if let dir = FuzzBudget.crashDirectory {
                try? Data(parent).write(to: URL(fileURLWithPath: dir).appendingPathComponent("\(target).parent"))
            }
            let input = mutate.map { $0(&m, parent) } ?? m.mutateBytes(parent)
            let before = run.accepted
            run.run(input, oracle)
            // Accepted mutants become parents: later mutations start deeper in the format.
            if run.accepted > before, input != parent {
                if grown.count < 64 { grown.append(input) } else { grown[m.below(64)] = input }
            }
        }
        run.finish(expectAccepted: expectAccepted)
    }

    /// Every file of the hand-made corpus, as extra splice material.
    static let corpusFiles: [[UInt8]] = {
        let root = corpusDirectory
        let urls = ["configs", "data"].flatMap {
            (try? FileManager.default.contentsOfDirectory(at: root.appendingPathComponent($0), includingPropertiesForKeys: nil)) ?? []
        }
        return urls.sorted { $0.path < $1.path }.compactMap { try? [UInt8](Data(contentsOf: $0)) }
    }()

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var corpusDirectory: URL { repositoryRoot.appendingPathComponent("Tests/Corpus") }

    // MARK: - Config

    static var configSeeds: [[UInt8]] {
        let shipped = ["experiments/ci.json"].compactMap { try? [UInt8](Data(contentsOf: repositoryRoot.appendingPathComponent($0))) }
        return FuzzSeeds.configs.map { Array($0.utf8) } + shipped
    }

    @Test func seedsAreValid() throws {
        for seed in Self.configSeeds { #expect(FuzzOracle.config(seed) == .accepted, "\(String(decoding: seed.prefix(80), as: UTF8.self))") }
        for f in FuzzSeeds.npyFiles { #expect(FuzzOracle.npy(f) == .accepted) }
        for f in FuzzSeeds.fvecsFiles { #expect(FuzzOracle.fvecs(f) == .accepted) }
        for f in FuzzSeeds.csvFiles { #expect(FuzzOracle.delimited(Array(f.utf8)) == .accepted || f.contains("\t")) }
        for f in FuzzSeeds.pairFiles {
            #expect((try? PairLoader.decode(Data(f.utf8), itemCount: FuzzOracle.pairItemCount)) != nil, "\(f)")
        }
        for f in FuzzSeeds.modelFiles { #expect(FuzzOracle.modelFile(f) == .accepted) }
    }

    @Test("config text: JSONValue.parse and SweepConfig.parse")
    func config() {
        let seeds = Self.configSeeds
        let docs = seeds.compactMap { try? JSONValue.parse(Data($0)) }
        Self.fuzz("config", stream: 1, fraction: 0.40, seeds: seeds, tokens: FuzzSeeds.configTokens, maxSize: 16 << 10,
                  mutate: { m, parent in
                      // Half structural (valid JSON, wrong meaning), half bytes (wrong syntax), some both.
                      guard m.oneIn(2), let doc = try? JSONValue.parse(Data(parent)) else { return m.mutateBytes(parent) }
                      let text = m.render(m.mutateJSON(doc, donors: docs))
                      return m.oneIn(4) ? m.mutateBytes(text) : Array(text.prefix(m.maxSize))
                  }, oracle: FuzzOracle.config)
    }

    // MARK: - Embeddings

    @Test("npy bytes: NpyFormat.decode")
    func npy() {
        Self.fuzz("npy", stream: 2, fraction: 0.12, seeds: FuzzSeeds.npyFiles, tokens: FuzzSeeds.npyTokens, maxSize: 16 << 10,
                  mutate: { m, parent in
                      // Also mutate the header dictionary alone and rebuild a consistent preamble,
                      // so the dictionary parser sees more than "truncated header".
                      guard m.oneIn(3), parent.count > 10, parent.starts(with: NpyFormat.magic) else { return m.mutateBytes(parent) }
                      let major = parent[6] == 1 ? 1 : Int(parent[6])
                      let start = major == 1 ? 10 : 12
                      let length = major == 1 ? Int(parent[8]) | Int(parent[9]) << 8
                                              : Int(parent[8]) | Int(parent[9]) << 8 | Int(parent[10]) << 16 | Int(parent[11]) << 24
                      guard start + length <= parent.count else { return m.mutateBytes(parent) }
                      let dict = m.mutateBytes(Array(parent[start..<(start + length)]))
                      var payload = Array(parent[(start + length)...])
                      if m.oneIn(4) { payload = m.mutateBytes(payload) }
                      return FuzzSeeds.npy(dict: String(decoding: dict, as: UTF8.self), major: UInt8(clamping: major), payload: payload)
                  }, oracle: FuzzOracle.npy)
    }

    @Test("fvecs bytes: FvecsFormat.decode")
    func fvecs() {
        Self.fuzz("fvecs", stream: 3, fraction: 0.06, seeds: FuzzSeeds.fvecsFiles, tokens: [], maxSize: 16 << 10, oracle: FuzzOracle.fvecs)
    }

    @Test("csv/tsv bytes: DelimitedFormat.decode")
    func delimited() {
        Self.fuzz("csv-tsv", stream: 4, fraction: 0.10, seeds: FuzzSeeds.csvFiles.map { Array($0.utf8) }, tokens: FuzzSeeds.textTokens,
                  maxSize: 16 << 10, oracle: FuzzOracle.delimited)
    }

    // MARK: - Pairs

    @Test("pair csv bytes: PairLoader.decode, then PairSplitter.split")
    func pairs() {
        Self.fuzz("pairs", stream: 5, fraction: 0.12, seeds: FuzzSeeds.pairFiles.map { Array($0.utf8) }, tokens: FuzzSeeds.textTokens,
                  maxSize: 16 << 10, oracle: FuzzOracle.pairs)
    }

    /// Valid pair files (random pairs over up to 12 items) through the same check, so that the
    /// splitter sees many accepted pair sets: fractions, unit and seed follow from the input.
    @Test("random pair sets: PairSplitter.split")
    func splitter() {
        var rng = RandomSource(seed: FuzzBudget.seed ^ 0x5B1)
        var run = FuzzRun("splitter")
        for _ in 0..<FuzzBudget.share(0.04) {
            let items = 1 + rng.nextInt(below: FuzzOracle.pairItemCount)
            var text = "i,j,label\n"
            var seen = Set<[Int]>()
            for _ in 0..<(1 + rng.nextInt(below: 40)) {
                let a = rng.nextInt(below: items), b = rng.nextInt(below: items)
                if seen.insert([Swift.min(a, b), Swift.max(a, b)]).inserted { text += "\(a),\(b),\(rng.nextInt(below: 2))\n" }
            }
            run.run(Array(text.utf8), FuzzOracle.pairs)
        }
        run.finish()
    }

    // MARK: - Model files

    @Test("model file bytes: ModelFile.decode")
    func modelFile() {
        let seeds = FuzzSeeds.modelFiles
        let headers = seeds.compactMap { FuzzSeeds.modelParts($0).flatMap { try? JSONValue.parse(Data($0.header)) } }
        Self.fuzz("model", stream: 6, fraction: 0.14, seeds: seeds, tokens: FuzzSeeds.configTokens, maxSize: 16 << 10,
                  mutate: { m, parent in
                      switch m.below(4) {
                      case 0:
                          // Raw bytes: almost always a checksum or length error.
                          return m.mutateBytes(parent)
                      case 1:
                          // Bytes mutated, checksum recomputed: reaches the header and shape checks.
                          return FuzzOracle.withChecksum(m.mutateBytes(Array(parent.dropLast(4))))
                      default:
                          // Header JSON mutated structurally, payload kept or resized, length and checksum correct.
                          guard let (header, payload) = FuzzSeeds.modelParts(parent), let doc = try? JSONValue.parse(Data(header)) else {
                              return m.mutateBytes(parent)
                          }
                          let newHeader = m.render(m.mutateJSON(doc, donors: headers))
                          let newPayload = m.oneIn(3) ? m.mutateBytes(payload) : payload
                          return FuzzOracle.modelFile(header: newHeader, payload: newPayload)
                      }
                  }, oracle: FuzzOracle.modelFile)
    }

    // MARK: - Through files

    /// The `load(path:)` entry points, with mutated files on disk: errors name the path.
    @Test func throughFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symsim-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var m = FuzzMutator(seed: FuzzBudget.seed ^ 7, maxSize: 16 << 10, dictionary: FuzzSeeds.textTokens)
        let embeddings: [(String, [[UInt8]])] = [("npy", FuzzSeeds.npyFiles), ("fvecs", FuzzSeeds.fvecsFiles),
                                                 ("csv", FuzzSeeds.csvFiles.map { Array($0.utf8) }),
                                                 ("TSV", FuzzSeeds.csvFiles.map { Array($0.utf8) }), ("txt", [[1, 2]])]
        var run = FuzzRun("files")
        for k in 0..<Swift.max(60, FuzzBudget.share(0.02)) {
            let (ext, seeds) = embeddings[k % embeddings.count]
            let path = dir.appendingPathComponent("e\(k % 7).\(ext)").path
            try Data(m.mutateBytes(m.pick(seeds))).write(to: URL(fileURLWithPath: path))
            run.run([]) { _ in FuzzOracle.embeddings(source: path) { try EmbeddingLoader.load(path: path) } }

            let pairsPath = dir.appendingPathComponent("p.csv").path
            try Data(m.mutateBytes(Array(m.pick(FuzzSeeds.pairFiles).utf8))).write(to: URL(fileURLWithPath: pairsPath))
            run.run([]) { _ in
                do { _ = try PairLoader.load(path: pairsPath, itemCount: 12); return .accepted } catch let e as DataError {
                    return FuzzOracle.dataError(e, source: pairsPath)
                } catch { return .violation("PairLoader.load threw \(type(of: error))") }
            }

            let configPath = dir.appendingPathComponent("c.json").path
            try Data(m.mutateBytes(m.pick(Self.configSeeds))).write(to: URL(fileURLWithPath: configPath))
            run.run([]) { _ in
                do { _ = try SweepConfig.load(path: configPath); return .accepted } catch let e as ConfigError {
                    return e.file == configPath && !FuzzOracle.multiline(e.description) ? .rejected(e.description)
                        : .violation("config error does not name the file in one line: \(e)")
                } catch { return .violation("SweepConfig.load threw \(type(of: error))") }
            }

            let modelPath = dir.appendingPathComponent("m.bin").path
            try Data(FuzzOracle.withChecksum(m.mutateBytes(Array(m.pick(FuzzSeeds.modelFiles).dropLast(4))))).write(to: URL(fileURLWithPath: modelPath))
            run.run([]) { _ in
                do { _ = try ModelFile.load(from: URL(fileURLWithPath: modelPath)); return .accepted } catch let e as ModelFileError {
                    return e.file == modelPath && !FuzzOracle.multiline(e.description) ? .rejected(e.description)
                        : .violation("model error does not name the file in one line: \(e)")
                } catch { return .violation("ModelFile.load threw \(type(of: error))") }
            }
        }
        run.finish()
    }
}

/// Replays saved inputs: `SYMSIM_FUZZ_REPLAY=file1:file2 SYMSIM_FUZZ_TARGET=config swift test --filter replay`
/// (targets: config, npy, fvecs, csv-tsv, pairs, model). Disabled unless the variable is set.
@Suite struct FuzzReplay {
    static let environment = ProcessInfo.processInfo.environment

    @Test(.enabled(if: environment["SYMSIM_FUZZ_REPLAY"] != nil))
    func replay() throws {
        let oracles: [String: ([UInt8]) -> FuzzVerdict] = ["config": FuzzOracle.config, "npy": FuzzOracle.npy, "fvecs": FuzzOracle.fvecs,
                                                            "csv-tsv": FuzzOracle.delimited, "pairs": FuzzOracle.pairs, "model": FuzzOracle.modelFile]
        let target = Self.environment["SYMSIM_FUZZ_TARGET"] ?? "config"
        let oracle = try #require(oracles[target], "unknown SYMSIM_FUZZ_TARGET \(target)")
        for path in (Self.environment["SYMSIM_FUZZ_REPLAY"] ?? "").split(separator: ":") {
            let verdict = oracle(try [UInt8](Data(contentsOf: URL(fileURLWithPath: String(path)))))
            print("replay \(target) \(path): \(verdict)")
            #expect(verdict.violation == nil)
        }
    }
}
