import Foundation
import Testing
@testable import ExperimentsKit

/// The SVG figures built from known values: well-formed XML with the expected number of marks.
@Suite("Report figures")
struct ReportFigureTests {
    static let archs = ["dot", "concat", "mirror"]

    static func estimate(_ values: [Double]) -> MeanEstimate { ReportStatistics.meanEstimate(values)! }

    static func inspect(_ svg: String) throws -> SVGInspector {
        let x = SVGInspector(svg)
        #expect(x.error == nil, "not well-formed: \(x.error ?? "")")
        #expect(x.root == "svg")
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        return x
    }

    @Test("figure 1: one marker per point, an error bar only where there is an interval")
    func aucByDataset() throws {
        let points = [
            ReportFigures.AUCPoint(dataset: "d1", architecture: "dot", configuration: "", estimate: Self.estimate([0.5, 0.52, 0.51])),
            ReportFigures.AUCPoint(dataset: "d1", architecture: "concat", configuration: "symmetrize=swap", estimate: Self.estimate([0.9, 0.92])),
            ReportFigures.AUCPoint(dataset: "d1", architecture: "mirror", configuration: "", estimate: Self.estimate([0.95])),
            ReportFigures.AUCPoint(dataset: "a<b&c", architecture: "concat", configuration: "", estimate: Self.estimate([0.8, 0.85, 0.83])),
            ReportFigures.AUCPoint(dataset: "a<b&c", architecture: "mirror", configuration: "", estimate: Self.estimate([0.97, 0.99, 0.98])),
        ]
        let svg = ReportFigures.aucByDataset(points, datasets: ["d1", "a<b&c"], architectures: Self.archs)
        let x = try Self.inspect(svg)
        #expect(x.count(class: "mark") == 5)
        #expect(x.count(class: "errorbar") == 4, "the single-seed point has no error bar")
        #expect(x.count(class: "legend-key") == 3)
        #expect(x.texts.contains("a<b&c"), "dataset names are escaped, not dropped")
        #expect(x.texts.contains("test ROC AUC") && x.texts.contains("chance"))
        #expect(svg.contains("a&lt;b&amp;c"))
        // Y ticks at a nice step covering 0.5 … 1.
        #expect(x.texts.contains("0.5") && x.texts.contains("1.0"))
    }

