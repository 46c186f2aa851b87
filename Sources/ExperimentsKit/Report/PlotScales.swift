import Foundation

/// A tick on an axis: its data value and its label (`nil` for an unlabelled minor tick).
struct PlotTick: Equatable {
    var value: Double
    var label: String?
}

/// A linear map from a data interval onto a pixel interval, with "nice" ticks (steps of 1, 2
/// or 5 times a power of ten).
struct LinearScale {
    var lower: Double, upper: Double
    var rangeStart: Double, rangeEnd: Double
    /// Distance between ticks.
    var step: Double

    /// A scale whose domain is `[min, max]` widened to whole tick steps, with about
    /// `targetTicks` ticks. A degenerate or empty domain is widened around its value.
    init(covering minValue: Double, _ maxValue: Double, range: (Double, Double), targetTicks: Int = 6,
         clampTo limits: ClosedRange<Double>? = nil) {
        var lo = minValue.isFinite ? minValue : 0
        var hi = maxValue.isFinite ? maxValue : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 {
            let pad = lo == 0 ? 0.5 : abs(lo) * 0.05
            lo -= pad
            hi += pad
        }
        let step = Self.niceStep((hi - lo) / Double(max(1, targetTicks - 1)))
        var niceLo = (lo / step).rounded(.down) * step
        var niceHi = (hi / step).rounded(.up) * step
        if let limits {
            niceLo = max(niceLo, limits.lowerBound)
            niceHi = min(niceHi, limits.upperBound)
            if niceHi <= niceLo { niceLo = limits.lowerBound; niceHi = limits.upperBound }
        }
        self.lower = niceLo
        self.upper = niceHi
        self.step = step
        self.rangeStart = range.0
        self.rangeEnd = range.1
    }

    /// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2.0, 5.0, 10.0] where m * power >= raw * (1 - 1e-9) { return m * power }
        return 10 * power
    }

    /// The pixel position of `v`.
    func callAsFunction(_ v: Double) -> Double {
        let t = (v - lower) / (upper - lower)
        return rangeStart + t * (rangeEnd - rangeStart)
    }

    /// Ticks at the multiples of `step` inside the domain, labelled with as many decimals as
    /// the step needs.
    var ticks: [PlotTick] {
        let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        let decimals = max(0, Int(-(log10(step) + 1e-9).rounded(.down)))
        return (first...last).map { k in
            let v = Double(k) * step
            var label = String(format: "%.\(decimals)f", v)
            if label.hasPrefix("-") && Double(label) == 0 { label.removeFirst() }
            return PlotTick(value: v, label: label.replacingOccurrences(of: "-", with: "−"))
        }
    }
}

/// A base-10 logarithmic map from a positive data interval onto a pixel interval, with ticks at
/// powers of ten (labelled) and at 2–9 times them (unlabelled, or 2 and 5 labelled when fewer
/// than two powers of ten fall inside the domain).
struct LogScale {
    /// How tick labels are written.
    enum LabelStyle {
        /// `10⁻³`, `10⁻²`, `0.1`, `1`, `10`.
        case power
        /// `1`, `10`, `100`, `1k`, `10k`, `1M`.
        case metric
    }

    /// log10 of the domain's ends.
    var lowerLog: Double, upperLog: Double
    var rangeStart: Double, rangeEnd: Double
    var style: LabelStyle

    /// A scale covering `[min, max]` (both must be positive; otherwise the decade [1, 10] is
    /// used): widened to whole decades, or with `padding` (a factor, such as 1.5) on each side
    /// when `snapToDecades` is false.
    init(covering minValue: Double, _ maxValue: Double, range: (Double, Double), style: LabelStyle,
         snapToDecades: Bool = true, padding: Double = 1.5) {
        let lo = minValue > 0 && minValue.isFinite ? minValue : 1
        let hi = maxValue > 0 && maxValue.isFinite ? max(maxValue, lo) : max(10, lo)
        if snapToDecades {
            lowerLog = log10(lo).rounded(.down)
            upperLog = log10(hi).rounded(.up)
            if upperLog <= lowerLog { upperLog = lowerLog + 1 }
        } else {
            lowerLog = log10(lo / padding)
            upperLog = log10(hi * padding)
            if upperLog - lowerLog < 1 {
                let mid = (upperLog + lowerLog) / 2
                lowerLog = mid - 0.5
                upperLog = mid + 0.5
            }
        }
        rangeStart = range.0
        rangeEnd = range.1
        self.style = style
    }

    /// The pixel position of `v > 0` (values ≤ 0 map to the lower end; callers draw them apart).
    func callAsFunction(_ v: Double) -> Double {
        let x = v > 0 ? log10(v) : lowerLog
        let t = (x - lowerLog) / (upperLog - lowerLog)
        return rangeStart + t * (rangeEnd - rangeStart)
    }

    var lower: Double { pow(10, lowerLog) }
    var upper: Double { pow(10, upperLog) }

    /// Ticks inside the domain: powers of ten (labelled) and 2–9 times them.
    var ticks: [PlotTick] {
        let first = Int(lowerLog.rounded(.down)), last = Int(upperLog.rounded(.up))
        let inside = { (v: Double) in log10(v) >= lowerLog - 1e-9 && log10(v) <= upperLog + 1e-9 }
        let powers = (first...last).filter { inside(pow(10, Double($0))) }.count
        var out: [PlotTick] = []
        for e in first...last {
            for m in 1...9 {
                let v = Double(m) * pow(10, Double(e))
                guard inside(v) else { continue }
                let labelled = m == 1 || (powers < 2 && (m == 2 || m == 5))
                out.append(PlotTick(value: v, label: labelled ? label(exponent: e, mantissa: m) : nil))
            }
        }
        return out
    }

    func label(exponent e: Int, mantissa m: Int) -> String {
        switch style {
        case .power:
            if m == 1 {
                if e == 0 { return "1" }
                if e == 1 { return "10" }
                return "10" + superscript(e)
            }
            return "\(m)·10" + superscript(e)
        case .metric:
            let v = Double(m) * pow(10, Double(e))
            for (div, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where v >= div {
                let q = v / div
                return (q == q.rounded() ? String(Int(q)) : String(format: "%g", q)) + suffix
            }
            if v >= 1 { return String(Int(v.rounded())) }
            return String(format: "%g", v)
        }
    }

    private func superscript(_ e: Int) -> String {
        let digits: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵",
                                              "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return String(String(e).map { digits[$0] ?? $0 })
    }
}
