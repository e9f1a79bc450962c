//! Inline SVG charts made at build time: horizontal bars, a monthly timeline, a heatmap and
//! the province tile map. They need no JavaScript and no fonts of their own (text inherits
//! the page's CJK font stack). Every label is XML-escaped, every chart carries a `<title>`
//! and `<desc>` for screen readers, and every mark has its own `<title>` with its number, so
//! the chart is readable on its own; the page also prints the numbers in a table beside it.
//! Coordinates are whole pixels, so the same data always gives the same bytes.

use super::feeds::xml_escape as esc;

/// Fill colours from "none" (index 0) to "most" (index 5): a light-to-dark union red ramp.
pub const RAMP: [&str; 6] = ["#eef1f4", "#fbe3e1", "#f4b6b0", "#e57f76", "#c9453b", "#8c1d18"];
/// Text colour on each ramp step, chosen for at least 4.5:1 contrast.
const RAMP_INK: [&str; 6] = ["#57606a", "#1f2328", "#1f2328", "#1f2328", "#ffffff", "#ffffff"];
const BAR_FILL: &str = "#b3261e";
const INK: &str = "#1f2328";
const MUTED: &str = "#57606a";
const GRID_LINE: &str = "#d8dee4";

/// One bar of a bar chart or timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: usize,
}

/// One column of a timeline: `label` under the column (e.g. 3月), `group` printed once when
/// it changes (e.g. 2024年), `title` the full name for the tooltip (2024年3月).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub label: String,
    pub group: String,
    pub title: String,
    pub value: usize,
}

/// One square of the tile map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTile {
    /// Text on the tile (short name).
    pub label: String,
    /// Full name for the accessible name and tooltip.
    pub name: String,
    pub row: u32,
    pub col: u32,
    pub value: usize,
    /// Link to the province page (only when it has one).
    pub url: Option<String>,
}

/// Texts every chart needs: an accessible title, a one-line description and the unit of the
/// numbers (e.g. 篇).
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// Prefix for element ids, unique on the page.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub unit: &'a str,
}

/// Step of the colour ramp for a count: 0 for nothing, 1..=5 in proportion to the maximum
/// (the maximum is always 5).
pub fn level(value: usize, max: usize) -> usize {
    if value == 0 || max == 0 {
        0
    } else {
        ((5 * value).div_ceil(max)).clamp(1, 5)
    }
}

/// Approximate rendered width of text: CJK and other wide characters take a full em,
/// ASCII about 0.6 em.
pub fn text_width(text: &str, font_size: usize) -> usize {
    let tenths: usize = text.chars().map(|c| if c.is_ascii() { 6 } else { 10 }).sum();
    (tenths * font_size).div_ceil(10)
}

/// Cut a label to at most `max_width` pixels, ending in an ellipsis.
fn fit(text: &str, font_size: usize, max_width: usize) -> String {
    if text_width(text, font_size) <= max_width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next, font_size) > max_width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn open(labels: &Labels, width: usize, height: usize, role: &str) -> String {
    let id = esc(labels.id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"{role}\" aria-labelledby=\"{id}-title {id}-desc\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(labels.title),
        esc(labels.desc)
    )
}

