import Models
import TensorCore

/// Every architecture with every option, as the tests enumerate them.
let allSpecs: [ModelSpec] = {
    var specs: [ModelSpec] = [ModelSpec(.dot), ModelSpec(.cosine)]
    for mode in Symmetrize.allCases {
        var s = ModelSpec(.concat); s.symmetrize = mode; s.hidden = [8]; specs.append(s)
    }
    var concatTanh = ModelSpec(.concat); concatTanh.activation = .tanh; concatTanh.hidden = [6, 5]; specs.append(concatTanh)
    for rank in [0, 2] {
        var s = ModelSpec(.outer); s.width = 4; s.rank = rank; s.hidden = [6]; specs.append(s)
    }
    var outerTanh = ModelSpec(.outer); outerTanh.width = 3; outerTanh.activation = .tanh; outerTanh.hidden = []; specs.append(outerTanh)
    for merge in Merge.allCases {
        var s = ModelSpec(.mirror); s.width = 6; s.merge = merge; s.hidden = [5]; specs.append(s)
    }
    var mirrorTanh = ModelSpec(.mirror); mirrorTanh.width = 5; mirrorTanh.activation = .tanh; mirrorTanh.hidden = []; specs.append(mirrorTanh)
    for score in Score.allCases {
        var s = ModelSpec(.sharedq); s.width = 6; s.score = score; specs.append(s)
        var deep = s; deep.tower = [7]; deep.activation = .tanh; specs.append(deep)
    }
    var pools: [[PoolFeature]] = [PoolFeature.allCases, [.sum], [.product], [.absdiff], [.sum, .absdiff]]
    for f in pools {
        var s = ModelSpec(.pooling); s.features = f; s.hidden = [8]; specs.append(s)
    }
    pools.removeAll()
    return specs
}()

/// A short label for test names.
func label(_ s: ModelSpec) -> String {
    let data = try! JSONEncoderSorted.encode(s)
    return String(decoding: data, as: UTF8.self)
}

import Foundation
let JSONEncoderSorted: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

/// A random matrix with entries N(0, std²).
func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64, std: Float = 1) -> Matrix {
    var rng = RandomSource(seed: seed)
    var m = Matrix(rows: rows, cols: cols)
    for i in 0..<m.count { m.data[i] = rng.normal(std: std) }
    return m
}

/// ROC AUC by counting positive–negative pairs (ties count ½); O(P·N), for small test sets.
func slowAUC(_ scores: [Float], _ labels: [Float]) -> Double {
    var pos: [Float] = [], neg: [Float] = []
    for (s, l) in zip(scores, labels) { if l > 0.5 { pos.append(s) } else { neg.append(s) } }
    var wins = 0.0
    for p in pos { for q in neg { wins += p > q ? 1 : (p == q ? 0.5 : 0) } }
    return wins / Double(pos.count * neg.count)
}
