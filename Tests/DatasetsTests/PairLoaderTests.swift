import Foundation
import Testing
import TensorCore
@testable import Datasets

@Suite("Pair files")
struct PairLoaderTests {
    @Test("any column order, extra columns ignored, quoted header, label spelled 1.0")
    func columnsInAnyOrder() throws {
        let dir = try TempDir()
        let path = try dir.write("p.csv", text: "weight,\"Label\",j, i\n0.5,1,2,0\n0.1,0.0,3,0\n0.2,1.0,1,1\n")
        let pairs = try PairLoader.load(path: path, itemCount: 4)
        #expect(pairs == PairSet(i: [0, 0, 1], j: [2, 3, 1], label: [1, 0, 1]))
        #expect(pairs.positiveCount == 2)
    }

    @Test("csvText round-trips through the loader")
    func roundTrip() throws {
        let pairs = PairSet(i: [0, 5, 3], j: [1, 2, 3], label: [1, 0, 1])
        #expect(try PairLoader.decode(Data(pairs.csvText().utf8), itemCount: 6) == pairs)
        let dir = try TempDir()
        try pairs.writeCSV(to: dir.path("w.csv"))
        #expect(try PairLoader.load(path: dir.path("w.csv"), itemCount: 6) == pairs)
    }

    @Test("PairDataset.load reads embeddings and three pair files")
    func datasetFromFiles() throws {
        let dir = try TempDir()
        let emb = try dir.write("emb.csv", text: "1,0\n0,1\n1,1\n2,2\n")
        let train = try dir.write("train.csv", text: "i,j,label\n0,1,0\n2,3,1\n")
        let val = try dir.write("val.csv", text: "i,j,label\n0,2,1\n")
        let test = try dir.write("test.csv", text: "i,j,label\n1,3,0\n")
        let ds = try PairDataset.load(embeddings: emb, train: train, val: val, test: test)
        #expect(ds.name == "emb")
        #expect(ds.itemCount == 4 && ds.dim == 2)
        #expect(ds.train.count == 2 && ds.val.count == 1 && ds.test.count == 1)
        #expect(ds.files == [emb, train, val, test])
    }

    @Test("a pair listed in two split files is refused, naming both places")
    func pairInTwoSplits() throws {
        let dir = try TempDir()
        let emb = try dir.write("emb.csv", text: "1,0\n0,1\n1,1\n2,2\n")
        let train = try dir.write("train.csv", text: "i,j,label\n0,1,0\n2,3,1\n")
        let val = try dir.write("val.csv", text: "i,j,label\n0,2,1\n")
        let test = try dir.write("test.csv", text: "i,j,label\n1,3,0\n3,2,1\n")
        #expect(errorLine { _ = try PairDataset.load(embeddings: emb, train: train, val: val, test: test) }
                == "\(test):3: pair (3, 2) is also in \(train):3 (a pair belongs to one split only)")
    }

    @Test("pair indices are checked against the embeddings' row count")
    func indexCheckedAgainstEmbeddings() throws {
        let dir = try TempDir()
        let emb = try dir.write("emb.csv", text: "1,0\n0,1\n")
        let train = try dir.write("train.csv", text: "i,j,label\n0,2,0\n")
        #expect(errorLine { _ = try PairDataset.load(embeddings: emb, train: train, val: train, test: train) }
                == "\(train):2: j = 2 is out of range (the embeddings have 2 items, 0..<2)")
    }
}
