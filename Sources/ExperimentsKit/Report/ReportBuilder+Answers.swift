import Foundation

// MARK: - The three questions, answered in sentences built from the numbers

extension ReportBuilder {
    func answers(into doc: inout ReportDocument) {
        doc.add(.heading(level: 3, text: "Which architecture is best where?"))
        doc.add(.bullets(bestWhere()))
        doc.add(.heading(level: 3, text: "Do symmetric architectures beat concat with swap augmentation?"))
        doc.add(.bullets(symmetricVersusSwap()))
        doc.add(.heading(level: 3, text: "Does reflexive augmentation buy reflexivity, and at what cost?"))
        doc.add(.bullets(reflexiveAnswer()))
    }

    /// `outer (rank=0)` in bold architecture, label in code.
    static func named(_ c: Configuration) -> String {
        c.label.isEmpty ? "**\(c.architecture)**" : "**\(c.architecture)** (`\(c.label)`)"
    }

    /// "+0.0089 (95% CI [+0.0012, +0.0166])".
    static func difference<K>(_ p: PairedComparison<K>, decimals: Int = 4) -> String {
        "\(F.signed(p.estimate.mean, decimals)) (\(interval(p, decimals: decimals)))"
    }

    /// "95% CI [+0.0012, +0.0166]", or a note that there is none.
    static func interval<K>(_ p: PairedComparison<K>, decimals: Int = 4) -> String {
        p.estimate.halfWidth == nil ? "one shared seed, no interval" : "95% CI \(F.interval(p.estimate, decimals))"
    }

    static func seeds(_ e: MeanEstimate?) -> String { F.plural(e?.n ?? 0, "seed") }

    // MARK: Question 1

    func bestWhere() -> [String] {
        var items: [String] = []
        var winners: [(architecture: String, dataset: String)] = []
        var clear = 0, compared = 0
        for d in analysis.datasets {
            guard let top = d.best.first, let topAUC = top.auc else {
                items.append("On **\(d.name)** no configuration completed with a test AUC, so there is no best architecture.")
                continue
            }
            winners.append((top.architecture, d.name))
            let auc = topAUC.halfWidth == nil ? "\(F.auc(topAUC.mean)) (1 seed, no interval)"
                : "\(F.estimate(topAUC)) (95% CI, \(Self.seeds(topAUC)))"
            var s = "On **\(d.name)**, \(Self.named(top)) is best with test AUC \(auc)."
            let notDone = top.runs.count - top.count(.completed)
            if notDone > 0 {
                s += " \(F.plural(notDone, "run")) of this configuration did not complete (\(Self.runsCell(top)) in all) and "
                    + "\(notDone == 1 ? "is" : "are") not in the mean."
            }
            let others = d.best.dropFirst().filter { $0.auc != nil }
            if let second = others.first {
                s += " The runner-up, \(Self.named(second)), reaches \(F.estimate(second.auc))"
                if let p = ReportStatistics.paired(top.bySeed("test.auc"), second.bySeed("test.auc")) {
                    compared += 1
                    switch p.estimate.sign {
                    case .positive:
                        clear += 1
                        s += "; paired by seed the gap is \(Self.difference(p)), higher on \(p.wins) of \(p.keys.count) seeds, "
                            + "so \(top.architecture) is ahead."
                    case .containsZero:
                        s += "; paired by seed the gap is \(Self.difference(p)), not distinguishable from zero."
                    case .negative:
                        s += "; on the \(F.plural(p.keys.count, "seed")) both completed, the gap is \(Self.difference(p)), "
                            + "so the ranking rests on seeds the runner-up lacks."
                    case .undetermined:
                        s += "; they share one seed, on which the gap is \(F.signed(p.estimate.mean)), too little for an interval."
                    }
                } else {
                    s += "; they share no seed, so they cannot be compared pairwise."
                }
                let tied = others.dropFirst().filter { c in
                    guard let p = ReportStatistics.paired(top.bySeed("test.auc"), c.bySeed("test.auc")) else { return false }
                    return p.estimate.sign == .containsZero
                }
                if !tied.isEmpty {
                    s += " Also not distinguishable from the best (paired 95% CI of the difference contains 0): "
                        + F.list(tied.map { "\($0.architecture) (\(F.auc($0.auc?.mean)))" }) + "."
                }
            } else {
                s += " No other architecture completed on this dataset."
            }
            items.append(s)
        }
        if !winners.isEmpty {
            var order: [String] = []
            for w in winners where !order.contains(w.architecture) { order.append(w.architecture) }
            order.sort { a, b in
                let na = winners.filter { $0.architecture == a }.count, nb = winners.filter { $0.architecture == b }.count
                return na != nb ? na > nb : a < b
            }
            let parts = order.map { a -> String in
                let ds = winners.filter { $0.architecture == a }.map(\.dataset)
                return "**\(a)** on \(ds.count) (\(F.list(ds)))"
            }
            var s = "In summary, across \(F.plural(winners.count, "dataset")) the best architecture is " + F.list(parts) + "."
            if compared > 0 {
                s += " The best is distinguishably ahead of the runner-up on \(clear) of \(compared)."
            }
            items.insert(s, at: 0)
        }
        return items.isEmpty ? ["The database holds no completed runs."] : items
    }

