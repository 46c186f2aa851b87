import Foundation
import Testing
@testable import ExperimentsKit

/// A store with `n` registered runs `run-0 … run-(n−1)` in a temporary file.
func storeWithRuns(_ n: Int) throws -> (ResultStore, String, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lease-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("r.sqlite").path
    let store = try ResultStore(path: path)
    let sweep = try store.recordSweep(name: "t", configJSON: "{}", provenanceJSON: "{}")
    try store.register((0..<n).map {
        RunRecord(key: "run-\($0)", dataset: "d", architecture: "dot", seed: $0, configJSON: "{}", configGroup: "{}")
    }, sweep: sweep)
    return (store, path, dir)
}

func completedResult(_ auc: Double) -> RunResult {
    RunResult(state: .completed, metrics: [MetricValue(split: "test", name: "auc", value: auc)], trainSeconds: 1)
}

@Suite("Run lifecycle and leases")
struct LeaseTests {
    /// Worker A claims, then goes silent past the grace period; worker B takes the run over;
    /// A's late result is rejected and B's stands.
    @Test func stalledWorkerLosesItsRunAndItsLateResultIsRejected() throws {
        let (a, path, dir) = try storeWithRuns(1)
        defer { try? FileManager.default.removeItem(at: dir) }
        let b = try ResultStore(path: path)
        let leaseA = Lease(owner: "hostA:1", grace: 10), leaseB = Lease(owner: "hostB:2", grace: 10)
        let t0 = 1_000_000.0
        guard case .claimed(1, let tokenA, nil) = try a.claim(key: "run-0", lease: leaseA, now: t0) else {
            Issue.record("A could not claim"); return
        }
        // Within the grace period B must keep off, even after A's heartbeat.
        #expect(try a.heartbeat(key: "run-0", token: tokenA, now: t0 + 5))
        #expect(try b.claim(key: "run-0", lease: leaseB, now: t0 + 14) == .busy(owner: "hostA:1"))
        // A pauses: no heartbeat for more than the grace period.
        guard case .claimed(2, let tokenB, "hostA:1") = try b.claim(key: "run-0", lease: leaseB, now: t0 + 16) else {
            Issue.record("B could not take the stale run over"); return
        }
        #expect(try a.heartbeat(key: "run-0", token: tokenA, now: t0 + 17) == false)
        #expect(throws: ResultStoreError.leaseLost(key: "run-0", holder: "hostB:2")) {
            try a.finish(key: "run-0", result: completedResult(0.1), leaseToken: tokenA)
        }
        #expect(try b.state(of: "run-0") == .running)
        try b.finish(key: "run-0", result: completedResult(0.9), leaseToken: tokenB)
        #expect(try b.metrics(of: "run-0") == [MetricValue(split: "test", name: "auc", value: 0.9)])
        // A completed run never changes: a late finish under the old lease is refused, and so is
        // a second finish without one.
        #expect(throws: ResultStoreError.leaseLost(key: "run-0", holder: "hostB:2")) {
            try a.finish(key: "run-0", result: completedResult(0.1), leaseToken: tokenA)
        }
        #expect(throws: ResultStoreError.alreadyFinished(key: "run-0", state: .completed)) {
            try a.finish(key: "run-0", result: completedResult(0.1))
        }
        #expect(try b.metrics(of: "run-0") == [MetricValue(split: "test", name: "auc", value: 0.9)])
        #expect(try a.run(key: "run-0")?.attempts == 2)
    }

    @Test func aDeadLocalOwnerIsTakenOverAtOnce() throws {
        let (store, _, dir) = try storeWithRuns(1)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A process that has exited: run `true` and use its pid.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        let dead = Lease(owner: "\(ProcessInfo.processInfo.hostName):\(p.processIdentifier)", grace: 3600)
        guard case .claimed = try store.claim(key: "run-0", lease: dead) else { Issue.record("claim"); return }
        let me = Lease(grace: 3600)
        guard case .claimed(2, _, let from) = try store.claim(key: "run-0", lease: me) else {
            Issue.record("a run held by a dead local process was not taken over"); return
        }
        #expect(from == dead.owner)
    }

    @Test func aRunThatKeepsFailingStopsBeingRetried() throws {
        let (store, _, dir) = try storeWithRuns(1)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lease = Lease(owner: "h:1", grace: 60, maxAttempts: 3)
        for attempt in 1...3 {
            guard case .claimed(attempt, let token, _) = try store.claim(key: "run-0", lease: lease) else {
                Issue.record("attempt \(attempt) not claimed"); return
            }
            try store.finish(key: "run-0", result: RunResult(state: .failed, trainSeconds: 0, error: "boom \(attempt)"), leaseToken: token)
        }
        #expect(try store.claim(key: "run-0", lease: lease) == .exhausted(attempts: 3, error: "boom 3"))
        #expect(try store.state(of: "run-0") == .failed)
    }

    @Test func theDatabaseRefusesForbiddenTransitions() throws {
        let (store, _, dir) = try storeWithRuns(2)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lease = Lease(owner: "h:1")
        guard case .claimed(_, let token, _) = try store.claim(key: "run-0", lease: lease) else { return }
        try store.finish(key: "run-0", result: completedResult(0.5), leaseToken: token)
        let forbidden = [
            "UPDATE runs SET state = 'running' WHERE key = 'run-0'",            // completed → running
            "UPDATE runs SET state = 'failed' WHERE key = 'run-0'",             // completed → failed
            "UPDATE runs SET state = 'completed' WHERE key = 'run-1'",          // pending → completed
            "UPDATE runs SET attempts = 0 WHERE key = 'run-0'",                 // attempts decrease
            "DELETE FROM metrics WHERE run_id = (SELECT id FROM runs WHERE key = 'run-0')",
            "UPDATE metrics SET value = 0.6 WHERE run_id = (SELECT id FROM runs WHERE key = 'run-0')",
            "INSERT INTO metrics (run_id, split, name, value, kind) SELECT id, 'test', 'x', 1, 'finite' FROM runs WHERE key = 'run-0'",
        ]
        for sql in forbidden {
            #expect(throws: DatabaseError.self, "\(sql)") { _ = try store.query(sql) }
        }
        #expect(try store.metrics(of: "run-0") == [MetricValue(split: "test", name: "auc", value: 0.5)])
        #expect(try store.state(of: "run-1") == .pending)
    }
}

