import Foundation

/// A worker's claim on runs: who it is, the grace period after which its silence lets others
/// take its runs, and how many attempts a run gets.
public struct Lease: Sendable, Equatable {
    /// `host:pid` of the worker process.
    public var owner: String
    /// Seconds without a heartbeat after which another worker may take the run over.
    public var grace: Double
    /// Attempts a run gets before it is left `failed` for good.
    public var maxAttempts: Int

    public init(owner: String = Lease.processOwner, grace: Double = 60, maxAttempts: Int = 3) {
        self.owner = owner
        self.grace = grace
        self.maxAttempts = maxAttempts
    }

    /// `hostname:pid` of this process.
    public static var processOwner: String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    /// Whether `owner` names a process on this host that no longer exists (its runs can be
    /// taken over at once, without waiting for the grace period).
    static func isDeadLocalProcess(_ owner: String?) -> Bool {
        guard let owner, let colon = owner.lastIndex(of: ":"),
              String(owner[..<colon]) == ProcessInfo.processInfo.hostName,
              let pid = Int32(owner[owner.index(after: colon)...]), pid > 0 else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

/// What a claim attempt found.
public enum ClaimOutcome: Equatable, Sendable {
    /// The run is ours: attempt number and lease token; `tookOverFrom` names the stale owner.
    case claimed(attempt: Int, token: String, tookOverFrom: String?)
    /// Already completed or diverged.
    case finished(RunState)
    /// Running under a live lease held by someone else.
    case busy(owner: String)
    /// Failed `attempts` times, the limit: not retried. `error` is the last attempt's error.
    case exhausted(attempts: Int, error: String?)
}

extension ResultStore {
    /// Claims a run under `lease`, atomically (`BEGIN IMMEDIATE`).
    ///
    /// - `completed`/`diverged` → `.finished`.
    /// - `running` with a heartbeat younger than `lease.grace` from a live owner → `.busy`;
    ///   with an older heartbeat, none, or an owner process on this host that has died, the run
    ///   is taken over: a new attempt under a new token.
    /// - `failed` after `lease.maxAttempts` attempts → `.exhausted`.
    /// - otherwise (`pending`, `failed`) → `.claimed` with the next attempt number.
    public func claim(key: String, lease: Lease, now: Double = Date().timeIntervalSince1970) throws -> ClaimOutcome {
        try locked {
            try db.transaction {
                guard let row = try db.query("SELECT id, state, attempts, owner, heartbeat_at, error FROM runs WHERE key = ?",
                                             [.text(key)]).first else {
                    throw ResultStoreError.unknownRun(key: key)
                }
                let state = Self.state(row["state"])
                let attempts = Int(row["attempts"].int64 ?? 0)
                let owner = row["owner"].string
                if state.isFinal { return .finished(state) }
                var tookOver: String?
                if state == .running {
                    let beat = row["heartbeat_at"].double
                    let fresh = beat.map { now - $0 < lease.grace } ?? false
                    if fresh && !Lease.isDeadLocalProcess(owner) { return .busy(owner: owner ?? "unknown") }
                    tookOver = owner ?? "an unknown worker"
                } else if state == .failed && attempts >= lease.maxAttempts {
                    return .exhausted(attempts: attempts, error: row["error"].string)
                }
                let token = UUID().uuidString
                try db.execute(
                    """
                    UPDATE runs SET state = 'running', attempts = attempts + 1, started_at = \(Self.nowSQL),
                                    finished_at = NULL, error = NULL, owner = ?, lease_token = ?, heartbeat_at = ?
                    WHERE key = ?
                    """,
                    [.text(lease.owner), .text(token), .real(now), .text(key)])
                return .claimed(attempt: attempts + 1, token: token, tookOverFrom: tookOver)
            }
        }
    }

    /// Renews the heartbeat of a run held under `token`; `false` if the lease was lost.
    @discardableResult
    public func heartbeat(key: String, token: String, now: Double = Date().timeIntervalSince1970) throws -> Bool {
        try locked {
            try db.transaction {
                try db.execute("UPDATE runs SET heartbeat_at = ? WHERE key = ? AND lease_token = ? AND state = 'running'",
                               [.real(now), .text(key), .text(token)])
                return db.changes == 1
            }
        }
    }
}
