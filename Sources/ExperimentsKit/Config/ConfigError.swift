/// A sweep configuration that cannot be run: names the file, the JSON path and the offending value.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The config file, when known.
    public var file: String?
    /// JSON path such as `models[2].hidden`; empty for the whole document.
    public var path: String
    /// What was expected and what was found.
    public var message: String

    public init(file: String? = nil, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `FILE: PATH: MESSAGE`, omitting the parts that are not known.
    public var description: String {
        [file, path.isEmpty ? nil : path, message].compactMap { $0 }.joined(separator: ": ")
    }
}

/// `base.key` for a JSON path, or `base["key"]` (JSON-quoted) when the key is not a plain
/// identifier, so that an empty, dotted or multi-line key still gives a visible one-line path.
func jsonPath(_ base: String, _ key: String) -> String {
    func identifierByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"): return true
        default: return false
        }
    }
    let plain = !key.isEmpty && key.utf8.allSatisfy(identifierByte)
    if plain { return base.isEmpty ? key : "\(base).\(key)" }
    return "\(base)[\(JSONValue.quote(key))]"
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
func suggestion(for word: String, among candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var cur = [i + 1] + [Int](repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                cur[j + 1] = Swift.min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca == cb ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
    let w = Array(word.lowercased())
    let limit = Swift.max(2, w.count / 3)
    // The distance is at least the difference in length: skip candidates that cannot be close
    // (this also keeps a megabyte-long key from costing a megabyte-sized table per candidate).
    let near = candidates.filter { (c: String) -> Bool in Swift.abs(c.count - w.count) <= limit }
    let scored = near.map { ($0, distance(w, Array($0.lowercased()))) }.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    guard let best = scored.first, best.1 <= limit else { return nil }
    return best.0
}
