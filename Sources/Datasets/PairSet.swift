import Foundation

/// Labelled item pairs: pair `k` is items `(i[k], j[k])` with `label[k]` ∈ {0, 1}.
///
/// Indices are 0-based rows of the dataset's embedding matrix. A similarity is symmetric, so
/// `(i, j)` and `(j, i)` denote the same unordered pair; the loaders refuse a file that lists
/// one pair twice.
public struct PairSet: Sendable, Equatable {
    /// First item of each pair.
    public var i: [Int]
    /// Second item of each pair.
    public var j: [Int]
    /// 1 for a similar pair, 0 for a dissimilar one.
    public var label: [Float]
    /// Number of pairs.
    public var count: Int { i.count }

    /// Pairs from parallel arrays, which must have equal lengths.
    public init(i: [Int], j: [Int], label: [Float]) {
        precondition(i.count == j.count && j.count == label.count,
                     "PairSet: i, j and label have \(i.count), \(j.count) and \(label.count) elements")
        self.i = i
        self.j = j
        self.label = label
    }

    /// No pairs.
    public init() { self.init(i: [], j: [], label: []) }

    /// Number of pairs labelled 1.
    public var positiveCount: Int { label.reduce(0) { $0 + ($1 == 1 ? 1 : 0) } }

    /// The pairs at `indices`, in that order.
    public func subset(_ indices: [Int]) -> PairSet {
        PairSet(i: indices.map { i[$0] }, j: indices.map { j[$0] }, label: indices.map { label[$0] })
    }

    /// Appends one pair.
    public mutating func append(_ a: Int, _ b: Int, label l: Float) {
        i.append(a); j.append(b); label.append(l)
    }

    /// The pairs as CSV text with header `i,j,label` (labels written as `0` / `1`).
    public func csvText() -> String {
        var out = "i,j,label\n"
        for k in 0..<count { out += "\(i[k]),\(j[k]),\(label[k] == 1 ? 1 : 0)\n" }
        return out
    }

    /// Writes `csvText()` to `path`.
    public func writeCSV(to path: String) throws {
        do {
            try Data(csvText().utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw DataError(file: path, "cannot write: \(error.localizedDescription)")
        }
    }
}

/// The unordered pair `{a, b}` as a hashable key (smaller index first).
struct PairKey: Hashable {
    let low: Int, high: Int
    init(_ a: Int, _ b: Int) { low = Swift.min(a, b); high = Swift.max(a, b) }
}
