/// Elementary functions built from IEEE-exact operations only (`+ − × ÷`, rounding, scaling by
/// powers of two), so synthetic data are bit-identical on every platform, which a platform
/// `libm` does not promise. Accurate to a few ulps on the ranges the generators use.
enum PortableMath {
    /// `e^x`: `x = k·ln2 + r` with `|r| ≤ ln2/2`, a degree-20 Taylor polynomial for `e^r`,
    /// then an exact scaling by `2^k`. Returns `+inf` above 709.78 and 0 below −745.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.78 { return .infinity }
        if x < -745.2 { return 0 }
        let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
        let k = (x / 0.6931471805599453).rounded()
        let r = (x - k * ln2Hi) - k * ln2Lo
        var term = 1.0, sum = 1.0
        var n = 1.0
        while n <= 20 {
            term *= r / n
            sum += term
            n += 1
        }
        // Scale in two steps so that 2^k itself never overflows or underflows.
        let k1 = Int(k) / 2, k2 = Int(k) - Int(k) / 2
        return sum * Double(sign: .plus, exponent: k1, significand: 1) * Double(sign: .plus, exponent: k2, significand: 1)
    }

    /// `tanh(x) = (e^{2x} − 1) / (e^{2x} + 1)`, with `±1` beyond `|x| > 20`.
    static func tanh(_ x: Double) -> Double {
        if x > 20 { return 1 }
        if x < -20 { return -1 }
        let e = exp(2 * x)
        return (e - 1) / (e + 1)
    }
}
