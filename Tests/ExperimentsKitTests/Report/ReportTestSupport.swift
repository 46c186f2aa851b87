import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import ExperimentsKit

/// Parses an SVG (or any XML) document and counts its elements by tag and by class token.
final class SVGInspector: NSObject, XMLParserDelegate {
    private(set) var root: String?
    private(set) var tags: [String: Int] = [:]
    private(set) var classes: [String: Int] = [:]
    private(set) var texts: [String] = []
    private var inText = false
    private var text = ""
    /// The parser's error, `nil` when the document is well-formed.
    private(set) var error: String?

    /// Parses `document`; check `error` for well-formedness.
    init(_ document: String) {
        super.init()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = self
        if !parser.parse() {
            error = parser.parserError.map { "\($0)" } ?? "parse failed at line \(parser.lineNumber)"
        }
    }

    /// Elements whose `class` attribute holds `token`.
    func count(class token: String) -> Int { classes[token] ?? 0 }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        tags[name, default: 0] += 1
        for token in (attributes["class"] ?? "").split(separator: " ") { classes[String(token), default: 0] += 1 }
        if name == "text" { inText = true; text = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(text); inText = false }
    }
}

/// A result database built through the store's public API, with completed, diverged, failed,
/// pending and single-seed runs, and the values the report should find in it.
struct ReportFixture {
    /// One run: its configuration, seed, state and test metrics.
    struct Run {
        var dataset: String
        var architecture: String
        var model: String
        var reflexive: Double = 0
        var seed: Int
        var state: RunState = .completed
        var auc: Double?
        var sym: Double = 0
        var symMax: Double? = nil
        var reflMean: Double = 0.7
        var reflRank: Double = 0.5
        var params: Double = 100
        var error: String? = nil
        var curve: [Double?] = [0.6, 0.7, 0.75]

        var group: String {
            let r = reflexive == 0 ? "0" : String(reflexive)
            return #"{"augmentation":{"reflexive":\#(r),"swap":false},"dataset":{"name":"\#(dataset)"},"model":\#(model),"training":{"epochs":3}}"#
        }
        var key: String { "\(dataset)|\(group)|\(seed)" }
    }

    static let concatNone = #"{"architecture":"concat","hidden":[8],"symmetrize":"none"}"#
    static let concatSwap = #"{"architecture":"concat","hidden":[8],"symmetrize":"swap"}"#
    static let mirror = #"{"architecture":"mirror","merge":"sum","width":8}"#
    static let outer = #"{"architecture":"outer","rank":0,"width":8}"#
    static let dot = #"{"architecture":"dot"}"#
    static let pooling = #"{"architecture":"pooling","hidden":[8]}"#

