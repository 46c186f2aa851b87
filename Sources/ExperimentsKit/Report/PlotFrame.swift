import Foundation

/// The data area of one panel and the drawing of its axes, grid lines, labels and legend.
struct PlotFrame {
    /// Left, top, width and height of the data area, in pixels.
    var left: Double, top: Double, width: Double, height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }

    static let tickFont = 11.0
    static let labelFont = 12.5
    static let titleFont = 14.0

    /// The panel outline (left and bottom axis lines).
    func drawAxisLines(_ c: inout SVGCanvas) {
        c.line(left, bottom, right, bottom, stroke: PlotPalette.axis, width: 1)
        c.line(left, top, left, bottom, stroke: PlotPalette.axis, width: 1)
    }

    /// Ticks, tick labels and light grid lines for the horizontal axis; `label` under them.
    func drawXAxis(_ c: inout SVGCanvas, ticks: [PlotTick], position: (Double) -> Double, label: String?,
                   grid: Bool = true) {
        for t in ticks {
            let x = position(t.value)
            guard x >= left - 0.5 && x <= right + 0.5 else { continue }
            if grid && t.label != nil { c.line(x, top, x, bottom, stroke: PlotPalette.grid, width: 1) }
            c.line(x, bottom, x, bottom + (t.label == nil ? 3 : 5), stroke: PlotPalette.axis, width: 1)
            if let l = t.label { c.text(x, bottom + 18, l, size: Self.tickFont, anchor: "middle", fill: PlotPalette.mutedText) }
        }
        if let label { c.text(left + width / 2, bottom + 38, label, size: Self.labelFont, anchor: "middle") }
    }

    /// Ticks, tick labels and light grid lines for the vertical axis; `label` rotated at the left.
    func drawYAxis(_ c: inout SVGCanvas, ticks: [PlotTick], position: (Double) -> Double, label: String?,
                   grid: Bool = true, labelOffset: Double = 46) {
        for t in ticks {
            let y = position(t.value)
            guard y >= top - 0.5 && y <= bottom + 0.5 else { continue }
            if grid && t.label != nil { c.line(left, y, right, y, stroke: PlotPalette.grid, width: 1) }
            c.line(left - (t.label == nil ? 3 : 5), y, left, y, stroke: PlotPalette.axis, width: 1)
            if let l = t.label { c.text(left - 8, y + 4, l, size: Self.tickFont, anchor: "end", fill: PlotPalette.mutedText) }
        }
        if let label {
            c.text(left - labelOffset, top + height / 2, label, size: Self.labelFont, anchor: "middle", rotate: -90)
        }
    }

    /// A bold panel title above the data area.
    func drawTitle(_ c: inout SVGCanvas, _ title: String, size: Double = 13) {
        c.text(left, top - 10, title, size: size, weight: "bold")
    }
}

/// One legend line: a marker and/or a line sample in a colour, and its label.
struct LegendEntry {
    var label: String
    var color: String
    var marker: PlotMarker?
    var line: Bool = false
    var hollow: Bool = false
}

enum PlotLegend {
    static let rowHeight = 18.0
    static let font = 11.5

    /// Draws a vertical legend whose top left corner is `(x, y)`, with an optional bold title;
    /// returns its height.
    @discardableResult
    static func draw(_ c: inout SVGCanvas, x: Double, y: Double, title: String?, entries: [LegendEntry]) -> Double {
        var yy = y
        if let title {
            c.text(x, yy + 11, title, size: font, weight: "bold")
            yy += rowHeight
        }
        for e in entries {
            let cy = yy + rowHeight / 2 - 1
            if e.line { c.line(x, cy, x + 22, cy, stroke: e.color, width: 2.2) }
            if let m = e.marker {
                c.marker(m, x + 11, cy, size: 8.5, color: e.color, hollow: e.hollow, cls: "legend-key")
            }
            c.text(x + 30, cy + 4, e.label, size: font)
            yy += rowHeight
        }
        return yy - y
    }

    /// Draws a legend as rows of entries starting at `(x, y)`, wrapping at `maxWidth`, with an
    /// optional bold title at the start of the first row; returns its height.
    @discardableResult
    static func drawRow(_ c: inout SVGCanvas, x: Double, y: Double, maxWidth: Double, title: String?,
                        entries: [LegendEntry]) -> Double {
        var xx = x
        var yy = y
        if let title {
            c.text(xx, yy + 12, title, size: font, weight: "bold")
            xx += textWidth(title, size: font) + 12
        }
        for e in entries {
            let w = 30 + textWidth(e.label, size: font) + 16
            if xx + w > x + maxWidth && xx > x {
                xx = x + (title == nil ? 0 : 0)
                yy += rowHeight
            }
            let cy = yy + rowHeight / 2 - 1
            if e.line { c.line(xx, cy, xx + 22, cy, stroke: e.color, width: 2.2) }
            if let m = e.marker {
                c.marker(m, xx + 11, cy, size: 8.5, color: e.color, hollow: e.hollow, cls: "legend-key")
            }
            c.text(xx + 30, cy + 4, e.label, size: font)
            xx += w
        }
        return yy + rowHeight - y
    }

    /// An approximate rendered width of `text` at `size` px in a sans-serif font.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.58
    }
}
