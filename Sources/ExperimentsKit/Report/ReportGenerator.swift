import Foundation

/// Turns a result database into a report: `report.md` (figures linked), a self-contained
/// `report.html` (figures inline) and the figures as SVG files under `figures/`.
///
/// The output depends only on the database's contents (no timestamps of its own), so
/// regenerating an unchanged database gives byte-identical files.
public struct ReportGenerator {
    /// What a generation produced.
    public struct Output: Sendable {
        /// `report.md`, with the figures linked from `figures/`.
        public var markdown: String
        /// `report.html`, with the figures inline.
        public var html: String
        /// The figures, in figure order.
        public var figures: [FigureFile]
    }

    /// One figure: its file name (`fig1_auc_by_dataset.svg`) and its SVG document.
    public struct FigureFile: Sendable {
        public var name: String
        public var svg: String
    }

    /// The database to read.
    public let store: ResultStore
    /// The name the report cites for the database (its file name by default).
    public let databaseName: String

    public init(store: ResultStore, databaseName: String? = nil) {
        self.store = store
        self.databaseName = databaseName ?? URL(fileURLWithPath: store.path).lastPathComponent
    }

    /// Opens a private, consistent snapshot of the result database at `path` (SQLite's
    /// `VACUUM INTO`, a single read transaction, so a sweep may be writing meanwhile) in a new
    /// temporary directory, and returns a store on the copy.
    ///
    /// The report never opens the original through ``ResultStore``, whose opening migrates an
    /// older schema in place: reporting on a committed database must not change it. The caller
    /// removes `directory` when done.
    public static func openSnapshot(of path: String) throws -> (store: ResultStore, directory: URL) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("symsim-report-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            let copy = directory.appendingPathComponent("snapshot.sqlite").path
            do {
                let source = try Database(path: path)
                try source.execute("VACUUM INTO ?", [.text(copy)])
            }
            return (try ResultStore(path: copy), directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Reads the database and builds the report in memory.
    /// - Throws: a ``DatabaseError`` if a query fails.
    public func build() throws -> Output {
        let analysis = ReportAnalysis(try ReportData.load(from: store))
        let builder = ReportBuilder(analysis: analysis, databaseName: databaseName)
        let figures = builder.figures()
        let doc = builder.document(figures: figures)
        return Output(markdown: doc.markdown(), html: doc.html(), figures: figures.map { FigureFile(name: $0.file, svg: $0.svg) })
    }

    /// Builds the report and writes it under `directory` (created if missing): `report.md`,
    /// `report.html` and `figures/*.svg`. Figure files of earlier reports that this one does
    /// not produce are removed, so the directory never mixes two reports. Each file is written
    /// atomically, after the whole report has been built.
    /// - Returns: the paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        let output = try build()
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let figuresDir = root.appendingPathComponent("figures", isDirectory: true)
        try fm.createDirectory(at: figuresDir, withIntermediateDirectories: true)
        var written: [String] = []
        for figure in output.figures {
            let url = figuresDir.appendingPathComponent(figure.name)
            try Data(figure.svg.utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        let current = Set(output.figures.map(\.name))
        for stale in (try? fm.contentsOfDirectory(atPath: figuresDir.path)) ?? []
        where stale.hasPrefix("fig") && stale.hasSuffix(".svg") && !current.contains(stale) {
            try? fm.removeItem(at: figuresDir.appendingPathComponent(stale))
        }
        for (name, text) in [("report.md", output.markdown), ("report.html", output.html)] {
            let url = root.appendingPathComponent(name)
            try Data(text.utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        return written
    }
}
