import Foundation

/// The report's five figures, each drawn from plain values (so tests can build them from
/// known numbers and count their marks) into a standalone SVG document.
///
/// Conventions shared by all figures: one colour per architecture (Okabe–Ito, in the order of
/// `architectures`), one marker shape per dataset or augmentation level, 720 px wide. Every
/// data mark has `class="mark"` (exact zeros in figure 3 `class="mark zero"`), error bars
/// `class="errorbar"`, lines joining related points `class="connector"`.
enum ReportFigures {
    static let width = 720.0

    static func color(of architecture: String, in architectures: [String]) -> String {
        PlotPalette.color(architectures.firstIndex(of: architecture) ?? architectures.count)
    }

    static func shape(_ index: Int) -> PlotMarker {
        let all = PlotMarker.allCases
        return all[((index % all.count) + all.count) % all.count]
    }

    static func legendWidth(_ labels: [String], title: String) -> Double {
        let longest = (labels + [title]).map { PlotLegend.textWidth($0, size: PlotLegend.font) }.max() ?? 60
        return min(220, longest + 36)
    }

    static func fmt(_ v: Double, _ decimals: Int = 4) -> String { String(format: "%.\(decimals)f", v) }

    // MARK: - Figure 1: test AUC per architecture per dataset

    /// One architecture's best configuration on one dataset.
    struct AUCPoint {
        var dataset: String
        var architecture: String
        var configuration: String
        var estimate: MeanEstimate
    }

    /// Test AUC (mean over seeds, 95% t interval as an error bar) per dataset and architecture:
    /// datasets along x, one slot per architecture inside each dataset's band. A point without
    /// an interval (one seed) is drawn hollow and without an error bar.
    static func aucByDataset(_ points: [AUCPoint], datasets: [String], architectures: [String]) -> String {
        let height = 420.0
        var c = SVGCanvas(width: width, height: height)
        let legendW = legendWidth(architectures, title: "Architecture")
        let frame = PlotFrame(left: 66, top: 44, width: width - 66 - legendW - 24, height: height - 44 - 58)
        c.text(16, 24, "Test AUC by dataset (best configuration per architecture; mean ± 95% CI)",
               size: PlotFrame.titleFont, weight: "bold")

        let lows = points.map { min($0.estimate.mean, $0.estimate.lower ?? $0.estimate.mean) }
        let highs = points.map { max($0.estimate.mean, $0.estimate.upper ?? $0.estimate.mean) }
        let y = LinearScale(covering: lows.min() ?? 0.5, highs.max() ?? 1, range: (frame.bottom, frame.top),
                            targetTicks: 7, clampTo: 0...1)
        let groupW = frame.width / Double(max(1, datasets.count))
        for (i, d) in datasets.enumerated() {
            let x0 = frame.left + groupW * Double(i)
            if i % 2 == 1 { c.rect(x0, frame.top, groupW, frame.height, fill: "#f4f4f4") }
            c.text(x0 + groupW / 2, frame.bottom + 18, d, size: PlotFrame.tickFont + 0.5, anchor: "middle")
        }
        frame.drawYAxis(&c, ticks: y.ticks, position: y.callAsFunction, label: "test ROC AUC")
        if y.lower < 0.5 && y.upper > 0.5 {
            c.line(frame.left, y(0.5), frame.right, y(0.5), stroke: "#888888", width: 1, dash: "5 4")
            c.text(frame.right - 4, y(0.5) - 4, "chance", size: 10, anchor: "end", fill: "#777777", italic: true)
        }
        frame.drawAxisLines(&c)
        c.text(frame.left + frame.width / 2, frame.bottom + 40, "dataset", size: PlotFrame.labelFont, anchor: "middle")

        let k = Double(max(1, architectures.count))
        let slot = groupW * 0.8 / k
        func clampY(_ v: Double) -> Double { y(min(max(v, y.lower), y.upper)) }
        var marks: [(Double, Double, AUCPoint)] = []
        for p in points {
            guard let gi = datasets.firstIndex(of: p.dataset), let ai = architectures.firstIndex(of: p.architecture) else { continue }
            let x = frame.left + groupW * (Double(gi) + 0.5) + (Double(ai) - (k - 1) / 2) * slot
            let col = color(of: p.architecture, in: architectures)
            if let lo = p.estimate.lower, let hi = p.estimate.upper {
                let y1 = clampY(lo), y2 = clampY(hi), cap = min(4, slot * 0.35)
                let d = "M\(svgNum(x)),\(svgNum(y1)) V\(svgNum(y2)) M\(svgNum(x - cap)),\(svgNum(y1)) H\(svgNum(x + cap)) "
                    + "M\(svgNum(x - cap)),\(svgNum(y2)) H\(svgNum(x + cap))"
                c.path(d, stroke: col, width: 1.4, cls: "errorbar")
            }
            marks.append((x, clampY(p.estimate.mean), p))
        }
        for (x, yy, p) in marks {
            let ci = p.estimate.halfWidth.map { " ± " + fmt($0) } ?? " (one seed, no interval)"
            c.marker(.circle, x, yy, size: min(8, max(4, slot * 0.9)), color: color(of: p.architecture, in: architectures),
                     hollow: p.estimate.halfWidth == nil,
                     tooltip: "\(p.dataset) · \(p.architecture) \(p.configuration): \(fmt(p.estimate.mean))\(ci), n = \(p.estimate.n)")
        }
        PlotLegend.draw(&c, x: frame.right + 20, y: frame.top, title: "Architecture",
                        entries: architectures.map { LegendEntry(label: $0, color: color(of: $0, in: architectures), marker: .circle) })
        return c.render(title: "Test AUC per architecture and dataset",
                        description: "Mean test ROC AUC over seeds of each architecture's best configuration per dataset, with 95% Student-t confidence intervals.")
    }

