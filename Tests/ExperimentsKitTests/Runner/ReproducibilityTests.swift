import Datasets
import Foundation
import Testing
@testable import ExperimentsKit

@Suite("Reproducibility", .serialized)
struct ReproducibilityTests {
    @Test func verifyMatchesUntouchedRunsAndCatchesATamperedMetric() throws {
        let f = try SweepFixture(seeds: "[0]")
        defer { f.cleanup() }
        _ = try f.run()
        let store = try ResultStore(path: f.database)
        let verifier = Verifier(store: store)
        let keys = try verifier.finishedKeys()
        #expect(keys.count == 4)
        var cache: [String: PairDataset] = [:]
        for k in keys {
            let c = try verifier.check(key: k, cache: &cache)
            #expect(c.matched, "\(c.label): \(c.mismatches)")
            #expect(c.compared > 15)
        }
        // The store refuses to change a finished run's metrics; a tamperer must drop the guard
        // first. Then nudge one stored metric slightly: verify must see it.
        let victim = keys[0]
        let tamper = """
            UPDATE metrics SET value = value + 1e-15 WHERE split = 'test' AND name = 'auc'
            AND run_id = (SELECT id FROM runs WHERE key = ?) RETURNING value
            """
        #expect(throws: DatabaseError.self) { _ = try store.query(tamper, [.text(victim)]) }
        _ = try store.query("DROP TRIGGER metrics_of_finished_runs_are_final_update")
        _ = try store.query("""
            UPDATE metrics SET value = value + 1e-15 WHERE split = 'test' AND name = 'auc'
            AND run_id = (SELECT id FROM runs WHERE key = ?) RETURNING value
            """, [.text(victim)])
        let tampered = try verifier.check(key: victim, cache: &cache)
        #expect(!tampered.matched)
        #expect(tampered.mismatches.count == 1)
        #expect(tampered.mismatches.first?.hasPrefix("test.auc: recorded") == true)
        // Through the command line: exit status 1.
        #expect(ExperimentsCLI.run(["verify", f.database, "--run", String(victim.prefix(10))]) == 1)
        #expect(ExperimentsCLI.run(["verify", f.database, "--run", String(keys[1].prefix(10))]) == 0)
    }

    @Test func referenceCheckPassesAndFailsOnAPerturbedValue() throws {
        let f = try SweepFixture(seeds: "[0]")
        defer { f.cleanup() }
        _ = try f.run()
        let store = try ResultStore(path: f.database)
        let text = ReferenceResults.text(try ReferenceResults.lines(from: store), source: "test")
        let ok = try ReferenceResults.compare(store, reference: text)
        #expect(ok.sameMachine && ok.tolerance == 0)
        #expect(ok.differences.isEmpty && ok.compared > 60)
        // Change the last digit of one value.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = lines.firstIndex { $0.contains("\ttest.auc\t") }!
        var fields = lines[i].split(separator: "\t").map(String.init)
        let v = Double(fields[6])!
        fields[6] = String(format: "%.17g", v.nextUp)
        lines[i] = fields.joined(separator: "\t")
        let bad = try ReferenceResults.compare(store, reference: lines.joined(separator: "\n"))
        #expect(bad.differences.count == 1)
        // A reference from another machine is compared with the documented tolerance.
        let foreign = text.replacingOccurrences(of: "# cpu: ", with: "# cpu: Other CPU ")
        let loose = try ReferenceResults.compare(store, reference: foreign)
        #expect(!loose.sameMachine && loose.tolerance == ReferenceResults.crossMachineTolerance && loose.differences.isEmpty)
    }

    @Test func changedDataIsReportedNotSilentlyCompared() throws {
        // A file dataset: write embeddings and pairs, run, then change one embedding value.
        let f = try SweepFixture(seeds: "[0]")
        defer { f.cleanup() }
        let d = try f.writeFileDataset()
        let emb = f.dir.appendingPathComponent("emb.npy").path
        try """
        {"database": "results.sqlite", "seeds": [0],
         "datasets": [{"name": "files", "embeddings": "emb.npy", "train": "train.csv", "val": "val.csv", "test": "test.csv"}],
         "training": {"epochs": 2}, "models": [{"architecture": "cosine"}]}
        """.write(toFile: f.configPath, atomically: true, encoding: .utf8)
        let first = try f.run()
        #expect(first.completed == 1 && first.staleData.isEmpty)
        var changed = d.embeddings
        changed.data[0] += 1
        try NpyFormat.write(changed, to: emb)
        let second = try f.run()
        #expect(second.alreadyDone == 1 && second.staleData.count == 1)
        let store = try ResultStore(path: f.database)
        var cache: [String: PairDataset] = [:]
        let check = try Verifier(store: store).check(key: second.staleData[0], cache: &cache)
        #expect(check.mismatches.contains { $0.hasPrefix("data: changed since the run was recorded") })
    }
}
