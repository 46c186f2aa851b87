import Foundation
import TensorCore
import Testing
@testable import ExperimentsKit

/// The `Experiments` executable built next to the test bundle.
func experimentsExecutable() -> URL? {
    var candidates: [URL] = []
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for dir in [runner.deletingLastPathComponent(), runner.deletingLastPathComponent().deletingLastPathComponent()] {
        candidates.append(dir.appendingPathComponent("Experiments"))
    }
    let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/Experiments"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}

@Suite("Kill and resume", .serialized)
struct KillResumeTests {
    /// Starts the real executable on a 36-run sweep, SIGKILLs it once a few runs have completed,
    /// and reruns the same command: every run completes exactly once, runs completed before the
    /// kill are byte-identical afterwards, nothing is left running, and the file is intact.
    @Test func sigkillThenRerunCompletesWithoutDuplicatesOrLoss() throws {
        guard let exe = experimentsExecutable() else {
            Issue.record("Experiments executable not found next to the tests; run `swift build` first")
            return
        }
        let f = try SweepFixture(seeds: "[0, 1, 2, 4, 5, 6, 7, 8, 9]",
                                 training: #"{"epochs": 10, "batch_size": 32, "learning_rate": 0.01, "patience": 0}"#)
        defer { f.cleanup() }
        let expected = try SweepConfig.load(path: f.configPath).runs.count
        #expect(expected == 36)

        let p = Process()
        p.executableURL = exe
        p.arguments = [f.configPath, "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until at least 3 runs are completed (or the process ends by itself).
        var completedBeforeKill: [String] = []
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline {
            if FileManager.default.fileExists(atPath: f.database),
               let store = try? ResultStore(path: f.database),
               let states = try? store.states(),
               states.values.filter({ $0 == .completed }).count >= 3 {
                break
            }
            usleep(5_000)
        }
        let killedMidway = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()

        let store = try ResultStore(path: f.database)
        let before = try store.states()
        completedBeforeKill = before.filter { $0.value == .completed }.map(\.key).sorted()
        #expect(!completedBeforeKill.isEmpty)
        let rowsBefore = try f.metricRows().filter { row in completedBeforeKill.contains { row.hasPrefix($0) } }
        #expect(killedMidway, "the sweep finished before it could be killed")
        #expect(completedBeforeKill.count < expected)

        // Resume with the same command.
        #expect(ExperimentsCLI.run([f.configPath, "--quiet"]) == 0)
        let after = try store.states()
        #expect(after.count == expected)
        #expect(after.values.allSatisfy { $0 == .completed })
        let counts = try store.query("SELECT count(*), count(DISTINCT key) FROM runs")
        #expect(counts.first?.values == [.integer(Int64(expected)), .integer(Int64(expected))])
        let rowsAfter = try f.metricRows().filter { row in completedBeforeKill.contains { row.hasPrefix($0) } }
        #expect(rowsAfter == rowsBefore)
        let integrity = try store.query("PRAGMA integrity_check")
        #expect(integrity.first?.values == [.text("ok")])
        // The interrupted-and-resumed sweep equals an uninterrupted one, bit for bit.
        let fresh = try SweepFixture(seeds: "[0, 1, 2, 4, 5, 6, 7, 8, 9]",
                                     training: #"{"epochs": 10, "batch_size": 32, "learning_rate": 0.01, "patience": 0}"#)
        defer { fresh.cleanup() }
        _ = try fresh.run(jobs: 1)
        #expect(try f.metricRows() == fresh.metricRows())
        #expect(try f.weightRows() == fresh.weightRows())
        // Completed runs were never retrained.
        let retrained = try store.query("SELECT count(*) FROM runs WHERE attempts > 1 AND key IN (\(completedBeforeKill.map { "'\($0)'" }.joined(separator: ",")))")
        #expect(retrained.first?.values == [.integer(0)])
    }
}

@Suite("Kill at random moments", .serialized)
struct RepeatedKillTests {
    /// kill -9 at seeded random moments during a 48-run sweep with 2 jobs, `SYMSIM_KILL_REPEATS`
    /// times (5 by default; the documented long form uses 20), checking after every kill that
    /// the file is intact and that every run completed before stays byte-identical; then resume:
    /// exactly one completed run per key, none left running, results equal to an uninterrupted sweep.
    @Test func repeatedKillsLoseNothing() throws {
        let exe = try #require(experimentsExecutable(), "Experiments executable not found; run `swift build` first")
        let repeats = Int(ProcessInfo.processInfo.environment["SYMSIM_KILL_REPEATS"] ?? "") ?? 5
        let seeds = "[" + (0..<12).map(String.init).joined(separator: ",") + "]"
        let training = #"{"epochs": 6, "batch_size": 32, "learning_rate": 0.01, "patience": 0}"#
        let f = try SweepFixture(seeds: seeds, training: training)
        defer { f.cleanup() }
        #expect(try SweepConfig.load(path: f.configPath).runs.count == 48)
        var rng = RandomSource(seed: 2024)
        var completed: [String: [String]] = [:]   // key → its metric rows when first seen completed
        var interrupted = 0
        for round in 0..<repeats {
            let p = try launch(exe, [f.configPath, "--quiet", "--jobs", "2"])
            usleep(UInt32(30_000 + rng.nextInt(below: 400_000)))
            kill(p.processIdentifier, SIGKILL)
            _ = finish(p)
            guard FileManager.default.fileExists(atPath: f.database) else { continue }
            let store = try ResultStore(path: f.database)
            #expect(try store.query("PRAGMA integrity_check").first?.values == [.text("ok")], "round \(round)")
            let rows = try f.metricRows()
            let states = try store.states()
            if states.values.contains(where: { $0 != .completed }) { interrupted += 1 }
            for (key, state) in states where state == .completed {
                let mine = rows.filter { $0.hasPrefix(key) }
                #expect(!mine.isEmpty, "completed run \(key) has no metrics")
                if let earlier = completed[key] { #expect(earlier == mine, "run \(key) changed after round \(round)") }
                else { completed[key] = mine }
            }
        }
        #expect(interrupted > 0, "no kill landed before the sweep finished")
        #expect(ExperimentsCLI.run([f.configPath, "--quiet", "--jobs", "2"]) == 0)
        let store = try ResultStore(path: f.database)
        let counts = try store.query("SELECT count(*), count(DISTINCT key), sum(state = 'completed'), sum(state = 'running') FROM runs")
        #expect(counts.first?.values == [.integer(48), .integer(48), .integer(48), .integer(0)])
        for (key, rows) in completed { #expect(try f.metricRows().filter { $0.hasPrefix(key) } == rows) }
        let fresh = try SweepFixture(seeds: seeds, training: training)
        defer { fresh.cleanup() }
        _ = try fresh.run(jobs: 2)
        #expect(try f.metricRows() == fresh.metricRows())
        #expect(try f.weightRows() == fresh.weightRows())
    }
}
