import Datasets
import Foundation
import Models
import TensorCore
import Testing
@testable import ExperimentsKit

@Suite("Trained models are usable afterwards", .serialized)
struct ModelCommandTests {
    /// Export a trained model from the database, score the test pairs from the files with the
    /// `score` command, and recover exactly the test AUC the sweep recorded.
    @Test func exportThenScoreReproducesTheRecordedTestAUC() throws {
        let f = try SweepFixture(seeds: "[0]")
        defer { f.cleanup() }
        let d = try f.writeFileDataset()
        let dir = f.dir.path
        try """
        {"database": "results.sqlite", "seeds": [0],
         "datasets": [{"name": "files", "embeddings": "emb.npy", "train": "train.csv", "val": "val.csv", "test": "test.csv"}],
         "training": {"epochs": 3}, "models": [{"architecture": "mirror", "width": 8, "hidden": [8]}]}
        """.write(toFile: f.configPath, atomically: true, encoding: .utf8)
        _ = try f.run()
        let store = try ResultStore(path: f.database)
        let key = try #require(try store.states().keys.first)
        let recorded = try #require(try store.metrics(of: key).first { $0.split == "test" && $0.name == "auc" }?.value)

        #expect(ExperimentsCLI.run(["export", f.database, "--run", String(key.prefix(8)), "--out", "\(dir)/model.bin"]) == 0)
        #expect(ExperimentsCLI.run(["score", "\(dir)/model.bin", "--embeddings", "\(dir)/emb.npy",
                                    "--pairs", "\(dir)/test.csv", "--out", "\(dir)/scores.csv"]) == 0)
        let lines = try String(contentsOfFile: "\(dir)/scores.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let logits = lines.map { Double($0.split(separator: ",")[2])! }
        #expect(logits.count == d.test.count)
        let auc = Metrics.rocAUC(scores: logits, labels: d.test.label.map { $0 > 0.5 })
        #expect(auc == recorded)
        // A model file for another dimension is refused with one line naming the file.
        var wrong = Matrix(rows: 4, cols: 5)
        wrong.data[0] = 1
        try NpyFormat.write(wrong, to: "\(dir)/wrong.npy")
        #expect(ExperimentsCLI.run(["score", "\(dir)/model.bin", "--embeddings", "\(dir)/wrong.npy", "--pairs", "\(dir)/test.csv"]) == 64)
    }
}
