import Datasets
import Foundation
import Models
import TensorCore

/// Runs a sweep: records it, registers its runs, trains every run that is not finished yet
/// (`jobs` at a time, each with its own database connection), and records each result in one
/// transaction with its final state.
///
/// Resume: completed and diverged runs are final and skipped; pending, failed and interrupted
/// (`running`) runs are trained again with a higher attempt count.
public final class SweepRunner {
    public let config: SweepConfig
    public let jobs: Int
    let progress: ProgressReporter

    public init(config: SweepConfig, jobs: Int? = nil, progress: ProgressReporter) {
        self.config = config
        self.jobs = max(1, jobs ?? config.jobs)
        self.progress = progress
    }

    /// What a sweep did.
    public struct Report: Sendable {
        public var total: Int
        public var alreadyDone: Int
        public var completed: Int
        public var diverged: Int
        public var failed: [(key: String, error: String)]
        /// Finished runs whose recorded data fingerprint differs from the data as loaded now.
        public var staleData: [String] = []
        /// Runs this process trained but lost to another worker (its lease lapsed); discarded.
        public var lostLeases: [String] = []
    }

    /// Runs the sweep. Throws for problems with the database or the data (before any run
    /// starts); failures inside a run are recorded on the run and reported.
    public func run() throws -> Report {
        MatrixProduct.threads = config.threads
        let store = try ResultStore(path: config.database)
        let provenance = Provenance.collect(for: config)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let sweepID = try store.recordSweep(name: config.name, configJSON: config.document.canonical,
                                            provenanceJSON: String(decoding: try encoder.encode(provenance), as: UTF8.self))
        try store.register(config.runs.map(record), sweep: sweepID)
        let states = try store.states()
        let todo = config.runs.filter { states[$0.key] != .completed && states[$0.key] != .diverged }
        let alreadyDone = config.runs.count - todo.count

        // Load every dataset before training anything: a data error stops the sweep here, and
        // finished runs trained on data that has changed since are found and reported.
        var data: [String: PairDataset] = [:]
        var fingerprints: [String: String] = [:]
        for d in config.datasets where config.runs.contains(where: { $0.dataset.name == d.name }) {
            let loaded = try d.load(baseDirectory: config.baseDirectory)
            data[d.name] = loaded
            fingerprints[d.name] = loaded.fingerprint
        }
        var recorded: [String: String] = [:]
        for row in try store.query("SELECT key, data_fingerprint FROM runs WHERE data_fingerprint IS NOT NULL") {
            if case .text(let k) = row.values[0], case .text(let f) = row.values[1] { recorded[k] = f }
        }
        let stale = config.runs.filter { run in
            (states[run.key] == .completed || states[run.key] == .diverged)
                && recorded[run.key].map { $0 != fingerprints[run.dataset.name] } == true
        }
        if !stale.isEmpty {
            let names = Set(stale.map(\.dataset.name)).sorted().joined(separator: ", ")
            progress.warn("\(stale.count) finished run(s) of \(names) were trained on data that has changed since they were recorded; they are kept but are not comparable with new runs (`Experiments verify` lists them)")
        }

        progress.start(total: config.runs.count, done: alreadyDone, jobs: jobs)
        let lease = Lease(grace: config.leaseSeconds, maxAttempts: config.maxAttempts)
        let heartbeat = try Heartbeat(database: config.database, grace: config.leaseSeconds)
        defer { heartbeat.stop() }
        let lock = NSLock()
        var queue = todo
        var report = Report(total: config.runs.count, alreadyDone: alreadyDone, completed: 0, diverged: 0, failed: [],
                            staleData: stale.map(\.key))
        var fatal: Error?
        var waitingSince: Date?
        let workers = min(jobs, max(todo.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let connection: ResultStore
            do { connection = try ResultStore(path: config.database) } catch {
                lock.lock(); fatal = fatal ?? error; lock.unlock()
                return
            }
            while true {
                // Take the next run; runs held by other live processes go to the back of the
                // queue and are retried until they finish or their lease lapses.
                lock.lock()
                guard fatal == nil, !queue.isEmpty else { lock.unlock(); return }
                let run = queue.removeFirst()
                lock.unlock()
                do {
                    let outcome = try connection.claim(key: run.key, lease: lease)
                    switch outcome {
                    case .finished:
                        lock.lock(); waitingSince = nil; lock.unlock()
                        progress.skipped(run: run)
                        continue
                    case .busy(let owner):
                        lock.lock()
                        queue.append(run)
                        let onlyBusyLeft = waitingSince != nil
                        if waitingSince == nil { waitingSince = Date() }
                        lock.unlock()
                        if onlyBusyLeft {
                            progress.waiting(for: run, owner: owner)
                            Thread.sleep(forTimeInterval: min(1, max(0.02, config.leaseSeconds / 8)))
                        }
                        continue
                    case .exhausted(let attempts, let error):
                        lock.lock()
                        report.failed.append((run.key, "gave up after \(attempts) failed attempts (max_attempts \(config.maxAttempts)); last error: \(error ?? "unknown")"))
                        lock.unlock()
                        continue
                    case .claimed(let attempt, let token, let tookOverFrom):
                        lock.lock(); waitingSince = nil; lock.unlock()
                        heartbeat.hold(run.key, token: token)
                        defer { heartbeat.release(run.key) }
                        if let tookOverFrom { progress.warn("took over run \(run.key.prefix(12)) from \(tookOverFrom), whose worker stopped (no heartbeat within the lease, or its process is gone)") }
                        progress.began(run: run, attempt: attempt)
                        var result: RunResult
                        do {
                            result = try Trainer.run(run, data: data[run.dataset.name]!, saveWeights: config.saveWeights)
                        } catch {
                            result = RunResult(state: .failed, trainSeconds: 0, error: "\(error)")
                        }
                        result.dataFingerprint = fingerprints[run.dataset.name]
                        do {
                            try connection.finish(key: run.key, result: result, leaseToken: token)
                        } catch let e as ResultStoreError {
                            if case .leaseLost = e {
                                progress.warn("\(e)")
                                lock.lock(); report.lostLeases.append(run.key); lock.unlock()
                                continue
                            }
                            throw e
                        }
                        lock.lock()
                        switch result.state {
                        case .completed: report.completed += 1
                        case .diverged: report.diverged += 1
                        default:
                            report.failed.append((run.key, result.error ?? "failed"))
                            if attempt < config.maxAttempts { queue.append(run) }
                        }
                        lock.unlock()
                        progress.finished(run: run, result: result)
                    }
                } catch {
                    lock.lock(); fatal = fatal ?? error; lock.unlock()
                    return
                }
            }
        }
        if let fatal { throw fatal }
        // A failed run that was retried and then completed is not a failure of the sweep.
        let finalStates = try store.states()
        var lastFailure: [String: String] = [:]
        for f in report.failed where finalStates[f.key] == .failed { lastFailure[f.key] = f.error }
        report.failed = lastFailure.sorted { $0.key < $1.key }.map { (key: $0.key, error: $0.value) }
        progress.end()
        return report
    }

    func record(_ run: RunConfig) -> RunRecord {
        RunRecord(key: run.key, dataset: run.dataset.name, architecture: run.model.architecture.rawValue,
                  seed: run.seed, configJSON: run.canonicalJSON, configGroup: run.groupJSON, params: run.params)
    }
}
