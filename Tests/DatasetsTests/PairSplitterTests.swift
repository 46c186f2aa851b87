import Foundation
import Testing
import TensorCore
@testable import Datasets

/// Random distinct pairs over `items` items (a fixed seed), labels alternating.
func randomPairs(items: Int, count: Int, seed: UInt64) -> PairSet {
    var rng = RandomSource(seed: seed)
    var seen = Set<PairKey>()
    var pairs = PairSet()
    while pairs.count < count {
        let a = rng.nextInt(below: items), b = rng.nextInt(below: items)
        if a == b || !seen.insert(PairKey(a, b)).inserted { continue }
        pairs.append(a, b, label: Float(pairs.count % 2))
    }
    return pairs
}

func items(_ p: PairSet) -> Set<Int> { Set(p.i + p.j) }

@Suite("Splitting one pair file")
struct PairSplitterTests {
    let pairs = randomPairs(items: 200, count: 3000, seed: 1)
    let fractions = SplitFractions(train: 0.6, val: 0.2, test: 0.2)

    @Test("by item: no item in two splits; kept + dropped = all")
    func byItemNoLeak() throws {
        let s = try PairSplitter.split(pairs, by: .item, fractions: fractions, seed: 7)
        #expect(items(s.train).isDisjoint(with: items(s.val)))
        #expect(items(s.train).isDisjoint(with: items(s.test)))
        #expect(items(s.val).isDisjoint(with: items(s.test)))
        #expect(s.train.count + s.val.count + s.test.count + s.droppedCrossPairs == pairs.count)
        #expect(s.droppedCrossPairs > 0)
        // Every kept pair is an input pair, with its label.
        var labelOf: [PairKey: Float] = [:]
        for k in 0..<pairs.count { labelOf[PairKey(pairs.i[k], pairs.j[k])] = pairs.label[k] }
        for part in [s.train, s.val, s.test] {
            for k in 0..<part.count { #expect(labelOf[PairKey(part.i[k], part.j[k])] == part.label[k]) }
        }
    }

    @Test("same seed gives the same split; another seed a different one", arguments: [SplitUnit.item, .pair])
    func deterministic(unit: SplitUnit) throws {
        let a = try PairSplitter.split(pairs, by: unit, fractions: fractions, seed: 7)
        let b = try PairSplitter.split(pairs, by: unit, fractions: fractions, seed: 7)
        let c = try PairSplitter.split(pairs, by: unit, fractions: fractions, seed: 8)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("by pair: sizes follow the fractions and nothing is dropped")
    func byPairSizes() throws {
        let s = try PairSplitter.split(pairs, by: .pair, fractions: fractions, seed: 3)
        #expect(s.train.count == 1800 && s.val.count == 600 && s.test.count == 600)
        #expect(s.droppedCrossPairs == 0)
    }

    @Test("an empty split is refused with one line")
    func emptySplit() {
        let few = PairSet(i: [0, 2], j: [1, 3], label: [1, 0])
        #expect(errorLine { _ = try PairSplitter.split(few, by: .item, fractions: fractions, seed: 1, source: "pairs.csv") }
                == "pairs.csv: splitting 2 pairs by item (fractions 0.6/0.2/0.2, seed 1, 2 cross-split pairs dropped) left the train split empty")
    }

    @Test("bad fractions are refused")
    func badFractions() {
        #expect(errorLine { _ = try PairSplitter.split(pairs, by: .pair, fractions: SplitFractions(train: 0.5, val: 0.2, test: 0.2), seed: 1, source: "p.csv") }
                == "p.csv: split fractions must be non-negative and sum to 1, got 0.5/0.2/0.2")
    }

    @Test("PairDataset.load with one pair file splits by item and reports dropped pairs")
    func loadAndSplit() throws {
        let dir = try TempDir()
        var rows = ""
        for _ in 0..<200 { rows += "0.5,0.25\n" }
        let emb = try dir.write("e.csv", text: rows)
        let path = try dir.write("all.csv", text: pairs.csvText())
        let (ds, dropped) = try PairDataset.load(embeddings: emb, pairs: path, splitBy: .item, fractions: fractions, seed: 7)
        let direct = try PairSplitter.split(pairs, by: .item, fractions: fractions, seed: 7)
        #expect(ds.train == direct.train && ds.val == direct.val && ds.test == direct.test)
        #expect(dropped == direct.droppedCrossPairs)
        #expect(ds.files == [emb, path])
    }
}
