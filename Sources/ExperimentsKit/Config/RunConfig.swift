import Datasets
import Foundation
import Models

/// Where a run's data comes from: a synthetic task with its options, or files.
///
/// File paths are kept as written in the config (relative paths are relative to the config
/// file's directory), so a run key does not depend on where the checkout lives.
public struct DatasetSpec: Codable, Equatable, Sendable {
    /// Name used in tables and reports.
    public var name: String
    /// Synthetic task (`hidden_metric`, `clusters`, `interaction`, `norms`), or nil for files.
    public var synthetic: String?
    /// Options of the synthetic task, every default filled in.
    public var options: SyntheticOptions?
    /// Embeddings file (`.npy`, `.fvecs`, `.csv`, `.tsv`).
    public var embeddings: String?
    /// Pair files (`i,j,label`), one per split.
    public var train: String?, val: String?, test: String?
    /// One pair file split by `splitBy` (`item` or `pair`) with `fractions` and `splitSeed`.
    public var pairs: String?
    public var splitBy: String?
    public var fractions: [Double]?
    public var splitSeed: Int?

    enum CodingKeys: String, CodingKey {
        case name, synthetic, options, embeddings, train, val, test, pairs
        case splitBy = "split_by", fractions, splitSeed = "split_seed"
    }

    /// Every file this dataset reads, as written.
    public var files: [String] {
        [embeddings, train, val, test, pairs].compactMap { $0 }
    }

    /// Loads or generates the data; relative paths are resolved against `baseDirectory`.
    public func load(baseDirectory: URL) throws -> PairDataset {
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : baseDirectory.appendingPathComponent(p).standardizedFileURL.path
        }
        if let synthetic, let task = SyntheticTask(rawValue: synthetic) {
            var d = try SyntheticData.make(task: task, options: options ?? SyntheticOptions())
            d.name = name
            return d
        }
        guard let embeddings else { throw ConfigError(path: "datasets", message: "dataset \(name) names no embeddings") }
        if let train, let val, let test {
            return try PairDataset.load(name: name, embeddings: resolve(embeddings), train: resolve(train),
                                        val: resolve(val), test: resolve(test))
        }
        guard let pairs, let splitBy, let unit = SplitUnit(rawValue: splitBy) else {
            throw ConfigError(path: "datasets", message: "dataset \(name) needs train/val/test files or pairs with split_by")
        }
        let f = fractions ?? [0.6, 0.2, 0.2]
        return try PairDataset.load(name: name, embeddings: resolve(embeddings), pairs: resolve(pairs), splitBy: unit,
                                    fractions: SplitFractions(train: f[0], val: f[1], test: f[2]),
                                    seed: UInt64(splitSeed ?? 0)).dataset
    }
}

/// Everything that determines one run's result, fully resolved (no defaults left implicit).
///
/// The run key is the SHA-256 of this value's canonical JSON (sorted keys, no spaces). Every
/// default is written out and `semantics` names the version of the training and evaluation
/// code's meaning, so a change that would alter what a run means yields a new key: an existing
/// key can never come to mean something else.
public struct RunConfig: Codable, Equatable, Sendable {
    /// Version of the training/evaluation semantics; bump it when results' meaning changes.
    public static let currentSemantics = 1

    public var dataset: DatasetSpec
    public var model: ModelSpec
    public var training: TrainingSettings
    public var augmentation: AugmentationSettings
    public var seed: Int
    public var semantics: Int = RunConfig.currentSemantics

    public init(dataset: DatasetSpec, model: ModelSpec, training: TrainingSettings,
                augmentation: AugmentationSettings, seed: Int) {
        self.dataset = dataset
        self.model = model
        self.training = training
        self.augmentation = augmentation
        self.seed = seed
    }

    /// Canonical JSON: sorted keys, compact.
    public var canonicalJSON: String { JSONValue.encode(self).canonical }

    /// The run key: lowercase hex SHA-256 of `canonicalJSON`.
    public var key: String { sha256Hex(of: Array(canonicalJSON.utf8)) }

    /// Canonical JSON without the seed: runs that differ only by seed share it.
    public var groupJSON: String {
        guard case .object(var o) = JSONValue.encode(self) else { return canonicalJSON }
        o["seed"] = nil
        return JSONValue.object(o).canonical
    }

    /// Hyperparameters in long form, `name → value` (JSON text of each value).
    public var params: [String: String] {
        var out: [String: String] = ["dataset": dataset.name, "seed": String(seed)]
        for (section, value) in [("model", JSONValue.encode(model)), ("training", JSONValue.encode(training)),
                                 ("augmentation", JSONValue.encode(augmentation))] {
            for (k, v) in value.objectValue ?? [:] {
                out[section == "model" && k == "architecture" ? "architecture" : "\(section).\(k)"] =
                    v.stringValue ?? v.canonical
            }
        }
        return out
    }
}
