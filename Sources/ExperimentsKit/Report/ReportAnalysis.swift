import Foundation

/// The numbers behind the report, computed from ``ReportData``: configurations (runs that
/// differ only in their seed) with their seed statistics, per dataset the best configuration
/// of each architecture, the paired comparisons against the concatenation baseline and
/// against concat+swap, and the reflexive-augmentation comparisons.
///
/// Only `completed` runs enter the statistics; `diverged`, `failed`, `pending` and `running`
/// runs are counted and listed but have no metrics worth averaging. Metrics that are NaN, ±∞
/// or missing are left out of the means. Paired comparisons use the seeds both sides completed.
struct ReportAnalysis {
    // MARK: - Types

    /// Runs sharing one `config_group` on one dataset.
    struct Configuration {
        var dataset: String
        var architecture: String
        var group: String
        var settings: [String: String]
        /// The settings that vary between this architecture's configurations (`symmetrize=swap`).
        var label: String
        var runs: [ReportData.Run]
        /// Mean test AUC with its 95% interval over the completed seeds.
        var auc: MeanEstimate?

        var completed: [ReportData.Run] { runs.filter { $0.state == .completed } }

        /// A metric of the completed runs by seed (finite values only).
        func bySeed(_ metric: String) -> [Int: Double] {
            var out: [Int: Double] = [:]
            for r in completed { if let v = r.metric(metric) { out[r.seed] = v } }
            return out
        }

        /// Mean of a metric over the completed runs that recorded it finitely.
        func mean(_ metric: String) -> Double? {
            ReportStatistics.mean(completed.compactMap { $0.metric(metric) })
        }

        func count(_ state: RunState) -> Int { runs.filter { $0.state == state }.count }

        /// Whether every completed run measured a maximal symmetry error of exactly 0 (and at
        /// least one did).
        var exactlySymmetric: Bool {
            let values = completed.compactMap { $0.metric("test.symmetry_error_max") ?? $0.metric("test.symmetry_error_mean") }
            return !values.isEmpty && values.count == completed.count && values.allSatisfy { $0 == 0 }
        }

        /// `architecture` plus the label in parentheses, or the bare architecture.
        var name: String { label.isEmpty ? architecture : "\(architecture) (\(label))" }

        /// Training time of a run: the `train.train_seconds` metric, else the runs column.
        static func trainSeconds(_ r: ReportData.Run) -> Double? { r.metric("train.train_seconds") ?? r.trainSeconds }
    }

    /// One dataset's configurations and comparisons.
    struct DatasetResult {
        var name: String
        /// Every configuration, best mean test AUC first (no AUC last).
        var configurations: [Configuration]
        /// The best configuration of each architecture, best first.
        var best: [Configuration]
        /// Concat without symmetrisation or augmentation (the best such, if several).
        var baseline: Configuration?
        /// Concat trained on both orders (`symmetrize` `swap` or `augmentation.swap`), no
        /// reflexive augmentation (the best such, if several).
        var swapReference: Configuration?
        /// `best[i]` against the baseline, by architecture.
        var versusBaseline: [String: PairedComparison<Int>]
        /// Exactly symmetric non-concat architectures' best configurations against `swapReference`.
        var versusSwap: [(configuration: Configuration, comparison: PairedComparison<Int>?)]
    }

    /// A configuration trained with reflexive augmentation against the same configuration
    /// without it, on one dataset.
    struct ReflexivePair {
        var augmented: Configuration
        var base: Configuration
        var level: Double
        var reflexivityMean: PairedComparison<Int>?
        var reflexivityRank: PairedComparison<Int>?
        var auc: PairedComparison<Int>?
    }

    /// Reflexive pairs of one architecture's configuration and level, pooled over datasets
    /// (paired by dataset and seed).
    struct ReflexivePool {
        var architecture: String
        /// The base configuration's label (settings other than `augmentation.reflexive`).
        var baseLabel: String
        var level: Double
        var pairs: [ReflexivePair]
        var reflexivityMean: PairedComparison<String>?
        var reflexivityRank: PairedComparison<String>?
        var auc: PairedComparison<String>?
        /// Mean over pairs of the base and augmented reflexivity and AUC.
        var baseReflexivityMean: Double?, augmentedReflexivityMean: Double?
        var baseReflexivityRank: Double?, augmentedReflexivityRank: Double?
        var baseAUC: Double?, augmentedAUC: Double?
        /// Total training time of the augmented runs over that of their paired base runs.
        var timeRatio: Double?
    }

    // MARK: - Results

    var data: ReportData
    /// Architectures in the order they first appear in the database.
    var architectures: [String]
    /// Datasets in the order they first appear.
    var datasets: [DatasetResult]
    var reflexivePairs: [ReflexivePair]
    var reflexivePools: [ReflexivePool]
    /// Settings shared by every configuration (`training.epochs` → `30`).
    var commonSettings: [(key: String, value: String)]
    /// Per architecture, the settings shared by all its configurations but not by all configurations.
    var architectureSettings: [String: [(key: String, value: String)]]
    /// Per architecture, the settings that differ between its configurations (they form the labels).
    var varyingKeys: [String: [String]]
    /// Runs linked to each sweep record.
    var sweepRunCounts: [Int64: Int] { data.sweepRunCounts }

