import TensorCore

/// Seeded synthetic similarity tasks with known ground truth.
///
/// Every task follows the same recipe: a task generator makes item embeddings (items × dim)
/// and a ground-truth relation; items (or, for `norms`, groups of four items) are partitioned
/// into train / validation / test with `itemFractions`, so **no item appears in two splits**;
/// then each split samples its number of distinct unordered pairs of two different items
/// with balanced labels (`⌊count/2⌋` similar, the rest dissimilar) by rejection sampling
/// (`clusters` draws its similar pairs within a cluster directly), and shuffles them.
///
/// Random streams: embeddings come from stream 1 of `RandomSource(seed:)`, the item split
/// from stream 2 and the pairs of split `s` from stream `10 + s`, so changing a pair count
/// leaves the embeddings unchanged. Only `RandomSource` and IEEE-exact arithmetic are used:
/// the same options give bit-identical data on every platform.
public enum SyntheticData {
    /// The dataset of `task` with `options` (see `generate` for the ground truth as well).
    public static func make(task: SyntheticTask, options: SyntheticOptions = SyntheticOptions()) throws -> PairDataset {
        try generate(task: task, options: options).data
    }

    /// The dataset of the task called `name` (a `SyntheticTask` raw value such as `hidden_metric`).
    public static func make(named name: String, options: SyntheticOptions = SyntheticOptions()) throws -> PairDataset {
        guard let task = SyntheticTask(rawValue: name) else {
            let known = SyntheticTask.allCases.map(\.rawValue).joined(separator: ", ")
            throw DataError(file: "synthetic:\(name)", "unknown synthetic task (expected one of \(known))")
        }
        return try make(task: task, options: options)
    }

    /// The dataset of `task` with its ground truth.
    public static func generate(task: SyntheticTask, options: SyntheticOptions = SyntheticOptions()) throws -> SyntheticDataset {
        try options.validate(for: task)
        let root = RandomSource(seed: options.seed)
        var worldRNG = root.derived(1)
        let world: SyntheticWorld
        switch task {
        case .hiddenMetric: world = hiddenMetric(options, &worldRNG)
        case .clusters: world = clusters(options, &worldRNG)
        case .interaction: world = interaction(options, &worldRNG)
        case .norms: world = norms(options, &worldRNG)
        }

        // Split item groups.
        var splitRNG = root.derived(2)
        var order = Array(world.groups.indices)
        splitRNG.shuffle(&order)
        let sizes = options.itemFractions.sizes(of: order.count)
        var itemSplit = [Int](repeating: 0, count: world.embeddings.rows)
        var partItems: [[Int]] = [[], [], []]
        for (rank, g) in order.enumerated() {
            let part = rank < sizes.train ? 0 : (rank < sizes.train + sizes.val ? 1 : 2)
            for item in world.groups[g] { itemSplit[item] = part; partItems[part].append(item) }
        }
        let source = "synthetic:\(task.rawValue)"
        let names = ["train", "val", "test"]
        let counts = [options.trainPairs, options.valPairs, options.testPairs]
        for part in 0..<3 {
            partItems[part].sort()
            let m = partItems[part].count
            guard m >= 2 else {
                throw DataError(file: source, "the \(names[part]) split has \(m) item\(m == 1 ? "" : "s"), needs at least 2; use more items or larger fractions")
            }
        }
        for part in 0..<3 {
            let m = partItems[part].count
            guard counts[part] <= m * (m - 1) / 2 else {
                throw DataError(file: source, "the \(names[part]) split's \(m) items have only \(m * (m - 1) / 2) distinct pairs, \(counts[part]) requested; use more items or fewer pairs")
            }
        }
        var sets: [PairSet] = []
        for part in 0..<3 {
            var rng = root.derived(UInt64(10 + part))
            let count = counts[part]
            let twins = world.twins.filter { itemSplit[$0[0]] == part }
            sets.append(try samplePairs(world: world, items: partItems[part], twins: twins,
                                        twinFraction: task == .norms ? options.twinFraction : 0,
                                        count: count, rng: &rng, source: source, splitName: names[part]))
        }
        let data = PairDataset(name: task.rawValue, embeddings: world.embeddings,
                               train: sets[0], val: sets[1], test: sets[2], files: [])
        return SyntheticDataset(task: task, options: options, data: data, truth: world.truth,
                                clusterOf: world.clusterOf, itemSplit: itemSplit, twins: world.twins)
    }

