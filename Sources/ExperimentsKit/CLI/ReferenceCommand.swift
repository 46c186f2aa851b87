import Foundation

/// `Experiments reference DB --write FILE | --check FILE`: reference results as a sorted TSV.
public struct ReferenceCommand: Command {
    public static let name = "reference"
    public static let abstract = "Write a database's results as a sorted TSV, or check them against one."
    public static let help = """
    USAGE: Experiments reference <results.sqlite> --write <reference.tsv>
           Experiments reference <results.sqlite> --check <reference.tsv> [--tolerance T]

    --write records every finished run's metrics (wall-clock times excluded) with 17 significant
    digits, sorted by run key and metric, with the CPU and matrix-product library in the header.
    --check compares: exactly when the reference names this machine's CPU and library, else
    within \(ReferenceResults.crossMachineTolerance) (or --tolerance). Exit status 1 on any difference.
    """

    public var database: String
    public var write: String?
    public var check: String?
    public var tolerance: Double?

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["write", "check", "tolerance"], flags: [])
        guard s.positionals.count == 1 else { throw UsageError("expected one database file") }
        database = s.positionals[0]
        write = s.options["write"]
        check = s.options["check"]
        if let t = s.options["tolerance"] {
            guard let v = Double(t), v >= 0 else { throw UsageError("--tolerance: expected a number ≥ 0, got \"\(t)\"") }
            tolerance = v
        }
    }

    public func validate() throws {
        guard (write == nil) != (check == nil) else { throw UsageError("give exactly one of --write and --check") }
        guard FileManager.default.fileExists(atPath: database) else { throw UsageError("no such database: \(database)") }
    }

    public func run() throws -> Int32 {
        let store = try ResultStore(path: database)
        if let write {
            let lines = try ReferenceResults.lines(from: store)
            try ReferenceResults.text(lines, source: database).write(toFile: write, atomically: true, encoding: .utf8)
            print("wrote \(lines.count) values to \(write)")
            return 0
        }
        let path = check!
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw UsageError("cannot read \(path)") }
        let c = try ReferenceResults.compare(store, reference: text, tolerance: tolerance)
        let mode = c.tolerance == 0 ? "exact (reference made on this CPU and library)" : "tolerance \(c.tolerance)" + (c.sameMachine ? "" : " (reference made on another machine)")
        for d in c.differences.prefix(50) { print("DIFF  \(d)") }
        if c.differences.count > 50 { print("… and \(c.differences.count - 50) more") }
        print("\(c.compared) values compared, \(c.differences.count) difference(s); \(mode)")
        return c.differences.isEmpty ? 0 : 1
    }
}
