import Foundation
import Testing
import TensorCore
@testable import Datasets

@Suite("Embedding loaders on good files")
struct EmbeddingLoaderTests {
    let expected = Matrix([[1.5, -2, 3.25], [0, 0.001, -7]])

    @Test("float32 .npy, v1.0 header")
    func npyFloat32() throws {
        let dir = try TempDir()
        let path = try dir.write("a.npy", npyBytes(payload: f32Bytes(expected.data)))
        #expect(try EmbeddingLoader.load(path: path) == expected)
    }

    @Test("float64 .npy written by NumPy (np.save) converts to Float32")
    func npyFloat64FromNumPy() throws {
        // np.save(f, np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype='<f8'))
        let bytes = hexBytes("934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000f83f00000000000000c00000000000000a400000000000000000fca9f1d24d62503f0000000000001cc0")
        let dir = try TempDir()
        let path = try dir.write("f8.npy", bytes)
        #expect(try EmbeddingLoader.load(path: path) == expected)
    }

    @Test("float32 .npy with a v2.0 header written by NumPy (format.write_array(version=(2, 0)))")
    func npyVersion2FromNumPy() throws {
        let bytes = hexBytes("934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c00000803e0000804000000041000000bf")
        let m = try NpyFormat.decode(Data(bytes))
        #expect(m == Matrix([[1.5, -2], [0.25, 4], [8, -0.5]]))
    }

    @Test("float64 and v2.0 headers built here; header variants NumPy accepts")
    func npyVariants() throws {
        let f8 = npyBytes(descr: "<f8", payload: f64Bytes(expected.data.map(Double.init)), major: 2)
        #expect(try NpyFormat.decode(Data(f8)) == expected)
        let odd = npyBytes(payload: f32Bytes(expected.data),
                           dict: #"{"shape":(2L,3L),"fortran_order":False,"descr":"<f4","extra":None}"#)
        #expect(try NpyFormat.decode(Data(odd)) == expected)
    }

    @Test("NpyFormat.encode / write round-trip, header padded to 64 bytes")
    func npyRoundTrip() throws {
        let dir = try TempDir()
        let path = dir.path("rt.npy")
        try NpyFormat.write(expected, to: path)
        #expect(try EmbeddingLoader.load(path: path) == expected)
        #expect(NpyFormat.preamble(rows: 2, cols: 3).count % 64 == 0)
        #expect(Array(NpyFormat.encode(expected)) == npyBytes(payload: f32Bytes(expected.data)))
    }

    @Test(".fvecs: one row per vector; encode round-trip")
    func fvecs() throws {
        let dir = try TempDir()
        var bytes: [UInt8] = []
        for r in 0..<2 { bytes += i32Bytes(3) + f32Bytes(expected.row(r)) }
        let path = try dir.write("a.fvecs", bytes)
        #expect(try EmbeddingLoader.load(path: path) == expected)
        #expect(Array(FvecsFormat.encode(expected)) == bytes)
    }

    @Test(".fvecs larger than the 1 MiB read chunk")
    func fvecsManyChunks() throws {
        var rng = RandomSource(seed: 3)
        let m = Matrix(rows: 3000, cols: 100, data: (0..<300_000).map { _ in rng.nextFloat() })
        #expect(try FvecsFormat.decode(FvecsFormat.encode(m)) == m)
    }

    @Test("CSV with a header row, CRLF line ends, quotes and blank lines")
    func csvWithHeader() throws {
        let dir = try TempDir()
        let text = "\u{FEFF}\"x0\",x1, x2\r\n1.5,-2,3.25\r\n\r\n0, 1e-3 ,\"-7\"\r\n"
        let path = try dir.write("a.csv", text: text)
        #expect(try EmbeddingLoader.load(path: path) == expected)
    }

    @Test("CSV without a header; TSV by extension (upper-case too)")
    func csvAndTsvWithoutHeader() throws {
        let dir = try TempDir()
        let csv = try dir.write("b.CSV", text: "1.5,-2,3.25\n0,0.001,-7")
        #expect(try EmbeddingLoader.load(path: csv) == expected)
        let tsv = try dir.write("c.tsv", text: "a\tb\tc\n1.5\t-2\t3.25\n0\t0.001\t-7\n")
        #expect(try EmbeddingLoader.load(path: tsv) == expected)
    }
}
