import Foundation

/// How the report writes numbers: AUC with four decimals, probabilities with three, signed
/// differences with a real minus sign, intervals in brackets, "–" for nothing.
enum ReportFormat {
    static let none = "–"

    static func fixed(_ v: Double?, _ decimals: Int) -> String {
        guard let v, v.isFinite else { return none }
        let s = String(format: "%.\(decimals)f", v)
        return minus(s)
    }

    static func auc(_ v: Double?) -> String { fixed(v, 4) }
    static func prob(_ v: Double?) -> String { fixed(v, 3) }

    /// `0.9869 ± 0.0020`; `0.9869 (1 seed)` without an interval; "–" without a value.
    static func estimate(_ e: MeanEstimate?, decimals: Int = 4) -> String {
        guard let e else { return none }
        guard let h = e.halfWidth else { return fixed(e.mean, decimals) + " (1 seed)" }
        return fixed(e.mean, decimals) + " ± " + fixed(h, decimals)
    }

    /// `+0.0089` / `−0.0012` / `0.0000`.
    static func signed(_ v: Double?, _ decimals: Int = 4) -> String {
        guard let v, v.isFinite else { return none }
        let s = fixed(abs(v), decimals)
        if Double(s) == 0 { return s }
        return (v > 0 ? "+" : "−") + s
    }

    /// `[−0.0012, +0.0190]`, or "–" without an interval.
    static func interval(_ e: MeanEstimate?, _ decimals: Int = 4) -> String {
        guard let e, let lo = e.lower, let hi = e.upper else { return none }
        return "[\(signed(lo, decimals)), \(signed(hi, decimals))]"
    }

    /// A small non-negative quantity (symmetry error): `0`, else three significant digits.
    static func small(_ v: Double?) -> String {
        guard let v, v.isFinite else { return none }
        if v == 0 { return "0" }
        return minus(String(format: v >= 1e-3 ? "%#.3g" : "%.2e", v))
    }

    /// An integer with thousands separators: `12,345`.
    static func count(_ v: Double?) -> String {
        guard let v, v.isFinite else { return none }
        let i = Int(v.rounded())
        var digits = String(abs(i))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (i < 0 ? "−" : "") + groups.joined(separator: ",")
    }

    /// `1.23×`.
    static func ratio(_ v: Double?) -> String {
        guard let v, v.isFinite else { return none }
        return String(format: "%.2f×", v)
    }

    /// "a, b and c".
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    /// "1 dataset", "3 datasets".
    static func plural(_ n: Int, _ word: String, _ pluralWord: String? = nil) -> String {
        "\(n) " + (n == 1 ? word : (pluralWord ?? word + "s"))
    }

    /// Replaces ASCII hyphen-minus in front of digits with U+2212.
    static func minus(_ s: String) -> String {
        s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    /// How a paired difference's interval reads in a table.
    static func verdict(_ sign: IntervalSign, higher: String = "higher", lower: String = "lower") -> String {
        switch sign {
        case .positive: return higher
        case .negative: return lower
        case .containsZero: return "not distinguishable"
        case .undetermined: return "one seed, no interval"
        }
    }

    /// `wins/seeds`, for example `3/3`.
    static func wins<K>(_ p: PairedComparison<K>?) -> String {
        guard let p else { return none }
        return "\(p.wins)/\(p.keys.count)"
    }
}