    /// The runs. On `alpha`: concat baseline, concat+swap and concat with reflexive
    /// augmentation over 3 seeds; mirror with 2 completed seeds and 1 diverged; outer with 1
    /// completed, 1 failed and 1 pending seed; dot constant; pooling failed on every seed. On
    /// `beta`: one seed each of concat and mirror.
    static let runs: [Run] = {
        var r: [Run] = []
        let base = [0.80, 0.83, 0.81], swap = [0.86, 0.85, 0.88], refl = [0.79, 0.84, 0.80]
        let baseRefl = [0.70, 0.75, 0.71], augRefl = [0.95, 0.97, 0.96]
        let baseRank = [0.5, 0.55, 0.6], augRank = [0.9, 0.95, 0.92]
        for s in 0..<3 {
            r.append(Run(dataset: "alpha", architecture: "concat", model: concatNone, seed: s, auc: base[s], sym: [0.05, 0.06, 0.04][s],
                         symMax: 0.2, reflMean: baseRefl[s], reflRank: baseRank[s], params: 400))
            r.append(Run(dataset: "alpha", architecture: "concat", model: concatSwap, seed: s, auc: swap[s], sym: [0.02, 0.03, 0.01][s],
                         symMax: 0.1, params: 400))
            r.append(Run(dataset: "alpha", architecture: "concat", model: concatNone, reflexive: 0.5, seed: s, auc: refl[s],
                         sym: 0.05, symMax: 0.2, reflMean: augRefl[s], reflRank: augRank[s], params: 400))
            r.append(Run(dataset: "alpha", architecture: "dot", model: dot, seed: s, auc: 0.5, reflMean: 1, reflRank: 1, params: 2,
                         curve: [0.5, 0.5]))
            r.append(Run(dataset: "alpha", architecture: "pooling", model: pooling, seed: s, state: .failed, error: "pooling exploded"))
        }
        r.append(Run(dataset: "alpha", architecture: "mirror", model: mirror, seed: 0, auc: 0.90, params: 900))
        r.append(Run(dataset: "alpha", architecture: "mirror", model: mirror, seed: 1, auc: 0.94, params: 900, curve: [0.6, nil, 0.8]))
        r.append(Run(dataset: "alpha", architecture: "mirror", model: mirror, seed: 2, state: .diverged, auc: nil, error: "training loss became nan"))
        r.append(Run(dataset: "alpha", architecture: "outer", model: outer, seed: 0, auc: 0.88, params: 5000))
        r.append(Run(dataset: "alpha", architecture: "outer", model: outer, seed: 1, state: .failed, error: "boom <&> \"quoted\""))
        r.append(Run(dataset: "alpha", architecture: "outer", model: outer, seed: 2, state: .pending))
        r.append(Run(dataset: "beta", architecture: "concat", model: concatNone, seed: 0, auc: 0.70, sym: 0.1, symMax: 0.3, params: 400))
        r.append(Run(dataset: "beta", architecture: "mirror", model: mirror, seed: 0, auc: 0.75, params: 900))
        return r
    }()

    /// Builds the database at `path` through `ResultStore` (register, claim, finish).
    static func build(at path: String) throws {
        let store = try ResultStore(path: path)
        let provenance = #"{"cpu":"Test CPU × 2","git_commit":"0123456789abcdef","git_dirty":true,"harness_version":"0.1.0","os":"TestOS","data_files":{"data/x.npy":"abc123"}}"#
        let sweep = try store.recordSweep(name: "fixture <sweep>", configJSON: #"{"name":"fixture","seeds":[0,1,2]}"#,
                                          provenanceJSON: provenance)
        try store.register(runs.map { r in
            let config = String(r.group.dropLast()) + #","seed":\#(r.seed)}"#
            return RunRecord(key: r.key, dataset: r.dataset, architecture: r.architecture, seed: r.seed,
                             configJSON: config, configGroup: r.group)
        }, sweep: sweep)
        for r in runs where r.state != .pending {
            _ = try store.claim(key: r.key)
            var metrics: [MetricValue] = []
            if r.state == .completed {
                metrics = [
                    MetricValue(split: "test", name: "auc", value: r.auc),
                    MetricValue(split: "test", name: "symmetry_error_mean", value: r.sym),
                    MetricValue(split: "test", name: "symmetry_error_max", value: r.symMax ?? r.sym),
                    MetricValue(split: "test", name: "reflexivity_mean", value: r.reflMean),
                    MetricValue(split: "test", name: "reflexivity_rank", value: r.reflRank),
                    MetricValue(split: "test", name: "transitivity_violation", value: 0.1),
                    MetricValue(split: "val", name: "auc", value: r.auc.map { $0 - 0.01 }),
                    MetricValue(split: "train", name: "param_count", value: r.params),
                    MetricValue(split: "train", name: "train_seconds", value: 1 + r.reflexive),
                ]
            } else if r.state == .diverged {
                metrics = [MetricValue(split: "train", name: "final_loss", value: .nan)]
            }
            let curve = r.state == .completed
                ? r.curve.enumerated().map { CurvePoint(epoch: $0 + 1, trainLoss: 0.5, valAUC: $1, valLoss: 0.5, elapsed: Double($0)) }
                : []
            try store.finish(key: r.key, result: RunResult(state: r.state, metrics: metrics, curves: curve,
                                                           trainSeconds: 1, error: r.error))
        }
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct ReportScratch {
    let directory: URL
    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reporttests-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: directory) }
}
