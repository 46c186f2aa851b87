import Foundation
import Testing
import TensorCore
@testable import Datasets

/// The shipped real dataset loads through the public loaders, exactly as a user would load it.
@Suite("Shipped dataset: experiments/data/digits")
struct DigitsDatasetTests {
    let dataDir = repositoryRoot().appendingPathComponent("experiments/data")

    func path(_ name: String) -> String { dataDir.appendingPathComponent(name).path }

    @Test("loads with PairDataset.load; shape, counts, balance, no item shared between splits")
    func loads() throws {
        let ds = try PairDataset.load(name: "digits", embeddings: path("digits.npy"), train: path("digits_train.csv"),
                                      val: path("digits_val.csv"), test: path("digits_test.csv"))
        #expect(ds.itemCount == 1797 && ds.dim == 64)
        #expect(ds.embeddings.data.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(ds.train.count == 4000 && ds.val.count == 1500 && ds.test.count == 1500)
        for set in [ds.train, ds.val, ds.test] { #expect(set.positiveCount * 2 == set.count) }
        #expect(items(ds.train).isDisjoint(with: items(ds.val)))
        #expect(items(ds.train).isDisjoint(with: items(ds.test)))
        #expect(items(ds.val).isDisjoint(with: items(ds.test)))
        #expect(ds.files.count == 4)
    }

    @Test("content hashes match the README")
    func hashes() throws {
        #expect(try sha256Hex(ofFile: path("digits.npy")) == "b0d9a6a65c36bccf6bd5b34d26cf32ab7e9c7a624dfa0c11ada280e21a73125f")
        #expect(try sha256Hex(ofFile: path("digits_train.csv")) == "80e10586881d92c98bf923c99df9cb46441e0f35ddac98a9473a4273cbb2f15c")
    }
}
