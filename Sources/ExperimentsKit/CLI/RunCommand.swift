import Foundation
import TensorCore

/// `Experiments [run] CONFIG`: runs (or resumes) a sweep.
public struct RunCommand: Command {
    public static let name = "run"
    public static let abstract = "Run or resume the sweep described by a JSON config (the default subcommand)."
    public static let help = """
    USAGE: Experiments [run] <config.json> [--jobs N] [--dry-run] [--quiet] [--shard K/N] [--database FILE]

    Trains every run of the sweep that is not finished in its database yet and prints a summary
    table. Rerunning the same command resumes: completed runs are skipped, interrupted and
    failed ones are trained again.

    OPTIONS:
      --jobs N     runs trained at the same time (default: the config's "jobs", else 1)
      --dry-run    list the expanded runs and exit without training
      --quiet      no progress on standard error
      --shard K/N  train only shard K (0-based) of N: runs K, K+N, K+2N, … of the expanded list,
                   into <database>.shard-K-of-N.sqlite (merge the shards with `Experiments merge`).
                   K may be "auto": SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN) or a
                   Kubernetes Indexed Job's JOB_COMPLETION_INDEX
      --database FILE  write to FILE instead of the config's database
      -h, --help   show this help
    """

    public var configPath: String
    public var jobs: Int?
    public var dryRun: Bool
    public var quiet: Bool
    public var shard: (index: Int, count: Int)?
    public var database: String?

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["jobs", "shard", "database"], flags: ["dry-run", "quiet"])
        guard s.positionals.count == 1 else {
            throw UsageError(s.positionals.isEmpty ? "missing the config file" : "expected one config file, got \(s.positionals.count) arguments")
        }
        configPath = s.positionals[0]
        jobs = try s.int("jobs", min: 1)
        dryRun = s.flags.contains("dry-run")
        quiet = s.flags.contains("quiet")
        database = s.options["database"]
        if let text = s.options["shard"] {
            shard = try Self.parseShard(text, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// `K/N` or `auto/N`, where `auto` reads the array index a scheduler gives each task.
    static func parseShard(_ text: String, environment env: [String: String]) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else {
            throw UsageError("--shard: expected K/N with 0 ≤ K < N, got \"\(text)\"")
        }
        var k: Int?
        if parts[0] == "auto" {
            if let id = env["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
                k = id - (env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0)
            } else if let index = env["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
                k = index
            } else {
                throw UsageError("--shard auto/N: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
            }
        } else {
            k = Int(parts[0])
        }
        guard let k, k >= 0, k < n else { throw UsageError("--shard: expected K/N with 0 ≤ K < N, got \"\(text)\"" + (parts[0] == "auto" ? " (K = \(k.map(String.init) ?? "?") from the environment)" : "")) }
        return (k, n)
    }

    public func run() throws -> Int32 {
        var config = try SweepConfig.load(path: configPath)
        if let shard {
            config.runs = config.runs.enumerated().filter { $0.offset % shard.count == shard.index }.map(\.element)
            if database == nil {
                let base = (config.database as NSString).deletingPathExtension
                config.database = "\(base).shard-\(shard.index)-of-\(shard.count).sqlite"
            }
        }
        if let database { config.database = database }
        if dryRun {
            print("\(config.runs.count) runs in sweep \"\(config.name)\" → \(config.database)")
            for (k, r) in config.runs.enumerated() {
                print("\(k + 1)\t\(r.key.prefix(12))\t\(r.dataset.name)\t\(JSONValue.encode(r.model).canonical)\tseed \(r.seed)")
            }
            return 0
        }
        let progress = ProgressReporter(quiet: quiet)
        let runner = SweepRunner(config: config, jobs: jobs, progress: progress)
        let report: SweepRunner.Report
        do {
            report = try runner.run()
            try SummaryTable.print(database: config.database, keys: config.runs.map(\.key))
        } catch let e as DatabaseError {
            throw StoreFailure(database: config.database, underlying: e)
        }
        if !report.failed.isEmpty {
            FileHandle.standardError.write(Data("\(report.failed.count) run(s) failed; rerun the same command to retry them:\n".utf8))
            for f in report.failed.prefix(10) {
                FileHandle.standardError.write(Data("  \(f.key.prefix(12)): \(f.error)\n".utf8))
            }
            return 1
        }
        return 0
    }
}

/// A result-store failure, named by its database file, with a hint when the file or its
/// directory cannot be written (a read-only mount, permissions).
struct StoreFailure: Error, CustomStringConvertible {
    var database: String
    var underlying: DatabaseError

    var description: String {
        let dir = (database as NSString).deletingLastPathComponent
        let fm = FileManager.default
        let writable = fm.isWritableFile(atPath: dir.isEmpty ? "." : dir)
            && (!fm.fileExists(atPath: database) || fm.isWritableFile(atPath: database))
        return "\(database): \(underlying)" + (writable ? "" : " (the database or its directory is not writable)")
    }
}
