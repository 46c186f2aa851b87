import Foundation
import Testing
import TensorCore
@testable import Datasets

/// Small options so the suite runs quickly in debug builds.
func smallOptions(seed: UInt64 = 5) -> SyntheticOptions {
    var o = SyntheticOptions()
    o.items = 400
    o.dim = 16
    o.seed = seed
    o.trainPairs = 600
    o.valPairs = 200
    o.testPairs = 200
    return o
}

/// ROC AUC of raw cosine similarity on `pairs` (ties count one half).
func cosineAUC(_ m: Matrix, _ pairs: PairSet) -> Double {
    var pos: [Double] = [], neg: [Double] = []
    for k in 0..<pairs.count {
        let a = m.row(pairs.i[k]), b = m.row(pairs.j[k])
        var dot = 0.0, na = 0.0, nb = 0.0
        for c in 0..<a.count {
            dot += Double(a[c]) * Double(b[c]); na += Double(a[c]) * Double(a[c]); nb += Double(b[c]) * Double(b[c])
        }
        let s = dot / (na * nb).squareRoot()
        if pairs.label[k] == 1 { pos.append(s) } else { neg.append(s) }
    }
    var wins = 0.0
    for p in pos { for n in neg { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
    return wins / Double(pos.count * neg.count)
}

@Suite("Synthetic generators")
struct SyntheticDataTests {
    @Test("same seed gives identical data; another seed different data", arguments: SyntheticTask.allCases)
    func deterministic(task: SyntheticTask) throws {
        let a = try SyntheticData.make(task: task, options: smallOptions(seed: 5))
        let b = try SyntheticData.make(task: task, options: smallOptions(seed: 5))
        let c = try SyntheticData.make(task: task, options: smallOptions(seed: 6))
        #expect(a.embeddings == b.embeddings)
        #expect(a.train == b.train && a.val == b.val && a.test == b.test)
        #expect(a.embeddings != c.embeddings)
        #expect(a.train != c.train)
        #expect(a.name == task.rawValue && a.files.isEmpty)
        #expect(a.embeddings.rows == 400 && a.embeddings.cols == 16)
    }

    @Test("labels are balanced, follow the ground truth, and pairs are distinct", arguments: SyntheticTask.allCases)
    func balancedAndTrue(task: SyntheticTask) throws {
        let s = try SyntheticData.generate(task: task, options: smallOptions())
        for (set, count) in [(s.data.train, 600), (s.data.val, 200), (s.data.test, 200)] {
            #expect(set.count == count)
            let rate = Double(set.positiveCount) / Double(set.count)
            #expect(rate >= 0.45 && rate <= 0.55)
            var seen = Set<PairKey>()
            for k in 0..<set.count {
                let a = set.i[k], b = set.j[k]
                #expect(a != b)
                #expect(seen.insert(PairKey(a, b)).inserted)
                #expect((set.label[k] == 1) == s.truth(a, b))
                #expect(s.truth(a, b) == s.truth(b, a))
            }
        }
    }

    @Test("items are partitioned: no item in two splits", arguments: SyntheticTask.allCases)
    func noItemLeak(task: SyntheticTask) throws {
        let s = try SyntheticData.generate(task: task, options: smallOptions())
        for (part, set) in [s.data.train, s.data.val, s.data.test].enumerated() {
            for k in 0..<set.count {
                #expect(s.itemSplit[set.i[k]] == part && s.itemSplit[set.j[k]] == part)
            }
        }
    }

    @Test("clusters: the ground truth is an equivalence relation (transitive)")
    func clustersTransitive() throws {
        let s = try SyntheticData.generate(task: .clusters, options: smallOptions())
        let sample = Array(0..<60)
        var chains = 0
        for a in sample { for b in sample where s.truth(a, b) { for c in sample where s.truth(b, c) {
            chains += 1
            #expect(s.truth(a, c))
        } } }
        #expect(chains > 60)  // the check is not vacuous
        #expect(sample.allSatisfy { s.truth($0, $0) })
        #expect(s.clusterOf!.count == 400)
    }

    @Test("norms: pairs with identical pooled features [a+b, a⊙b, |a−b|] carry different labels")
    func normsDefeatsPooling() throws {
        let s = try SyntheticData.generate(task: .norms, options: smallOptions())
        let m = s.data.embeddings
        func features(_ a: Int, _ b: Int) -> [UInt32] {
            (0..<m.cols).flatMap { c -> [UInt32] in
                let x = m[a, c], y = m[b, c]
                return [(x + y).bitPattern, (x * y).bitPattern, Swift.abs(x - y).bitPattern]
            }
        }
        for set in [s.data.train, s.data.val, s.data.test] {
            var labelsByFeatures: [[UInt32]: Set<Float>] = [:]
            for k in 0..<set.count { labelsByFeatures[features(set.i[k], set.j[k]), default: []].insert(set.label[k]) }
            let collisions = labelsByFeatures.values.filter { $0.count == 2 }.count
            #expect(collisions >= 5, "each split should hold twin pairs that pooling cannot separate")
        }
        // The 2-D example from the doc comment.
        let a: [Float] = [1, 1], b: [Float] = [2, 2], a2: [Float] = [2, 1], b2: [Float] = [1, 2]
        #expect(zip(a, b).map { $0 + $1 } == zip(a2, b2).map { $0 + $1 })
        #expect(zip(a, b).map { $0 * $1 } == zip(a2, b2).map { $0 * $1 })
        #expect(zip(a, b).map { Swift.abs($0 - $1) } == zip(a2, b2).map { Swift.abs($0 - $1) })
    }

    @Test("hidden_metric: reflexive truth; raw cosine is near chance")
    func hiddenMetricDefeatsCosine() throws {
        let s = try SyntheticData.generate(task: .hiddenMetric, options: smallOptions())
        #expect((0..<400).allSatisfy { s.truth($0, $0) })
        #expect(cosineAUC(s.data.embeddings, s.data.test) < 0.62)
    }

    @Test("interaction: raw cosine is near chance")
    func interactionDefeatsCosine() throws {
        let d = try SyntheticData.make(task: .interaction, options: smallOptions())
        #expect(cosineAUC(d.embeddings, d.test) < 0.62)
    }

    @Test("embeddings are pinned bit for bit (guards platform-identical streams)", arguments: [
        (SyntheticTask.hiddenMetric, "18622a17d6bd454a"),
        (.clusters, "88c998bba3976255"),
        (.interaction, "a6afe7afedccdc9e"),
        (.norms, "6f1fb48e828940b8"),
    ])
    func golden(task: SyntheticTask, prefix: String) throws {
        var o = smallOptions(seed: 11)
        o.items = 40
        o.dim = 6
        o.trainPairs = 20; o.valPairs = 4; o.testPairs = 4
        o.clusterCount = 2
        let d = try SyntheticData.make(task: task, options: o)
        let hash = sha256Hex(of: d.embeddings.data.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        #expect(hash.hasPrefix(prefix))
    }

    @Test("options decode from JSON with defaults for missing keys, and round-trip")
    func optionsCodable() throws {
        let o = try JSONDecoder().decode(SyntheticOptions.self, from: Data(#"{"items": 100, "clusterCount": 5}"#.utf8))
        var expected = SyntheticOptions()
        expected.items = 100
        expected.clusterCount = 5
        #expect(o == expected)
        let back = try JSONDecoder().decode(SyntheticOptions.self, from: JSONEncoder().encode(o))
        #expect(back == o)
    }

    @Test("registry: every task by name; unknown names and bad options refused with one line")
    func registry() throws {
        for task in SyntheticTask.allCases {
            #expect(try SyntheticData.make(named: task.rawValue, options: smallOptions()).name == task.rawValue)
        }
        #expect(errorLine { _ = try SyntheticData.make(named: "spirals") }
                == "synthetic:spirals: unknown synthetic task (expected one of hidden_metric, clusters, interaction, norms)")
        var o = smallOptions()
        o.dim = 1
        #expect(errorLine { _ = try SyntheticData.make(task: .norms, options: o) }
                == "synthetic:norms: dim must be at least 2 for norms (coordinates are swapped between halves), got 1")
        o = smallOptions()
        o.informativeDim = 20
        #expect(errorLine { _ = try SyntheticData.make(task: .hiddenMetric, options: o) }
                == "synthetic:hidden_metric: informativeDim must be in 1...dim (16), got 20")
        o = smallOptions()
        o.items = 8
        #expect(errorLine { _ = try SyntheticData.make(task: .interaction, options: o) }
                == "synthetic:interaction: the test split has 1 item, needs at least 2; use more items or larger fractions")
    }

    @Test("impossible pair counts are refused, not looped on")
    func infeasible() throws {
        var o = smallOptions()
        o.items = 20
        o.trainPairs = 20
        o.valPairs = 40    // the 4 validation items have only 6 distinct pairs
        o.testPairs = 4
        #expect(errorLine { _ = try SyntheticData.make(task: .hiddenMetric, options: o) }
                == "synthetic:hidden_metric: the val split's 4 items have only 6 distinct pairs, 40 requested; use more items or fewer pairs")
        // Enough distinct pairs but too few similar ones: the sampler gives up with a clear line.
        o.valPairs = 6
        o.clusterCount = 5
        #expect(errorLine { _ = try SyntheticData.make(task: .clusters, options: o) }
                .hasPrefix("synthetic:clusters: could not sample 3 similar and 3 dissimilar distinct pairs among the 4 val items"))
    }
}
