import Foundation

/// The table printed at the end of a sweep: one row per dataset and configuration (seeds
/// pooled) with the number of finished runs, mean ± std of test AUC and the mean symmetry error.
enum SummaryTable {
    static func print(database: String, keys: [String]) throws {
        let store = try ResultStore(path: database)
        let wanted = Set(keys)
        let rows = try store.query("""
            SELECT r.key, r.dataset, r.architecture, r.config_group, r.state,
                   (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.split = 'test' AND m.name = 'auc'),
                   (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.split = 'test' AND m.name = 'symmetry_error_mean'),
                   (SELECT value FROM metrics m WHERE m.run_id = r.id AND m.split = 'train' AND m.name = 'param_count')
            FROM runs r ORDER BY r.dataset, r.architecture, r.config_group
            """)
        struct Group { var dataset: String; var model: String; var aucs: [Double] = []; var syms: [Double] = []; var params: Double?; var diverged = 0 }
        var groups: [String: Group] = [:]
        var order: [String] = []
        for row in rows {
            guard case .text(let key) = row.values[0], wanted.contains(key),
                  case .text(let dataset) = row.values[1], case .text(let arch) = row.values[2],
                  case .text(let group) = row.values[3], case .text(let state) = row.values[4] else { continue }
            let id = dataset + "\u{0}" + group
            if groups[id] == nil { groups[id] = Group(dataset: dataset, model: modelLabel(arch, group)); order.append(id) }
            if state == "diverged" { groups[id]!.diverged += 1 }
            guard state == "completed" else { continue }
            if case .real(let a) = row.values[5] { groups[id]!.aucs.append(a) }
            if case .real(let s) = row.values[6] { groups[id]!.syms.append(s) }
            if case .real(let p) = row.values[7] { groups[id]!.params = p }
        }
        let header = ["dataset", "model", "n", "test AUC", "symmetry err", "params"]
        var table: [[String]] = []
        for id in order {
            let g = groups[id]!
            let mean = g.aucs.isEmpty ? Double.nan : g.aucs.reduce(0, +) / Double(g.aucs.count)
            let std = g.aucs.count > 1 ? (g.aucs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(g.aucs.count - 1)).squareRoot() : 0
            let sym = g.syms.isEmpty ? Double.nan : g.syms.reduce(0, +) / Double(g.syms.count)
            table.append([g.dataset, g.model, "\(g.aucs.count)" + (g.diverged > 0 ? " (+\(g.diverged) diverged)" : ""),
                          g.aucs.isEmpty ? "–" : String(format: "%.4f ± %.4f", mean, std),
                          g.syms.isEmpty ? "–" : (sym == 0 ? "0" : String(format: "%.2e", sym)),
                          g.params.map { String(Int($0)) } ?? "–"])
        }
        let widths = header.indices.map { c in ([header[c]] + table.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        Swift.print(line(header))
        Swift.print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for r in table { Swift.print(line(r)) }
    }

    /// A short description of a configuration: architecture plus its non-default hyperparameters.
    static func modelLabel(_ arch: String, _ groupJSON: String) -> String {
        guard let v = try? JSONValue.parse(Data(groupJSON.utf8)), let model = v.objectValue?["model"]?.objectValue else { return arch }
        var parts: [String] = []
        for key in model.keys.sorted() where key != "architecture" && key != "initializer" && key != "activation" {
            parts.append("\(key)=\(model[key]!.stringValue ?? model[key]!.canonical)")
        }
        if let loss = v.objectValue?["training"]?.objectValue?["loss"]?.stringValue, loss != "bce" { parts.append("loss=\(loss)") }
        if let aug = v.objectValue?["augmentation"]?.objectValue {
            if aug["swap"] == .bool(true) { parts.append("+swap") }
            if let r = aug["reflexive"]?.numberValue, r > 0 { parts.append("+refl \(r)") }
        }
        return arch + (parts.isEmpty ? "" : " " + parts.joined(separator: " "))
    }
}
