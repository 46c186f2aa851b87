import Foundation
import Testing
@testable import ExperimentsKit

/// One case of `Fixtures/metric_fixtures.json`, written by `Fixtures/make_metric_fixtures.py`
/// from scikit-learn (see that script for how each reference value is computed).
struct MetricFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var note: String
    var labels: [Int]
    var scores: [Double]
    var threshold: Double
    var rocAuc: Double
    var averagePrecision: Double
    var logLoss: Double
    var logLossSklearn: Double
    var logLossSklearnAgrees: Bool
    var accuracy: Double
    var f1: Double
    var chosenThreshold: Double
    var chosenAccuracy: Double

    var boolLabels: [Bool] { labels.map { $0 == 1 } }
    var testDescription: String { "\(name) (n = \(labels.count))" }
}

struct MetricFixtureFile: Decodable {
    var sklearnVersion: String
    var cases: [MetricFixtureCase]
}

/// The fixture file, found next to this source file rather than through SwiftPM resources.
func loadMetricFixtures() throws -> MetricFixtureFile {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Metrics
        .deletingLastPathComponent()  // ExperimentsKitTests
        .appendingPathComponent("Fixtures")
        .appendingPathComponent("metric_fixtures.json")
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(MetricFixtureFile.self, from: Data(contentsOf: url))
}

/// The cases, or none if the file is unreadable (then `fixtureFileLoads` fails and says why).
let metricFixtureCases: [MetricFixtureCase] = (try? loadMetricFixtures().cases) ?? []

@Suite("Metrics against scikit-learn fixtures")
struct MetricsFixtureTests {

    @Test func fixtureFileLoads() throws {
        let file = try loadMetricFixtures()
        #expect(file.cases.count >= 12)
        for c in file.cases {
            #expect(c.labels.count == c.scores.count, "\(c.name)")
        }
    }

    @Test("ROC AUC matches roc_auc_score to 1e-9", arguments: metricFixtureCases)
    func rocAUC(_ c: MetricFixtureCase) throws {
        let auc = try #require(Metrics.rocAUC(scores: c.scores, labels: c.boolLabels))
        #expect(Swift.abs(auc - c.rocAuc) <= 1e-9, "\(c.name): \(auc) vs sklearn \(c.rocAuc)")
    }

    @Test("Average precision matches average_precision_score to 1e-9", arguments: metricFixtureCases)
    func averagePrecision(_ c: MetricFixtureCase) throws {
        let ap = try #require(Metrics.averagePrecision(scores: c.scores, labels: c.boolLabels))
        #expect(Swift.abs(ap - c.averagePrecision) <= 1e-9,
                "\(c.name): \(ap) vs sklearn \(c.averagePrecision)")
    }

    @Test("Log loss matches the exact reference to 1e-9, and sklearn where it does not clip",
          arguments: metricFixtureCases)
    func logLoss(_ c: MetricFixtureCase) {
        let loss = Metrics.logLoss(logits: c.scores, labels: c.boolLabels)
        #expect(Swift.abs(loss - c.logLoss) <= 1e-9 * Swift.max(1, c.logLoss),
                "\(c.name): \(loss) vs reference \(c.logLoss)")
        if c.logLossSklearnAgrees {
            #expect(Swift.abs(loss - c.logLossSklearn) <= 1e-9,
                    "\(c.name): \(loss) vs sklearn \(c.logLossSklearn)")
        } else {
            // sklearn clips probabilities, so it can only underestimate confident mistakes.
            #expect(loss > c.logLossSklearn, "\(c.name)")
        }
    }

    @Test("Accuracy and F1 at a threshold match accuracy_score and f1_score", arguments: metricFixtureCases)
    func accuracyAndF1(_ c: MetricFixtureCase) throws {
        let counts = Metrics.confusion(logits: c.scores, labels: c.boolLabels, threshold: c.threshold)
        #expect(counts.total == c.labels.count)
        let accuracy = try #require(counts.accuracy)
        #expect(Swift.abs(accuracy - c.accuracy) <= 1e-12, "\(c.name)")
        #expect(Swift.abs(counts.f1 - c.f1) <= 1e-12, "\(c.name)")
        #expect(Metrics.accuracy(logits: c.scores, labels: c.boolLabels, threshold: c.threshold) == accuracy)
        #expect(Metrics.f1(logits: c.scores, labels: c.boolLabels, threshold: c.threshold) == counts.f1)
    }

    @Test("chooseThreshold agrees with a brute-force search over every candidate", arguments: metricFixtureCases)
    func chosenThreshold(_ c: MetricFixtureCase) throws {
        let t = Metrics.chooseThreshold(logits: c.scores, labels: c.boolLabels)
        #expect(t == c.chosenThreshold, "\(c.name): \(t) vs brute force \(c.chosenThreshold)")
        let accuracy = try #require(Metrics.accuracy(logits: c.scores, labels: c.boolLabels, threshold: t))
        #expect(Swift.abs(accuracy - c.chosenAccuracy) <= 1e-12, "\(c.name)")
    }
}
