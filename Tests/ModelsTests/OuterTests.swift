import Testing
import Models
import TensorCore

@Suite("Outer-product head")
struct OuterTests {
    /// The matrix-product path against the materialised oracle. Both are Float32 sums of n²
    /// terms of size O(1/n²·|a||b|); we allow 1e-4 absolute plus 1e-4 relative to the largest |h|.
    @Test(arguments: [(0, 6), (0, 16), (3, 16), (1, 5)])
    func agreesWithMaterialisedOracle(_ rank: Int, _ n: Int) throws {
        var spec = ModelSpec(.outer); spec.width = 5; spec.rank = rank
        let model = try ModelFactory.make(spec, inputDim: n, seed: 9) as! OuterModel
        let a = randomMatrix(40, n, seed: 1), b = randomMatrix(40, n, seed: 2)
        let tape = Tape(recordsGradients: false)
        let fast = tape.value(model.bilinear(tape, tape.constant(a), tape.constant(b)))
        let slow = model.materializedBilinear(a, b)
        let scale = slow.data.map { Swift.abs($0) }.max()!
        #expect(scale > 0)
        #expect(fast.maxAbsDifference(slow) <= 1e-4 + 1e-4 * scale, "diff \(fast.maxAbsDifference(slow)) scale \(scale)")
    }

    @Test func lowRankHasFewerWeights() throws {
        var full = ModelSpec(.outer); full.width = 8; full.hidden = []
        var low = full; low.rank = 2
        let f = try ModelFactory.make(full, inputDim: 64, seed: 1), l = try ModelFactory.make(low, inputDim: 64, seed: 1)
        // Full: n²·w + w (bias) + w + 1 (linear head) ; low: 2·n·r·w + the same.
        #expect(f.parameterCount == 64 * 64 * 8 + 8 + 8 + 1)
        #expect(l.parameterCount == 2 * 64 * 2 * 8 + 8 + 8 + 1)
    }
}

@Suite("Model gradients")
struct ModelGradientTests {
    /// Finite differences through every model and option (n = 5, 4 pairs). Tolerances are
    /// GradientCheck's defaults (see its doc comment), with a smaller step h = 1e-3: ReLU and
    /// max have kinks, and a step of 1e-2 moves some pre-activations across zero, where the
    /// function is not differentiable. At 1e-3 the Float32 rounding of L (|L| ≲ 5, relative
    /// 1e-7, so about 5e-7) divided by 2h contributes about 2.5e-4, still inside atol = 2e-3.
    @Test(arguments: allSpecs.map(label))
    func gradientCheck(_ name: String) throws {
        let spec = allSpecs.first { label($0) == name }!
        let model = try ModelFactory.make(spec, inputDim: 5, seed: 21)
        let a = randomMatrix(4, 5, seed: 31), b = randomMatrix(4, 5, seed: 32)
        let result = GradientCheck.run(parameters: model.parameters, h: 1e-3) { tape in
            model.forward(tape, tape.constant(a), tape.constant(b))
        }
        #expect(result.checked > 0)
        #expect(result.passed, "\(name): \(result)")
    }
}

@Suite("Model specs")
struct ModelSpecTests {
    @Test(arguments: [
        ("{\"architecture\":\"concat\",\"hidden\":[0]}", "hidden: expected positive integers, got 0"),
        ("{\"architecture\":\"outer\",\"rank\":-1}", "rank: expected 0 (full rank) or a positive integer, got -1"),
        ("{\"architecture\":\"mirror\",\"width\":0}", "width: expected a positive integer, got 0"),
        ("{\"architecture\":\"pooling\",\"features\":[]}", "features: expected at least one of sum, product, absdiff, got []"),
        ("{\"architecture\":\"sharedq\",\"tower\":[4,-2]}", "tower: expected positive integers, got -2"),
    ])
    func invalidSpecsNameTheField(_ json: String, _ message: String) throws {
        let spec = try JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8))
        #expect(throws: ModelSpecError.self) { _ = try ModelFactory.make(spec, inputDim: 4, seed: 0) }
        do { _ = try ModelFactory.make(spec, inputDim: 4, seed: 0) } catch { #expect("\(error)" == message) }
    }

    @Test func unusedFieldsDoNotChangeTheSpec() throws {
        var a = ModelSpec(.dot); a.hidden = [999]; a.rank = 3
        #expect(a.normalized() == ModelSpec(.dot))
        let decoded = try JSONDecoder().decode(ModelSpec.self, from: JSONEncoderSorted.encode(a))
        #expect(decoded.normalized() == ModelSpec(.dot))
    }
}

import Foundation
