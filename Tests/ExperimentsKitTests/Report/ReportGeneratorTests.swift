import Foundation
import Testing
@testable import ExperimentsKit

/// The whole report from databases with completed, diverged, failed, pending and single-seed
/// runs, checked against values computed independently (SciPy literals, see
/// `ReportStatisticsTests`) and against counts derived from the fixture's run table.
@Suite("Report generator", .serialized)
struct ReportGeneratorTests {
    /// Writes the fixture database and its report; returns the scratch directory.
    static func generate() throws -> (ReportScratch, ReportGenerator.Output) {
        let scratch = ReportScratch()
        try ReportFixture.build(at: scratch.path("fixture.sqlite"))
        let (store, snapshot) = try ReportGenerator.openSnapshot(of: scratch.path("fixture.sqlite"))
        defer { try? FileManager.default.removeItem(at: snapshot) }
        let generator = ReportGenerator(store: store, databaseName: "fixture.sqlite")
        try generator.write(to: scratch.path("out"))
        return (scratch, try generator.build())
    }

    @Test("files, well-formed figures with the marks the run table implies")
    func figuresFromMixedDatabase() throws {
        let (scratch, output) = try Self.generate()
        defer { scratch.remove() }
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: scratch.path("out/report.md")))
        #expect(fm.fileExists(atPath: scratch.path("out/report.html")))
        let names = try fm.contentsOfDirectory(atPath: scratch.path("out/figures")).sorted()
        #expect(names == ["fig1_auc_by_dataset.svg", "fig2_auc_vs_parameters.svg", "fig3_symmetry_error.svg",
                          "fig4_learning_curves.svg", "fig5_reflexivity_vs_auc.svg"])

        // Expected marks, derived from the fixture's table of runs.
        let runs = ReportFixture.runs
        let completed = runs.filter { $0.state == .completed }
        var groups: [String: [ReportFixture.Run]] = [:]
        for r in completed { groups[r.dataset + "|" + r.group, default: []].append(r) }
        func mean(_ rs: [ReportFixture.Run]) -> Double { rs.compactMap(\.auc).reduce(0, +) / Double(rs.count) }
        var best: [String: [ReportFixture.Run]] = [:]  // dataset|architecture → best group's runs
        for (_, rs) in groups {
            let id = rs[0].dataset + "|" + rs[0].architecture
            if best[id] == nil || mean(rs) > mean(best[id]!) { best[id] = rs }
        }
        let reflexiveGroups = Set(runs.filter { $0.reflexive > 0 }.map(\.group))

        var svgs: [String: SVGInspector] = [:]
        for name in names {
            let svg = try String(contentsOfFile: scratch.path("out/figures/\(name)"), encoding: .utf8)
            let x = SVGInspector(svg)
            #expect(x.error == nil, "\(name) is not well-formed: \(x.error ?? "")")
            #expect(x.root == "svg")
            svgs[name] = x
        }
        #expect(svgs["fig1_auc_by_dataset.svg"]?.count(class: "mark") == best.count)
        #expect(svgs["fig1_auc_by_dataset.svg"]?.count(class: "errorbar") == best.values.filter { $0.count > 1 }.count)
        #expect(svgs["fig2_auc_vs_parameters.svg"]?.count(class: "mark") == groups.count)
        #expect(svgs["fig3_symmetry_error.svg"]?.count(class: "mark") == completed.count)
        #expect(svgs["fig3_symmetry_error.svg"]?.count(class: "zero") == completed.filter { $0.sym == 0 }.count)
        #expect(svgs["fig4_learning_curves.svg"]?.count(class: "mark") == best.count)
        // Figure 5: the reflexive configuration and its unaugmented twin, in two panels.
        #expect(svgs["fig5_reflexivity_vs_auc.svg"]?.count(class: "mark") == 2 * (reflexiveGroups.count * 2))
        #expect(svgs["fig5_reflexivity_vs_auc.svg"]?.count(class: "connector") == 2 * reflexiveGroups.count)

        // The HTML is self-contained: every figure inline, each a well-formed SVG.
        let html = output.html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<?xml"))
        #expect(!html.contains("figures/"), "no external figure references in the HTML")
        var rest = Substring(html)
        var inline = 0
        while let start = rest.range(of: "<svg "), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let x = SVGInspector(String(rest[start.lowerBound..<end.upperBound]))
            #expect(x.error == nil)
            inline += 1
            rest = rest[end.upperBound...]
        }
        #expect(inline == 5)
        // The Markdown links each figure file.
        for name in names { #expect(output.markdown.contains("(figures/\(name))")) }
    }

    @Test("tables and sentences carry the independently computed statistics")
    func statisticsInText() throws {
        let (scratch, output) = try Self.generate()
        defer { scratch.remove() }
        let md = output.markdown
        func has(_ s: String, _ comment: Comment? = nil) { #expect(md.contains(s), comment ?? "missing: \(s)") }
        // scipy.stats.t.interval(0.95, 1, loc=0.92, scale=std([0.90, 0.94], ddof=1)/sqrt(2)): half-width 0.25412409472349345.
        has("| mirror | – | 2 + 1 diverged | 0.9200 ± 0.2541 |")
        // Baseline [0.80, 0.83, 0.81]: 0.8133 ± 0.037945830335967434.
        has("concat (`symmetrize=none, reflexive=0`) with test AUC 0.8133 ± 0.0379")
        // Mirror − baseline on seeds 0, 1: mean 0.105, CI [0.04146897631912645, 0.16853102368087353].
        has("| mirror | – | +0.1050 | [+0.0415, +0.1685] | 2/2 | higher |")
        // concat+swap − baseline: 0.05, CI [−0.015724106077284215, 0.11572410607728414].
        has("| concat | symmetrize=swap, reflexive=0 | +0.0500 | [−0.0157, +0.1157] | 3/3 | not distinguishable |")
        // Mirror − concat+swap on seeds 0, 1: 0.065, CI [−0.2526551184043669, 0.3826551184043669].
        has("| alpha | mirror | – | 0.9200 ± 0.2541 | 0.8633 ± 0.0379 | +0.0650 | [−0.2527, +0.3827] | 2/2 | not distinguishable |")
        // Reflexive: Δσ 0.24 [0.19697347270250534, 0.28302652729749467]; Δrank 0.37333 [0.2585959272066812,
        // 0.4880707394599855]; ΔAUC −0.00333 [−0.03201768486499644, 0.025351018198329765].
        has("mean σ(s(x,x)) rises from 0.720 to 0.960 (Δ +0.240, 95% CI [+0.197, +0.283])")
        has("rises from 0.550 to 0.923 (Δ +0.373, 95% CI [+0.259, +0.488])")
        has("test AUC moves from 0.8133 to 0.8100 (Δ −0.0033, 95% CI [−0.0320, +0.0254]; not distinguishable from zero)")
        has("training takes 1.50× as long")
        // Single-seed configurations: no interval anywhere near them.
        has("| outer | – | 1 + 1 failed + 1 pending | 0.8800 (1 seed) |")
        has("On **beta**, **mirror** is best with test AUC 0.7500 (1 seed, no interval).")
        has("they share one seed, on which the gap is +0.0500, too little for an interval.")
        // A configuration whose every run failed has no AUC and sorts last.
        has("| pooling | – | 0 + 3 failed | – |")
        // Best where: mirror wins alpha, and its diverged run is called out.
        has("On **alpha**, **mirror** is best with test AUC 0.9200 ± 0.2541 (95% CI, 2 seeds). 1 run of this configuration did not complete")
        has("In summary, across 2 datasets the best architecture is **mirror** on 2 (alpha and beta).")
        // Exactness of symmetry is measured, and concat+swap is called out as not exact.
        has("| 0 (exact) |")
        has("Swap training does not make concat symmetric: its mean symmetry error is 0.0200 (alpha), against 0.0500–0.100 without it")
        // Provenance and the unfinished-run appendix, with the error text kept (escaped in HTML).
        has("`0123456789ab` (uncommitted changes)")
        has("| Data file `data/x.npy` | SHA-256 `abc123` |")
        has("## Appendix: runs that did not complete")
        has("boom <&> \"quoted\"")
        #expect(output.html.contains("boom &lt;&amp;&gt; &quot;quoted&quot;"))
        #expect(output.html.contains("Experiment report: sweep “fixture &lt;sweep&gt;”"))
        #expect(!md.contains("| nan") && !md.contains("| inf") && !md.contains("± nan"), "no non-finite numbers in the tables")
    }

    @Test("regenerating an unchanged database gives identical files")
    func deterministic() throws {
        let scratch = ReportScratch()
        defer { scratch.remove() }
        try ReportFixture.build(at: scratch.path("db.sqlite"))
        func build() throws -> ReportGenerator.Output {
            let (store, snapshot) = try ReportGenerator.openSnapshot(of: scratch.path("db.sqlite"))
            defer { try? FileManager.default.removeItem(at: snapshot) }
            return try ReportGenerator(store: store, databaseName: "db.sqlite").build()
        }
        let a = try build(), b = try build()
        #expect(a.markdown == b.markdown && a.html == b.html)
        #expect(a.figures.map(\.svg) == b.figures.map(\.svg))
    }

    @Test("an empty database and a single-seed database give a report without crashing")
    func emptyAndSingleSeed() throws {
        let scratch = ReportScratch()
        defer { scratch.remove() }
        do {
            let empty = try ResultStore(path: scratch.path("empty.sqlite"))
            let out = try ReportGenerator(store: empty).build()
            #expect(out.figures.isEmpty)
            #expect(out.markdown.contains("The database holds no runs."))
            #expect(out.markdown.contains("The database records no sweep"))
        }
        let store = try ResultStore(path: scratch.path("single.sqlite"))
        let sweep = try store.recordSweep(name: "one seed", configJSON: "{}", provenanceJSON: "not json")
        let runs = [("a", ReportFixture.concatNone, 0.81), ("b", ReportFixture.mirror, 0.86), ("c", ReportFixture.dot, 0.5)]
        try store.register(runs.map { k, model, _ in
            let group = #"{"augmentation":{"reflexive":0,"swap":false},"model":\#(model)}"#
            let arch = k == "a" ? "concat" : k == "b" ? "mirror" : "dot"
            return RunRecord(key: k, dataset: "only", architecture: arch, seed: 0, configJSON: group, configGroup: group)
        }, sweep: sweep)
        for (k, _, auc) in runs {
            _ = try store.claim(key: k)
            try store.finish(key: k, result: RunResult(state: .completed, metrics: [MetricValue(split: "test", name: "auc", value: auc)],
                                                      trainSeconds: 1))
        }
        let out = try ReportGenerator(store: store).build()
        let fig1 = try #require(out.figures.first { $0.name == "fig1_auc_by_dataset.svg" })
        let x = SVGInspector(fig1.svg)
        #expect(x.error == nil && x.count(class: "mark") == 3 && x.count(class: "errorbar") == 0)
        #expect(out.markdown.contains("one seed, no interval"))
        #expect(out.markdown.contains("**Figure 1.**") && out.markdown.contains("3 hollow points have one seed and no interval"))
        // No symmetry, curve or reflexive data: those figures are left out, and the questions say why.
        #expect(!out.figures.contains { $0.name.hasPrefix("fig5") })
        #expect(out.markdown.contains("No configuration was trained both with and without reflexive augmentation"))
        #expect(out.markdown.contains("No dataset has a concat configuration trained on both orders"))
    }
}

