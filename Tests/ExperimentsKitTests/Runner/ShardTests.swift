import Foundation
import Testing
@testable import ExperimentsKit

@Suite("Sharding and merging", .serialized)
struct ShardTests {
    /// A sweep split into 3 shards, each in its own database, merged, equals the sweep run whole.
    @Test func threeShardsMergeIntoTheWholeSweep() throws {
        let sharded = try SweepFixture(), whole = try SweepFixture()
        defer { sharded.cleanup(); whole.cleanup() }
        var shardFiles: [String] = []
        for k in 0..<3 {
            #expect(ExperimentsCLI.run([sharded.configPath, "--quiet", "--shard", "\(k)/3"]) == 0)
            let file = sharded.dir.appendingPathComponent("results.shard-\(k)-of-3.sqlite").path
            #expect(FileManager.default.fileExists(atPath: file))
            shardFiles.append(file)
        }
        let counts = try shardFiles.map { try ResultStore(path: $0).states().count }
        #expect(counts == [3, 3, 2])
        #expect(ExperimentsCLI.run(["merge", sharded.database] + shardFiles) == 0)
        // Merging again adds nothing and changes nothing.
        let once = try sharded.metricRows()
        #expect(ExperimentsCLI.run(["merge", sharded.database] + shardFiles) == 0)
        #expect(try sharded.metricRows() == once)
        _ = try whole.run()
        #expect(try sharded.metricRows() == whole.metricRows())
        #expect(try sharded.weightRows() == whole.weightRows())
        let store = try ResultStore(path: sharded.database)
        #expect(try store.states().values.allSatisfy { $0 == .completed })
        // The merged database resumes like any other: nothing left to train.
        let report = try sharded.run()
        #expect(report.alreadyDone == 8 && report.completed == 0)
    }

    @Test func shardIndexComesFromTheScheduler() throws {
        #expect(try RunCommand.parseShard("2/5", environment: [:]) == (2, 5))
        #expect(try RunCommand.parseShard("auto/4", environment: ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5"]) == (2, 4))
        #expect(try RunCommand.parseShard("auto/4", environment: ["JOB_COMPLETION_INDEX": "3"]) == (3, 4))
        #expect(throws: UsageError.self) { try RunCommand.parseShard("4/4", environment: [:]) }
        #expect(throws: UsageError.self) { try RunCommand.parseShard("auto/4", environment: [:]) }
        #expect(throws: UsageError.self) { try RunCommand.parseShard("1-4", environment: [:]) }
    }
}