/// Horizontal bars, one row per item, labels on the left and numbers after each bar.
pub fn bar_chart(labels: &Labels, bars: &[Bar]) -> String {
    const FONT: usize = 13;
    const ROW: usize = 24;
    const BAR_HEIGHT: usize = 16;
    const PLOT: usize = 320;
    let label_width = bars
        .iter()
        .map(|b| text_width(&b.label, FONT))
        .max()
        .unwrap_or(0)
        .clamp(24, 200)
        + 8;
    let value_width = bars
        .iter()
        .map(|b| text_width(&b.value.to_string(), FONT))
        .max()
        .unwrap_or(0)
        + 12;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let width = label_width + PLOT + value_width;
    let height = bars.len().max(1) * ROW + 4;
    let mut svg = open(labels, width, height, "img");
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let length = if max == 0 { 0 } else { (bar.value * PLOT).div_ceil(max) };
        let text_y = y + BAR_HEIGHT / 2 + 5;
        svg.push_str(&format!(
            "<g><title>{}：{} {}</title>\
<text x=\"{}\" y=\"{text_y}\" font-size=\"{FONT}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>\
<rect x=\"{label_width}\" y=\"{y}\" width=\"{length}\" height=\"{BAR_HEIGHT}\" fill=\"{BAR_FILL}\"/>\
<text x=\"{}\" y=\"{text_y}\" font-size=\"{FONT}\" fill=\"{INK}\">{}</text></g>",
            esc(&bar.label),
            bar.value,
            esc(labels.unit),
            label_width - 8,
            esc(&fit(&bar.label, FONT, label_width - 8)),
            label_width + length + 6,
            bar.value
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A timeline: one column per point (every month, including empty ones), the value above
/// each non-empty column, the label under it and the group (year) where it changes.
pub fn timeline(labels: &Labels, points: &[Point]) -> String {
    const COLUMN: usize = 24;
    const BAR: usize = 16;
    const PLOT: usize = 120;
    const TOP: usize = 18;
    const LEFT: usize = 8;
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    let width = (LEFT * 2 + points.len() * COLUMN).max(160);
    let base = TOP + PLOT;
    let height = base + 40;
    let mut svg = open(labels, width, height, "img");
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{GRID_LINE}\"/>",
        width - LEFT
    ));
    let mut last_group: Option<&str> = None;
    for (i, p) in points.iter().enumerate() {
        let x = LEFT + i * COLUMN + (COLUMN - BAR) / 2;
        let h = if max == 0 { 0 } else { (p.value * PLOT).div_ceil(max) };
        let centre = x + BAR / 2;
        svg.push_str(&format!(
            "<g><title>{}：{} {}</title><rect x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\" fill=\"{BAR_FILL}\"/>",
            esc(&p.title),
            p.value,
            esc(labels.unit),
            base - h
        ));
        if p.value > 0 {
            svg.push_str(&format!(
                "<text x=\"{centre}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                base - h - 4,
                p.value
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{centre}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text></g>",
            base + 15,
            esc(&p.label)
        ));
        if last_group != Some(p.group.as_str()) {
            last_group = Some(p.group.as_str());
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{INK}\">{}</text>",
                x.saturating_sub(2),
                base + 33,
                esc(&p.group)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A heatmap of counts: `values[r][c]` for row `rows[r]` and column `columns[c]`. Column
/// labels are set vertically, one character under the other, as Chinese is often written.
pub fn heatmap(labels: &Labels, rows: &[String], columns: &[String], values: &[Vec<usize>]) -> String {
    const FONT: usize = 13;
    const CELL_W: usize = 36;
    const CELL_H: usize = 30;
    const LINE: usize = 15;
    let row_label = rows
        .iter()
        .map(|r| text_width(r, FONT))
        .max()
        .unwrap_or(0)
        .clamp(24, 180)
        + 10;
    let column_chars = columns.iter().map(|c| c.chars().count()).max().unwrap_or(0).min(8);
    let top = column_chars * LINE + 8;
    let width = row_label + columns.len().max(1) * CELL_W + 4;
    let height = top + rows.len().max(1) * CELL_H + 4;
    let max = values.iter().flatten().copied().max().unwrap_or(0);
    let mut svg = open(labels, width, height, "img");
    for (c, name) in columns.iter().enumerate() {
        let x = row_label + c * CELL_W + CELL_W / 2;
        svg.push_str(&format!(
            "<text font-size=\"{FONT}\" text-anchor=\"middle\" fill=\"{INK}\">"
        ));
        for (k, ch) in name.chars().take(8).enumerate() {
            let y = 4 + (k + 1) * LINE - 3;
            let ch = if k == 7 && name.chars().count() > 8 { '…' } else { ch };
            svg.push_str(&format!("<tspan x=\"{x}\" y=\"{y}\">{}</tspan>", esc(&ch.to_string())));
        }
        svg.push_str("</text>");
    }
    for (r, name) in rows.iter().enumerate() {
        let y = top + r * CELL_H;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            row_label - 8,
            y + CELL_H / 2 + 5,
            esc(&fit(name, FONT, row_label - 10))
        ));
        for (c, column) in columns.iter().enumerate() {
            let value = values.get(r).and_then(|v| v.get(c)).copied().unwrap_or(0);
            let step = level(value, max);
            let x = row_label + c * CELL_W;
            svg.push_str(&format!(
                "<g><title>{} × {}：{} {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                esc(name),
                esc(column),
                value,
                esc(labels.unit),
                CELL_W - 2,
                CELL_H - 2,
                RAMP[step]
            ));
            if value > 0 {
                svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{}\">{value}</text>",
                    x + (CELL_W - 2) / 2,
                    y + CELL_H / 2 + 4,
                    RAMP_INK[step]
                ));
            }
            svg.push_str("</g>");
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The province tile map: one rounded square per province at its grid position, shaded by
/// count, with its short name and count; provinces with a page are links. A legend of the
/// ramp follows the grid.
pub fn tile_map(labels: &Labels, tiles: &[MapTile]) -> String {
    const TILE: usize = 58;
    const GAP: usize = 4;
    const PAD: usize = 2;
    let cols = tiles.iter().map(|t| t.col as usize + 1).max().unwrap_or(1);
    let rows = tiles.iter().map(|t| t.row as usize + 1).max().unwrap_or(1);
    let max = tiles.iter().map(|t| t.value).max().unwrap_or(0);
    let width = PAD * 2 + cols * (TILE + GAP);
    let grid_height = PAD * 2 + rows * (TILE + GAP);
    let height = grid_height + 30;
    let mut svg = open(labels, width, height, "group");
    for t in tiles {
        let x = PAD + t.col as usize * (TILE + GAP);
        let y = PAD + t.row as usize * (TILE + GAP);
        let step = level(t.value, max);
        let name = format!("{}：{} {}", t.name, t.value, labels.unit);
        let body = format!(
            "<title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{TILE}\" height=\"{TILE}\" rx=\"5\" fill=\"{}\" stroke=\"{}\"/>\
<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"{}\">{}</text>\
<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            esc(&name),
            RAMP[step],
            if t.url.is_some() { "#8c1d18" } else { GRID_LINE },
            x + TILE / 2,
            y + 25,
            RAMP_INK[step],
            esc(&fit(&t.label, 14, TILE - 6)),
            x + TILE / 2,
            y + 45,
            RAMP_INK[step],
            t.value
        );
        match &t.url {
            Some(url) => svg.push_str(&format!(
                "<a href=\"{}\" aria-label=\"{}\">{body}</a>",
                esc(url),
                esc(&name)
            )),
            None => svg.push_str(&format!("<g>{body}</g>")),
        }
    }
    // Legend: the six steps of the ramp from 0 to the maximum.
    let y = grid_height + 6;
    svg.push_str(&format!(
        "<g aria-hidden=\"true\"><text x=\"{PAD}\" y=\"{}\" font-size=\"12\" fill=\"{MUTED}\">0</text>",
        y + 13
    ));
    for (k, colour) in RAMP.iter().enumerate() {
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"{y}\" width=\"22\" height=\"16\" fill=\"{colour}\" stroke=\"{GRID_LINE}\"/>",
            PAD + 14 + k * 24
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{MUTED}\">{max} {}</text></g>",
        PAD + 14 + 6 * 24 + 4,
        y + 13,
        esc(labels.unit)
    ));
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Labels = Labels {
        id: "c1",
        title: "各省文章数",
        desc: "每个省份的文章数",
        unit: "篇",
    };

    fn bars(items: &[(&str, usize)]) -> Vec<Bar> {
        items
            .iter()
            .map(|(l, v)| Bar {
                label: l.to_string(),
                value: *v,
            })
            .collect()
    }

    #[test]
    fn levels_scale_to_the_maximum() {
        assert_eq!(level(0, 10), 0);
        assert_eq!(level(1, 10), 1);
        assert_eq!(level(5, 10), 3);
        assert_eq!(level(10, 10), 5);
        assert_eq!(level(1, 1), 5);
        assert_eq!(level(3, 0), 0);
    }

    #[test]
    fn text_width_counts_cjk_as_full_em() {
        assert_eq!(text_width("浙江", 10), 20);
        assert_eq!(text_width("ab", 10), 12);
        assert_eq!(fit("产业工人队伍建设改革", 10, 50), "产业工人…");
    }

    #[test]
    fn bar_lengths_are_proportional_and_numbers_shown() {
        let svg = bar_chart(&L, &bars(&[("浙江", 8), ("湖南", 2)]));
        assert!(svg.contains("width=\"320\" height=\"16\""), "{svg}");
        assert!(svg.contains("width=\"80\" height=\"16\""), "{svg}");
        assert!(svg.contains("<title>浙江：8 篇</title>"));
        assert!(svg.contains(">8</text>"));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("aria-labelledby=\"c1-title c1-desc\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn labels_are_escaped_everywhere() {
        let evil = "<script>alert('x')</script>&";
        let svg = bar_chart(&L, &bars(&[(evil, 1)]));
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        let heat = heatmap(&L, &[evil.to_string()], &["<b>".to_string()], &[vec![1]]);
        assert!(!heat.contains("<script") && !heat.contains("<b>"), "{heat}");
        let map = tile_map(
            &L,
            &[MapTile {
                label: evil.into(),
                name: evil.into(),
                row: 0,
                col: 0,
                value: 1,
                url: Some("/x/?a=1&b=\"2\"".into()),
            }],
        );
        assert!(!map.contains("<script"), "{map}");
        assert!(map.contains("href=\"/x/?a=1&amp;b=&quot;2&quot;\""), "{map}");
        let labels = Labels { title: "<t>", ..L };
        assert!(timeline(&labels, &[]).contains("&lt;t&gt;"));
    }

    #[test]
    fn empty_inputs_make_valid_small_charts() {
        for svg in [
            bar_chart(&L, &[]),
            timeline(&L, &[]),
            heatmap(&L, &[], &[], &[]),
            tile_map(&L, &[]),
        ] {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        }
    }

    #[test]
    fn timeline_prints_each_group_once() {
        let p = |group: &str, label: &str, value| Point {
            label: label.into(),
            group: group.into(),
            title: format!("{group}{label}"),
            value,
        };
        let svg = timeline(
            &L,
            &[p("2023年", "12月", 1), p("2024年", "1月", 0), p("2024年", "2月", 4)],
        );
        assert_eq!(svg.matches(">2024年</text>").count(), 1);
        assert_eq!(svg.matches(">2023年</text>").count(), 1);
        assert!(svg.contains("<title>2024年1月：0 篇</title>"));
        // The empty month has a zero-height column and no value label.
        assert!(svg.contains("height=\"0\""));
        assert!(svg.contains("height=\"120\""));
    }

    #[test]
    fn heatmap_cells_carry_row_column_and_count() {
        let svg = heatmap(
            &L,
            &["维权".into(), "帮扶".into()],
            &["浙江".into(), "湖南".into()],
            &[vec![3, 0], vec![1, 2]],
        );
        assert!(svg.contains("<title>维权 × 浙江：3 篇</title>"));
        assert!(svg.contains("<title>帮扶 × 湖南：2 篇</title>"));
        assert!(svg.contains(&format!("fill=\"{}\"", RAMP[5])));
        assert!(svg.contains(&format!("fill=\"{}\"", RAMP[0])));
        // Vertical column label: one tspan per character.
        assert!(svg.contains("<tspan x=\"") && svg.matches("<tspan").count() == 4);
    }

    #[test]
    fn tile_map_links_only_provinces_with_pages() {
        let tile = |label: &str, col, value, url: Option<&str>| MapTile {
            label: label.into(),
            name: format!("{label}省"),
            row: 0,
            col,
            value,
            url: url.map(String::from),
        };
        let svg = tile_map(
            &L,
            &[tile("浙江", 1, 4, Some("/regions/zhejiang/")), tile("湖南", 0, 0, None)],
        );
        assert_eq!(svg.matches("<a href=").count(), 1);
        assert!(svg.contains("<a href=\"/regions/zhejiang/\" aria-label=\"浙江省：4 篇\">"));
        assert!(svg.contains("<title>湖南省：0 篇</title>"));
        assert!(svg.contains("role=\"group\""));
        assert_eq!(
            svg,
            tile_map(
                &L,
                &[tile("浙江", 1, 4, Some("/regions/zhejiang/")), tile("湖南", 0, 0, None)]
            )
        );
    }
}
