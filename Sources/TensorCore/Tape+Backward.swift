import Foundation

// MARK: - Reverse pass

extension Tape {
    /// Back-propagates from the `1×1` value `loss`: every value that depends on a parameter gets
    /// `∂loss/∂value`, and each parameter's `grad` is *increased* by its gradient (call
    /// `zeroGrad` on the optimiser between steps).
    public func backward(_ loss: Var) {
        precondition(recordsGradients, "backward: this tape does not record gradients")
        let root = nodes[loss.id]
        precondition(root.rows == 1 && root.cols == 1, "backward: loss is \(root.rows)x\(root.cols), expected 1x1")
        guard root.needsGrad else { return }
        for i in 0...loss.id where nodes[i].needsGrad && nodes[i].op != .parameter {
            nodes[i].grad!.update(repeating: 0, count: nodes[i].rows * nodes[i].cols)
        }
        nodes[loss.id].grad![0] += 1
        var i = loss.id
        while i >= 0 {
            if nodes[i].needsGrad && nodes[i].op != .parameter && nodes[i].op != .constant { pullback(i) }
            i -= 1
        }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func pullback(_ id: Int) {
        let nd = nodes[id]
        let g = nd.grad!
        let count = nd.rows * nd.cols
        let A: Node? = nd.a >= 0 ? nodes[nd.a] : nil
        let B: Node? = nd.b >= 0 ? nodes[nd.b] : nil
        let ga = A?.grad, gb = B?.grad
        switch nd.op {
        case .constant, .parameter:
            break
        case .matmul:
            let a = A!, b = B!
            let tA = nd.i0 == 1, tB = nd.i1 == 1
            let m = nd.rows, n = nd.cols
            let k = tA ? a.rows : a.cols
            if let ga {
                if !tA {
                    // dA (m×k) += dC · op(B)ᵀ
                    MatrixProduct.gemm(transA: false, transB: !tB, m: m, n: k, k: n, alpha: 1,
                                       a: g, lda: n, b: b.value, ldb: b.cols, beta: 1, c: ga, ldc: a.cols)
                } else {
                    // A stored k×m: dA += op(B) · dCᵀ
                    MatrixProduct.gemm(transA: tB, transB: true, m: k, n: m, k: n, alpha: 1,
                                       a: b.value, lda: b.cols, b: g, ldb: n, beta: 1, c: ga, ldc: a.cols)
                }
            }
            if let gb {
                if !tB {
                    // dB (k×n) += op(A)ᵀ · dC
                    MatrixProduct.gemm(transA: !tA, transB: false, m: k, n: n, k: m, alpha: 1,
                                       a: a.value, lda: a.cols, b: g, ldb: n, beta: 1, c: gb, ldc: b.cols)
                } else {
                    // B stored n×k: dB += dCᵀ · op(A)
                    MatrixProduct.gemm(transA: true, transB: tA, m: n, n: k, k: m, alpha: 1,
                                       a: g, lda: n, b: a.value, ldb: a.cols, beta: 1, c: gb, ldc: b.cols)
                }
            }
        case .add:
            if let ga { for i in 0..<count { ga[i] += g[i] } }
            if let gb { for i in 0..<count { gb[i] += g[i] } }
        case .sub:
            if let ga { for i in 0..<count { ga[i] += g[i] } }
            if let gb { for i in 0..<count { gb[i] -= g[i] } }
        case .mul:
            let x = A!.value, y = B!.value
            if let ga { for i in 0..<count { ga[i] += g[i] * y[i] } }
            if let gb { for i in 0..<count { gb[i] += g[i] * x[i] } }
        case .maximum:
            let x = A!.value, y = B!.value
            for i in 0..<count {
                if x[i] > y[i] { ga?[i] += g[i] }
                else if y[i] > x[i] { gb?[i] += g[i] }
                else { ga?[i] += 0.5 * g[i]; gb?[i] += 0.5 * g[i] }
            }
        case .addRowVector:
            let n = nd.cols
            if let ga { for i in 0..<count { ga[i] += g[i] } }
            if let gb { for r in 0..<nd.rows { for c in 0..<n { gb[c] += g[r * n + c] } } }
        case .scale:
            if let ga { for i in 0..<count { ga[i] += nd.s * g[i] } }
        case .mulScalar:
            let x = A!.value, k = B!.value[0]
            if let ga { for i in 0..<count { ga[i] += g[i] * k } }
            if let gb {
                var s: Float = 0
                for i in 0..<count { s += g[i] * x[i] }
                gb[0] += s
            }
        case .abs:
            let x = A!.value
            if let ga { for i in 0..<count { ga[i] += x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) } }
        case .relu:
            let x = A!.value
            if let ga { for i in 0..<count where x[i] > 0 { ga[i] += g[i] } }
        case .tanh:
            let y = nd.value
            if let ga { for i in 0..<count { ga[i] += g[i] * (1 - y[i] * y[i]) } }
        case .sigmoid:
            let y = nd.value
            if let ga { for i in 0..<count { ga[i] += g[i] * y[i] * (1 - y[i]) } }
        case .logSigmoid:
            // d/dx log σ(x) = σ(−x)
            let x = A!.value
            if let ga { for i in 0..<count { ga[i] += g[i] * stableSigmoid(-x[i]) } }
        case .exp:
            let y = nd.value
            if let ga { for i in 0..<count { ga[i] += g[i] * y[i] } }
        case .sqrt:
            let y = nd.value
            if let ga { for i in 0..<count { ga[i] += g[i] * 0.5 / y[i] } }
        case .concatCols:
            var c0 = 0
            for t in 0..<nd.i1 {
                let part = nodes[extra[nd.i0 + t]]
                if let gp = part.grad, part.needsGrad {
                    for r in 0..<nd.rows {
                        let src = g + r * nd.cols + c0, dst = gp + r * part.cols
                        for c in 0..<part.cols { dst[c] += src[c] }
                    }
                }
                c0 += part.cols
            }
        case .sliceCols:
            if let ga {
                let a = A!
                for r in 0..<nd.rows {
                    let dst = ga + r * a.cols + nd.i0, src = g + r * nd.cols
                    for c in 0..<nd.cols { dst[c] += src[c] }
                }
            }
        case .rowDot:
            let a = A!, b = B!, n = a.cols
            for r in 0..<nd.rows {
                let gr = g[r], o = r * n
                if let ga { for c in 0..<n { ga[o + c] += gr * b.value[o + c] } }
                if let gb { for c in 0..<n { gb[o + c] += gr * a.value[o + c] } }
            }
        case .rowSum:
            let n = A!.cols
            if let ga { for r in 0..<nd.rows { for c in 0..<n { ga[r * n + c] += g[r] } } }
        case .sqDist:
            let a = A!, b = B!, n = a.cols
            for r in 0..<nd.rows {
                let o = r * n
                for c in 0..<n {
                    let d = 2 * g[r] * (a.value[o + c] - b.value[o + c])
                    ga?[o + c] += d
                    gb?[o + c] -= d
                }
            }
        case .rowCosine:
            let a = A!, b = B!, n = a.cols
            for r in 0..<nd.rows {
                let x = a.value + r * n, y = b.value + r * n
                let nx = dot(x, x, n).squareRoot(), ny = dot(y, y, n).squareRoot()
                let denom = nx * ny
                guard denom > Tape.cosineEpsilon else {
                    // Below the floor the value is a·b/ε, linear in each side.
                    if let ga { for c in 0..<n { ga[r * n + c] += g[r] * y[c] / Tape.cosineEpsilon } }
                    if let gb { for c in 0..<n { gb[r * n + c] += g[r] * x[c] / Tape.cosineEpsilon } }
                    continue
                }
                let cosv = nd.value[r]
                if let ga {
                    let ix = 1 / (nx * nx)
                    for c in 0..<n { ga[r * n + c] += g[r] * (y[c] / denom - cosv * x[c] * ix) }
                }
                if let gb {
                    let iy = 1 / (ny * ny)
                    for c in 0..<n { gb[r * n + c] += g[r] * (x[c] / denom - cosv * y[c] * iy) }
                }
            }
        case .groupSum:
            if let ga {
                let size = nd.i0, gcols = nd.cols, acols = A!.cols
                for r in 0..<nd.rows {
                    for k in 0..<gcols {
                        let v = g[r * gcols + k]
                        for t in 0..<size { ga[r * acols + k * size + t] += v }
                    }
                }
            }
        case .groupRowDot:
            let p = A!, x = B!, n = x.cols, gcols = nd.cols
            for r in 0..<nd.rows {
                let xr = x.value + r * n, pr = p.value + r * p.cols
                for k in 0..<gcols {
                    let v = g[r * gcols + k]
                    if let ga { let dst = ga + r * p.cols + k * n; for i in 0..<n { dst[i] += v * xr[i] } }
                    if let gb { let dst = gb + r * n; let src = pr + k * n; for i in 0..<n { dst[i] += v * src[i] } }
                }
            }
        case .orderedPair:
            let a = A!, b = B!, n = a.cols
            for r in 0..<nd.rows {
                let takeA = rowPrecedes(a.value + r * n, b.value + r * n, n) == (nd.i0 == 1)
                if let dst = takeA ? ga : gb {
                    for c in 0..<n { dst[r * n + c] += g[r * n + c] }
                }
            }
        case .symmetrizeBlocks:
            if let ga {
                let n = nd.rows, ld = nd.cols
                for k in 0..<(ld / n) {
                    for i in 0..<n { for j in 0..<n {
                        let v = 0.5 * g[i * ld + k * n + j]
                        ga[i * ld + k * n + j] += v
                        ga[j * ld + k * n + i] += v
                    } }
                }
            }
        case .bceWithLogits:
            if let ga {
                let z = A!.value, y = B!.value, m = A!.rows
                let scale = g[0] / Float(max(m, 1))
                for r in 0..<m { ga[r] += scale * (stableSigmoid(z[r]) - y[r]) }
            }
        case .mean:
            if let ga {
                let n = A!.rows * A!.cols
                let v = g[0] / Float(max(n, 1))
                for i in 0..<n { ga[i] += v }
            }
        }
    }
}
