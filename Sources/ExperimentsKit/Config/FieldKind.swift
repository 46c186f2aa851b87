/// The type of one hyperparameter in a sweep config, and how its JSON is checked.
enum FieldKind {
    case int(min: Int)
    case double(min: Double, exclusive: Bool, max: Double?)
    case bool
    case choice([String])
    case intList(min: Int)
    case choiceList([String])

    var isList: Bool {
        switch self { case .intList, .choiceList: return true; default: return false }
    }

    /// Checks a concrete value; the message says what was expected and what came.
    func check(_ v: JSONValue, path: String) throws -> JSONValue {
        func fail(_ expected: String) -> ConfigError { ConfigError(path: path, message: "expected \(expected), got \(v.canonical)") }
        switch self {
        case .int(let min):
            guard let i = v.intValue else { throw fail(min == 1 ? "a positive integer" : "an integer ≥ \(min)") }
            guard i >= min else { throw fail(min == 1 ? "a positive integer" : "an integer ≥ \(min)") }
            return .int(i)
        case .double(let min, let exclusive, let max):
            let range = "a number " + (exclusive ? "> \(fmt(min))" : "≥ \(fmt(min))") + (max.map { " and < \(fmt($0))" } ?? "")
            guard let d = v.numberValue, d.isFinite else { throw fail(range) }
            guard exclusive ? d > min : d >= min else { throw fail(range) }
            if let max, d >= max { throw fail(range) }
            return .double(d)
        case .bool:
            guard case .bool = v else { throw fail("true or false") }
            return v
        case .choice(let options):
            guard let s = v.stringValue, options.contains(s) else {
                throw fail("one of " + options.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            return v
        case .intList(let min):
            guard let a = v.arrayValue else { throw fail("a list of positive integers") }
            return .array(try a.enumerated().map { try FieldKind.int(min: min).check($1, path: "\(path)[\($0)]") })
        case .choiceList(let options):
            guard let a = v.arrayValue else { throw fail("a list of " + options.map { "\"\($0)\"" }.joined(separator: ", ")) }
            return .array(try a.enumerated().map { try FieldKind.choice(options).check($1, path: "\(path)[\($0)]") })
        }
    }

    private func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : "\(d)" }
}

/// A value a hyperparameter may take in one configuration: fixed, or drawn from a distribution.
enum Alternative: Equatable {
    case fixed(JSONValue)
    case uniform(Double, Double)
    case logUniform(Double, Double)
    case intUniform(Int, Int)
    case choice([JSONValue])

    var isFixed: Bool { if case .fixed = self { return true } else { return false } }

    /// Draws a value (fixed values are returned as they are).
    func draw(_ rng: inout TensorCoreRandom) -> JSONValue {
        switch self {
        case .fixed(let v): return v
        case .uniform(let lo, let hi): return .double(lo + (hi - lo) * rng.nextDouble())
        case .logUniform(let lo, let hi):
            return .double(Foundation.exp(Foundation.log(lo) + (Foundation.log(hi) - Foundation.log(lo)) * rng.nextDouble()))
        case .intUniform(let lo, let hi): return .int(lo + rng.nextInt(below: hi - lo + 1))
        case .choice(let options): return options[rng.nextInt(below: options.count)]
        }
    }
}

import Foundation
import TensorCore
typealias TensorCoreRandom = RandomSource

extension FieldKind {
    /// The alternatives a JSON value stands for: a fixed value, a grid (a list; for list-valued
    /// fields a list of lists), or a distribution object `{"uniform": [lo, hi]}`,
    /// `{"log_uniform": [lo, hi]}`, `{"int_uniform": [lo, hi]}`, `{"choice": [...]}`.
    func alternatives(_ v: JSONValue, path: String) throws -> [Alternative] {
        if case .object(let o) = v {
            guard o.count == 1, let (kind, arg) = o.first else {
                throw ConfigError(path: path, message: "expected a value, a list of values or one distribution (uniform, log_uniform, int_uniform, choice), got \(v.canonical)")
            }
            func bounds() throws -> (Double, Double) {
                guard let a = arg.arrayValue, a.count == 2, let lo = a[0].numberValue, let hi = a[1].numberValue, lo.isFinite, hi.isFinite, lo < hi else {
                    throw ConfigError(path: "\(path).\(kind)", message: "expected [low, high] with low < high, got \(arg.canonical)")
                }
                return (lo, hi)
            }
            switch kind {
            case "uniform", "log_uniform":
                guard case .double = self else {
                    throw ConfigError(path: "\(path).\(kind)", message: "\(kind) draws real numbers; this field takes \(expectation)")
                }
                let (lo, hi) = try bounds()
                _ = try check(.double(lo), path: "\(path).\(kind)[0]")
                _ = try check(.double(hi), path: "\(path).\(kind)[1]")
                if kind == "log_uniform" {
                    guard lo > 0 else { throw ConfigError(path: "\(path).\(kind)", message: "expected positive bounds for log_uniform, got \(arg.canonical)") }
                    return [.logUniform(lo, hi)]
                }
                return [.uniform(lo, hi)]
            case "int_uniform":
                guard case .int = self else {
                    throw ConfigError(path: "\(path).\(kind)", message: "int_uniform draws integers; this field takes \(expectation)")
                }
                guard let a = arg.arrayValue, a.count == 2, let lo = a[0].intValue, let hi = a[1].intValue, lo <= hi,
                      case .int = a[0], case .int = a[1] else {
                    throw ConfigError(path: "\(path).int_uniform", message: "expected [low, high] integers with low ≤ high, got \(arg.canonical)")
                }
                _ = try check(.int(lo), path: "\(path).int_uniform[0]")
                // `draw` picks among hi − lo + 1 values; that count must be an Int.
                guard !hi.subtractingReportingOverflow(lo).overflow, hi - lo < Int.max else {
                    throw ConfigError(path: "\(path).int_uniform", message: "expected [low, high] integers with high − low < \(Int.max), got \(arg.canonical)")
                }
                return [.intUniform(lo, hi)]
            case "choice":
                guard let a = arg.arrayValue, !a.isEmpty else {
                    throw ConfigError(path: "\(path).choice", message: "expected a non-empty list of values, got \(arg.canonical)")
                }
                return [.choice(try a.enumerated().map { try check($1, path: "\(path).choice[\($0)]") })]
            default:
                let hint = suggestion(for: kind, among: ["uniform", "log_uniform", "int_uniform", "choice"]).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ConfigError(path: path, message: "unknown distribution \(JSONValue.quote(kind))\(hint)")
            }
        }
        if case .array(let items) = v {
            if isList {
                // A list of lists is a grid; a flat list is one value.
                if !items.isEmpty, items.allSatisfy({ $0.arrayValue != nil }) {
                    return try items.enumerated().map { .fixed(try check($1, path: "\(path)[\($0)]")) }
                }
                return [.fixed(try check(v, path: path))]
            }
            guard !items.isEmpty else { throw ConfigError(path: path, message: "expected \(expectation) or a non-empty list of them, got []") }
            return try items.enumerated().map { .fixed(try check($1, path: "\(path)[\($0)]")) }
        }
        return [.fixed(try check(v, path: path))]
    }

    var expectation: String {
        switch self {
        case .int(let min): return min == 1 ? "a positive integer" : "an integer ≥ \(min)"
        case .double: return "a number"
        case .bool: return "true or false"
        case .choice(let o): return "one of " + o.joined(separator: ", ")
        case .intList: return "a list of positive integers"
        case .choiceList(let o): return "a list of " + o.joined(separator: ", ")
        }
    }
}
