import Datasets
import Models
import TensorCore

/// Scores a trained model on the validation and test pairs and computes every recorded metric.
///
/// The definitions live with `Metrics`; this type decides what is scored:
/// - `val`: AUC, AP, log loss, and the accuracy-maximising threshold (on validation only).
/// - `test`: AUC, AP, log loss, accuracy and F1 at the validation threshold; symmetry error
///   over the test pairs scored in both orders; reflexivity over the items of the test pairs
///   (their partners are their test pairs, scored with the item first); transitivity over up
///   to `tripleSamples` triples `(a, b, c)` where `a–b` and `b–c` are test pairs.
/// A split with one class yields missing AUC/AP and `single_class = 1`.
public enum Evaluator {
    /// Triples sampled for the transitivity metric.
    public static let tripleSamples = 20_000

    /// Logits of the pairs `(i[k], j[k])`, or `(j[k], i[k])` with `reversed`.
    static func logits(_ model: PairModel, _ data: PairDataset, _ i: [Int], _ j: [Int]) -> [Double] {
        guard !i.isEmpty else { return [] }
        let a = data.embeddings.gatherRows(i), b = data.embeddings.gatherRows(j)
        return model.score(a, b).map(Double.init)
    }

    /// The validation pairs gathered once per run, for the per-epoch early-stopping check.
    public struct ValidationSet {
        let a: Matrix, b: Matrix, labels: [Bool]

        public init(_ data: PairDataset) {
            a = data.embeddings.gatherRows(data.val.i)
            b = data.embeddings.gatherRows(data.val.j)
            labels = data.val.label.map { $0 > 0.5 }
        }

        /// Validation AUC and log loss of `model`.
        public func score(_ model: PairModel) -> (auc: Double?, logLoss: Double) {
            let s = labels.isEmpty ? [] : model.score(a, b).map(Double.init)
            return (Metrics.rocAUC(scores: s, labels: labels), Metrics.logLoss(logits: s, labels: labels))
        }
    }

    public static func evaluate(model: PairModel, data: PairDataset, seed: UInt64) -> [MetricValue] {
        var out: [MetricValue] = []
        func put(_ split: String, _ name: String, _ value: Double?) { out.append(MetricValue(split: split, name: name, value: value)) }

        let val = data.val, test = data.test
        let sv = logits(model, data, val.i, val.j), yv = val.label.map { $0 > 0.5 }
        let threshold = Metrics.chooseThreshold(logits: sv, labels: yv)
        put("val", "auc", Metrics.rocAUC(scores: sv, labels: yv))
        put("val", "ap", Metrics.averagePrecision(scores: sv, labels: yv))
        put("val", "log_loss", sv.isEmpty ? nil : Metrics.logLoss(logits: sv, labels: yv))
        put("val", "threshold", threshold)
        put("val", "single_class", Set(yv).count < 2 ? 1 : 0)

        let forward = logits(model, data, test.i, test.j), backward = logits(model, data, test.j, test.i)
        let yt = test.label.map { $0 > 0.5 }
        put("test", "auc", Metrics.rocAUC(scores: forward, labels: yt))
        put("test", "ap", Metrics.averagePrecision(scores: forward, labels: yt))
        put("test", "log_loss", forward.isEmpty ? nil : Metrics.logLoss(logits: forward, labels: yt))
        put("test", "accuracy", forward.isEmpty ? nil : Metrics.accuracy(logits: forward, labels: yt, threshold: threshold))
        put("test", "f1", forward.isEmpty ? nil : Metrics.f1(logits: forward, labels: yt, threshold: threshold))
        put("test", "single_class", Set(yt).count < 2 ? 1 : 0)
        if !forward.isEmpty {
            let sym = Metrics.symmetryError(forward: forward, backward: backward)
            put("test", "symmetry_error_mean", sym.mean)
            put("test", "symmetry_error_max", sym.max)
        } else {
            put("test", "symmetry_error_mean", nil)
            put("test", "symmetry_error_max", nil)
        }

        // Reflexivity: each test item against itself and against its test partners.
        let items = Array(Set(test.i + test.j)).sorted()
        var index: [Int: Int] = [:]
        for (k, x) in items.enumerated() { index[x] = k }
        var partners = [[Double]](repeating: [], count: items.count)
        var neighbours = [[(other: Int, logitFromHere: Double)]](repeating: [], count: items.count)
        for k in 0..<test.count {
            let a = index[test.i[k]]!, b = index[test.j[k]]!
            if a == b { continue }
            partners[a].append(forward[k]); partners[b].append(backward[k])
            neighbours[a].append((b, forward[k])); neighbours[b].append((a, backward[k]))
        }
        let selfLogits = logits(model, data, items, items)
        let refl = Metrics.reflexivity(selfLogits: selfLogits, partnerLogits: partners)
        put("test", "reflexivity_mean", items.isEmpty ? nil : refl.meanSelfProbability)
        put("test", "reflexivity_rank", refl.rankFraction)

        // Transitivity: middle items with at least two partners, two distinct partners each.
        var rng = RandomSource(seed: seed)
        let middles = (0..<items.count).filter { neighbours[$0].count >= 2 }
        var ab: [Double] = [], bc: [Double] = [], ai: [Int] = [], ci: [Int] = []
        if !middles.isEmpty {
            for _ in 0..<tripleSamples {
                let b = middles[rng.nextInt(below: middles.count)]
                let nb = neighbours[b]
                let x = rng.nextInt(below: nb.count)
                var y = rng.nextInt(below: nb.count - 1)
                if y >= x { y += 1 }
                let a = nb[x].other, c = nb[y].other
                if a == c { continue }
                // s(a, b): the pair scored with a first; neighbours[b] holds s(b, ·), so look it up from a's side.
                guard let sab = neighbours[a].first(where: { $0.other == b })?.logitFromHere else { continue }
                ab.append(sab)
                bc.append(nb[y].logitFromHere)
                ai.append(items[a]); ci.append(items[c])
            }
        }
        let ac = logits(model, data, ai, ci)
        let trans = Metrics.transitivityViolation(triples: (0..<ac.count).map { (ab: ab[$0], bc: bc[$0], ac: ac[$0]) },
                                                  threshold: threshold)
        put("test", "transitivity_violation", trans.rate)
        put("test", "transitivity_triples", Double(trans.considered))
        return out
    }
}
