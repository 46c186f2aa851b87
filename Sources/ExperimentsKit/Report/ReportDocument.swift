import Foundation

/// A report as a list of blocks, rendered to Markdown (`report.md`, figures linked) and to a
/// self-contained HTML page (`report.html`, figures inline).
///
/// Text may use two pieces of inline markup, written the Markdown way: `` `code` `` and
/// `**bold**`. The HTML renderer escapes everything else.
struct ReportDocument {
    enum Block {
        case heading(level: Int, text: String)
        case paragraph(String)
        case bullets([String])
        case table(Table)
        /// A figure: its file name under `figures/`, its SVG document, and its caption.
        case figure(file: String, svg: String, caption: String)
        case code(String)
        /// A smaller, muted paragraph (table notes).
        case note(String)
        /// Links to the level-2 headings.
        case contents
    }

    struct Table {
        var header: [String]
        var rows: [[String]]
        /// Right-aligned (numeric) columns.
        var numeric: Set<Int> = []
    }

    var title: String
    var blocks: [Block] = []

    mutating func add(_ block: Block) { blocks.append(block) }

    /// GitHub's heading anchor: lower case, spaces to hyphens, letters, digits, `-` and `_` kept.
    static func slug(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased() {
            if ch == " " { out.append("-") } else if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { out.append(ch) }
        }
        return out
    }

    private var sectionHeadings: [String] {
        blocks.compactMap { if case let .heading(2, t) = $0 { return t } else { return nil } }
    }

    // MARK: - Markdown

    func markdown() -> String {
        var out = "# \(title)\n"
        for b in blocks {
            out += "\n"
            switch b {
            case let .heading(level, text):
                out += String(repeating: "#", count: max(1, min(6, level))) + " " + text + "\n"
            case let .paragraph(text):
                out += text + "\n"
            case let .note(text):
                out += "<sub>" + text + "</sub>\n"
            case let .bullets(items):
                out += items.map { "- " + $0 }.joined(separator: "\n") + "\n"
            case let .table(t):
                func row(_ cells: [String]) -> String {
                    "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
                }
                out += row(t.header) + "\n"
                out += "|" + t.header.indices.map { t.numeric.contains($0) ? "---:|" : "---|" }.joined() + "\n"
                for r in t.rows { out += row(r) + "\n" }
            case let .figure(file, _, caption):
                out += "![\(Self.plain(caption).replacingOccurrences(of: "]", with: ")"))](figures/\(file))\n\n"
                out += caption + "\n"
            case let .code(text):
                out += "```\n" + text + (text.hasSuffix("\n") ? "" : "\n") + "```\n"
            case .contents:
                out += sectionHeadings.map { "- [\($0)](#\(Self.slug($0)))" }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    /// Inline markup removed (for alt text).
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
    }

    // MARK: - HTML

