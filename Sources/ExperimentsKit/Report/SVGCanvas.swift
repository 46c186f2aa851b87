import Foundation

/// A small SVG builder: shapes, text and marker glyphs appended in drawing order, rendered as
/// one standalone, well-formed SVG document.
///
/// Coordinates are in pixels from the top left; numbers are written with two decimals. Every
/// piece of text and every attribute value is XML-escaped. Data marks carry a `class` (the
/// figures use `mark`, `errorbar`, `connector`) so tests can count them.
struct SVGCanvas {
    /// Width and height in pixels (also the `viewBox`).
    let width: Double, height: Double
    /// The font stack of every text element.
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    private(set) var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    // MARK: - Primitives

    /// Appends raw SVG markup (already escaped).
    mutating func raw(_ markup: String) { elements.append(markup) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil, opacity: Double? = nil, cls: String? = nil) {
        var a = "x1=\"\(svgNum(x1))\" y1=\"\(svgNum(y1))\" x2=\"\(svgNum(x2))\" y2=\"\(svgNum(y2))\" stroke=\"\(xmlEscaped(stroke))\" stroke-width=\"\(svgNum(width))\""
        if let dash { a += " stroke-dasharray=\"\(xmlEscaped(dash))\"" }
        if let opacity { a += " stroke-opacity=\"\(svgNum(opacity))\"" }
        elements.append("<line \(classAttr(cls))\(a)/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String,
                       stroke: String? = nil, strokeWidth: Double = 1, opacity: Double? = nil, cls: String? = nil) {
        var a = "x=\"\(svgNum(x))\" y=\"\(svgNum(y))\" width=\"\(svgNum(max(0, w)))\" height=\"\(svgNum(max(0, h)))\" fill=\"\(xmlEscaped(fill))\""
        if let stroke { a += " stroke=\"\(xmlEscaped(stroke))\" stroke-width=\"\(svgNum(strokeWidth))\"" }
        if let opacity { a += " fill-opacity=\"\(svgNum(opacity))\"" }
        elements.append("<rect \(classAttr(cls))\(a)/>")
    }

    /// An open polyline through `points`; skipped when fewer than two.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5,
                           dash: String? = nil, opacity: Double? = nil, cls: String? = nil) {
        guard points.count >= 2 else { return }
        let p = points.map { "\(svgNum($0.0)),\(svgNum($0.1))" }.joined(separator: " ")
        var a = "points=\"\(p)\" fill=\"none\" stroke=\"\(xmlEscaped(stroke))\" stroke-width=\"\(svgNum(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
        if let dash { a += " stroke-dasharray=\"\(xmlEscaped(dash))\"" }
        if let opacity { a += " stroke-opacity=\"\(svgNum(opacity))\"" }
        elements.append("<polyline \(classAttr(cls))\(a)/>")
    }

    /// A path with SVG path data `d` (built from numbers formatted by `svgNum`).
    mutating func path(_ d: String, stroke: String, width: Double = 1, fill: String = "none",
                       opacity: Double? = nil, cls: String? = nil) {
        var a = "d=\"\(xmlEscaped(d))\" fill=\"\(xmlEscaped(fill))\" stroke=\"\(xmlEscaped(stroke))\" stroke-width=\"\(svgNum(width))\""
        if let opacity { a += " stroke-opacity=\"\(svgNum(opacity))\"" }
        elements.append("<path \(classAttr(cls))\(a)/>")
    }

    /// Text at `(x, y)` (the baseline); `anchor` is `start`, `middle` or `end`; `rotate` in
    /// degrees about the anchor point.
    mutating func text(_ x: Double, _ y: Double, _ string: String, size: Double = 12, anchor: String = "start",
                       weight: String? = nil, fill: String = "#222222", rotate: Double? = nil,
                       italic: Bool = false, cls: String? = nil) {
        var a = "x=\"\(svgNum(x))\" y=\"\(svgNum(y))\" font-size=\"\(svgNum(size))\" text-anchor=\"\(anchor)\" fill=\"\(xmlEscaped(fill))\""
        if let weight { a += " font-weight=\"\(xmlEscaped(weight))\"" }
        if italic { a += " font-style=\"italic\"" }
        if let rotate { a += " transform=\"rotate(\(svgNum(rotate)) \(svgNum(x)) \(svgNum(y)))\"" }
        elements.append("<text \(classAttr(cls))\(a)>\(xmlEscaped(string))</text>")
    }

