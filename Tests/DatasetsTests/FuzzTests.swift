import Foundation
import Testing
import TensorCore
@testable import Datasets

/// Seeded random mutations of valid files: each loader must either succeed with a sane result
/// or throw a one-line `DataError`. Any other error, or a crash, fails the suite.
@Suite("Arbitrary bytes never crash the loaders")
struct FuzzTests {
    static let iterations = 300

    /// Applies one to three random edits to `bytes`.
    static func mutate(_ bytes: [UInt8], _ rng: inout RandomSource) -> [UInt8] {
        var b = bytes
        let interesting: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x20, 0x0A, 0x0D, 0x22, 0x27, 0x28, 0x29, 0x2C, 0x2D,
                                    0x30, 0x31, 0x39, 0x3A, 0x7B, 0x7D, 0x09, 0x4C, 0x65, 0x6E]
        for _ in 0..<(1 + rng.nextInt(below: 3)) {
            let pos = b.isEmpty ? 0 : rng.nextInt(below: b.count)
            switch rng.nextInt(below: 7) {
            case 0 where !b.isEmpty: b[pos] ^= UInt8(1) << UInt8(rng.nextInt(below: 8))
            case 1: b = Array(b.prefix(rng.nextInt(below: b.count + 1)))
            case 2 where !b.isEmpty: b[pos] = interesting[rng.nextInt(below: interesting.count)]
            case 3: b.insert(contentsOf: (0..<(1 + rng.nextInt(below: 8))).map { _ in UInt8(rng.nextInt(below: 256)) }, at: pos)
            case 4 where !b.isEmpty:
                let end = Swift.min(b.count, pos + 1 + rng.nextInt(below: 32))
                b.insert(contentsOf: b[pos..<end], at: rng.nextInt(below: b.count + 1))
            case 5 where b.count >= 4:
                let p = rng.nextInt(below: b.count - 3)
                let v = UInt32(truncatingIfNeeded: rng.next())
                for k in 0..<4 { b[p + k] = UInt8(truncatingIfNeeded: v >> UInt32(8 * k)) }
            case 6 where !b.isEmpty: b.remove(at: pos)
            default: break
            }
        }
        return b
    }

    /// Runs `decode` on many mutations of `seed` and checks the outcome.
    static func check(_ seed: [UInt8], stream: UInt64, decode: ([UInt8]) throws -> Void) {
        var rng = RandomSource(seed: 0xF022).derived(stream)
        for _ in 0..<iterations {
            let input = mutate(seed, &rng)
            do {
                try decode(input)
            } catch let e as DataError {
                #expect(!e.description.contains("\n"))
            } catch {
                Issue.record("not a DataError: \(error) for input \(input.prefix(64))")
            }
        }
    }

    static func checkMatrix(_ m: Matrix) {
        #expect(m.rows > 0 && m.cols > 0 && m.data.count == m.rows * m.cols)
        #expect(m.data.allSatisfy { $0.isFinite })
    }

    static let matrix = Matrix(rows: 3, cols: 4, data: (0..<12).map { Float($0) * 0.5 - 2 })

    @Test func npyFloat32() {
        FuzzTests.check(Array(NpyFormat.encode(FuzzTests.matrix)), stream: 1) { FuzzTests.checkMatrix(try NpyFormat.decode(Data($0))) }
    }

    @Test func npyFloat64Version2() {
        let seed = npyBytes(descr: "<f8", shape: "(3, 4)", payload: f64Bytes(FuzzTests.matrix.data.map(Double.init)), major: 2)
        FuzzTests.check(seed, stream: 2) { FuzzTests.checkMatrix(try NpyFormat.decode(Data($0))) }
    }

    @Test func npyHeaderTokenSoup() {
        let tokens = ["{", "}", "(", ")", "[", "]", ",", ":", " ", "'descr'", "'<f4'", "'<f8'", "'fortran_order'", "False",
                      "True", "None", "'shape'", "3", "4", "-1", "99999999999999999999", "L", "'", "\"", "x"]
        var rng = RandomSource(seed: 77)
        for _ in 0..<FuzzTests.iterations {
            let dict = (0..<(1 + rng.nextInt(below: 30))).map { _ in tokens[rng.nextInt(below: tokens.count)] }.joined()
            let bytes = npyBytes(shape: "(3, 4)", payload: f32Bytes(FuzzTests.matrix.data), dict: dict)
            do { FuzzTests.checkMatrix(try NpyFormat.decode(Data(bytes))) } catch is DataError {} catch {
                Issue.record("not a DataError: \(error) for header \(dict)")
            }
        }
        // Deep nesting is refused, not recursed into.
        let deep = npyBytes(payload: [], dict: String(repeating: "(", count: 10_000))
        #expect(errorLine { _ = try NpyFormat.decode(Data(deep), source: "deep.npy") } == "deep.npy: malformed header: nesting too deep at offset 16")
    }

    @Test func fvecs() {
        FuzzTests.check(Array(FvecsFormat.encode(FuzzTests.matrix)), stream: 3) { FuzzTests.checkMatrix(try FvecsFormat.decode(Data($0))) }
    }

    @Test func csvAndTsv() {
        let csv = Array("a,b,c,d\n1,2,3,4\n\"5\",6.5,-7e-1,8\n9,10,11,12\n".utf8)
        FuzzTests.check(csv, stream: 4) { FuzzTests.checkMatrix(try DelimitedFormat.decode(Data($0), delimiter: ",")) }
        let tsv = Array("1\t2\t3\t4\r\n5\t6\t7\t8\r\n".utf8)
        FuzzTests.check(tsv, stream: 5) { FuzzTests.checkMatrix(try DelimitedFormat.decode(Data($0), delimiter: "\t")) }
    }

    @Test func pairs() {
        let seed = Array("i,j,label,note\n0,1,1,x\n2,3,0,\"y,z\"\n4,9,1,\n".utf8)
        FuzzTests.check(seed, stream: 6) { bytes in
            let p = try PairLoader.decode(Data(bytes), itemCount: 10)
            #expect(p.count > 0)
            #expect(p.i.allSatisfy { (0..<10).contains($0) } && p.j.allSatisfy { (0..<10).contains($0) })
            #expect(p.label.allSatisfy { $0 == 0 || $0 == 1 })
            #expect(Set(zip(p.i, p.j).map { PairKey($0, $1) }).count == p.count)
        }
    }

    @Test("mutated files through EmbeddingLoader.load(path:)")
    func throughFiles() throws {
        let dir = try TempDir()
        var rng = RandomSource(seed: 99)
        let seeds: [(String, [UInt8])] = [("m.npy", Array(NpyFormat.encode(FuzzTests.matrix))),
                                          ("m.fvecs", Array(FvecsFormat.encode(FuzzTests.matrix)))]
        for (name, seed) in seeds {
            for _ in 0..<40 {
                let path = try dir.write(name, FuzzTests.mutate(seed, &rng))
                do { FuzzTests.checkMatrix(try EmbeddingLoader.load(path: path)) } catch is DataError {} catch {
                    Issue.record("not a DataError: \(error)")
                }
            }
        }
    }
}
