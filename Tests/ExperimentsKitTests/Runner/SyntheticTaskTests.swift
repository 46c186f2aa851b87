import Datasets
import Foundation
import Models
import Testing
@testable import ExperimentsKit

/// Each synthetic task exists to separate architectures; train its expected winner and loser
/// (reasons in the README's table of tasks) and assert the gap in test AUC.
@Suite("Synthetic tasks separate the architectures", .serialized)
struct SyntheticTaskTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var task: SyntheticTask
        var winner: String
        var loser: String
        var minimumGap: Double
        var testDescription: String { "\(task.rawValue): \(winner) beats \(loser) by ≥ \(minimumGap)" }
    }

    static let cases: [Case] = [
        Case(task: .hiddenMetric, winner: #"{"architecture": "sharedq", "width": 16, "score": "distance"}"#,
             loser: #"{"architecture": "cosine"}"#, minimumGap: 0.25),
        Case(task: .clusters, winner: #"{"architecture": "mirror", "width": 32, "hidden": [32]}"#,
             loser: #"{"architecture": "dot"}"#, minimumGap: 0.03),
        Case(task: .interaction, winner: #"{"architecture": "outer", "width": 16, "rank": 4, "hidden": [32]}"#,
             loser: #"{"architecture": "pooling", "hidden": [32]}"#, minimumGap: 0.15),
        Case(task: .norms, winner: #"{"architecture": "sharedq", "width": 16, "tower": [32], "score": "distance"}"#,
             loser: #"{"architecture": "pooling", "hidden": [32]}"#, minimumGap: 0.2),
    ]

    func testAUC(_ modelJSON: String, _ data: PairDataset, _ task: SyntheticTask) throws -> Double {
        let model = try JSONValue.parse(Data(modelJSON.utf8)).decode(ModelSpec.self)
        var training = TrainingSettings()
        training.epochs = 25; training.batchSize = 128; training.learningRate = 0.003
        let run = RunConfig(dataset: DatasetSpec(name: task.rawValue, synthetic: task.rawValue), model: model,
                            training: training, augmentation: AugmentationSettings(), seed: 0)
        let result = try Trainer.run(run, data: data, saveWeights: false)
        return try #require(result.metrics.first { $0.split == "test" && $0.name == "auc" }?.value)
    }

    @Test(arguments: cases)
    func winnerBeatsLoser(_ c: Case) throws {
        var options = SyntheticOptions()
        options.items = 1200; options.dim = 16; options.trainPairs = 3000; options.valPairs = 600; options.testPairs = 600
        let data = try SyntheticData.make(task: c.task, options: options)
        let win = try testAUC(c.winner, data, c.task), lose = try testAUC(c.loser, data, c.task)
        #expect(win - lose >= c.minimumGap, "\(c.task.rawValue): winner \(win), loser \(lose)")
    }
}
