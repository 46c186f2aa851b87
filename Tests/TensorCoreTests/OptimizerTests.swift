import Testing
@testable import TensorCore

@Suite("Optimisers")
struct OptimizerTests {
    /// f(w) = Σ w², gradient 2w, from w = [1, −2].
    func trajectory(_ make: (Parameter) -> Optimizer) -> [[Float]] {
        let p = Parameter(name: "w", Matrix([[1, -2]]))
        let opt = make(p)
        var out: [[Float]] = []
        for _ in 0..<3 {
            opt.zeroGrad()
            for i in 0..<p.count { p.grad[i] = 2 * p.value[i] }
            opt.step()
            out.append(p.matrix.data)
        }
        return out
    }

    @Test func sgdMomentumMatchesHandComputedSteps() {
        // lr 0.1, μ 0.9. Step 1: b = g = [2, −4], w = [0.8, −1.6].
        // Step 2: g = [1.6, −3.2], b = 0.9·[2, −4] + g = [3.4, −6.8], w = [0.46, −0.92].
        // Step 3: g = [0.92, −1.84], b = 0.9·[3.4, −6.8] + g = [3.98, −7.96], w = [0.062, −0.124].
        let got = trajectory { SGD(parameters: [$0], learningRate: 0.1, momentum: 0.9) }
        let expected: [[Float]] = [[0.8, -1.6], [0.46, -0.92], [0.062, -0.124]]
        for (g, e) in zip(got, expected) {
            for (x, y) in zip(g, e) { #expect(Swift.abs(x - y) < 1e-5, "\(got)") }
        }
    }

    @Test func adamWMatchesHandComputedSteps() {
        // lr 0.1, β = (0.9, 0.999), ε = 1e-8, decoupled decay λ = 0.01.
        // Step 1: m̂ = g, v̂ = g², so the Adam move is lr·sign(g) = 0.1; decay multiplies w by
        // 1 − lr·λ = 0.999 first: w = [0.999 − 0.1, −1.998 + 0.1] = [0.899, −1.898].
        // Steps 2–3 computed the same way in Double (m, v recurrences above):
        let got = trajectory { Adam(parameters: [$0], learningRate: 0.1, weightDecay: 0.01) }
        let expected: [[Float]] = [[0.899, -1.898], [0.7985190272, -1.7962725886], [0.6989111832, -1.6949445144]]
        for (g, e) in zip(got, expected) {
            for (x, y) in zip(g, e) { #expect(Swift.abs(x - y) < 1e-5, "\(got)") }
        }
    }

    /// Linear regression y = X·w* + b* with noise-free targets; both optimisers must drive the
    /// mean squared error below 1e-4 from a random start.
    @Test(arguments: ["adam", "sgd"])
    func fitsToyRegression(_ kind: String) {
        var rng = RandomSource(seed: 3)
        let n = 64, d = 3
        var x = Matrix(rows: n, cols: d)
        for i in 0..<x.count { x.data[i] = rng.normal(std: 1) }
        let wStar: [Float] = [0.5, -1.5, 2.0], bStar: Float = 0.3
        var y = Matrix(rows: n, cols: 1)
        for r in 0..<n { y.data[r] = (0..<d).reduce(bStar) { $0 + x[r, $1] * wStar[$1] } }
        let w = Parameter(name: "w", Initializer.glorotUniform.matrix(rows: d, cols: 1, fanIn: d, fanOut: 1, rng: &rng))
        let b = Parameter(name: "b", Matrix(rows: 1, cols: 1))
        let opt: Optimizer = kind == "adam"
            ? Adam(parameters: [w, b], learningRate: 0.05)
            : SGD(parameters: [w, b], learningRate: 0.05, momentum: 0.9)
        let tape = Tape()
        var loss: Float = .infinity
        for _ in 0..<400 {
            tape.reset()
            opt.zeroGrad()
            let pred = tape.addRowVector(tape.matmul(tape.constant(x), tape.param(w)), tape.param(b))
            let diff = tape.sub(pred, tape.constant(y))
            let l = tape.mean(tape.mul(diff, diff))
            loss = tape.scalar(l)
            tape.backward(l)
            opt.step()
        }
        #expect(loss < 1e-4, "final MSE \(loss)")
        #expect(Swift.abs(b.value[0] - bStar) < 1e-2)
    }
}

@Suite("Tape buffers")
struct TapeBufferTests {
    @Test func trainingStepsStopAllocating() {
        var rng = RandomSource(seed: 1)
        let w1 = Parameter(name: "w1", Initializer.heNormal.matrix(rows: 8, cols: 16, fanIn: 8, fanOut: 16, rng: &rng))
        let w2 = Parameter(name: "w2", Initializer.glorotUniform.matrix(rows: 16, cols: 1, fanIn: 16, fanOut: 1, rng: &rng))
        let opt = Adam(parameters: [w1, w2])
        var x = Matrix(rows: 32, cols: 8)
        for i in 0..<x.count { x.data[i] = rng.normal(std: 1) }
        let labels = Matrix(rows: 32, cols: 1, data: (0..<32).map { Float($0 % 2) })
        let tape = Tape()
        var afterFirst = 0
        for step in 0..<100 {
            tape.reset()
            opt.zeroGrad()
            let h = tape.relu(tape.matmul(tape.constant(x), tape.param(w1)))
            let loss = tape.bceWithLogits(tape.matmul(h, tape.param(w2)), labels: tape.constant(labels))
            tape.backward(loss)
            opt.step()
            if step == 0 { afterFirst = tape.bufferAllocations }
        }
        #expect(afterFirst > 0)
        #expect(tape.bufferAllocations == afterFirst)
        #expect(tape.count == 8)  // x, w1, matmul, relu, w2, matmul, labels, loss
    }

    @Test func shapeMismatchTraps() async {
        await #expect(processExitsWith: .failure) {
            let t = Tape()
            _ = t.matmul(t.constant(Matrix(rows: 2, cols: 3)), t.constant(Matrix(rows: 2, cols: 3)))
        }
    }
}