    // MARK: - Figure 2: AUC against parameter count

    /// One configuration on one dataset.
    struct ParamPoint {
        var dataset: String
        var architecture: String
        var configuration: String
        var parameters: Double
        var auc: Double
    }

    /// Mean test AUC of every configuration against its parameter count (log x): colour is the
    /// architecture, marker shape the dataset.
    static func aucByParameters(_ points: [ParamPoint], datasets: [String], architectures: [String]) -> String {
        let height = 440.0
        var c = SVGCanvas(width: width, height: height)
        let legendW = max(legendWidth(architectures, title: "Architecture"), legendWidth(datasets, title: "Dataset"))
        let frame = PlotFrame(left: 66, top: 44, width: width - 66 - legendW - 24, height: height - 44 - 58)
        c.text(16, 24, "Test AUC against parameter count (every configuration, mean over seeds)",
               size: PlotFrame.titleFont, weight: "bold")
        let usable = points.filter { $0.parameters > 0 && $0.auc.isFinite }
        let x = LogScale(covering: usable.map(\.parameters).min() ?? 1, usable.map(\.parameters).max() ?? 10,
                         range: (frame.left, frame.right), style: .metric, snapToDecades: false)
        let y = LinearScale(covering: usable.map(\.auc).min() ?? 0.5, usable.map(\.auc).max() ?? 1,
                            range: (frame.bottom, frame.top), targetTicks: 7, clampTo: 0...1)
        frame.drawXAxis(&c, ticks: x.ticks, position: x.callAsFunction, label: "parameters (log scale)")
        frame.drawYAxis(&c, ticks: y.ticks, position: y.callAsFunction, label: "test ROC AUC")
        frame.drawAxisLines(&c)
        for p in usable {
            let si = datasets.firstIndex(of: p.dataset) ?? 0
            c.marker(shape(si), x(p.parameters), y(p.auc), size: 8.5, color: color(of: p.architecture, in: architectures),
                     tooltip: "\(p.dataset) · \(p.architecture) \(p.configuration): AUC \(fmt(p.auc)), \(Int(p.parameters)) parameters")
        }
        let h = PlotLegend.draw(&c, x: frame.right + 20, y: frame.top, title: "Architecture",
                                entries: architectures.map { LegendEntry(label: $0, color: color(of: $0, in: architectures), marker: .circle) })
        PlotLegend.draw(&c, x: frame.right + 20, y: frame.top + h + 12, title: "Dataset",
                        entries: datasets.enumerated().map { LegendEntry(label: $1, color: "#555555", marker: shape($0)) })
        return c.render(title: "Test AUC against parameter count",
                        description: "Each point is one configuration on one dataset: mean test ROC AUC over seeds against the number of trained parameters, on a logarithmic axis.")
    }

    // MARK: - Figure 3: symmetry error

    /// One row of the symmetry figure: an architecture or one of its configurations, with the
    /// mean symmetry error of each of its runs.
    struct SymmetryRow {
        var label: String
        var architecture: String
        var values: [Double]
    }

