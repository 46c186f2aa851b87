import ExperimentsKit
import Foundation
import TensorCore

/// Seeded, reproducible mutations of input files for the fuzz tests (and the libFuzzer
/// harnesses in `Fuzz/`, which compile this file too, so it imports no test framework).
///
/// Byte-level edits (bit flips, interesting bytes and integers, insertions, deletions,
/// duplicated and repeated chunks, truncation, splices with other seed files, dictionary
/// tokens, number rewrites) work on every format. `mutateJSON` edits a parsed document
/// structurally: values replaced with other types, huge or tiny numbers, unknown, empty and
/// look-alike keys, deleted members, grids and distributions, deep nesting, subtrees spliced
/// from other documents; `render` writes it back with random whitespace, escapes and
/// duplicate keys. Every choice comes from one `RandomSource`, so a seed and an iteration
/// number identify an input exactly.
struct FuzzMutator {
    var rng: RandomSource
    /// Inputs never grow beyond this many bytes (keeps every iteration fast).
    let maxSize: Int
    /// Format tokens inserted verbatim (`'descr'`, `NaN`, `"architecture"`, ...).
    let dictionary: [[UInt8]]
    /// Other seed files, for splicing.
    let pool: [[UInt8]]

    init(seed: UInt64, maxSize: Int, dictionary: [String] = [], pool: [[UInt8]] = []) {
        rng = RandomSource(seed: seed)
        self.maxSize = maxSize
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.pool = pool
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : rng.nextInt(below: n) }
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }

    static let interestingBytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27,
                                            0x28, 0x29, 0x2C, 0x2D, 0x2E, 0x30, 0x31, 0x39, 0x3A, 0x5B, 0x5D, 0x7B,
                                            0x7D, 0x5C, 0x4C, 0x65, 0x45, 0x6E, 0xC3, 0xE2, 0xEF, 0xBB, 0xBF]
    static let interestingInts: [UInt64] = [0, 1, 2, 3, 4, 7, 8, 16, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
                                            0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000,
                                            0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, UInt64.max, UInt64.max - 1,
                                            0x7FC0_0000, 0x7F80_0000, 0xFF80_0000, 0x7FF8_0000_0000_0000,
                                            0x7FF0_0000_0000_0000, 0x47EF_FFFF_E000_0000]
    static let numberTexts = ["0", "-0", "1", "-1", "2", "255", "65536", "2147483647", "2147483648", "-2147483649",
                              "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                              "99999999999999999999999999999", "1e15", "1e16", "9007199254740993", "0.5", "1.0", "1e308",
                              "1e309", "-1e309", "1.7976931348623157e308", "5e-324", "1e-400", "3.4028235e38", "3.5e38",
                              "1.0000001", "1e", "1e+", ".5", "5.", "01", "+1", "0x10", "NaN", "nan", "-nan", "Infinity",
                              "-Infinity", "inf", "-inf", "1_000", "１", "٣", "0.0000000000000000000000000000001"]

    // MARK: - Bytes

    /// One to four random edits of `input`, cut to `maxSize`.
    mutating func mutateBytes(_ input: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(4)) { edit(&b) }
        if b.count > maxSize { b.removeLast(b.count - maxSize) }
        return b
    }

    private mutating func edit(_ b: inout [UInt8]) {
        let pos = below(b.count + 1)          // an insertion point; `pos < b.count` for in-place edits
        let inPlace = !b.isEmpty
        let at = inPlace ? below(b.count) : 0
        switch below(16) {
        case 0 where inPlace: b[at] ^= UInt8(1) << UInt8(below(8))
        case 1 where inPlace: b[at] = pick(Self.interestingBytes)
        case 2 where inPlace: b[at] = b[at] &+ (oneIn(2) ? 1 : 255)
        case 3: b.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: pos)
        case 4 where inPlace:
            let end = Swift.min(b.count, at + 1 + below(oneIn(4) ? 256 : 16))
            b.removeSubrange(at..<end)
        case 5 where inPlace:
            let end = Swift.min(b.count, at + 1 + below(64))
            b.insert(contentsOf: Array(b[at..<end]), at: pos)
        case 6 where b.count >= 4:
            let width = pick([2, 4, 4, 8])
            guard b.count >= width else { break }
            let p = below(b.count - width + 1)
            var v = pick(Self.interestingInts)
            if oneIn(3) { v = v.byteSwapped }
            for k in 0..<width { b[p + k] = UInt8(truncatingIfNeeded: v >> UInt64(8 * k)) }
        case 7: b = Array(b.prefix(below(b.count + 1)))
        case 8 where !dictionary.isEmpty: b.insert(contentsOf: pick(dictionary), at: pos)
        case 9 where inPlace && !dictionary.isEmpty:
            let end = Swift.min(b.count, at + 1 + below(12))
            b.replaceSubrange(at..<end, with: pick(dictionary))
        case 10 where !pool.isEmpty:
            // Splice: our prefix, another file's suffix.
            let other = pick(pool)
            b = Array(b.prefix(pos)) + Array(other.suffix(below(other.count + 1)))
        case 11 where inPlace:
            // Repeat a chunk many times: long lines, deep nesting, big counts.
            let end = Swift.min(b.count, at + 1 + below(8))
            let chunk = Array(b[at..<end])
            let times = Swift.min(1 + below(oneIn(3) ? 2000 : 50), Swift.max(1, (maxSize - b.count) / chunk.count))
            b.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: times).joined()), at: pos)
        case 12 where inPlace:
            // Rewrite a run of digits as another number spelling.
            guard let start = (at..<b.count).first(where: { (0x30...0x39).contains(b[$0]) }) else { break }
            var end = start
            while end < b.count, (0x30...0x39).contains(b[end]) || b[end] == 0x2E || b[end] == 0x65 { end += 1 }
            b.replaceSubrange(start..<end, with: Array(pick(Self.numberTexts).utf8))
        case 13 where b.count >= 2:
            let i = below(b.count), j = below(b.count)
            b.swapAt(i, j)
        case 14 where inPlace:
            let end = Swift.min(b.count, at + 1 + below(32))
            for k in at..<end { b[k] = UInt8(truncatingIfNeeded: rng.next()) }
        case 15 where inPlace:
            // A UTF-8 oddity: an overlong, truncated or surrogate sequence, or a BOM.
            let odd: [[UInt8]] = [[0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                                  [0xEF, 0xBB, 0xBF], [0xFF], [0xC3, 0xA9], [0xE2, 0x80, 0xA8], [0x65, 0xCC, 0x81]]
            b.insert(contentsOf: pick(odd), at: pos)
        default: break
        }
    }

    // MARK: - JSON

    /// A path to a node inside a document: object keys and array indices.
    enum Step: Equatable { case key(String), index(Int) }

    /// Paths of the nodes of `v` (at most 4096 of them and 300 levels deep: trees built by
    /// repetition share subtrees and can be far larger than their text).
    static func nodes(_ v: JSONValue, _ prefix: [Step] = [], into out: inout [[Step]]) {
        guard out.count < 4096, prefix.count <= 300 else { return }
        out.append(prefix)
        switch v {
        case .object(let o): for k in o.keys.sorted() { nodes(o[k]!, prefix + [.key(k)], into: &out) }
        case .array(let a): for (i, x) in a.enumerated() { nodes(x, prefix + [.index(i)], into: &out) }
        default: break
        }
    }

    static func get(_ v: JSONValue, _ path: ArraySlice<Step>) -> JSONValue? {
        guard let first = path.first else { return v }
        switch (v, first) {
        case (.object(let o), .key(let k)): return o[k].flatMap { get($0, path.dropFirst()) }
        case (.array(let a), .index(let i)) where i < a.count: return get(a[i], path.dropFirst())
        default: return nil
        }
    }

    /// `v` with the node at `path` replaced by `f(node)`; `f` returning nil deletes it.
    static func update(_ v: JSONValue, _ path: ArraySlice<Step>, _ f: (JSONValue) -> JSONValue?) -> JSONValue? {
        guard let first = path.first else { return f(v) }
        switch (v, first) {
        case (.object(var o), .key(let k)):
            guard let child = o[k] else { return v }
            o[k] = update(child, path.dropFirst(), f)
            return .object(o)
        case (.array(var a), .index(let i)) where i < a.count:
            if let new = update(a[i], path.dropFirst(), f) { a[i] = new } else { a.remove(at: i) }
            return .array(a)
        default: return v
        }
    }

    static let configKeys = ["name", "database", "jobs", "threads", "seeds", "save_weights", "datasets", "models",
                             "training", "augmentation", "search", "samples", "seed", "synthetic", "items", "dim",
                             "train_pairs", "val_pairs", "test_pairs", "item_fractions", "informative_dim",
                             "nuisance_std", "cluster_count", "latent_dim", "cluster_spread", "noise_std",
                             "twin_fraction", "norm_tolerance", "embeddings", "train", "val", "test", "pairs",
                             "split_by", "fractions", "split_seed", "architecture", "hidden", "activation",
                             "initializer", "symmetrize", "width", "rank", "merge", "tower", "score", "features",
                             "epochs", "batch_size", "learning_rate", "optimizer", "weight_decay", "momentum",
                             "patience", "loss", "margin", "swap", "reflexive", "uniform", "log_uniform",
                             "int_uniform", "choice", "format_version", "input_dim", "spec", "parameters", "rows",
                             "cols", "descr", "fortran_order", "shape"]
    static let oddKeys = ["", " ", "a.b", "[0]", "models[0]", "\u{0}", "\n", "é", "e\u{301}", "\u{FEFF}jobs", "JOBS",
                          "jobs ", "architectur", "\u{1F600}", String(repeating: "k", count: 300)]
    static let strings = ["", " ", "dot", "cosine", "concat", "outer", "mirror", "sharedq", "pooling", "outr", "relu",
                          "tanh", "none", "swap", "average", "sum", "mean", "max", "min", "dot", "distance", "product",
                          "absdiff", "adam", "sgd", "bce", "contrastive", "item", "pair", "clusters", "norms",
                          "hidden_metric", "interaction", "torch_linear", "glorot_uniform", "he_normal",
                          "data/x.npy", "/abs/path.fvecs", "../../etc/passwd", "a\u{0}b", "line\nbreak", "\u{202E}rtl",
                          "e\u{301}", "\u{1F600}", String(repeating: "long", count: 200), "NaN", "Infinity", "-0"]

    /// A random scalar or small container, biased towards values that break validators.
    mutating func randomValue(depth: Int = 0) -> JSONValue {
        switch below(depth > 2 ? 9 : 12) {
        case 0: return .null
        case 1: return .bool(oneIn(2))
        case 2: return .int(pick([0, 1, -1, 2, 3, 7, 8, 32, 64, 255, 1 << 20, 1 << 31, 1 << 53, Int.max, Int.min,
                                  Int.max - 1, -(1 << 31), 1_000_000, 100_000_000, 999_999_999_999_999]))
        case 3: return .double(pick([0.0, -0.0, 0.5, 1.0, 1.5, -1.5, 1e-9, 1e15, 1e15 + 0.5, 1e16, 1e300, -1e300,
                                     Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude,
                                     Double.leastNonzeroMagnitude, 9007199254740994, 0.1, 0.2, 0.6, 0.9999999999,
                                     1.0000000001, 3.4028235e38, 3.5e38]))
        case 4, 5: return .string(pick(Self.strings))
        case 6: return .double(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))
        case 7: return .int(Int(bitPattern: UInt(truncatingIfNeeded: rng.next())))
        case 8: return .string(pick(Self.configKeys))
        case 9: return .array((0..<below(5)).map { _ in randomValue(depth: depth + 1) })
        case 10:
            let key = pick(["uniform", "log_uniform", "int_uniform", "choice", "gaussian", "", "uniform "])
            return .object([key: oneIn(3) ? randomValue(depth: depth + 1)
                                          : .array((0..<below(4)).map { _ in randomValue(depth: depth + 1) })])
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<below(4) { o[oneIn(4) ? pick(Self.oddKeys) : pick(Self.configKeys)] = randomValue(depth: depth + 1) }
            return .object(o)
        }
    }

    /// One to three structural edits of `doc`; `donors` supply subtrees to splice in.
    mutating func mutateJSON(_ doc: JSONValue, donors: [JSONValue]) -> JSONValue {
        var d = doc
        for _ in 0..<(1 + below(3)) { d = editJSON(d, donors: donors) }
        return d
    }

    private mutating func editJSON(_ doc: JSONValue, donors: [JSONValue]) -> JSONValue {
        var all: [[Step]] = []
        Self.nodes(doc, into: &all)
        let path = pick(all)
        guard let node = Self.get(doc, path[...]) else { return doc }
        let replacement: JSONValue?
        switch below(14) {
        case 0, 1: replacement = randomValue()
        case 2 where !path.isEmpty: replacement = nil                                   // delete
        case 3:
            if case .object(var o) = node {
                o[oneIn(3) ? pick(Self.oddKeys) : pick(Self.configKeys)] = randomValue()
                replacement = .object(o)
            } else { replacement = .array([node]) }
        case 4:                                                                           // splice from a donor
            let donor = donors.isEmpty ? doc : pick(donors)
            var donorNodes: [[Step]] = []
            Self.nodes(donor, into: &donorNodes)
            replacement = Self.get(donor, pick(donorNodes)[...]) ?? node
        case 5:                                                                           // grid / repeat
            if case .array(let a) = node, !a.isEmpty {
                replacement = .array(Array([[JSONValue]](repeating: a, count: 1 + below(oneIn(4) ? 40 : 4)).joined()))
            } else {
                replacement = .array([JSONValue](repeating: node, count: 1 + below(5)) + [randomValue()])
            }
        case 6:                                                                           // a distribution
            switch below(5) {
            case 0: replacement = .object(["uniform": .array([node, randomValue()])])
            case 1: replacement = .object(["log_uniform": .array([randomValue(), node])])
            case 2: replacement = .object(["int_uniform": .array([pick([.int(0), .int(1), node]), pick([.int(Int.max), .int(5), node])])])
            case 3: replacement = .object(["choice": .array(oneIn(4) ? [] : [node, randomValue()])])
            default: replacement = .object(["choice": node, "uniform": node])
            }
        case 7:                                                                           // deep nesting
            var v = node
            let depth = pick([2, 10, 100, 255, 256, 257, 300, 1000])
            let asArray = oneIn(2)
            for _ in 0..<depth { v = asArray ? .array([v]) : .object(["a": v]) }
            replacement = v
        case 8:
            switch node {
            case .int(let i): replacement = .int(pick([i &+ 1, i &- 1, 0 &- i, i &* 1000, Int.max, Int.min, 0]))
            case .double(let x): replacement = .double(pick([x * 1e300, -x, x / 3, x + 1, x.nextUp, 0, x * 1e-300]))
            case .string(let s): replacement = .string(typo(s))
            case .bool(let b): replacement = oneIn(2) ? .bool(!b) : .int(b ? 1 : 0)
            default: replacement = randomValue()
            }
        case 9:                                                                           // type confusion
            switch node {
            case .int(let i): replacement = oneIn(2) ? .double(Double(i)) : .string(String(i))
            case .double(let x): replacement = oneIn(2) ? .string("\(x)") : .int(Int(exactly: x.rounded()) ?? 0)
            case .string(let s): replacement = oneIn(2) ? .array([.string(s)]) : .object([s: .null])
            case .array(let a): replacement = a.first ?? .null
            case .object(let o): replacement = .array(o.keys.sorted().map { .string($0) })
            default: replacement = .string("null")
            }
        case 10:
            if case .object(let o) = node, let k = o.keys.sorted().first {
                var o2 = o; o2[k] = nil; o2[typo(k)] = o[k]           // renamed key: "did you mean"
                replacement = .object(o2)
            } else { replacement = randomValue() }
        case 11:
            if case .array(let a) = node, a.count > 1 { replacement = .array(a.reversed()) } else { replacement = .array([]) }
        case 12: replacement = .object([:])
        default: replacement = donors.isEmpty ? randomValue() : pick(donors)
        }
        return Self.update(doc, path[...], { _ in replacement }) ?? doc
    }

    /// A small spelling change: drop, double, swap or change one character.
    mutating func typo(_ s: String) -> String {
        var c = Array(s)
        guard !c.isEmpty else { return pick(Self.strings) }
        let i = below(c.count)
        switch below(5) {
        case 0: c.remove(at: i)
        case 1: c.insert(c[i], at: i)
        case 2 where c.count > 1: c.swapAt(i, (i + 1) % c.count)
        case 3: c[i] = pick(Array("aeiouxyz_.- 0é\u{0}"))
        default: c = Array(s.uppercased())
        }
        return String(c)
    }

    // MARK: - Rendering JSON text

    /// JSON text for `v`, with random whitespace and escapes, and occasionally a duplicated key
    /// or an invalid escape, so the parser sees what hand-written files contain.
    mutating func render(_ v: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        let pretty = oneIn(2)
        if oneIn(20) { out += [0xEF, 0xBB, 0xBF] }
        write(v, into: &out, indent: 0, pretty: pretty)
        if oneIn(30) { out += Array(pick([" ", "\n", "\r\n", " x", "}", "\u{0}", "//"]).utf8) }
        return out
    }

    private mutating func space(_ out: inout [UInt8], _ pretty: Bool, _ indent: Int) {
        guard pretty else { if oneIn(40) { out.append(pick([0x20, 0x09, 0x0D, 0x0A])) }; return }
        out.append(oneIn(30) ? 0x0D : 0x0A)
        out += [UInt8](repeating: 0x20, count: 2 * Swift.min(indent, 20))
    }

    private mutating func write(_ v: JSONValue, into out: inout [UInt8], indent: Int, pretty: Bool) {
        // Stop once the text is past `maxSize` (it is cut there anyway): shared subtrees can
        // make a small tree render to gigabytes.
        guard out.count <= maxSize else { return }
        switch v {
        case .null, .bool, .int:
            out += Array(v.canonical.utf8)
        case .double(let d):
            let text = pick(["\(d)", d.canonical17, v.canonical])
            out += Array(text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, x) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                space(&out, pretty, indent + 1)
                write(x, into: &out, indent: indent + 1, pretty: pretty)
            }
            if !a.isEmpty { space(&out, pretty, indent) }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            var keys = o.keys.sorted()
            if keys.count > 1, oneIn(2) { keys.swapAt(0, below(keys.count)) }
            if !keys.isEmpty, oneIn(60) { keys.append(pick(keys)) }               // duplicate key
            for (i, k) in keys.enumerated() {
                if i > 0 { out.append(0x2C) }
                space(&out, pretty, indent + 1)
                writeString(k, into: &out)
                out += pretty ? [0x3A, 0x20] : [0x3A]
                write(o[k]!, into: &out, indent: indent + 1, pretty: pretty)
            }
            if !keys.isEmpty { space(&out, pretty, indent) }
            out.append(0x7D)
        }
    }

    private mutating func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += [0x5C, 0x22]
            case "\\": out += [0x5C, 0x5C]
            default:
                if u.value < 0x20 || oneIn(50) {
                    if u.value > 0xFFFF {
                        let x = u.value - 0x10000
                        out += Array(String(format: "\\u%04x\\u%04X", 0xD800 + (x >> 10), 0xDC00 + (x & 0x3FF)).utf8)
                    } else {
                        out += Array(String(format: "\\u%04x", u.value).utf8)
                    }
                } else {
                    out += Array(String(u).utf8)
                }
            }
        }
        if oneIn(200) { out += Array(pick(["\\ud800", "\\udc00x", "\\x41", "\\u12", "\\", "\t", "\u{0}"]).utf8) }
        out.append(0x22)
    }
}

extension Double {
    /// `%.17g`: another exact spelling of the value.
    var canonical17: String { String(format: "%.17g", self) }
}
