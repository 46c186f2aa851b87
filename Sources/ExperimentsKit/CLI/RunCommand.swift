import Foundation
import TensorCore

/// `Experiments [run] CONFIG`: runs (or resumes) a sweep.
public struct RunCommand: Command {
    public static let name = "run"
    public static let abstract = "Run or resume the sweep described by a JSON config (the default subcommand)."
    public static let help = """
    USAGE: Experiments [run] <config.json> [--jobs N] [--dry-run] [--quiet]

    Trains every run of the sweep that is not finished in its database yet and prints a summary
    table. Rerunning the same command resumes: completed runs are skipped, interrupted and
    failed ones are trained again.

    OPTIONS:
      --jobs N     runs trained at the same time (default: the config's "jobs", else 1)
      --dry-run    list the expanded runs and exit without training
      --quiet      no progress on standard error
      -h, --help   show this help
    """

    public var configPath: String
    public var jobs: Int?
    public var dryRun: Bool
    public var quiet: Bool

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["jobs"], flags: ["dry-run", "quiet"])
        guard s.positionals.count == 1 else {
            throw UsageError(s.positionals.isEmpty ? "missing the config file" : "expected one config file, got \(s.positionals.count) arguments")
        }
        configPath = s.positionals[0]
        jobs = try s.int("jobs", min: 1)
        dryRun = s.flags.contains("dry-run")
        quiet = s.flags.contains("quiet")
    }

    public func run() throws -> Int32 {
        let config = try SweepConfig.load(path: configPath)
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