    @Test("figure 2: one marker per configuration with a positive parameter count, log ticks")
    func aucByParameters() throws {
        let points = [
            ReportFigures.ParamPoint(dataset: "d1", architecture: "dot", configuration: "", parameters: 2, auc: 0.5),
            ReportFigures.ParamPoint(dataset: "d1", architecture: "concat", configuration: "", parameters: 4_225, auc: 0.96),
            ReportFigures.ParamPoint(dataset: "d2", architecture: "mirror", configuration: "", parameters: 133_281, auc: 0.98),
            ReportFigures.ParamPoint(dataset: "d2", architecture: "mirror", configuration: "", parameters: 0, auc: 0.9),
        ]
        let x = try Self.inspect(ReportFigures.aucByParameters(points, datasets: ["d1", "d2"], architectures: Self.archs))
        #expect(x.count(class: "mark") == 3)
        #expect(x.count(class: "legend-key") == 5, "3 architectures and 2 datasets")
        for label in ["10", "100", "1k", "10k", "100k"] { #expect(x.texts.contains(label), "missing tick \(label)") }
    }

    @Test("figure 3: positive errors on the log axis, exact zeros apart, NaN dropped")
    func symmetry() throws {
        let rows = [
            ReportFigures.SymmetryRow(label: "dot", architecture: "dot", values: [0, 0, 0]),
            ReportFigures.SymmetryRow(label: "concat: symmetrize=none", architecture: "concat", values: [0.07, 0.3, 0.002, .nan]),
            ReportFigures.SymmetryRow(label: "mirror", architecture: "mirror", values: [0, 0.0001]),
        ]
        let x = try Self.inspect(ReportFigures.symmetryErrors(rows, architectures: Self.archs))
        #expect(x.count(class: "mark") == 8)
        #expect(x.count(class: "zero") == 4)
        #expect(x.texts.contains("exactly 0"))
        #expect(x.texts.contains("all 3 runs exactly 0") && x.texts.contains("1 of 2 runs exactly 0"))
        #expect(x.texts.contains("10⁻⁴") && x.texts.contains("1"), "decade ticks from 10⁻⁴ to 1")
    }

    @Test("figure 4: one line per series with values, one panel per dataset")
    func learningCurves() throws {
        let panels = [
            ReportFigures.CurvePanel(dataset: "d1", series: [
                .init(architecture: "dot", configuration: "", points: [(1, 0.5), (2, 0.5)]),
                .init(architecture: "concat", configuration: "", points: [(1, 0.6), (2, nil), (3, 0.8), (4, 0.85)]),
            ]),
            ReportFigures.CurvePanel(dataset: "d2", series: [
                .init(architecture: "mirror", configuration: "", points: [(1, nil)]),
                .init(architecture: "mirror", configuration: "merge=max", points: [(1, 0.7), (2, 0.9)]),
            ]),
        ]
        let svg = ReportFigures.learningCurves(panels, architectures: Self.archs)
        let x = try Self.inspect(svg)
        #expect(x.count(class: "mark") == 3, "the all-missing series draws nothing")
        #expect(x.count(class: "endpoint") == 3)
        #expect(x.texts.contains("d1") && x.texts.contains("d2"))
        // The gap at epoch 2 starts a new subpath rather than bridging it.
        #expect(svg.contains(" M"))
    }

    @Test("figure 5: markers per panel and connectors joining the levels of a configuration")
    func reflexivity() throws {
        let points = [
            ReportFigures.ReflexivityPoint(dataset: "d1", architecture: "concat", configuration: "", level: 0, auc: 0.82, reflexivityMean: 0.7, reflexivityRank: 0.5),
            ReportFigures.ReflexivityPoint(dataset: "d1", architecture: "concat", configuration: "", level: 0.25, auc: 0.81, reflexivityMean: 0.95, reflexivityRank: 0.9),
            ReportFigures.ReflexivityPoint(dataset: "d1", architecture: "concat", configuration: "", level: 1, auc: 0.80, reflexivityMean: 0.99, reflexivityRank: nil),
            ReportFigures.ReflexivityPoint(dataset: "d1", architecture: "mirror", configuration: "", level: 0, auc: 0.9, reflexivityMean: 0.6, reflexivityRank: 0.4),
            ReportFigures.ReflexivityPoint(dataset: "d1", architecture: "mirror", configuration: "", level: 1, auc: 0.88, reflexivityMean: 0.97, reflexivityRank: 0.8),
        ]
        let x = try Self.inspect(ReportFigures.reflexivityAgainstAUC(points, architectures: Self.archs))
        #expect(x.count(class: "mark") == 9, "5 points in the left panel, 4 in the right (one rank is missing)")
        #expect(x.count(class: "connector") == 4, "two configurations × two panels")
        #expect(x.texts.contains("none") && x.texts.contains("0.25") && x.texts.contains("1"))
    }

    @Test("scales: nice linear ticks, log ticks without snapping, XML escaping")
    func scales() {
        let y = LinearScale(covering: 0.43, 0.97, range: (400, 0), targetTicks: 7, clampTo: 0...1)
        #expect(y.lower == 0.4 && abs(y.upper - 1.0) < 1e-12)
        #expect(y.ticks.map(\.label) == ["0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"])
        #expect(y(0.4) == 400 && abs(y(1.0)) < 1e-9)
        let neg = LinearScale(covering: -0.03, 0.02, range: (0, 100), targetTicks: 6)
        #expect(neg.ticks.map(\.label) == ["−0.03", "−0.02", "−0.01", "0.00", "0.01", "0.02"])
        let log = LogScale(covering: 2, 133_281, range: (0, 500), style: .metric, snapToDecades: false)
        #expect(log.ticks.compactMap(\.label) == ["10", "100", "1k", "10k", "100k"])
        #expect(log(2) > 0 && log(133_281) < 500)
        let decade = LogScale(covering: 0.003, 0.3, range: (0, 100), style: .power)
        #expect(decade.ticks.compactMap(\.label) == ["10⁻³", "10⁻²", "10⁻¹", "1"])
        #expect(xmlEscaped(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(svgNum(-0.0001) == "0" && svgNum(12.5) == "12.5" && svgNum(3) == "3")
    }
}
