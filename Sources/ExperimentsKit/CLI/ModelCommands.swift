import Datasets
import Foundation
import Models
import TensorCore

/// `Experiments export DB --run KEY --out FILE`: writes a trained model from the database.
public struct ExportCommand: Command {
    public static let name = "export"
    public static let abstract = "Write a trained model stored in a result database to a model file."
    public static let help = """
    USAGE: Experiments export <results.sqlite> --run <KEY> --out <model.bin>

    Finds the finished run whose key starts with KEY and writes its stored weights (the
    versioned ModelFile format: architecture, hyperparameters, weights, CRC-32) to the file.
    Score new pairs with `Experiments score`, or load it in Swift with `ModelFile.load(from:)`.
    """

    public var database: String
    public var runKey: String
    public var out: String

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["run", "out"], flags: [])
        guard s.positionals.count == 1 else { throw UsageError("expected one database file") }
        database = s.positionals[0]
        guard let r = s.options["run"], !r.isEmpty else { throw UsageError("missing --run KEY") }
        guard let o = s.options["out"], !o.isEmpty else { throw UsageError("missing --out FILE") }
        runKey = r
        out = o
    }

    public func validate() throws {
        guard FileManager.default.fileExists(atPath: database) else { throw UsageError("no such database: \(database)") }
    }

    public func run() throws -> Int32 {
        let store = try ResultStore(path: database)
        let keys = try store.query("SELECT key FROM runs WHERE key LIKE ? || '%' AND state = 'completed'", [.text(runKey)])
            .compactMap { $0.values.first?.string }
        guard keys.count == 1 else {
            throw UsageError(keys.isEmpty ? "no completed run has a key starting with \(runKey)"
                                          : "\(keys.count) completed runs have keys starting with \(runKey); give more of the key")
        }
        guard let bytes = try store.weights(of: keys[0]) else {
            throw UsageError("run \(keys[0].prefix(12)) has no stored weights (its sweep had \"save_weights\": false)")
        }
        let model = try ModelFile.decode(Data(bytes), file: "\(database) run \(keys[0].prefix(12))")
        try ModelFile.save(model, to: URL(fileURLWithPath: out))
        print("wrote \(out): \(model.spec.architecture.rawValue), n = \(model.inputDim), \(model.parameterCount) parameters")
        return 0
    }
}

/// `Experiments score MODEL --embeddings E --pairs P`: scores pairs with a saved model.
public struct ScoreCommand: Command {
    public static let name = "score"
    public static let abstract = "Score pairs of embeddings with a saved model."
    public static let help = """
    USAGE: Experiments score <model.bin> --embeddings <file> --pairs <pairs.csv> [--out <scores.csv>]

    Loads a model file (from `Experiments export` or `ModelFile.save`), the embeddings (.npy,
    .fvecs, .csv, .tsv) and a pairs file with columns i,j (label optional and ignored), and writes
    CSV lines `i,j,logit,probability` (probability = σ(logit)) to --out or standard output.
    """

    public var model: String
    public var embeddings: String
    public var pairs: String
    public var out: String?

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["embeddings", "pairs", "out"], flags: [])
        guard s.positionals.count == 1 else { throw UsageError("expected one model file") }
        model = s.positionals[0]
        guard let e = s.options["embeddings"] else { throw UsageError("missing --embeddings FILE") }
        guard let p = s.options["pairs"] else { throw UsageError("missing --pairs FILE") }
        embeddings = e
        pairs = p
        out = s.options["out"]
    }

    public func run() throws -> Int32 {
        let m = try ModelFile.load(from: URL(fileURLWithPath: model))
        let emb = try EmbeddingLoader.load(path: embeddings)
        guard emb.cols == m.inputDim else {
            throw DataError(file: embeddings, "embeddings have \(emb.cols) columns, the model takes n = \(m.inputDim)")
        }
        let set = try PairLoader.loadUnlabelled(path: pairs, itemCount: emb.rows)
        let logits = m.score(emb.gatherRows(set.i), emb.gatherRows(set.j))
        var text = "i,j,logit,probability\n"
        for k in 0..<set.count {
            text += "\(set.i[k]),\(set.j[k]),\(logits[k]),\(stableSigmoid(logits[k]))\n"
        }
        if let out {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
            FileHandle.standardError.write(Data("wrote \(set.count) scores to \(out)\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        return 0
    }
}