    /// A data marker of `shape` centred on `(x, y)`, about `size` pixels across. Hollow markers
    /// have a white fill and a coloured outline. `tooltip` becomes an SVG `<title>` child.
    mutating func marker(_ shape: PlotMarker, _ x: Double, _ y: Double, size: Double = 8, color: String,
                         hollow: Bool = false, cls: String? = "mark", tooltip: String? = nil) {
        let fill = hollow ? "#ffffff" : color
        let style = "fill=\"\(xmlEscaped(fill))\" stroke=\"\(xmlEscaped(hollow ? color : "#ffffff"))\" stroke-width=\"\(hollow ? "1.6" : "0.8")\""
        let r = size / 2
        let body: String
        switch shape {
        case .circle:
            body = "<circle \(classAttr(cls))cx=\"\(svgNum(x))\" cy=\"\(svgNum(y))\" r=\"\(svgNum(r))\" \(style)"
        case .square:
            let s = r * 0.9
            body = "<rect \(classAttr(cls))x=\"\(svgNum(x - s))\" y=\"\(svgNum(y - s))\" width=\"\(svgNum(2 * s))\" height=\"\(svgNum(2 * s))\" \(style)"
        case .triangle:
            let s = r * 1.15
            body = "<path \(classAttr(cls))d=\"M\(svgNum(x)),\(svgNum(y - s)) L\(svgNum(x + s * 0.95)),\(svgNum(y + s * 0.7)) L\(svgNum(x - s * 0.95)),\(svgNum(y + s * 0.7)) Z\" \(style)"
        case .diamond:
            let s = r * 1.2
            body = "<path \(classAttr(cls))d=\"M\(svgNum(x)),\(svgNum(y - s)) L\(svgNum(x + s)),\(svgNum(y)) L\(svgNum(x)),\(svgNum(y + s)) L\(svgNum(x - s)),\(svgNum(y)) Z\" \(style)"
        case .triangleDown:
            let s = r * 1.15
            body = "<path \(classAttr(cls))d=\"M\(svgNum(x)),\(svgNum(y + s)) L\(svgNum(x + s * 0.95)),\(svgNum(y - s * 0.7)) L\(svgNum(x - s * 0.95)),\(svgNum(y - s * 0.7)) Z\" \(style)"
        case .cross:
            let s = r * 0.9
            let w = r * 0.38
            // A plus sign drawn as one filled outline, so it takes fill and stroke like the others.
            let d = "M\(svgNum(x - w)),\(svgNum(y - s)) H\(svgNum(x + w)) V\(svgNum(y - w)) H\(svgNum(x + s)) V\(svgNum(y + w)) H\(svgNum(x + w)) V\(svgNum(y + s)) H\(svgNum(x - w)) V\(svgNum(y + w)) H\(svgNum(x - s)) V\(svgNum(y - w)) H\(svgNum(x - w)) Z"
            body = "<path \(classAttr(cls))d=\"\(d)\" \(style)"
        }
        if let tooltip {
            elements.append(body + "><title>\(xmlEscaped(tooltip))</title></" + tagName(body) + ">")
        } else {
            elements.append(body + "/>")
        }
    }

    // MARK: - Output

    /// The standalone SVG document: XML declaration, `<svg>` with `viewBox`, a `<title>` and
    /// `<desc>` for accessibility, a white background, then the elements in order.
    func render(title: String, description: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(svgNum(width))\" height=\"\(svgNum(height))\" "
        out += "viewBox=\"0 0 \(svgNum(width)) \(svgNum(height))\" role=\"img\" font-family=\"\(xmlEscaped(Self.fontFamily))\">\n"
        out += "<title>\(xmlEscaped(title))</title>\n<desc>\(xmlEscaped(description))</desc>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(svgNum(width))\" height=\"\(svgNum(height))\" fill=\"#ffffff\"/>\n"
        for e in elements { out += e + "\n" }
        out += "</svg>\n"
        return out
    }

    // MARK: - Helpers

    private func classAttr(_ cls: String?) -> String { cls.map { "class=\"\(xmlEscaped($0))\" " } ?? "" }
    private func tagName(_ body: String) -> String {
        String(body.dropFirst().prefix { $0 != " " })
    }
}

/// Marker glyphs, distinguishable in greyscale and by colour-blind readers.
enum PlotMarker: CaseIterable {
    case circle, square, triangle, diamond, triangleDown, cross
}

/// A coordinate or length as SVG text: two decimals, no trailing zeros, never `-0`.
func svgNum(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    var s = String(format: "%.2f", v)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
}

/// `s` escaped for XML text and attribute values.
func xmlEscaped(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default: out.append(c)
        }
    }
    return out
}

/// The Okabe–Ito palette (Okabe & Ito 2008), ordered so the first colours contrast most on
/// white; yellow, the weakest on white, comes last.
enum PlotPalette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    static func color(_ index: Int) -> String { colors[((index % colors.count) + colors.count) % colors.count] }
    static let grid = "#e6e6e6"
    static let axis = "#444444"
    static let mutedText = "#555555"
}