/// `Experiments report` on the command line.
@Suite("Report command", .serialized)
struct ReportCommandTests {
    @Test("writes the report next to the database by default and leaves the database untouched")
    func writesWithoutModifyingTheDatabase() throws {
        let scratch = ReportScratch()
        defer { scratch.remove() }
        let db = scratch.path("old.sqlite")
        // A database at schema version 1, as an older build wrote it: the report must not migrate it.
        // Rows are written with plain SQL: the current store's own writes use later columns.
        do {
            let store = try ResultStore(path: db, busyTimeout: 10, migrations: [ResultStore.version1])
            try store.db.execute("""
                INSERT INTO sweeps (name, config_json, provenance_json, created_at) VALUES ('old', '{}', '{}', '2020-01-01T00:00:00.000Z');
                INSERT INTO runs (key, sweep_id, dataset, architecture, seed, config_json, config_group, state, created_at)
                    VALUES ('k', 1, 'd', 'dot', 0, '{}', '{}', 'completed', '2020-01-01T00:00:00.000Z');
                INSERT INTO metrics (run_id, split, name, value, kind) VALUES (1, 'test', 'auc', 0.6, 'finite');
                """)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(ExperimentsCLI.run(["report", db]) == 0)
        let after = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(before == after, "the database file changed")
        #expect(before[60..<64] == Data([0, 0, 0, 1]), "schema version stays 1")
        for f in ["report/report.md", "report/report.html", "report/figures/fig1_auc_by_dataset.svg"] {
            #expect(FileManager.default.fileExists(atPath: scratch.path(f)), "missing \(f)")
        }
        #expect(ExperimentsCLI.run(["report", db, "--out", scratch.path("elsewhere")]) == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("elsewhere/report.html")))
    }

    @Test("usage mistakes exit with status 64 and write nothing")
    func usageErrors() throws {
        let scratch = ReportScratch()
        defer { scratch.remove() }
        try "not a database".write(toFile: scratch.path("text.sqlite"), atomically: true, encoding: .utf8)
        do {
            let plain = try Database(path: scratch.path("plain.sqlite"))
            try plain.execute("CREATE TABLE t (x)")
        }
        try ReportFixture.build(at: scratch.path("good.sqlite"))
        try "x".write(toFile: scratch.path("file"), atomically: true, encoding: .utf8)
        let cases: [[String]] = [
            ["report"],
            ["report", scratch.path("missing.sqlite")],
            ["report", scratch.path("text.sqlite")],
            ["report", scratch.path("plain.sqlite")],
            ["report", scratch.directory.path],
            ["report", scratch.path("good.sqlite"), "--bogus"],
            ["report", scratch.path("good.sqlite"), "--out"],
            ["report", scratch.path("good.sqlite"), "--out", scratch.path("file")],
            ["report", scratch.path("good.sqlite"), scratch.path("good.sqlite")],
        ]
        for args in cases {
            #expect(ExperimentsCLI.run(args) == 64, "\(args.dropFirst())")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("report")))
        #expect(throws: UsageError.self) { try ReportCommand(arguments: []) }
        let parsed = try ReportCommand(arguments: [scratch.path("good.sqlite")])
        #expect(parsed.outputDirectory == scratch.path("report"))
    }
}
