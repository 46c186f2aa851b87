import Foundation
import Testing
import Models
import TensorCore

@Suite("Model files")
struct ModelFileTests {
    @Test(arguments: allSpecs.map(label))
    func saveLoadScoreIsIdentical(_ name: String) throws {
        let spec = allSpecs.first { label($0) == name }!
        let model = try ModelFactory.make(spec, inputDim: 7, seed: 5)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try ModelFile.save(model, to: url)
        let loaded = try ModelFile.load(from: url)
        #expect(loaded.spec == model.spec)
        #expect(loaded.parameterCount == model.parameterCount)
        let a = randomMatrix(50, 7, seed: 1), b = randomMatrix(50, 7, seed: 2)
        let s1 = model.score(a, b), s2 = loaded.score(a, b)
        #expect(s1.map(\.bitPattern) == s2.map(\.bitPattern))
    }

    func encoded() throws -> Data {
        var spec = ModelSpec(.mirror); spec.width = 4; spec.hidden = [3]
        return ModelFile.encode(try ModelFactory.make(spec, inputDim: 6, seed: 1))
    }

    @Test func corruptFilesAreRejectedWithAClearMessage() throws {
        let good = try encoded()
        var flipped = good; flipped[flipped.count - 20] ^= 0x40
        var badMagic = good; badMagic[0] = UInt8(ascii: "X")
        var badVersion = good; badVersion[8] = 9
        let cases: [(Data, String)] = [
            (good.prefix(good.count - 7), "m.bin: truncated: \(good.count - 7) bytes, expected \(good.count)"),
            (good.prefix(10), "m.bin: truncated: 10 bytes, the fixed header needs 16"),
            (Data(), "m.bin: not a model file (expected magic SYMSIMW1)"),
            (flipped, "m.bin: checksum mismatch: the file is corrupt"),
            (badMagic, "m.bin: not a model file (expected magic SYMSIMW1)"),
            (badVersion, "m.bin: unsupported format version 9 (this build reads version 1)"),
            (good + Data([1, 2]), "m.bin: 2 unexpected trailing bytes (expected \(good.count) bytes)"),
        ]
        for (data, message) in cases {
            #expect(throws: ModelFileError.self) { _ = try ModelFile.decode(data, file: "m.bin") }
            do { _ = try ModelFile.decode(data, file: "m.bin") } catch { #expect("\(error)" == message) }
        }
    }

    @Test func arbitraryCorruptionNeverCrashes() throws {
        let good = try encoded()
        var rng = RandomSource(seed: 11)
        var rejected = 0
        for _ in 0..<300 {
            var d = good
            for _ in 0..<(1 + rng.nextInt(below: 4)) { d[rng.nextInt(below: d.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.nextInt(below: 3) == 0 { d = d.prefix(rng.nextInt(below: d.count)) }
            do { _ = try ModelFile.decode(d) } catch { rejected += 1 }
        }
        // Every mutation changes bytes the checksum covers (or truncates), so all are rejected
        // unless a mutation happened to write the byte that was already there.
        #expect(rejected > 280)
    }

    @Test func missingFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/model.bin")
        do { _ = try ModelFile.load(from: url); Issue.record("loaded a missing file") } catch {
            #expect("\(error)".hasPrefix("/nonexistent/model.bin: cannot read"))
        }
    }
}