    func html() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(xmlEscaped(title))</title>
        <style>
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 1000px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; font-size: 15px; }
        h1 { font-size: 1.7em; border-bottom: 2px solid #ddd; padding-bottom: .2em; }
        h2 { font-size: 1.35em; margin-top: 1.8em; border-bottom: 1px solid #e4e4e4; padding-bottom: .15em; }
        h3 { font-size: 1.12em; margin-top: 1.4em; }
        .table-wrap { overflow-x: auto; margin: .6em 0 1em; }
        table { border-collapse: collapse; font-size: 12.5px; }
        th, td { border: 1px solid #d8d8d8; padding: 3px 6px; vertical-align: top; }
        th { background: #f2f2f2; text-align: left; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr:nth-child(even) td { background: #fafafa; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
        pre { background: #f6f6f6; border: 1px solid #e2e2e2; padding: .7em; overflow-x: auto; font-size: 12px; }
        pre code { background: none; padding: 0; }
        figure { margin: 1.2em 0 1.6em; }
        figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: 13px; color: #444; margin-top: .3em; }
        .note { font-size: 12.5px; color: #555; }
        </style>
        </head>
        <body>
        <h1>\(Self.inlineHTML(title))</h1>

        """
        for b in blocks {
            switch b {
            case let .heading(level, text):
                let l = max(2, min(6, level))
                out += "<h\(l) id=\"\(xmlEscaped(Self.slug(text)))\">\(Self.inlineHTML(text))</h\(l)>\n"
            case let .paragraph(text):
                out += "<p>\(Self.inlineHTML(text))</p>\n"
            case let .note(text):
                out += "<p class=\"note\">\(Self.inlineHTML(text))</p>\n"
            case let .bullets(items):
                out += "<ul>\n" + items.map { "<li>\(Self.inlineHTML($0))</li>\n" }.joined() + "</ul>\n"
            case let .table(t):
                out += "<div class=\"table-wrap\"><table>\n<thead><tr>"
                for (i, h) in t.header.enumerated() {
                    out += "<th\(t.numeric.contains(i) ? " class=\"num\"" : "")>\(Self.inlineHTML(h))</th>"
                }
                out += "</tr></thead>\n<tbody>\n"
                for r in t.rows {
                    out += "<tr>" + r.enumerated().map { i, cell in
                        "<td\(t.numeric.contains(i) ? " class=\"num\"" : "")>\(Self.keepTogether(Self.inlineHTML(cell)))</td>"
                    }.joined() + "</tr>\n"
                }
                out += "</tbody>\n</table></div>\n"
            case let .figure(_, svg, caption):
                out += "<figure>\n" + Self.inlineSVG(svg) + "<figcaption>\(Self.inlineHTML(caption))</figcaption>\n</figure>\n"
            case let .code(text):
                out += "<pre><code>\(xmlEscaped(text))</code></pre>\n"
            case .contents:
                out += "<ul>\n" + sectionHeadings.map {
                    "<li><a href=\"#\(xmlEscaped(Self.slug($0)))\">\(Self.inlineHTML($0))</a></li>\n"
                }.joined() + "</ul>\n"
            }
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// Non-breaking spaces around `±` and `→` and inside intervals, so a narrow table cell
    /// breaks between a value and its interval, never inside `0.9869 ± 0.0021` or `[−0.01, +0.02]`.
    static func keepTogether(_ html: String) -> String {
        html.replacingOccurrences(of: " ± ", with: "&#160;±&#160;").replacingOccurrences(of: " → ", with: "&#160;→&#160;")
            .replacingOccurrences(of: ", +", with: ",&#160;+").replacingOccurrences(of: ", −", with: ",&#160;−")
    }

    /// An SVG document without its XML declaration, for embedding in HTML.
    static func inlineSVG(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    /// Escapes `text` for HTML and turns `` `code` `` and `**bold**` into elements. Unpaired
    /// markers are kept as literal characters.
    static func inlineHTML(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("`"), let close = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>" + xmlEscaped(String(rest[rest.index(after: rest.startIndex)..<close])) + "</code>"
                rest = rest[rest.index(after: close)...]
            } else if rest.hasPrefix("**"), let close = rest.dropFirst(2).range(of: "**") {
                out += "<strong>" + inlineHTML(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound])) + "</strong>"
                rest = rest[close.upperBound...]
            } else {
                out += xmlEscaped(String(rest.first!))
                rest = rest.dropFirst()
            }
        }
        return out
    }
}

extension ReportDocument {
    /// Indented JSON for reading: objects one key per line (keys sorted), arrays of scalars on
    /// one line.
    static func prettyJSON(_ value: JSONValue, indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), closePad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let o):
            if o.isEmpty { return "{}" }
            let lines = o.keys.sorted().map { pad + JSONValue.quote($0) + ": " + prettyJSON(o[$0]!, indent: indent + 1) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + closePad + "}"
        case .array(let a):
            if a.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }) {
                return "[" + a.map(\.canonical).joined(separator: ", ") + "]"
            }
            return "[\n" + a.map { pad + prettyJSON($0, indent: indent + 1) }.joined(separator: ",\n") + "\n" + closePad + "]"
        default:
            return value.canonical
        }
    }
}
