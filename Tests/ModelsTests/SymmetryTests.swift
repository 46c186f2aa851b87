import Testing
import Models
import TensorCore

@Suite("Symmetry and reflexivity by construction")
struct SymmetryTests {
    /// 10,000 random pairs, n = 12, inputs at mixed scales; symmetric models must agree bit for bit.
    @Test(arguments: allSpecs.filter(\.isSymmetric).map(label))
    func symmetricModelsAreExactlySymmetric(_ name: String) throws {
        let spec = allSpecs.first { label($0) == name }!
        let model = try ModelFactory.make(spec, inputDim: 12, seed: 3)
        var a = randomMatrix(10_000, 12, seed: 1), b = randomMatrix(10_000, 12, seed: 2, std: 3)
        // Some rows where b is a rescaled a, and some identical rows.
        for r in 0..<100 { for c in 0..<12 { b[r, c] = a[r, c] * 0.5; a[r + 100, c] = b[r + 100, c] } }
        let ab = model.score(a, b), ba = model.score(b, a)
        var mismatches = 0
        for i in 0..<ab.count where ab[i].bitPattern != ba[i].bitPattern { mismatches += 1 }
        #expect(mismatches == 0, "\(name): \(mismatches) of 10000 pairs differ")
        #expect(ab.allSatisfy { $0.isFinite })
    }

    @Test func concatWithoutSymmetrisationIsAsymmetric() throws {
        var spec = ModelSpec(.concat); spec.hidden = [16]
        let model = try ModelFactory.make(spec, inputDim: 12, seed: 3)
        #expect(!model.isSymmetric)
        let a = randomMatrix(1000, 12, seed: 1), b = randomMatrix(1000, 12, seed: 2)
        let ab = model.score(a, b), ba = model.score(b, a)
        let maxDiff = zip(ab, ba).map { Swift.abs($0 - $1) }.max()!
        #expect(maxDiff > 1e-3, "max |s(a,b) − s(b,a)| = \(maxDiff)")
    }

    @Test(arguments: [Score.distance, .cosine])
    func sharedQScoresItselfHighest(_ score: Score) throws {
        var spec = ModelSpec(.sharedq); spec.score = score; spec.width = 5; spec.tower = [9]
        let model = try ModelFactory.make(spec, inputDim: 10, seed: 4)
        #expect(model.isReflexive)
        let x = randomMatrix(2000, 10, seed: 5), y = randomMatrix(2000, 10, seed: 6)
        let self_ = model.score(x, x), other = model.score(x, y)
        for i in 0..<x.rows { #expect(self_[i] >= other[i], "pair \(i): s(x,x) = \(self_[i]) < s(x,y) = \(other[i])") }
    }

    /// d(a, b) = ‖f(a) − f(b)‖ must satisfy d(a, c) ≤ d(a, b) + d(b, c) up to Float32 rounding
    /// (relative 1e-5 of the right-hand side).
    @Test func sharedQDistanceObeysTriangleInequality() throws {
        var spec = ModelSpec(.sharedq); spec.score = .distance; spec.width = 6; spec.tower = [8]
        let model = try ModelFactory.make(spec, inputDim: 10, seed: 7) as! SharedQModel
        let a = randomMatrix(3000, 10, seed: 1), b = randomMatrix(3000, 10, seed: 2), c = randomMatrix(3000, 10, seed: 3)
        let tape = Tape(recordsGradients: false)
        let fa = tape.value(model.embed(tape, tape.constant(a)))
        let fb = tape.value(model.embed(tape, tape.constant(b)))
        let fc = tape.value(model.embed(tape, tape.constant(c)))
        func d(_ x: Matrix, _ y: Matrix, _ r: Int) -> Double {
            var s = 0.0
            for k in 0..<x.cols { let t = Double(x[r, k]) - Double(y[r, k]); s += t * t }
            return s.squareRoot()
        }
        for r in 0..<a.rows {
            let rhs = d(fa, fb, r) + d(fb, fc, r)
            #expect(d(fa, fc, r) <= rhs * (1 + 1e-5), "triple \(r)")
        }
    }

    @Test func cosineBaselineIsReflexive() throws {
        let model = try ModelFactory.make(ModelSpec(.cosine), inputDim: 8, seed: 1)
        let x = randomMatrix(500, 8, seed: 1), y = randomMatrix(500, 8, seed: 2)
        let s = model.score(x, x), o = model.score(x, y)
        for i in 0..<500 { #expect(s[i] >= o[i]) }
    }
}
