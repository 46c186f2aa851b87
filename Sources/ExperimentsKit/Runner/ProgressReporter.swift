import Foundation

/// Progress of a sweep on standard error: runs done / total, elapsed, ETA, current run and the
/// best test AUC so far. On a terminal one live line is redrawn; otherwise one plain line is
/// written per finished run.
public final class ProgressReporter: @unchecked Sendable {
    let lock = NSLock()
    let live: Bool
    let quiet: Bool
    var total = 0, done = 0, startedDone = 0
    var start = Date()
    var best: (auc: Double, label: String)?
    var current: [String] = []
    var lastWaitNote: Date?

    public init(quiet: Bool = false, live: Bool? = nil) {
        self.quiet = quiet
        self.live = live ?? (isatty(2) != 0)
    }

    func write(_ s: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(s.utf8))
    }

    static func label(_ run: RunConfig) -> String {
        "\(run.dataset.name)/\(run.model.architecture.rawValue)#\(String(run.key.prefix(8))) seed \(run.seed)"
    }

    func start(total: Int, done: Int, jobs: Int) {
        lock.lock(); defer { lock.unlock() }
        self.total = total; self.done = done; startedDone = done; start = Date()
        write("\(total) runs, \(done) already finished, \(total - done) to train with \(jobs) job(s)\n")
    }

    func began(run: RunConfig, attempt: Int) {
        lock.lock(); defer { lock.unlock() }
        current.append(Self.label(run) + (attempt > 1 ? " (attempt \(attempt))" : ""))
        if live { redraw() }
    }

    func finished(run: RunConfig, result: RunResult) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        let label = Self.label(run)
        current.removeAll { $0.hasPrefix(label) }
        let auc = result.metrics.first { $0.split == "test" && $0.name == "auc" }?.value
        if let auc, auc.isFinite, best == nil || auc > best!.auc { best = (auc, label) }
        let status = result.state == .completed ? String(format: "test AUC %.4f", auc ?? .nan) : "\(result.state.rawValue): \(result.error ?? "")"
        if live {
            write("\r\u{1B}[K")
            write("[\(done)/\(total)] \(label): \(status)\n")
            redraw()
        } else {
            write("[\(done)/\(total)] \(elapsedText()) eta \(etaText()) \(label): \(status)\(bestText())\n")
        }
    }

    /// A run found finished by another process.
    func skipped(run: RunConfig) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        if live { redraw() }
    }

    /// Only runs held by other processes are left; say so now and then.
    func waiting(for run: RunConfig, owner: String) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        if let last = lastWaitNote, now.timeIntervalSince(last) < 10 { return }
        lastWaitNote = now
        write("waiting for runs held by other processes (e.g. \(Self.label(run)) by \(owner))\n")
    }

    /// A warning line (always written, even when quiet).
    func warn(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    func end() {
        lock.lock(); defer { lock.unlock() }
        if live { write("\r\u{1B}[K") }
        write("finished in \(elapsedText())\(bestText())\n")
    }

    func redraw() {
        let cur = current.first.map { " running \($0)" } ?? ""
        write("\r\u{1B}[K[\(done)/\(total)] \(elapsedText()) eta \(etaText())\(cur)\(bestText())")
    }

    func bestText() -> String { best.map { String(format: "; best %.4f (%@)", $0.auc, $0.label) } ?? "" }

    func elapsedText() -> String { Self.duration(Date().timeIntervalSince(start)) }

    func etaText() -> String {
        let finished = done - startedDone
        guard finished > 0 else { return "?" }
        return Self.duration(Date().timeIntervalSince(start) / Double(finished) * Double(total - done))
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, (t % 3600) / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
