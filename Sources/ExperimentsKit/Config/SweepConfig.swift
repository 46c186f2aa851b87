import Datasets
import Foundation
import Models
import TensorCore

/// A parsed, validated sweep: its settings and the fully expanded list of runs.
///
/// Validation happens entirely here, before anything runs; every error names the file, the
/// JSON path and the offending value.
public struct SweepConfig: Sendable {
    /// The config file, if loaded from one.
    public var file: String?
    /// Directory that relative paths in the config are resolved against (the config's own).
    public var baseDirectory: URL
    public var name: String
    /// Resolved path of the SQLite result database.
    public var database: String
    /// Runs trained at the same time.
    public var jobs: Int
    /// Matrix-product threads per run.
    public var threads: Int
    /// Whether trained weights are stored in the database.
    public var saveWeights: Bool
    /// Seconds without a heartbeat after which another process may take a running run over.
    public var leaseSeconds: Double = 60
    /// Attempts a run gets before it is left `failed` for good.
    public var maxAttempts: Int = 3
    public var seeds: [Int]
    public var datasets: [DatasetSpec]
    /// Every run, in order: dataset, model entry, configuration, seed. Keys are unique.
    public var runs: [RunConfig]
    /// The config document as given.
    public var document: JSONValue

    /// The most runs one config may expand to (datasets × configurations × seeds). A larger
    /// sweep is refused naming the model entry that crosses the limit; split it into several
    /// configs (or shards) instead. The default sweep has 300 runs.
    public static let maxRuns = 100_000

    static let topKeys = ["name", "database", "jobs", "threads", "seeds", "save_weights", "datasets", "models",
                          "training", "augmentation", "search", "lease_seconds", "max_attempts"]
    static let syntheticKeys = ["items", "dim", "seed", "train_pairs", "val_pairs", "test_pairs", "item_fractions",
                                "informative_dim", "nuisance_std", "cluster_count", "latent_dim", "cluster_spread",
                                "noise_std", "twin_fraction", "norm_tolerance"]
    static let fileKeys = ["embeddings", "train", "val", "test", "pairs", "split_by", "fractions", "split_seed"]