    // MARK: Question 2

    func symmetricVersusSwap() -> [String] {
        var items: [String] = []
        let withRef = analysis.datasets.filter { $0.swapReference != nil }
        guard !withRef.isEmpty else {
            return ["No dataset has a concat configuration trained on both orders of every pair (`symmetrize=swap` or "
                + "`augmentation.swap`), so the question cannot be answered from this database."]
        }
        struct Outcome { var dataset: String; var p: PairedComparison<Int>? }
        var byArch: [String: [Outcome]] = [:]
        for d in withRef { for (c, p) in d.versusSwap { byArch[c.architecture, default: []].append(Outcome(dataset: d.name, p: p)) } }
        let archs = analysis.architectures.filter { byArch[$0] != nil }
        let all = byArch.values.flatMap { $0 }
        let higher = all.filter { $0.p?.estimate.sign == .positive }.count
        let lower = all.filter { $0.p?.estimate.sign == .negative }.count
        let refLabels = withRef.compactMap { $0.swapReference?.label }
        let refs = Set(refLabels).count == 1 && withRef.count == analysis.datasets.count
            ? "`\(refLabels[0])` on every dataset"
            : withRef.compactMap { d in d.swapReference.map { "\(d.name): `\($0.label)`" } }.joined(separator: "; ")
        items.append("Reference: the best concat configuration trained on both orders of each pair, per dataset (\(refs)). "
            + "Compared with it, seed by seed, are the best configurations of the \(F.plural(archs.count, "architecture")) whose runs were all "
            + "exactly symmetric (\(F.list(archs))): of \(F.plural(all.count, "comparison")), \(higher) \(higher == 1 ? "is" : "are") distinguishably higher, "
            + "\(lower) distinguishably lower and \(all.count - higher - lower) not distinguishable (or without an interval).")
        for a in archs {
            let outs = byArch[a]!
            func part(_ sign: IntervalSign, _ word: String) -> String? {
                let hits = outs.filter { $0.p?.estimate.sign == sign }
                guard !hits.isEmpty else { return nil }
                return "\(word) on \(hits.count) (\(F.list(hits.map { "\($0.dataset) \(F.signed($0.p!.estimate.mean))" })))"
            }
            var parts = [part(.positive, "higher"), part(.negative, "lower"),
                         part(.containsZero, "not distinguishable")].compactMap { $0 }
            let noInterval = outs.filter { $0.p == nil || $0.p?.estimate.sign == .undetermined }
            if !noInterval.isEmpty { parts.append("without an interval on \(noInterval.count) (\(F.list(noInterval.map(\.dataset))))") }
            if !outs.contains(where: { $0.p?.estimate.sign == .negative }) { parts.append("lower on none") }
            items.append("**\(a)** against concat+swap, over \(F.plural(outs.count, "dataset")): " + F.list(parts) + ".")
        }
        // Is concat+swap itself symmetric?
        let swapErrors = withRef.compactMap { d -> (String, Double)? in
            guard let r = d.swapReference, let e = r.mean("test.symmetry_error_mean") else { return nil }
            return (d.name, e)
        }
        if let lo = swapErrors.min(by: { $0.1 < $1.1 }), let hi = swapErrors.max(by: { $0.1 < $1.1 }) {
            let range = swapErrors.count == 1 ? "\(F.small(lo.1)) (\(lo.0))" : "between \(F.small(lo.1)) (\(lo.0)) and \(F.small(hi.1)) (\(hi.0))"
            var s: String
            if hi.1 == 0 {
                s = "Swap-trained concat measured a mean symmetry error of exactly 0 on every dataset"
            } else if lo.1 > 0 {
                s = "Swap training does not make concat symmetric: its mean symmetry error is " + range
            } else {
                s = "Swap training leaves concat asymmetric on some datasets: its mean symmetry error is " + range
            }
            let baseErrors = analysis.datasets.compactMap { d -> Double? in d.baseline?.mean("test.symmetry_error_mean") }
            if let blo = baseErrors.min(), let bhi = baseErrors.max() {
                s += ", against " + (baseErrors.count == 1 ? F.small(blo) : "\(F.small(blo))–\(F.small(bhi))") + " without it"
            }
            s += ", while the architectures above are exactly symmetric by measurement."
            items.append(s)
        }
        return items
    }

