/// Where a run is in its life: `pending` → `running` → `completed`, `diverged` or `failed`.
///
/// Stored as text in `runs.state`. `completed` and `diverged` are final: ``ResultStore/claim(key:)``
/// does not hand such a run out again and ``ResultStore/finish(key:result:)`` does not
/// overwrite it. A `failed` run (an error was thrown) is retried by a later claim.
public enum RunState: String, Codable, Sendable, CaseIterable {
    /// Registered, never started.
    case pending
    /// Claimed by a worker (possibly a stale claim by a worker that died; see `claim`).
    case running
    /// Trained and evaluated; its metrics are final.
    case completed
    /// Threw an error; may be claimed again.
    case failed
    /// Training blew up (non-finite loss); a measurement in itself, final like `completed`.
    case diverged

    /// Whether the run's result is final (`completed` or `diverged`).
    public var isFinal: Bool { self == .completed || self == .diverged }
}
