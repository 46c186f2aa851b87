import Foundation
import Testing
@testable import ExperimentsKit
import Models

/// A minimal valid config with `patch` merged into the top level.
func config(_ patch: String = "") -> String {
    let base = """
    "datasets": [{"synthetic": "clusters", "items": 200, "dim": 8, "train_pairs": 300, "val_pairs": 100, "test_pairs": 100}],
    "models": [{"architecture": "concat"}]
    """
    return "{" + (patch.isEmpty ? base : patch + "," + base) + "}"
}

func parse(_ text: String) throws -> SweepConfig {
    try SweepConfig.parse(try JSONValue.parse(Data(text.utf8)), file: nil, baseDirectory: URL(fileURLWithPath: "/tmp"))
}

@Suite("Sweep config validation")
struct ConfigValidationTests {
    static let bad: [(String, String)] = [
        ("{\"datasets\": [], \"models\": [{\"architecture\": \"dot\"}]}", "datasets: expected a non-empty list of datasets, got []"),
        (config("\"jobz\": 2"), "jobz: unknown key (did you mean \"jobs\"?)"),
        (config("\"jobs\": 0"), "jobs: expected a positive integer, got 0"),
        (config("\"seeds\": [0, \"one\"]"), "seeds[1]: expected an integer ≥ 0, got \"one\""),
        (config("\"seeds\": [1, 1]"), "seeds[1]: duplicate seed 1"),
        (config("\"training\": {\"learning_rate\": -1}"), "training.learning_rate: expected a number > 0, got -1"),
        (config("\"training\": {\"epoch\": 3}"), "training.epoch: unknown key (did you mean \"epochs\"?)"),
        (config("\"training\": {\"optimizer\": \"adamw\"}"), "training.optimizer: expected one of \"adam\", \"sgd\", got \"adamw\""),
        (config("\"training\": {\"epochs\": {\"uniform\": [1, 5]}}"), "training.epochs.uniform: uniform draws real numbers; this field takes a positive integer"),
        (config("\"training\": {\"learning_rate\": {\"log_uniform\": [0, 1]}}"), "training.learning_rate.log_uniform[0]: expected a number > 0, got 0.0"),
        (config("\"training\": {\"learning_rate\": {\"gaussian\": [0, 1]}}"), "training.learning_rate: unknown distribution \"gaussian\""),
        (config("\"augmentation\": {\"reflexive\": -0.5}"), "augmentation.reflexive: expected a number ≥ 0, got -0.5"),
        (config("\"search\": {\"samples\": 0}"), "search.samples: expected a positive integer, got 0"),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"concat\", \"hidden\": \"abc\"}]}",
         "models[0].hidden: expected a list of positive integers, got \"abc\""),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"dot\"}, {\"architecture\": \"concat\", \"hidden\": [64, \"abc\"]}]}",
         "models[1].hidden[1]: expected a positive integer, got \"abc\""),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"concat\", \"rank\": 2}]}",
         "models[0].rank: not a hyperparameter of concat (it belongs to outer)"),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"mirror\", \"merg\": \"max\"}]}",
         "models[0].merg: unknown key for mirror (did you mean \"merge\"?)"),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"outr\"}]}",
         "models[0].architecture: expected one of dot, cosine, concat, outer, mirror, sharedq, pooling, got \"outr\" (did you mean \"outer\"?)"),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"mirror\", \"merge\": [\"sum\", \"min\"]}]}",
         "models[0].merge[1]: expected one of \"sum\", \"mean\", \"max\", got \"min\""),
        ("{\"datasets\": [{\"synthetic\": \"clusters\"}], \"models\": [{\"architecture\": \"concat\", \"training\": {\"loss\": \"contrastive\"}}]}",
         "models[0].training.loss: \"contrastive\" needs a distance score (sharedq with score \"distance\"), but models[0] is concat"),
        ("{\"datasets\": [{\"synthetic\": \"clusterz\"}], \"models\": [{\"architecture\": \"dot\"}]}",
         "datasets[0].synthetic: expected one of \"hidden_metric\", \"clusters\", \"interaction\", \"norms\", got \"clusterz\""),
        ("{\"datasets\": [{\"synthetic\": \"clusters\", \"item\": 5}], \"models\": [{\"architecture\": \"dot\"}]}",
         "datasets[0].item: unknown key for a synthetic dataset (did you mean \"items\"?)"),
        ("{\"datasets\": [{\"synthetic\": \"norms\", \"dim\": 1}], \"models\": [{\"architecture\": \"dot\"}]}",
         "datasets[0]: dim must be at least 2 for norms (coordinates are swapped between halves), got 1"),
        ("{\"datasets\": [{\"embeddings\": \"e.npy\", \"train\": \"t.csv\"}], \"models\": [{\"architecture\": \"dot\"}]}",
         "datasets[0]: expected \"val\" (a pairs file), or \"pairs\" with \"split_by\""),
        ("{\"datasets\": [{\"embeddings\": \"e.npy\", \"pairs\": \"p.csv\", \"fractions\": [0.5, 0.5]}], \"models\": [{\"architecture\": \"dot\"}]}",
         "datasets[0].fractions: expected three positive numbers summing to 1, got [0.5,0.5]"),
        ("[1, 2]", "expected a JSON object at the top level, got a list"),
        ("{\"datasets\": [,]}", "invalid JSON at line 1, column 15: unexpected character ','"),
    ]

    @Test(arguments: 0..<bad.count)
    func badConfigGivesExactMessage(_ index: Int) {
        let (text, message) = Self.bad[index]
        do {
            _ = try parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func fileErrorsNameTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.json").path
        try config("\"jobs\": \"two\"").write(toFile: path, atomically: true, encoding: .utf8)
        do { _ = try SweepConfig.load(path: path); Issue.record("accepted") } catch {
            #expect("\(error)" == "\(path): jobs: expected a positive integer, got \"two\"")
        }
        do { _ = try SweepConfig.load(path: dir.appendingPathComponent("none.json").path); Issue.record("accepted") } catch {
            #expect("\(error)" == "\(dir.appendingPathComponent("none.json").path): no such file")
        }
    }
}