    /// Mean symmetry error `|σ(s(a,b)) − σ(s(b,a))|` of every run on a log axis, one row per
    /// architecture (or configuration); runs whose error is exactly 0 are drawn as hollow
    /// diamonds in a separate "exactly 0" column left of the axis break.
    static func symmetryErrors(_ rows: [SymmetryRow], architectures: [String]) -> String {
        let rowH = 24.0
        let top = 48.0, bottomMargin = 58.0
        let height = top + rowH * Double(max(1, rows.count)) + bottomMargin
        var c = SVGCanvas(width: width, height: height)
        c.text(16, 24, "Symmetry error of every run (mean |σ(s(a,b)) − σ(s(b,a))| over test pairs)",
               size: PlotFrame.titleFont, weight: "bold")
        let labelW = min(300, (rows.map { PlotLegend.textWidth($0.label, size: PlotFrame.tickFont + 0.5) }.max() ?? 60) + 16)
        let zeroW = 64.0, gap = 18.0
        let zeroLeft = 16 + labelW
        let frame = PlotFrame(left: zeroLeft + zeroW + gap, top: top, width: width - (zeroLeft + zeroW + gap) - 24,
                              height: rowH * Double(max(1, rows.count)))
        let positive = rows.flatMap(\.values).filter { $0 > 0 && $0.isFinite }
        let x = LogScale(covering: positive.min() ?? 1e-3, positive.max() ?? 1, range: (frame.left + 6, frame.right - 6), style: .power)
        for i in rows.indices where i % 2 == 1 {
            c.rect(zeroLeft, top + rowH * Double(i), frame.right - zeroLeft, rowH, fill: "#f4f4f4")
        }
        frame.drawXAxis(&c, ticks: x.ticks, position: x.callAsFunction, label: "symmetry error (log scale)")
        // The "exactly 0" column, drawn as its own small axis left of a break.
        c.rect(zeroLeft, top, zeroW, frame.height, fill: "none", stroke: "#bbbbbb", strokeWidth: 1)
        c.text(zeroLeft + zeroW / 2, frame.bottom + 18, "exactly 0", size: PlotFrame.tickFont, anchor: "middle", fill: PlotPalette.mutedText)
        c.line(frame.left, frame.bottom, frame.right, frame.bottom, stroke: PlotPalette.axis)
        c.path("M\(svgNum(frame.left - gap + 4)),\(svgNum(frame.bottom + 5)) l6,-10 M\(svgNum(frame.left - gap + 9)),\(svgNum(frame.bottom + 5)) l6,-10",
               stroke: PlotPalette.axis, width: 1)
        for (i, r) in rows.enumerated() {
            let cy = top + rowH * (Double(i) + 0.5)
            c.text(zeroLeft - 8, cy + 4, r.label, size: PlotFrame.tickFont + 0.5, anchor: "end")
            let col = color(of: r.architecture, in: architectures)
            let finite = r.values.filter(\.isFinite)
            let zeros = finite.filter { $0 == 0 }.count
            if zeros > 0 {
                let note = zeros == finite.count ? "all \(zeros) runs exactly 0" : "\(zeros) of \(finite.count) runs exactly 0"
                c.text(frame.left + 8, cy + 4, note, size: PlotFrame.tickFont, fill: PlotPalette.mutedText, italic: true)
            }
            for (j, v) in finite.enumerated() {
                // Deterministic vertical jitter so repeated values stay visible.
                let jitter = (Double((j * 7) % 11) / 10 - 0.5) * rowH * 0.5
                if v == 0 {
                    let jx = (Double((j * 5) % 13) / 12 - 0.5) * zeroW * 0.6
                    c.marker(.diamond, zeroLeft + zeroW / 2 + jx, cy + jitter * 0.8, size: 6, color: col, hollow: true, cls: "mark zero")
                } else if v > 0 {
                    c.marker(.circle, x(v), cy + jitter, size: 6.5, color: col, cls: "mark",
                             tooltip: "\(r.label): \(String(format: "%.3g", v))")
                }
            }
        }
        return c.render(title: "Symmetry error per architecture",
                        description: "Mean symmetry error of every completed run on a logarithmic axis; exact zeros, which a log axis cannot show, are drawn as hollow diamonds in a separate column.")
    }

    // MARK: - Figure 4: learning curves

    /// The mean validation AUC per epoch (over the seeds that reached that epoch) of one
    /// architecture's best configuration on one dataset.
    struct CurveSeries {
        var architecture: String
        var configuration: String
        var points: [(epoch: Int, value: Double?)]
    }

    /// One panel of figure 4.
    struct CurvePanel {
        var dataset: String
        var series: [CurveSeries]
    }