    // MARK: - Computation

    init(_ data: ReportData) {
        self.data = data
        var archOrder: [String] = [], datasetOrder: [String] = []
        for r in data.runs {
            if !archOrder.contains(r.architecture) { archOrder.append(r.architecture) }
            if !datasetOrder.contains(r.dataset) { datasetOrder.append(r.dataset) }
        }
        architectures = archOrder

        // Settings: which vary within an architecture (they form the label), which are common.
        var groupsByArch: [String: [String: [String: String]]] = [:]
        for r in data.runs { groupsByArch[r.architecture, default: [:]][r.configGroup] = r.settings }
        let allGroups = groupsByArch.values.flatMap(\.values)
        let common = Self.sharedSettings(Array(allGroups))
        commonSettings = common.sorted { Self.settingOrder($0.key, $1.key) }
        var archSettings: [String: [(key: String, value: String)]] = [:]
        var varying: [String: [String]] = [:]
        for (arch, groups) in groupsByArch {
            let shared = Self.sharedSettings(Array(groups.values))
            archSettings[arch] = shared.filter { common[$0.key] == nil && $0.key != "model.architecture" }
                .sorted { Self.settingOrder($0.key, $1.key) }
            let keys = Set(groups.values.flatMap(\.keys))
            varying[arch] = keys.filter { shared[$0] == nil }.sorted(by: Self.settingOrder)
        }
        architectureSettings = archSettings
        varyingKeys = varying

        // Configurations per dataset.
        var configs: [String: Configuration] = [:]
        var configOrder: [String] = []
        for r in data.runs {
            let id = r.dataset + "\u{0}" + r.configGroup
            if configs[id] == nil {
                let keys = varying[r.architecture] ?? []
                configs[id] = Configuration(dataset: r.dataset, architecture: r.architecture, group: r.configGroup,
                                            settings: r.settings, label: Self.label(r.settings, keys: keys), runs: [])
                configOrder.append(id)
            }
            configs[id]!.runs.append(r)
        }
        for id in configOrder {
            configs[id]!.auc = ReportStatistics.meanEstimate(configs[id]!.completed.compactMap { $0.metric("test.auc") })
        }

        var results: [DatasetResult] = []
        for d in datasetOrder {
            let all = configOrder.compactMap { configs[$0] }.filter { $0.dataset == d }.sorted(by: Self.better)
            var best: [Configuration] = []
            for c in all where !best.contains(where: { $0.architecture == c.architecture }) { best.append(c) }
            let baseline = all.first { c in
                c.architecture == "concat" && (c.settings["model.symmetrize"] ?? "none") == "none"
                    && Self.number(c.settings["augmentation.reflexive"]) == 0
                    && (c.settings["augmentation.swap"] ?? "false") == "false"
            }
            let swapRef = all.first { c in
                c.architecture == "concat" && Self.number(c.settings["augmentation.reflexive"]) == 0
                    && (c.settings["model.symmetrize"] == "swap" || c.settings["augmentation.swap"] == "true")
            }
            var versus: [String: PairedComparison<Int>] = [:]
            if let baseline {
                for b in best where b.group != baseline.group {
                    versus[b.architecture] = ReportStatistics.paired(b.bySeed("test.auc"), baseline.bySeed("test.auc"))
                }
            }
            let symmetric = best.filter { $0.architecture != "concat" && $0.exactlySymmetric }
            let versusSwap = symmetric.map { c in
                (c, swapRef.flatMap { ReportStatistics.paired(c.bySeed("test.auc"), $0.bySeed("test.auc")) })
            }
            results.append(DatasetResult(name: d, configurations: all, best: best, baseline: baseline, swapReference: swapRef,
                                         versusBaseline: versus, versusSwap: versusSwap))
        }
        datasets = results

        // Reflexive augmentation: each augmented configuration against its unaugmented twin.
        var pairs: [ReflexivePair] = []
        for id in configOrder {
            let c = configs[id]!
            let level = Self.number(c.settings["augmentation.reflexive"])
            guard level > 0 else { continue }
            var twin = c.settings
            twin["augmentation.reflexive"] = nil
            guard let base = configOrder.compactMap({ configs[$0] }).first(where: { b in
                var s = b.settings
                let bl = Self.number(s["augmentation.reflexive"])
                s["augmentation.reflexive"] = nil
                return b.dataset == c.dataset && b.architecture == c.architecture && bl == 0 && s == twin
            }) else { continue }
            pairs.append(ReflexivePair(
                augmented: c, base: base, level: level,
                reflexivityMean: ReportStatistics.paired(c.bySeed("test.reflexivity_mean"), base.bySeed("test.reflexivity_mean")),
                reflexivityRank: ReportStatistics.paired(c.bySeed("test.reflexivity_rank"), base.bySeed("test.reflexivity_rank")),
                auc: ReportStatistics.paired(c.bySeed("test.auc"), base.bySeed("test.auc"))))
        }
        reflexivePairs = pairs

        var pools: [ReflexivePool] = []
        for p in pairs {
            let baseLabel = Self.label(p.base.settings, keys: (varying[p.base.architecture] ?? []).filter { $0 != "augmentation.reflexive" })
            if let i = pools.firstIndex(where: { $0.architecture == p.base.architecture && $0.baseLabel == baseLabel && $0.level == p.level }) {
                pools[i].pairs.append(p)
            } else {
                pools.append(ReflexivePool(architecture: p.base.architecture, baseLabel: baseLabel, level: p.level, pairs: [p]))
            }
        }
        for i in pools.indices {
            func keyed(_ metric: String, _ side: KeyPath<ReflexivePair, Configuration>) -> [String: Double] {
                var out: [String: Double] = [:]
                for p in pools[i].pairs {
                    for (seed, v) in p[keyPath: side].bySeed(metric) { out["\(p.base.dataset)#\(seed)"] = v }
                }
                return out
            }
            let aug = \ReflexivePair.augmented, base = \ReflexivePair.base
            pools[i].reflexivityMean = ReportStatistics.paired(keyed("test.reflexivity_mean", aug), keyed("test.reflexivity_mean", base))
            pools[i].reflexivityRank = ReportStatistics.paired(keyed("test.reflexivity_rank", aug), keyed("test.reflexivity_rank", base))
            pools[i].auc = ReportStatistics.paired(keyed("test.auc", aug), keyed("test.auc", base))
            func pairedMeans(_ metric: String) -> (Double?, Double?) {
                let a = keyed(metric, aug), b = keyed(metric, base)
                let shared = a.keys.filter { b[$0] != nil }
                return (ReportStatistics.mean(shared.map { b[$0]! }), ReportStatistics.mean(shared.map { a[$0]! }))
            }
            (pools[i].baseReflexivityMean, pools[i].augmentedReflexivityMean) = pairedMeans("test.reflexivity_mean")
            (pools[i].baseReflexivityRank, pools[i].augmentedReflexivityRank) = pairedMeans("test.reflexivity_rank")
            (pools[i].baseAUC, pools[i].augmentedAUC) = pairedMeans("test.auc")
            var augTime = 0.0, baseTime = 0.0
            for p in pools[i].pairs {
                let b = Dictionary(p.base.completed.compactMap { r in Configuration.trainSeconds(r).map { (r.seed, $0) } }, uniquingKeysWith: { a, _ in a })
                for r in p.augmented.completed {
                    if let t = Configuration.trainSeconds(r), let tb = b[r.seed] { augTime += t; baseTime += tb }
                }
            }
            pools[i].timeRatio = baseTime > 0 ? augTime / baseTime : nil
        }
        reflexivePools = pools
    }

