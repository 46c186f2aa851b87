import Foundation

// MARK: - Figures from the analysis

extension ReportBuilder {
    /// The figures that have data, numbered in order, with computed captions.
    func figures() -> [Figure] {
        var out: [Figure] = []
        let a = analysis
        let datasets = a.datasets.map(\.name)
        func caption(_ text: String) -> String { "**Figure \(out.count + 1).** " + text }

        // 1. Test AUC per architecture per dataset.
        let aucPoints = a.datasets.flatMap { d in
            d.best.compactMap { c in c.auc.map { ReportFigures.AUCPoint(dataset: d.name, architecture: c.architecture, configuration: c.label, estimate: $0) } }
        }
        if !aucPoints.isEmpty {
            let single = aucPoints.filter { $0.estimate.halfWidth == nil }.count
            out.append(Figure(
                file: "fig1_auc_by_dataset.svg",
                svg: ReportFigures.aucByDataset(aucPoints, datasets: datasets, architectures: a.architectures),
                caption: caption("Test ROC AUC of each architecture's best configuration on each dataset: mean over seeds with "
                    + "95% Student-t intervals (\(aucPoints.count) points)"
                    + (single > 0 ? "; \(single) hollow \(single == 1 ? "point has" : "points have") one seed and no interval" : "")
                    + ". The dashed line is chance (0.5).")))
        }

        // 2. AUC against parameter count.
        let paramPoints = a.datasets.flatMap { d in
            d.configurations.compactMap { c -> ReportFigures.ParamPoint? in
                guard let auc = c.auc?.mean, let params = c.mean("train.param_count"), params > 0 else { return nil }
                return ReportFigures.ParamPoint(dataset: d.name, architecture: c.architecture, configuration: c.label,
                                                parameters: params, auc: auc)
            }
        }
        if !paramPoints.isEmpty {
            let lo = paramPoints.map(\.parameters).min()!, hi = paramPoints.map(\.parameters).max()!
            out.append(Figure(
                file: "fig2_auc_vs_parameters.svg",
                svg: ReportFigures.aucByParameters(paramPoints, datasets: datasets, architectures: a.architectures),
                caption: caption("Mean test AUC of all \(paramPoints.count) configurations against their parameter count "
                    + "(\(F.count(lo)) to \(F.count(hi)), log scale); colour is the architecture, shape the dataset.")))
        }

        // 3. Symmetry error per architecture.
        let rows = symmetryRows()
        let runValues = rows.flatMap(\.values).filter(\.isFinite)
        if !runValues.isEmpty {
            let zeros = runValues.filter { $0 == 0 }.count
            out.append(Figure(
                file: "fig3_symmetry_error.svg",
                svg: ReportFigures.symmetryErrors(rows, architectures: a.architectures),
                caption: caption("Mean symmetry error |σ(s(a,b)) − σ(s(b,a))| of each of the \(runValues.count) completed runs, all "
                    + "datasets together, on a log axis. An architecture gets one row when all its configurations behave alike and one "
                    + "row per configuration otherwise. The \(zeros) runs with error exactly 0, which a log axis cannot place, are the "
                    + "hollow diamonds in the left column.")))
        }

        // 4. Learning curves.
        let panels = curvePanels()
        if panels.contains(where: { !$0.series.isEmpty }) {
            out.append(Figure(
                file: "fig4_learning_curves.svg",
                svg: ReportFigures.learningCurves(panels, architectures: a.architectures),
                caption: caption("Validation AUC per epoch of each architecture's best configuration, one panel per dataset: the "
                    + "mean over the seeds still training at that epoch (early stopping ends seeds at different epochs); the dot "
                    + "marks the last epoch.")))
        }

        // 5. Reflexivity against AUC.
        let reflex = reflexivityPoints()
        if !reflex.isEmpty {
            let levels = Set(reflex.map(\.level)).sorted().filter { $0 > 0 }.map(ReportFigures.levelLabel)
            out.append(Figure(
                file: "fig5_reflexivity_vs_auc.svg",
                svg: ReportFigures.reflexivityAgainstAUC(reflex, architectures: a.architectures),
                caption: caption("Reflexive-augmentation sweep: mean self-similarity σ(s(x,x)) (left) and the share of items that "
                    + "score themselves above all their test partners (right) against test AUC, means over seeds, for "
                    + "\(F.plural(Set(reflex.map { "\($0.dataset)|\($0.architecture)|\($0.configuration)" }).count, "configuration")) "
                    + "without augmentation and with reflexive=\(F.list(levels)); a thin line joins the levels of one configuration on one dataset.")))
        }
        return out
    }

    /// One row per architecture whose configurations are all exactly symmetric (or all not);
    /// otherwise one row per configuration label.
    func symmetryRows() -> [ReportFigures.SymmetryRow] {
        var rows: [ReportFigures.SymmetryRow] = []
        for arch in analysis.architectures {
            let configs = analysis.datasets.flatMap(\.configurations).filter { $0.architecture == arch }
            let value = { (r: ReportData.Run) in r.metric("test.symmetry_error_mean") }
            let split = configs.filter { !$0.completed.isEmpty }.contains { !$0.exactlySymmetric }
                && Set(configs.map(\.label)).count > 1
            if split {
                // Labels in the order their first run was registered (the sweep config's order).
                var labels: [String] = []
                for c in configs.sorted(by: { ($0.runs.map(\.id).min() ?? 0) < ($1.runs.map(\.id).min() ?? 0) })
                where !labels.contains(c.label) { labels.append(c.label) }
                for l in labels {
                    let values = configs.filter { $0.label == l }.flatMap { $0.completed.compactMap(value) }
                    if !values.isEmpty { rows.append(.init(label: l.isEmpty ? arch : "\(arch): \(l)", architecture: arch, values: values)) }
                }
            } else {
                let values = configs.flatMap { $0.completed.compactMap(value) }
                if !values.isEmpty { rows.append(.init(label: arch, architecture: arch, values: values)) }
            }
        }
        return rows
    }

    /// Mean validation AUC per epoch of each architecture's best configuration per dataset.
    func curvePanels() -> [ReportFigures.CurvePanel] {
        analysis.datasets.map { d in
            ReportFigures.CurvePanel(dataset: d.name, series: d.best.compactMap { c in
                var byEpoch: [Int: [Double]] = [:]
                for r in c.completed {
                    for p in r.curve {
                        if let v = p.valAUC, v.isFinite { byEpoch[p.epoch, default: []].append(v) }
                    }
                }
                guard !byEpoch.isEmpty else { return nil }
                return ReportFigures.CurveSeries(architecture: c.architecture, configuration: c.label,
                                                 points: byEpoch.keys.sorted().map { ($0, ReportStatistics.mean(byEpoch[$0]!)) })
            })
        }
    }

    /// The configurations of the reflexive comparison with their augmented twins: means over seeds.
    func reflexivityPoints() -> [ReportFigures.ReflexivityPoint] {
        var out: [ReportFigures.ReflexivityPoint] = []
        var seen: Set<String> = []
        for p in analysis.reflexivePairs {
            let label = analysis.labelWithoutReflexive(p.base)
            for (c, level) in [(p.base, 0.0), (p.augmented, p.level)] {
                let id = c.dataset + "\u{0}" + c.group
                guard !seen.contains(id), let auc = c.auc?.mean else { continue }
                seen.insert(id)
                out.append(.init(dataset: c.dataset, architecture: c.architecture, configuration: label, level: level, auc: auc,
                                 reflexivityMean: c.mean("test.reflexivity_mean"), reflexivityRank: c.mean("test.reflexivity_rank")))
            }
        }
        return out
    }
}