@Suite("Sweep expansion")
struct SweepExpansionTests {
    @Test func gridsMultiplyAndSeedsRepeat() throws {
        let c = try parse("""
        {"seeds": [0, 1, 2],
         "datasets": [{"synthetic": "clusters"}, {"synthetic": "norms"}],
         "models": [{"architecture": "concat", "hidden": [[8], [16, 8]], "symmetrize": ["none", "average"],
                     "training": {"learning_rate": [0.01, 0.001]}},
                    {"architecture": "dot"}]}
        """)
        // datasets × (2·2·2 + 1) configurations × seeds
        #expect(c.runs.count == 2 * 9 * 3)
        #expect(Set(c.runs.map(\.key)).count == c.runs.count)
        let concat = c.runs.filter { $0.model.architecture == .concat && $0.dataset.name == "clusters" && $0.seed == 0 }
        #expect(Set(concat.map(\.model.hidden)) == [[8], [16, 8]])
        #expect(Set(concat.map(\.training.learningRate)) == [0.01, 0.001])
    }

    @Test func listValuedFieldFlatListIsOneValue() throws {
        let c = try parse(config().replacingOccurrences(of: "{\"architecture\": \"concat\"}", with: "{\"architecture\": \"concat\", \"hidden\": [32, 16]}"))
        #expect(c.runs.count == 1)
        #expect(c.runs[0].model.hidden == [32, 16])
    }

    @Test func distributionsAreSampledReproducibly() throws {
        let text = """
        {"search": {"samples": 6, "seed": 4},
         "datasets": [{"synthetic": "clusters"}],
         "models": [{"architecture": "mirror", "width": {"int_uniform": [4, 64]}, "merge": {"choice": ["sum", "max"]},
                     "training": {"learning_rate": {"log_uniform": [0.0001, 0.1]}, "weight_decay": {"uniform": [0, 0.01]}}}]}
        """
        let a = try parse(text), b = try parse(text)
        #expect(a.runs.count == 6)
        #expect(a.runs.map(\.key) == b.runs.map(\.key))
        for r in a.runs {
            #expect((4...64).contains(r.model.width))
            #expect(r.training.learningRate >= 0.0001 && r.training.learningRate <= 0.1)
            #expect(r.training.weightDecay >= 0 && r.training.weightDecay <= 0.01)
        }
        #expect(Set(a.runs.map(\.model.width)).count > 1)
        let other = try parse(text.replacingOccurrences(of: "\"seed\": 4", with: "\"seed\": 5"))
        #expect(other.runs.map(\.key) != a.runs.map(\.key))
    }

    @Test func defaultsAreWrittenIntoTheKey() throws {
        let implicit = try parse(config())
        let explicit = try parse(config("\"training\": {\"epochs\": 20, \"batch_size\": 256}"))
        // Same meaning, same key: the defaults are part of the resolved config either way.
        #expect(implicit.runs[0].key == explicit.runs[0].key)
        let changed = try parse(config("\"training\": {\"epochs\": 21}"))
        #expect(changed.runs[0].key != implicit.runs[0].key)
        #expect(implicit.runs[0].canonicalJSON.contains("\"epochs\":20"))
        #expect(implicit.runs[0].key.count == 64)
    }

    @Test func shippedSweepIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let c = try SweepConfig.load(path: root.appendingPathComponent("experiments/sweep.json").path)
        #expect(c.runs.count >= 7 * 3 * 5)
        #expect(Set(c.runs.map(\.model.architecture)) == Set(Architecture.allCases))
    }
}
