import Foundation

/// Renews the heartbeats of the runs this process holds, every quarter of the lease's grace
/// period, on a background queue with its own database connection. A process that stops (a
/// crash, SIGKILL, SIGSTOP, a hung machine) stops beating, and after the grace period other
/// processes may take its runs over.
final class Heartbeat: @unchecked Sendable {
    private let store: ResultStore
    private let lock = NSLock()
    private var held: [String: String] = [:]  // key → token
    private var lost: Set<String> = []
    private let timer: DispatchSourceTimer

    init(database: String, grace: Double) throws {
        store = try ResultStore(path: database)
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "symsim.heartbeat"))
        let interval = max(0.05, grace / 4)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.beat() }
        timer.resume()
    }

    deinit { timer.cancel() }

    func hold(_ key: String, token: String) { lock.lock(); held[key] = token; lock.unlock() }
    func release(_ key: String) { lock.lock(); held[key] = nil; lock.unlock() }

    /// Whether a heartbeat found the lease of `key` gone.
    func isLost(_ key: String) -> Bool { lock.lock(); defer { lock.unlock() }; return lost.contains(key) }

    private func beat() {
        lock.lock(); let current = held; lock.unlock()
        for (key, token) in current {
            // A failed write (busy, disk full) is retried on the next beat; the lease only
            // lapses if beats keep failing for the whole grace period.
            if let ok = try? store.heartbeat(key: key, token: token), !ok {
                lock.lock(); lost.insert(key); lock.unlock()
            }
        }
    }

    func stop() { timer.cancel() }
}