@Suite("Value round trips")
struct ValueRoundTripTests {
    static let values: [Double] = [.nan, .infinity, -.infinity, -0.0, 0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                   .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                   Double(Float.greatestFiniteMagnitude), Double(Float.leastNonzeroMagnitude), 0.1, 1.0 / 3]

    @Test func metricsComeBackBitForBit() throws {
        let (store, path, dir) = try storeWithRuns(1)
        defer { try? FileManager.default.removeItem(at: dir) }
        let longUnicode = String(repeating: "σ(s(a,b)) ≈ 1 — 対称性 🧪 ", count: 400)
        _ = try store.query("UPDATE params SET value = value WHERE 0")  // params table exists
        let sweep = try store.recordSweep(name: longUnicode, configJSON: "{}", provenanceJSON: "{}")
        try store.register([RunRecord(key: "unicode", dataset: longUnicode, architecture: "dot", seed: 0, configJSON: "{}",
                                      configGroup: "{}", params: ["label": longUnicode, "tiny": "5e-324"])], sweep: sweep)
        guard case .claimed(_, let token, _) = try store.claim(key: "run-0", lease: Lease(owner: "h:1")) else { return }
        var metrics = Self.values.enumerated().map { MetricValue(split: "test", name: "v\($0.offset)", value: $0.element) }
        metrics.append(MetricValue(split: "test", name: "missing", value: nil))
        try store.finish(key: "run-0", result: RunResult(state: .completed, metrics: metrics, trainSeconds: 0), leaseToken: token)
        // Through the API, on a fresh connection.
        let reread = try ResultStore(path: path).metrics(of: "run-0")
        for (i, v) in Self.values.enumerated() {
            let got = reread.first { $0.name == "v\(i)" }?.value ?? nil
            if v.isNaN { #expect(got?.isNaN == true) } else { #expect(got?.bitPattern == v.bitPattern, "v\(i) = \(v)") }
        }
        #expect(reread.contains { $0.name == "missing" && $0.value == nil })
        // Through raw SQL: finite values are plain REALs, the rest are spelled out in `kind`.
        let raw = try store.query("SELECT name, value, kind FROM metrics ORDER BY name")
        for row in raw {
            guard let name = row["name"].string, name.hasPrefix("v"), let i = Int(name.dropFirst()) else { continue }
            let v = Self.values[i]
            switch row["kind"].string {
            case "finite": #expect(row["value"].double?.bitPattern == v.bitPattern)
            case "nan": #expect(v.isNaN)
            case "inf": #expect(v == .infinity)
            case "-inf": #expect(v == -.infinity)
            case "-0": #expect(v == 0 && v.sign == .minus)
            default: Issue.record("unexpected kind for \(name)")
            }
        }
        // Long unicode text survives in runs, sweeps and params.
        let back = try store.query("SELECT r.dataset, p.value, s.name FROM runs r JOIN params p ON p.run_id = r.id JOIN sweeps s ON s.id = r.sweep_id WHERE r.key = 'unicode' AND p.name = 'label'")
        #expect(back.first?.values == [.text(longUnicode), .text(longUnicode), .text(longUnicode)])
    }
}