    // MARK: - Helpers

    /// Orders configurations by mean test AUC, highest first; without an AUC last; ties by label.
    static func better(_ a: Configuration, _ b: Configuration) -> Bool {
        switch (a.auc?.mean, b.auc?.mean) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.architecture, a.label) < (b.architecture, b.label)
        }
    }

    /// A numeric setting (`"0.25"` → 0.25); absent or non-numeric reads as 0.
    static func number(_ s: String?) -> Double { s.flatMap(Double.init) ?? 0 }

    /// The settings whose value is the same in every one of `groups` (and present in all).
    static func sharedSettings(_ groups: [[String: String]]) -> [String: String] {
        guard var shared = groups.first else { return [:] }
        for g in groups.dropFirst() {
            for (k, v) in shared where g[k] != v { shared[k] = nil }
        }
        return shared
    }

    /// Model settings first, then augmentation, then training, then anything else; by name within.
    static func settingOrder(_ a: String, _ b: String) -> Bool {
        func rank(_ k: String) -> Int {
            if k.hasPrefix("model.") { return 0 }
            if k.hasPrefix("augmentation.") { return 1 }
            if k.hasPrefix("training.") { return 2 }
            return 3
        }
        return (rank(a), a) < (rank(b), b)
    }

    /// `symmetrize=swap, reflexive=0.25`: the given keys, by their last path component.
    static func label(_ settings: [String: String], keys: [String]) -> String {
        keys.map { key in
            let short = key.split(separator: ".").last.map(String.init) ?? key
            return "\(short)=\(settings[key] ?? "–")"
        }.joined(separator: ", ")
    }

    /// `key` without its section (`model.width` → `width`).
    static func shortKey(_ key: String) -> String { key.split(separator: ".").last.map(String.init) ?? key }

    /// The configuration's label without its reflexive-augmentation setting.
    func labelWithoutReflexive(_ c: Configuration) -> String {
        Self.label(c.settings, keys: (varyingKeys[c.architecture] ?? []).filter { $0 != "augmentation.reflexive" })
    }

    /// Every run that did not complete.
    var unfinishedRuns: [ReportData.Run] { data.runs.filter { $0.state != .completed } }

    /// The configuration of `run` (dataset and group).
    func configuration(of run: ReportData.Run) -> Configuration? {
        datasets.first { $0.name == run.dataset }?.configurations.first { $0.group == run.configGroup }
    }
}