    /// Reads and validates a config file.
    public static func load(path: String) throws -> SweepConfig {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigError(file: path, path: "", message: FileManager.default.fileExists(atPath: path)
                              ? "cannot read the file" : "no such file")
        }
        do {
            let doc = try JSONValue.parse(data)
            return try parse(doc, file: path, baseDirectory: url.deletingLastPathComponent())
        } catch var e as ConfigError {
            e.file = path
            throw e
        }
    }

    /// Validates a config document and expands its runs (at most `maxRuns`; the fuzz tests pass
    /// a smaller limit to keep each input fast).
    public static func parse(_ doc: JSONValue, file: String? = nil, baseDirectory: URL,
                             maxRuns: Int = SweepConfig.maxRuns) throws -> SweepConfig {
        guard let top = doc.objectValue else {
            throw ConfigError(path: "", message: "expected a JSON object at the top level, got \(kind(of: doc))")
        }
        try checkKeys(top, allowed: topKeys, path: "")
        let name = try string(top["name"], path: "name") ?? "sweep"
        let dbPath = try string(top["database"], path: "database") ?? "\(name).sqlite"
        let database = dbPath.hasPrefix("/") ? dbPath : baseDirectory.appendingPathComponent(dbPath).standardizedFileURL.path
        let jobs = try int(top["jobs"], path: "jobs", min: 1) ?? 1
        let threads = try int(top["threads"], path: "threads", min: 1) ?? 1
        let saveWeights = try bool(top["save_weights"], path: "save_weights") ?? true
        let seeds = try parseSeeds(top["seeds"])
        var leaseSeconds = 60.0
        if let v = top["lease_seconds"] {
            leaseSeconds = try FieldKind.double(min: 0, exclusive: true, max: nil).check(v, path: "lease_seconds").numberValue!
        }
        let maxAttempts = try int(top["max_attempts"], path: "max_attempts", min: 1) ?? 3

        guard let datasetList = top["datasets"]?.arrayValue, !datasetList.isEmpty else {
            throw ConfigError(path: "datasets", message: "expected a non-empty list of datasets, got \(top["datasets"]?.canonical ?? "nothing")")
        }
        var datasets: [DatasetSpec] = []
        var datasetNames = Set<String>()
        for (i, d) in datasetList.enumerated() {
            let spec = try parseDataset(d, path: "datasets[\(i)]")
            if !datasetNames.insert(spec.name).inserted {
                throw ConfigError(path: "datasets[\(i)].name", message: "duplicate dataset name \(JSONValue.quote(spec.name))")
            }
            datasets.append(spec)
        }

        let globalTraining = try section(top["training"], path: "training", keys: TrainingSettings.keys)
        let globalAugmentation = try section(top["augmentation"], path: "augmentation", keys: AugmentationSettings.keys)
        var samples = 5, searchSeed = 0
        if let s = top["search"] {
            guard let o = s.objectValue else { throw ConfigError(path: "search", message: "expected an object, got \(s.canonical)") }
            try checkKeys(o, allowed: ["samples", "seed"], path: "search")
            samples = try int(o["samples"], path: "search.samples", min: 1) ?? samples
            searchSeed = try int(o["seed"], path: "search.seed", min: 0) ?? searchSeed
        }

        guard let modelList = top["models"]?.arrayValue, !modelList.isEmpty else {
            throw ConfigError(path: "models", message: "expected a non-empty list of models, got \(top["models"]?.canonical ?? "nothing")")
        }
        var configurations: [(ModelSpec, TrainingSettings, AugmentationSettings)] = []
        let (runsPerConfiguration, o) = datasets.count.multipliedReportingOverflow(by: seeds.count)
        for (i, m) in modelList.enumerated() {
            configurations += try expandModel(m, index: i, training: globalTraining, augmentation: globalAugmentation,
                                              samples: samples, searchSeed: searchSeed,
                                              runsPerConfiguration: o ? .max : runsPerConfiguration,
                                              configurationsBefore: configurations.count, maxRuns: maxRuns)
        }

        var runs: [RunConfig] = []
        var seen = Set<String>()
        for d in datasets {
            for (model, training, augmentation) in configurations {
                for seed in seeds {
                    let run = RunConfig(dataset: d, model: model, training: training, augmentation: augmentation, seed: seed)
                    if seen.insert(run.key).inserted { runs.append(run) }
                }
            }
        }
        return SweepConfig(file: file, baseDirectory: baseDirectory, name: name, database: database, jobs: jobs,
                           threads: threads, saveWeights: saveWeights, leaseSeconds: leaseSeconds, maxAttempts: maxAttempts,
                           seeds: seeds, datasets: datasets, runs: runs, document: doc)
    }

    // MARK: - Pieces

    static func kind(of v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    static func checkKeys(_ o: [String: JSONValue], allowed: [String], path: String, context: String? = nil) throws {
        for key in o.keys.sorted() where !allowed.contains(key) {
            let where_ = jsonPath(path, key)
            let hint = suggestion(for: key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ConfigError(path: where_, message: "unknown key\(context.map { " for \($0)" } ?? "")\(hint)")
        }
    }

    static func string(_ v: JSONValue?, path: String) throws -> String? {
        guard let v else { return nil }
        guard let s = v.stringValue, !s.isEmpty else { throw ConfigError(path: path, message: "expected a non-empty string, got \(v.canonical)") }
        return s
    }

    static func int(_ v: JSONValue?, path: String, min: Int) throws -> Int? {
        guard let v else { return nil }
        return try FieldKind.int(min: min).check(v, path: path).intValue
    }

    static func bool(_ v: JSONValue?, path: String) throws -> Bool? {
        guard let v else { return nil }
        guard case .bool(let b) = v else { throw ConfigError(path: path, message: "expected true or false, got \(v.canonical)") }
        return b
    }

    static func parseSeeds(_ v: JSONValue?) throws -> [Int] {
        guard let v else { return [0] }
        let list = v.arrayValue ?? [v]
        guard !list.isEmpty else { throw ConfigError(path: "seeds", message: "expected a non-empty list of integers ≥ 0, got []") }
        var seeds: [Int] = []
        var seen = Set<Int>()
        for (i, s) in list.enumerated() {
            let p = v.arrayValue == nil ? "seeds" : "seeds[\(i)]"
            guard let x = s.intValue, x >= 0 else { throw ConfigError(path: p, message: "expected an integer ≥ 0, got \(s.canonical)") }
            if !seen.insert(x).inserted { throw ConfigError(path: p, message: "duplicate seed \(x)") }
            seeds.append(x)
        }
        return seeds
    }

    static func section(_ v: JSONValue?, path: String, keys: [String]) throws -> [String: JSONValue] {
        guard let v else { return [:] }
        guard let o = v.objectValue else { throw ConfigError(path: path, message: "expected an object, got \(v.canonical)") }
        try checkKeys(o, allowed: keys, path: path)
        return o
    }

    static func parseDataset(_ v: JSONValue, path: String) throws -> DatasetSpec {
        guard let o = v.objectValue else { throw ConfigError(path: path, message: "expected an object, got \(v.canonical)") }
        if let task = o["synthetic"] {
            guard let t = task.stringValue, let parsed = SyntheticTask(rawValue: t) else {
                throw ConfigError(path: "\(path).synthetic", message: "expected one of " + SyntheticTask.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + ", got \(task.canonical)")
            }
            try checkKeys(o, allowed: ["name", "synthetic"] + syntheticKeys, path: path, context: "a synthetic dataset")
            var optionsObject: [String: JSONValue] = [:]
            for key in syntheticKeys { if let x = o[key] { optionsObject[key] = x } }
            let options: SyntheticOptions
            do {
                let decoder = JSONDecoder()
                decoder.keyDecodingStrategy = .convertFromSnakeCase
                options = try decoder.decode(SyntheticOptions.self, from: Data(JSONValue.object(optionsObject).canonical.utf8))
            } catch {
                throw ConfigError(path: path, message: "invalid synthetic options: \(decodingMessage(error))")
            }
            do { try options.validate(for: parsed) } catch let e as DataError {
                throw ConfigError(path: path, message: e.message)
            }
            let name = try string(o["name"], path: "\(path).name") ?? t
            return DatasetSpec(name: name, synthetic: t, options: options)
        }
        try checkKeys(o, allowed: ["name", "synthetic"] + fileKeys, path: path, context: "a file dataset")
        guard let embeddings = try string(o["embeddings"], path: "\(path).embeddings") else {
            throw ConfigError(path: path, message: "expected \"synthetic\" or \"embeddings\"")
        }
        var spec = DatasetSpec(name: try string(o["name"], path: "\(path).name") ?? PairDataset.stem(embeddings), embeddings: embeddings)
        if o["pairs"] != nil {
            spec.pairs = try string(o["pairs"], path: "\(path).pairs")
            spec.splitBy = try string(o["split_by"], path: "\(path).split_by") ?? "item"
            guard SplitUnit(rawValue: spec.splitBy!) != nil else {
                throw ConfigError(path: "\(path).split_by", message: "expected \"item\" or \"pair\", got \(o["split_by"]!.canonical)")
            }
            if let f = o["fractions"] {
                guard let a = f.arrayValue, a.count == 3, let fs = Optional(a.compactMap(\.numberValue)), fs.count == 3,
                      fs.allSatisfy({ $0 > 0 }), Swift.abs(fs.reduce(0, +) - 1) < 1e-9 else {
                    throw ConfigError(path: "\(path).fractions", message: "expected three positive numbers summing to 1, got \(f.canonical)")
                }
                spec.fractions = fs
            } else {
                spec.fractions = [0.6, 0.2, 0.2]
            }
            spec.splitSeed = try int(o["split_seed"], path: "\(path).split_seed", min: 0) ?? 0
            for k in ["train", "val", "test"] where o[k] != nil {
                throw ConfigError(path: "\(path).\(k)", message: "give either train/val/test files or one pairs file, not both")
            }
        } else {
            for k in ["train", "val", "test"] where o[k] == nil {
                throw ConfigError(path: path, message: "expected \"\(k)\" (a pairs file), or \"pairs\" with \"split_by\"")
            }
            spec.train = try string(o["train"], path: "\(path).train")
            spec.val = try string(o["val"], path: "\(path).val")
            spec.test = try string(o["test"], path: "\(path).test")
        }
        return spec
    }

    static func decodingMessage(_ error: Error) -> String {
        if case DecodingError.typeMismatch(_, let c) = error { return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)" }
        if case DecodingError.dataCorrupted(let c) = error { return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)" }
        return "\(error)"
    }

    /// One model entry → its concrete (model, training, augmentation) configurations.
    ///
    /// Refuses an entry that would take the sweep past `maxRuns` runs (`runsPerConfiguration` is
    /// datasets × seeds), before expanding it.
    static func expandModel(_ v: JSONValue, index i: Int, training: [String: JSONValue], augmentation: [String: JSONValue],
                            samples: Int, searchSeed: Int, runsPerConfiguration: Int = 1,
                            configurationsBefore: Int = 0, maxRuns: Int = SweepConfig.maxRuns) throws -> [(ModelSpec, TrainingSettings, AugmentationSettings)] {
        let path = "models[\(i)]"
        guard let o = v.objectValue else { throw ConfigError(path: path, message: "expected an object, got \(v.canonical)") }
        guard let archValue = o["architecture"] else {
            throw ConfigError(path: path, message: "expected \"architecture\" (one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let archName = archValue.stringValue, let arch = Architecture(rawValue: archName) else {
            let hint = archValue.stringValue.flatMap { suggestion(for: $0, among: Architecture.allCases.map(\.rawValue)) }.map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ConfigError(path: "\(path).architecture", message: "expected one of \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")), got \(archValue.canonical)\(hint)")
        }
        let modelKeys = ModelSpec.keys(for: arch)
        for key in o.keys.sorted() where !(modelKeys + ["architecture", "training", "augmentation"]).contains(key) {
            if modelFieldKinds[key] != nil {
                let owners = Architecture.allCases.filter { ModelSpec.keys(for: $0).contains(key) }.map(\.rawValue)
                throw ConfigError(path: jsonPath(path, key), message: "not a hyperparameter of \(archName) (it belongs to \(owners.joined(separator: ", ")))")
            }
            let hint = suggestion(for: key, among: modelKeys + ["architecture", "training", "augmentation"]).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ConfigError(path: jsonPath(path, key), message: "unknown key for \(archName)\(hint)")
        }
        let localTraining = try section(o["training"], path: "\(path).training", keys: TrainingSettings.keys)
        let localAugmentation = try section(o["augmentation"], path: "\(path).augmentation", keys: AugmentationSettings.keys)

        // (section, key, path, alternatives), in a fixed order.
        var fields: [(String, String, [Alternative])] = []
        for key in modelKeys.sorted() { if let x = o[key] { fields.append(("model", key, try modelFieldKinds[key]!.alternatives(x, path: "\(path).\(key)"))) } }
        for key in TrainingSettings.keys.sorted() {
            if let x = localTraining[key] {
                fields.append(("training", key, try TrainingSettings.kinds[key]!.alternatives(x, path: "\(path).training.\(key)")))
            } else if let x = training[key] {
                fields.append(("training", key, try TrainingSettings.kinds[key]!.alternatives(x, path: "training.\(key)")))
            }
        }
        for key in AugmentationSettings.keys.sorted() {
            if let x = localAugmentation[key] {
                fields.append(("augmentation", key, try AugmentationSettings.kinds[key]!.alternatives(x, path: "\(path).augmentation.\(key)")))
            } else if let x = augmentation[key] {
                fields.append(("augmentation", key, try AugmentationSettings.kinds[key]!.alternatives(x, path: "augmentation.\(key)")))
            }
        }

        // Count before expanding: a few short lists, or a large `samples`, can describe more
        // runs than memory holds.
        func mul(_ a: Int, _ b: Int) -> Int { let (p, o) = a.multipliedReportingOverflow(by: b); return o ? .max : p }
        let grid = fields.reduce(1) { mul($0, $1.2.count) }
        let anyRandom = fields.contains { $0.2.contains { !$0.isFixed } }
        let count = mul(grid, anyRandom ? samples : 1)
        let (before, overflow) = configurationsBefore.addingReportingOverflow(count)
        let runs = overflow ? .max : mul(before, runsPerConfiguration)
        if runs > maxRuns {
            let shown = { (n: Int) in n == .max ? "more than 2^63" : String(n) }
            throw ConfigError(path: path, message: "expands to \(shown(count)) configurations (\(grid == 1 ? "1 grid point" : "\(shown(grid)) grid points")"
                              + (anyRandom ? " × \(samples) search samples" : "") + "), which takes the sweep to \(shown(runs)) runs "
                              + "(configurations × datasets × seeds), over the limit of \(maxRuns); split it into several configs")
        }

        // Grid: cartesian product of the alternatives; distributions are drawn `samples` times.
        var combos: [[Alternative]] = [[]]
        for (_, _, alts) in fields { combos = combos.flatMap { c in alts.map { c + [$0] } } }
        var out: [(ModelSpec, TrainingSettings, AugmentationSettings)] = []
        for (ci, combo) in combos.enumerated() {
            let random = combo.contains { !$0.isFixed }
            var rng = RandomSource(seed: UInt64(searchSeed)).derived(UInt64(i) << 32 | UInt64(ci))
            for _ in 0..<(random ? samples : 1) {
                var model: [String: JSONValue] = ["architecture": .string(archName)]
                var t: [String: JSONValue] = [:], a: [String: JSONValue] = [:]
                for ((section, key, _), alt) in zip(fields, combo) {
                    let value = alt.draw(&rng)
                    switch section {
                    case "model": model[key] = value
                    case "training": t[key] = value
                    default: a[key] = value
                    }
                }
                let spec: ModelSpec
                do { spec = try JSONValue.object(model).decode(ModelSpec.self) } catch {
                    throw ConfigError(path: path, message: "invalid model: \(decodingMessage(error))")
                }
                do { try spec.validate() } catch let e as ModelSpecError {
                    throw ConfigError(path: "\(path).\(e.field)", message: e.message)
                }
                let ts = try decodeSettings(TrainingSettings.self, t, path: "\(path).training")
                let au = try decodeSettings(AugmentationSettings.self, a, path: "\(path).augmentation")
                if ts.loss == "contrastive" && !(arch == .sharedq && spec.score == .distance) {
                    throw ConfigError(path: localTraining["loss"] != nil ? "\(path).training.loss" : "training.loss",
                                      message: "\"contrastive\" needs a distance score (sharedq with score \"distance\"), but \(path) is \(archName)\(arch == .sharedq ? " with score \"\(spec.score.rawValue)\"" : "")")
                }
                out.append((spec.normalized(), ts, au))
            }
        }
        return out
    }

    static func decodeSettings<T: Decodable>(_ type: T.Type, _ o: [String: JSONValue], path: String) throws -> T {
        // Defaults come from the type's own initial values: decode over an encoded default.
        do {
            return try JSONValue.object(o).decode(T.self)
        } catch {
            throw ConfigError(path: path, message: decodingMessage(error))
        }
    }
}
