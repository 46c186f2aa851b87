import Foundation
import Testing
@testable import ExperimentsKit

/// Runs the real `Experiments` executable; returns (exit status, standard error).
func launch(_ exe: URL, _ args: [String], environment extra: [String: String] = [:]) throws -> Process {
    let p = Process()
    p.executableURL = exe
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    for (k, v) in extra { env[k] = v }
    p.environment = env
    p.standardOutput = FileHandle.nullDevice
    p.standardError = Pipe()
    try p.run()
    return p
}

func finish(_ p: Process) -> (Int32, String) {
    let err = (p.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: err, as: UTF8.self))
}

/// 100 runs: four model configurations × 25 seeds.
func hundredRunFixture() throws -> SweepFixture {
    try SweepFixture(seeds: "[" + (0..<25).map(String.init).joined(separator: ",") + "]",
                     training: #"{"epochs": 2, "batch_size": 64, "learning_rate": 0.01}"#)
}

@Suite("Several processes, one database", .serialized)
struct MultiProcessTests {
    /// Four processes start on the same fresh database at the same moment and share a 100-run
    /// sweep: one schema, every run completed exactly once, no "database is locked".
    @Test func fourProcessesShareOneSweep() throws {
        let exe = try #require(experimentsExecutable(), "Experiments executable not found; run `swift build` first")
        let f = try hundredRunFixture()
        defer { f.cleanup() }
        let procs = try (0..<4).map { _ in try launch(exe, [f.configPath, "--quiet", "--jobs", "1"]) }
        let results = procs.map(finish)
        for (status, err) in results {
            #expect(status == 0, "a process failed: \(err)")
            #expect(!err.contains("locked"), "\(err)")
        }
        let store = try ResultStore(path: f.database)
        let counts = try store.query("""
            SELECT count(*), count(DISTINCT key), sum(state = 'completed'), sum(attempts),
                   (SELECT count(*) FROM sweeps), (SELECT count(DISTINCT run_id) FROM metrics)
            FROM runs
            """)
        // 100 runs, 100 keys, all completed, each trained once; four sweep records; metrics for all.
        #expect(counts.first?.values == [.integer(100), .integer(100), .integer(100), .integer(100), .integer(4), .integer(100)])
        #expect(try store.query("PRAGMA integrity_check").first?.values == [.text("ok")])
        #expect(try store.query("PRAGMA user_version").first?.values == [.integer(Int64(ResultStore.schemaVersion))])
    }

    /// The same with busy timeout 0 and deferred transactions: the test must be able to fail.
    @Test func negativeControlWithoutBusyTimeoutFails() throws {
        let exe = try #require(experimentsExecutable(), "Experiments executable not found; run `swift build` first")
        var failures = 0
        for _ in 0..<3 where failures == 0 {
            let f = try hundredRunFixture()
            defer { f.cleanup() }
            let procs = try (0..<4).map { _ in
                try launch(exe, [f.configPath, "--quiet", "--jobs", "1"], environment: ["SYMSIM_UNSAFE_SQLITE": "1"])
            }
            for (status, err) in procs.map(finish) where status != 0 || err.contains("locked") { failures += 1 }
        }
        #expect(failures > 0, "four writers without a busy timeout never collided")
    }
}

@Suite("A stalled worker loses its run", .serialized)
struct StalledWorkerTests {
    /// Process A is frozen (SIGSTOP) while it holds a run; process B waits out A's one-second
    /// lease, takes the run over and finishes the sweep; A, thawed, has its late result rejected.
    @Test func frozenProcessLosesItsRunToAnother() throws {
        let exe = try #require(experimentsExecutable(), "Experiments executable not found; run `swift build` first")
        let f = try SweepFixture(seeds: "[0, 1, 2]", training: #"{"epochs": 40, "batch_size": 16, "learning_rate": 0.01, "patience": 0}"#,
                                 extra: #""lease_seconds": 1,"#)
        defer { f.cleanup() }
        let a = try launch(exe, [f.configPath, "--quiet", "--jobs", "1"])
        let ownerA = "\(ProcessInfo.processInfo.hostName):\(a.processIdentifier)"
        var held: String?
        let deadline = Date().addingTimeInterval(60)
        while held == nil && a.isRunning && Date() < deadline {
            if FileManager.default.fileExists(atPath: f.database), let store = try? ResultStore(path: f.database),
               let rows = try? store.query("SELECT key FROM runs WHERE state = 'running' AND owner = ?", [.text(ownerA)]) {
                held = rows.first?.values.first?.string
            }
            if held == nil { usleep(2_000) }
        }
        let stolen = try #require(held, "process A never held a run")
        kill(a.processIdentifier, SIGSTOP)
        let b = try launch(exe, [f.configPath, "--quiet", "--jobs", "1"])
        let (statusB, errB) = finish(b)
        #expect(statusB == 0, "\(errB)")
        #expect(errB.contains("took over run \(stolen.prefix(12))"), "\(errB)")
        kill(a.processIdentifier, SIGCONT)
        let (statusA, errA) = finish(a)
        #expect(statusA == 0, "\(errA)")
        #expect(errA.contains("its late result is discarded"), "\(errA)")
        let store = try ResultStore(path: f.database)
        let counts = try store.query("SELECT count(*), count(DISTINCT key), sum(state = 'completed') FROM runs")
        #expect(counts.first?.values == [.integer(12), .integer(12), .integer(12)])
        let run = try #require(try store.run(key: stolen))
        #expect(run.attempts == 2)
        #expect(run.state == .completed)
    }
}
