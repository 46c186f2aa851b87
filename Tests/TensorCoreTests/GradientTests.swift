import Testing
@testable import TensorCore

/// Random parameter with entries kept at least `gap` away from zero (for kinked ops).
func randomParam(_ name: String, _ rows: Int, _ cols: Int, seed: UInt64, gap: Float = 0) -> Parameter {
    var rng = RandomSource(seed: seed)
    var m = Matrix(rows: rows, cols: cols)
    for i in 0..<m.count {
        var x = rng.normal(std: 1)
        if gap > 0 && Swift.abs(x) < gap { x = x < 0 ? x - gap : x + gap }
        m.data[i] = x
    }
    return Parameter(name: name, m)
}

/// Every differentiable operation of the tape, with inputs that are parameters so that both
/// sides receive gradients. Tolerances: `GradientCheck`'s defaults (central differences with
/// h = 1e-2 on Float32 forward values summed in Double; see its doc comment for the reasoning).
@Suite("Finite-difference gradient checks")
struct GradientTests {
    typealias Case = (name: String, params: [Parameter], forward: (Tape, [Var]) -> Var)

    static func cases() -> [String: () -> Case] {
        [
            "matmul": { ("matmul", [randomParam("a", 3, 4, seed: 1), randomParam("b", 4, 5, seed: 2)], { t, v in t.matmul(v[0], v[1]) }) },
            "matmulTA": { ("matmulTA", [randomParam("a", 4, 3, seed: 1), randomParam("b", 4, 5, seed: 2)], { t, v in t.matmul(v[0], v[1], transA: true) }) },
            "matmulTB": { ("matmulTB", [randomParam("a", 3, 4, seed: 1), randomParam("b", 5, 4, seed: 2)], { t, v in t.matmul(v[0], v[1], transB: true) }) },
            "matmulTATB": { ("matmulTATB", [randomParam("a", 4, 3, seed: 1), randomParam("b", 5, 4, seed: 2)], { t, v in t.matmul(v[0], v[1], transA: true, transB: true) }) },
            "add": { ("add", [randomParam("a", 3, 4, seed: 1), randomParam("b", 3, 4, seed: 2)], { t, v in t.add(v[0], v[1]) }) },
            "sub": { ("sub", [randomParam("a", 3, 4, seed: 1), randomParam("b", 3, 4, seed: 2)], { t, v in t.sub(v[0], v[1]) }) },
            "mul": { ("mul", [randomParam("a", 3, 4, seed: 1), randomParam("b", 3, 4, seed: 2)], { t, v in t.mul(v[0], v[1]) }) },
            "maximum": {
                // b = a + offsets of size ≥ 0.3, so no entry sits on the kink a == b.
                let a = randomParam("a", 3, 4, seed: 1)
                let off = randomParam("o", 3, 4, seed: 2, gap: 0.3)
                var bm = a.matrix
                for i in 0..<bm.count { bm.data[i] += off.value[i] }
                return ("maximum", [a, Parameter(name: "b", bm)], { t, v in t.maximum(v[0], v[1]) })
            },
            "addRowVector": { ("addRowVector", [randomParam("a", 3, 4, seed: 1), randomParam("v", 1, 4, seed: 2)], { t, v in t.addRowVector(v[0], v[1]) }) },
            "scale": { ("scale", [randomParam("a", 3, 4, seed: 1)], { t, v in t.scale(v[0], -1.7) }) },
            "mulScalar": { ("mulScalar", [randomParam("a", 3, 4, seed: 1), randomParam("s", 1, 1, seed: 2)], { t, v in t.mulScalar(v[0], v[1]) }) },
            "abs": { ("abs", [randomParam("a", 3, 4, seed: 1, gap: 0.1)], { t, v in t.abs(v[0]) }) },
            "relu": { ("relu", [randomParam("a", 3, 4, seed: 1, gap: 0.1)], { t, v in t.relu(v[0]) }) },
            "tanh": { ("tanh", [randomParam("a", 3, 4, seed: 1)], { t, v in t.tanh(v[0]) }) },
            "sigmoid": { ("sigmoid", [randomParam("a", 3, 4, seed: 1)], { t, v in t.sigmoid(v[0]) }) },
            "logSigmoid": { ("logSigmoid", [randomParam("a", 3, 4, seed: 1)], { t, v in t.logSigmoid(v[0]) }) },
            "exp": { ("exp", [randomParam("a", 3, 4, seed: 1)], { t, v in t.exp(t.scale(v[0], 0.5)) }) },
            "sqrt": { ("sqrt", [randomParam("a", 3, 4, seed: 1)], { t, v in t.sqrt(t.add(t.mul(v[0], v[0]), t.constant(Matrix(rows: 3, cols: 4, repeating: 0.5)))) }) },
            "concatCols": { ("concatCols", [randomParam("a", 3, 2, seed: 1), randomParam("b", 3, 4, seed: 2)], { t, v in t.concatCols([v[0], v[1], v[0]]) }) },
            "sliceCols": { ("sliceCols", [randomParam("a", 3, 6, seed: 1)], { t, v in t.sliceCols(v[0], start: 2, count: 3) }) },
            "rowDot": { ("rowDot", [randomParam("a", 3, 5, seed: 1), randomParam("b", 3, 5, seed: 2)], { t, v in t.rowDot(v[0], v[1]) }) },
            "rowDotLong": { ("rowDotLong", [randomParam("a", 2, 21, seed: 1), randomParam("b", 2, 21, seed: 2)], { t, v in t.rowDot(v[0], v[1]) }) },
            "rowSum": { ("rowSum", [randomParam("a", 3, 5, seed: 1)], { t, v in t.rowSum(v[0]) }) },
            "sqDist": { ("sqDist", [randomParam("a", 3, 5, seed: 1), randomParam("b", 3, 5, seed: 2)], { t, v in t.sqDist(v[0], v[1]) }) },
            "rowCosine": { ("rowCosine", [randomParam("a", 3, 5, seed: 1), randomParam("b", 3, 5, seed: 2)], { t, v in t.rowCosine(v[0], v[1]) }) },
            "groupSum": { ("groupSum", [randomParam("a", 3, 6, seed: 1)], { t, v in t.groupSum(v[0], groupSize: 3) }) },
            "groupRowDot": { ("groupRowDot", [randomParam("p", 3, 8, seed: 1), randomParam("x", 3, 4, seed: 2)], { t, v in t.groupRowDot(v[0], v[1]) }) },
            "bceWithLogits": {
                ("bceWithLogits", [randomParam("z", 6, 1, seed: 1)], { t, v in
                    t.bceWithLogits(v[0], labels: t.constant(Matrix(rows: 6, cols: 1, data: [0, 1, 1, 0, 1, 0])))
                })
            },
            "orderedPairFirst": {
                // Rows of a and b differ in their first column by ≥ 0.3, so the order is stable.
                let a = randomParam("a", 4, 3, seed: 1)
                let off = randomParam("o", 4, 3, seed: 2, gap: 0.3)
                var bm = a.matrix
                for r in 0..<4 { bm[r, 0] += off.value[r * 3] }
                let b = Parameter(name: "b", bm)
                return ("orderedPairFirst", [a, b], { t, v in t.mul(t.orderedPair(v[0], v[1], first: true), t.orderedPair(v[0], v[1], first: false)) })
            },
            "symmetrizeBlocks": { ("symmetrizeBlocks", [randomParam("w", 3, 6, seed: 1)], { t, v in t.symmetrizeBlocks(v[0]) }) },
            "mean": { ("mean", [randomParam("a", 3, 4, seed: 1)], { t, v in t.mean(v[0]) }) },
        ]
    }