    // MARK: Question 3

    func reflexiveAnswer() -> [String] {
        let pools = analysis.reflexivePools
        guard !pools.isEmpty else {
            return ["No configuration was trained both with and without reflexive augmentation, so the question cannot be answered from this database."]
        }
        var items: [String] = []
        func change<K>(_ what: String, _ from: Double?, _ to: Double?, _ p: PairedComparison<K>?, decimals: Int) -> String {
            let fromTo = "from \(F.fixed(from, decimals)) to \(F.fixed(to, decimals))"
            guard let p else { return "\(what) has no paired values" }
            let delta = "Δ \(F.signed(p.estimate.mean, decimals)), \(Self.interval(p, decimals: decimals))"
            switch p.estimate.sign {
            case .positive: return "\(what) rises \(fromTo) (\(delta))"
            case .negative: return "\(what) falls \(fromTo) (\(delta))"
            case .containsZero: return "\(what) moves \(fromTo) (\(delta); not distinguishable from zero)"
            case .undetermined: return "\(what) moves \(fromTo) (one pair, no interval)"
            }
        }
        var reflUp = 0, aucDown = 0, aucUp = 0, aucSame = 0
        for p in pools {
            let datasets = Set(p.pairs.map(\.base.dataset)).count
            let name = p.baseLabel.isEmpty ? "**\(p.architecture)**" : "**\(p.architecture)** (`\(p.baseLabel)`)"
            var s = "\(name) with reflexive=\(ReportFigures.levelLabel(p.level)), "
                + "\(F.plural(p.auc?.keys.count ?? p.reflexivityMean?.keys.count ?? 0, "paired run")) on \(F.plural(datasets, "dataset")): "
            s += change("mean σ(s(x,x))", p.baseReflexivityMean, p.augmentedReflexivityMean, p.reflexivityMean, decimals: 3)
            s += "; the share of items ranking themselves first " + change("", p.baseReflexivityRank, p.augmentedReflexivityRank,
                                                                             p.reflexivityRank, decimals: 3).trimmingCharacters(in: .whitespaces)
            s += "; test AUC " + change("", p.baseAUC, p.augmentedAUC, p.auc, decimals: 4).trimmingCharacters(in: .whitespaces)
            if let r = p.timeRatio { s += "; training takes \(F.ratio(r)) as long" }
            s += "."
            items.append(s)
            if p.reflexivityMean?.estimate.sign == .positive || p.reflexivityRank?.estimate.sign == .positive { reflUp += 1 }
            switch p.auc?.estimate.sign {
            case .negative?: aucDown += 1
            case .positive?: aucUp += 1
            default: aucSame += 1
            }
        }
        items.insert("In \(reflUp) of \(F.plural(pools.count, "augmented setting")) reflexive augmentation distinguishably raises "
            + "reflexivity (mean self-similarity or self-rank). The cost in test AUC: distinguishably lower in \(aucDown), higher in "
            + "\(aucUp), not distinguishable (or without an interval) in \(aucSame). Pooled over datasets; pairs are dataset × seed.",
            at: 0)
        return items
    }
}