    /// Validation AUC learning curves, one panel per dataset, one line per architecture (its
    /// best configuration); a dot marks the last epoch.
    static func learningCurves(_ panels: [CurvePanel], architectures: [String]) -> String {
        let columns = min(3, max(1, panels.count))
        let rows = (panels.count + columns - 1) / max(1, columns)
        let panelH = 150.0, panelGapY = 74.0, legendTop = 40.0
        var probe = SVGCanvas(width: width, height: 100)
        let legendH = PlotLegend.drawRow(&probe, x: 16, y: 0, maxWidth: width - 32, title: "Architecture",
                                         entries: architectures.map { LegendEntry(label: $0, color: "#000", line: true) })
        let top = legendTop + legendH + 34
        let height = top + Double(max(1, rows)) * (panelH + panelGapY) - 8
        var c = SVGCanvas(width: width, height: height)
        c.text(16, 24, "Validation AUC by epoch: best configuration of each architecture (mean over seeds)",
               size: PlotFrame.titleFont, weight: "bold")
        PlotLegend.drawRow(&c, x: 16, y: legendTop, maxWidth: width - 32, title: "Architecture",
                           entries: architectures.map { LegendEntry(label: $0, color: color(of: $0, in: architectures), line: true) })
        let left0 = 62.0, gapX = 58.0
        let panelW = (width - left0 - 20 - gapX * Double(columns - 1)) / Double(columns)
        for (pi, panel) in panels.enumerated() {
            let col = pi % columns, row = pi / columns
            let frame = PlotFrame(left: left0 + Double(col) * (panelW + gapX), top: top + Double(row) * (panelH + panelGapY),
                                  width: panelW, height: panelH)
            let values = panel.series.flatMap { $0.points.compactMap(\.value) }.filter(\.isFinite)
            let epochs = panel.series.flatMap { $0.points.map(\.epoch) }
            let x = LinearScale(covering: Double(epochs.min() ?? 0), Double(max(epochs.max() ?? 1, (epochs.min() ?? 0) + 1)),
                                range: (frame.left, frame.right), targetTicks: 5)
            let y = LinearScale(covering: values.min() ?? 0.5, values.max() ?? 1, range: (frame.bottom, frame.top),
                                targetTicks: 5, clampTo: 0...1)
            frame.drawTitle(&c, panel.dataset)
            frame.drawXAxis(&c, ticks: x.ticks.filter { $0.value == $0.value.rounded() }, position: x.callAsFunction,
                            label: "epoch")
            frame.drawYAxis(&c, ticks: y.ticks, position: y.callAsFunction, label: col == 0 ? "validation AUC" : nil,
                            labelOffset: 44)
            frame.drawAxisLines(&c)
            for s in panel.series {
                let colr = color(of: s.architecture, in: architectures)
                var d = ""
                var pen = false
                var last: (Double, Double)?
                for p in s.points.sorted(by: { $0.epoch < $1.epoch }) {
                    guard let v = p.value, v.isFinite else { pen = false; continue }
                    let px = x(Double(p.epoch)), py = y(min(max(v, y.lower), y.upper))
                    d += (pen ? " L" : " M") + "\(svgNum(px)),\(svgNum(py))"
                    pen = true
                    last = (px, py)
                }
                guard let last else { continue }
                c.path(String(d.dropFirst()), stroke: colr, width: 1.8, cls: "mark")
                c.marker(.circle, last.0, last.1, size: 5, color: colr, cls: "endpoint",
                         tooltip: "\(panel.dataset) · \(s.architecture) \(s.configuration)")
            }
        }
        return c.render(title: "Validation AUC learning curves",
                        description: "Mean validation ROC AUC per epoch over the seeds that reached the epoch, for each architecture's best configuration, one panel per dataset.")
    }

    // MARK: - Figure 5: reflexivity against AUC

    /// A configuration of the reflexive-augmentation comparison on one dataset: its
    /// augmentation level (0 for the unaugmented counterpart) and its means over seeds.
    struct ReflexivityPoint {
        var dataset: String
        var architecture: String
        var configuration: String
        var level: Double
        var auc: Double
        var reflexivityMean: Double?
        var reflexivityRank: Double?
    }

