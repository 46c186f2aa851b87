/// A result-store request the database cannot satisfy (SQLite failures are ``DatabaseError``s).
public enum ResultStoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's schema (`PRAGMA user_version`) is newer than this build knows.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// No run has this key.
    case unknownRun(key: String)
    /// No sweep has this id.
    case unknownSweep(id: Int64)
    /// The run already has a final result (`completed` or `diverged`), which is kept.
    case alreadyFinished(key: String, state: RunState)
    /// The lease this result was produced under is no longer the run's lease (another worker
    /// took the run over after this one's heartbeat went stale); the result is discarded.
    case leaseLost(key: String, holder: String?)

    /// One line naming the file, run or sweep.
    public var description: String {
        switch self {
        case let .schemaTooNew(path, found, supported):
            return "\(path): schema version \(found) is newer than version \(supported) that this build knows; "
                + "open it with a newer build of the harness"
        case let .unknownRun(key):
            return "no run with key \(key) in the result store"
        case let .unknownSweep(id):
            return "no sweep with id \(id) in the result store"
        case let .alreadyFinished(key, state):
            return "run \(key) is already \(state.rawValue); its result is kept, not overwritten"
        case let .leaseLost(key, holder):
            return "run \(key) was taken over by \(holder ?? "another worker") after this worker's lease went stale; its late result is discarded"
        }
    }
}
