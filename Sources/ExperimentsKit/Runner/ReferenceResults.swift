import Foundation
import TensorCore

/// Reference results as a sorted TSV that diffs well: one line per run and metric.
///
/// Format: `#` header lines recording where the reference was made (`# cpu: …`,
/// `# matrix products: …`), then `key  dataset  architecture  seed  state  metric  value` with
/// values printed with 17 significant digits (enough to round-trip a Double exactly), or `nan`,
/// `inf`, `-inf`, `missing`. Wall-clock metrics are left out.
public enum ReferenceResults {
    public struct Line: Hashable, Sendable {
        public var key: String, dataset: String, architecture: String, seed: String, state: String, metric: String
        public var value: Double?
        var id: String { key + "\t" + metric }
    }

    /// Every finished run's metrics, sorted by key and metric.
    public static func lines(from store: ResultStore) throws -> [Line] {
        let rows = try store.query("""
            SELECT r.key, r.dataset, r.architecture, r.seed, r.state, m.split || '.' || m.name, m.value, m.kind
            FROM runs r JOIN metrics m ON m.run_id = r.id WHERE r.state IN ('completed', 'diverged')
            ORDER BY r.key, m.split || '.' || m.name
            """)
        return rows.compactMap { row in
            let v = row.values
            guard let key = v[0].string, let metric = v[5].string, !Verifier.timingMetrics.contains(metric) else { return nil }
            let value: Double?
            switch v[7].string {
            case "nan": value = .nan
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            case "-0": value = -0.0
            case "missing": value = nil
            default: value = v[6].double
            }
            return Line(key: key, dataset: v[1].string ?? "", architecture: v[2].string ?? "",
                        seed: v[3].int64.map(String.init) ?? "", state: v[4].string ?? "", metric: metric, value: value)
        }
    }

    static func format(_ v: Double?) -> String {
        guard let v else { return "missing" }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return String(format: "%.17g", v)
    }

    static func parse(_ s: String) -> Double?? {
        switch s {
        case "missing": return .some(nil)
        case "nan": return .some(.nan)
        case "inf": return .some(.infinity)
        case "-inf": return .some(-.infinity)
        default: return Double(s).map { .some($0) }
        }
    }

    /// The machine description written into and compared against the header.
    public static var machine: [String] {
        ["cpu: \(Provenance.cpuModel())", MatrixProduct.backendDescription]
    }

    /// The TSV text for `lines`.
    public static func text(_ lines: [Line], source: String) -> String {
        var out = "# reference results of \(source); regenerate with: Experiments reference DB --write FILE\n"
        for m in machine { out += "# \(m)\n" }
        out += "key\tdataset\tarchitecture\tseed\tstate\tmetric\tvalue\n"
        for l in lines {
            out += [l.key, l.dataset, l.architecture, l.seed, l.state, l.metric, format(l.value)].joined(separator: "\t") + "\n"
        }
        return out
    }

    /// Outcome of a comparison.
    public struct Comparison: Sendable {
        public var sameMachine: Bool
        public var tolerance: Double
        public var compared = 0
        public var differences: [String] = []
    }

    /// Default tolerance when the reference was made on a different CPU or matrix-product
    /// library: training amplifies last-bit differences in a product's summation order into
    /// small changes of the learned weights; 0.02 absolute covers the seed-to-seed spread of the
    /// CI sweep's metrics. On the same machine the computation is deterministic: exact.
    public static let crossMachineTolerance = 0.02

    /// Compares a database with a reference file's text.
    public static func compare(_ store: ResultStore, reference text: String, tolerance: Double? = nil) throws -> Comparison {
        let header = text.split(separator: "\n").filter { $0.hasPrefix("# ") }.map { String($0.dropFirst(2)) }
        let sameMachine = machine.allSatisfy { header.contains($0) }
        var c = Comparison(sameMachine: sameMachine, tolerance: tolerance ?? (sameMachine ? 0 : crossMachineTolerance))
        var expected: [String: (Line, Double?)] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if raw.isEmpty || raw.hasPrefix("#") || raw.hasPrefix("key\t") { continue }
            let f = raw.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7, let v = parse(f[6]) else {
                throw ConfigError(path: "", message: "reference line \(n + 1): expected 7 tab-separated fields ending in a value, got \"\(raw)\"")
            }
            let line = Line(key: f[0], dataset: f[1], architecture: f[2], seed: f[3], state: f[4], metric: f[5], value: v)
            expected[line.id] = (line, v)
        }
        var seen = Set<String>()
        for l in try lines(from: store) {
            seen.insert(l.id)
            guard let (ref, value) = expected[l.id] else {
                c.differences.append("\(l.key.prefix(12)) \(l.dataset)/\(l.architecture) seed \(l.seed) \(l.metric): not in the reference")
                continue
            }
            c.compared += 1
            if ref.state != l.state {
                c.differences.append("\(l.key.prefix(12)) \(l.dataset)/\(l.architecture) seed \(l.seed): state \(l.state), reference \(ref.state)")
            }
            if !Verifier.same(value, l.value, tolerance: c.tolerance) {
                c.differences.append("\(l.key.prefix(12)) \(l.dataset)/\(l.architecture) seed \(l.seed) \(l.metric): \(format(l.value)), reference \(format(value))")
            }
        }
        for (id, (ref, _)) in expected where !seen.contains(id) {
            c.differences.append("\(ref.key.prefix(12)) \(ref.dataset)/\(ref.architecture) seed \(ref.seed) \(ref.metric): in the reference, missing from the database")
        }
        c.differences.sort()
        return c
    }
}
