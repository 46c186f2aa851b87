/// A seeded pseudo-random generator whose streams are identical on every platform.
///
/// Algorithm: **xoshiro256\*\*** (Blackman & Vigna, 2018), state seeded by **SplitMix64** from
/// a 64-bit seed. Uniform floats take the top 24 bits (Float) or 53 bits (Double) of the
/// output. Normal samples use the Marsaglia polar method with `portableLog`, a logarithm built
/// from IEEE additions, multiplications and divisions only, so no platform `libm` enters the
/// stream: the same seed gives the same bits on Linux and macOS.
public struct RandomSource: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator seeded from `seed` through SplitMix64.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// An independent stream derived from this generator's seed path and `stream`
    /// (used to give each run, split or layer its own reproducible stream).
    public func derived(_ stream: UInt64) -> RandomSource {
        RandomSource(seed: s0 ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ s3.rotl(17))
    }

    /// The next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotl(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotl(45)
        return result
    }

    /// Uniform in `[0, 1)` with 24 random bits.
    @inlinable public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    @inlinable public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in `[low, high)`.
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextFloat()
    }

    /// Uniform integer in `0..<bound` (Lemire's unbiased method, platform independent).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A standard normal sample (Marsaglia polar method, one value per accepted pair).
    public mutating func normal() -> Double {
        while true {
            let u = 2 * nextDouble() - 1
            let v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// A normal sample with the given mean and standard deviation, as `Float`.
    public mutating func normal(mean: Float = 0, std: Float) -> Float {
        mean + std * Float(normal())
    }

    /// Fisher–Yates shuffle driven by this generator (platform independent, unlike `shuffle(using:)`).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}

extension UInt64 {
    /// Rotate left by `k` bits.
    @inlinable @inline(__always) func rotl(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

/// Natural logarithm from IEEE-exact building blocks only, for platform-identical random streams.
///
/// `x = m · 2^e` with `m ∈ [√½, √2)`; `log m = 2·atanh(t)`, `t = (m−1)/(m+1)`, `|t| < 0.172`,
/// summed to 2·t^39 (below 1e-30 relative). Accurate to a few ulps for finite positive `x`;
/// returns `-inf` for 0 and NaN for negative input.
public func portableLog(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return .infinity }
    var m = x.significand          // [1, 2)
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m *= 0.5; e += 1 }
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var term = t
    var sum = 0.0
    var k = 1.0
    while k < 40 {
        sum += term / k
        term *= t2
        k += 2
    }
    return 2 * sum + e * 0.6931471805599453
}