    /// Reflexivity against test AUC for the reflexive-augmentation sweep: two panels (mean
    /// self-similarity σ(s(x,x)); share of items ranking themselves first), colour is the
    /// architecture, shape the augmentation level, and a thin line joins the levels of one
    /// configuration on one dataset.
    static func reflexivityAgainstAUC(_ points: [ReflexivityPoint], architectures: [String]) -> String {
        let levels = Array(Set(points.map(\.level))).sorted()
        let usedArchs = architectures.filter { a in points.contains { $0.architecture == a } }
        var probe = SVGCanvas(width: width, height: 100)
        let legendTop = 40.0
        var legendH = PlotLegend.drawRow(&probe, x: 16, y: 0, maxWidth: width - 32, title: "Architecture",
                                         entries: usedArchs.map { LegendEntry(label: $0, color: "#000", marker: .circle) })
        legendH += PlotLegend.drawRow(&probe, x: 16, y: 0, maxWidth: width - 32, title: "Reflexive augmentation",
                                      entries: levels.map { LegendEntry(label: levelLabel($0), color: "#000", marker: .circle) })
        let top = legendTop + legendH + 30
        let panelH = 280.0
        let height = top + panelH + 58
        var c = SVGCanvas(width: width, height: height)
        c.text(16, 24, "Reflexivity against test AUC, with and without reflexive augmentation",
               size: PlotFrame.titleFont, weight: "bold")
        let h1 = PlotLegend.drawRow(&c, x: 16, y: legendTop, maxWidth: width - 32, title: "Architecture",
                                    entries: usedArchs.map { LegendEntry(label: $0, color: color(of: $0, in: architectures), marker: .circle) })
        PlotLegend.drawRow(&c, x: 16, y: legendTop + h1, maxWidth: width - 32, title: "Reflexive augmentation",
                           entries: levels.enumerated().map { LegendEntry(label: levelLabel($1), color: "#555555", marker: shape($0)) })

        let auc = points.map(\.auc).filter(\.isFinite)
        let left0 = 66.0, gapX = 74.0
        let panelW = (width - left0 - 20 - gapX) / 2
        let panels: [(String, String, KeyPath<ReflexivityPoint, Double?>)] = [
            ("Mean self-similarity", "mean σ(s(x, x))", \.reflexivityMean),
            ("Self-rank", "share ranking themselves first", \.reflexivityRank),
        ]
        // Series: one configuration on one dataset, its levels in order.
        var seriesKeys: [String] = []
        var series: [String: [ReflexivityPoint]] = [:]
        for p in points {
            let key = p.dataset + "\u{1}" + p.architecture + "\u{1}" + p.configuration
            if series[key] == nil { seriesKeys.append(key) }
            series[key, default: []].append(p)
        }
        for (k, panel) in panels.enumerated() {
            let frame = PlotFrame(left: left0 + Double(k) * (panelW + gapX), top: top, width: panelW, height: panelH)
            let ys = points.compactMap { $0[keyPath: panel.2] }.filter(\.isFinite)
            let x = LinearScale(covering: auc.min() ?? 0.5, auc.max() ?? 1, range: (frame.left, frame.right),
                                targetTicks: 6, clampTo: 0...1)
            let y = LinearScale(covering: ys.min() ?? 0, ys.max() ?? 1, range: (frame.bottom, frame.top),
                                targetTicks: 6, clampTo: 0...1)
            frame.drawTitle(&c, panel.0)
            frame.drawXAxis(&c, ticks: x.ticks, position: x.callAsFunction, label: "test ROC AUC")
            frame.drawYAxis(&c, ticks: y.ticks, position: y.callAsFunction, label: panel.1, labelOffset: 46)
            frame.drawAxisLines(&c)
            for key in seriesKeys {
                let pts = series[key]!.sorted { $0.level < $1.level }
                    .compactMap { p -> (Double, Double)? in
                        guard let v = p[keyPath: panel.2], v.isFinite, p.auc.isFinite else { return nil }
                        return (x(p.auc), y(v))
                    }
                if let a = series[key]!.first?.architecture {
                    c.polyline(pts, stroke: color(of: a, in: architectures), width: 1, opacity: 0.55, cls: "connector")
                }
            }
            for p in points {
                guard let v = p[keyPath: panel.2], v.isFinite, p.auc.isFinite else { continue }
                let li = levels.firstIndex(of: p.level) ?? 0
                c.marker(shape(li), x(p.auc), y(v), size: 8.5, color: color(of: p.architecture, in: architectures),
                         tooltip: "\(p.dataset) · \(p.architecture) \(p.configuration), reflexive \(levelLabel(p.level)): AUC \(fmt(p.auc)), \(fmt(v, 3))")
            }
        }
        return c.render(title: "Reflexivity against test AUC",
                        description: "For each configuration trained with and without reflexive augmentation, mean self-similarity and self-rank against mean test AUC; lines join the augmentation levels of one configuration on one dataset.")
    }

    static func levelLabel(_ level: Double) -> String {
        level == 0 ? "none" : (level == level.rounded() ? String(Int(level)) : String(format: "%g", level))
    }
}
