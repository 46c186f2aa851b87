import Foundation

/// `Experiments report DB [--out DIR]`: writes the report of a result database.
public struct ReportCommand: Command {
    public static let name = "report"
    public static let abstract = "Write a Markdown/HTML report with SVG figures from a result database."
    public static let help = """
    USAGE: Experiments report <database.sqlite> [--out DIR]

    Reads a result database and writes, under DIR:
      report.md      provenance, per-dataset tables (test AUC ± 95% CI, parameters, symmetry,
                     reflexivity, transitivity), paired comparisons against the concat baseline,
                     and answers to: which architecture is best where; do symmetric
                     architectures beat concat with swap training; does reflexive augmentation
                     buy reflexivity, and at what cost
      report.html    the same, self-contained, with the figures inline
      figures/*.svg  the figures

    The database is not modified: the report reads a consistent snapshot of it, so it may run
    while a sweep is writing. Rerunning overwrites the report.

    OPTIONS:
      --out DIR    output directory (default: "report" next to the database)
      -h, --help   show this help
    """

    public var databasePath: String
    public var outputDirectory: String

    public init(arguments: [String]) throws {
        let s = try ArgumentScanner(arguments, options: ["out"], flags: [])
        guard s.positionals.count == 1 else {
            throw UsageError(s.positionals.isEmpty ? "missing the result database" : "expected one database file, got \(s.positionals.count) arguments")
        }
        databasePath = s.positionals[0]
        if let out = s.options["out"] {
            guard !out.isEmpty else { throw UsageError("--out: expected a directory, got an empty string") }
            outputDirectory = out
        } else {
            outputDirectory = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("report").path
        }
    }

    public func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: databasePath, isDirectory: &isDirectory) else {
            throw UsageError("no such database: \(databasePath)")
        }
        guard !isDirectory.boolValue else { throw UsageError("\(databasePath) is a directory, not a result database") }
        try Self.checkHeader(databasePath)
        if FileManager.default.fileExists(atPath: outputDirectory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw UsageError("--out: \(outputDirectory) exists and is not a directory")
        }
    }

    /// Refuses files that are not SQLite databases, or SQLite databases the harness never
    /// wrote (schema version 0 and no write-ahead log), without opening them: opening would
    /// create the result schema inside someone else's database.
    static func checkHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw UsageError("cannot read \(path)") }
        defer { try? handle.close() }
        let header = [UInt8](handle.readData(ofLength: 100))
        guard header.count == 100, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else {
            throw UsageError("\(path) is not an SQLite database")
        }
        let userVersion = header[60..<64].reduce(0) { $0 << 8 | Int($1) }
        if userVersion == 0 && !FileManager.default.fileExists(atPath: path + "-wal") {
            throw UsageError("\(path) is an SQLite database but not a result database (schema version 0)")
        }
    }

    public func run() throws -> Int32 {
        let (store, snapshot) = try ReportGenerator.openSnapshot(of: databasePath)
        defer { try? FileManager.default.removeItem(at: snapshot) }
        let name = URL(fileURLWithPath: databasePath).lastPathComponent
        let written = try ReportGenerator(store: store, databaseName: name).write(to: outputDirectory)
        let figures = written.filter { $0.hasSuffix(".svg") }.count
        print("wrote \(URL(fileURLWithPath: outputDirectory).appendingPathComponent("report.md").path), report.html and \(figures) figure(s)")
        return 0
    }
}