    @Test("gradient of each op", arguments: cases().keys.sorted())
    func op(_ name: String) {
        let c = Self.cases()[name]!()
        let result = GradientCheck.run(parameters: c.params) { tape in
            c.forward(tape, c.params.map { tape.param($0) })
        }
        #expect(result.checked > 0)
        #expect(result.passed, "\(name): \(result)")
    }

    /// Two layers where the first weight is used twice (input and output side), as shared
    /// weights are in the symmetric models: the gradient must be the sum of both uses.
    @Test func twoLayerNetworkWithSharedWeight() {
        let w = randomParam("w", 4, 4, seed: 11)
        let b = randomParam("b", 1, 4, seed: 12)
        let v = randomParam("v", 4, 1, seed: 13)
        let x = randomParam("x", 5, 4, seed: 14)
        let params = [w, b, v]
        let forward: (Tape) -> Var = { t in
            let W = t.param(w)
            let h = t.tanh(t.addRowVector(t.matmul(t.param(x), W), t.param(b)))
            let h2 = t.tanh(t.matmul(h, W, transB: true))   // W used again, transposed
            return t.matmul(h2, t.param(v))
        }
        let result = GradientCheck.run(parameters: params, forward: forward)
        #expect(result.passed, "\(result)")

        // And the accumulated gradient really has two contributions: it differs from the
        // gradient with the second use cut off (W replaced by a constant copy there).
        for p in params { p.zeroGrad() }
        let t1 = Tape()
        t1.backward(t1.mean(forward(t1)))
        let both = w.gradient
        w.zeroGrad()
        let t2 = Tape()
        let W = t2.param(w)
        let h = t2.tanh(t2.addRowVector(t2.matmul(t2.param(x), W), t2.param(b)))
        let h2 = t2.tanh(t2.matmul(h, t2.constant(w.matrix), transB: true))
        t2.backward(t2.mean(t2.matmul(h2, t2.param(v))))
        #expect(both.maxAbsDifference(w.gradient) > 1e-4)
    }

    @Test func gradientCheckDetectsAWrongGradient() {
        // A forward whose recorded op disagrees with what the objective sees: `scale` by 2 on
        // the gradient tape, by 3 on evaluation tapes. The checker must fail it.
        let a = randomParam("a", 2, 3, seed: 5)
        let result = GradientCheck.run(parameters: [a]) { t in
            t.scale(t.param(a), t.recordsGradients ? 2 : 3)
        }
        #expect(!result.passed)
    }
}