    // MARK: - Pair sampling

    static func samplePairs(world: SyntheticWorld, items: [Int], twins: [[Int]], twinFraction: Double,
                            count: Int, rng: inout RandomSource, source: String, splitName: String) throws -> PairSet {
        let needPos = count / 2, needNeg = count - count / 2
        var pos = 0, neg = 0
        var pairs = PairSet()
        var seen = Set<PairKey>()
        func accept(_ a: Int, _ b: Int, _ similar: Bool) {
            pairs.append(a, b, label: similar ? 1 : 0)
            seen.insert(PairKey(a, b))
            if similar { pos += 1 } else { neg += 1 }
        }

        // Twin pairs (norms): each quadruple gives one dissimilar (a, b) and one similar (a′, b′).
        if !twins.isEmpty {
            var shuffled = twins
            rng.shuffle(&shuffled)
            let wanted = Swift.min(Int(twinFraction * Double(count)) / 2, shuffled.count, needPos, needNeg)
            for t in shuffled.prefix(wanted) {
                precondition(!world.truth(t[0], t[1]) && world.truth(t[2], t[3]), "norms: twin quadruple \(t) has wrong labels")
                accept(t[0], t[1], false)
                accept(t[2], t[3], true)
            }
        }

        // Members of each cluster within this split, for drawing similar pairs directly.
        var members: [Int: [Int]] = [:]
        if let clusterOf = world.clusterOf { for item in items { members[clusterOf[item], default: []].append(item) } }

        var attempts = 0
        let maxAttempts = 1000 * count + 100_000
        while pos < needPos || neg < needNeg {
            attempts += 1
            guard attempts <= maxAttempts else {
                throw DataError(file: source, "could not sample \(needPos) similar and \(needNeg) dissimilar distinct pairs among the \(items.count) \(splitName) items (got \(pos) and \(neg)); use more items or fewer pairs")
            }
            var a = items[rng.nextInt(below: items.count)]
            var b: Int
            if let clusterOf = world.clusterOf, pos < needPos, neg >= needNeg || rng.nextInt(below: 2) == 0 {
                let group = members[clusterOf[a]]!
                guard group.count >= 2 else { continue }
                b = group[rng.nextInt(below: group.count)]
            } else {
                b = items[rng.nextInt(below: items.count)]
            }
            if a == b || seen.contains(PairKey(a, b)) { continue }
            if rng.nextInt(below: 2) == 0 { swap(&a, &b) }
            let similar = world.truth(a, b)
            if similar ? pos < needPos : neg < needNeg { accept(a, b, similar) }
        }
        var order = Array(0..<pairs.count)
        rng.shuffle(&order)
        return pairs.subset(order)
    }

    // MARK: - Shared helpers

    /// A `rows × cols` matrix of standard normal samples, as `Double`.
    static func gaussian(_ rows: Int, _ cols: Int, _ rng: inout RandomSource, std: Double = 1) -> [Double] {
        (0..<(rows * cols)).map { _ in std * rng.normal() }
    }

    /// The median of `scores` of `samples` random pairs of distinct items (used as threshold).
    static func medianScore(items: Int, samples: Int, _ rng: inout RandomSource, _ score: (Int, Int) -> Double) -> Double {
        var values: [Double] = []
        values.reserveCapacity(samples)
        while values.count < samples {
            let a = rng.nextInt(below: items), b = rng.nextInt(below: items)
            if a != b { values.append(score(Swift.min(a, b), Swift.max(a, b))) }
        }
        values.sort()
        return values[samples / 2]
    }
}
