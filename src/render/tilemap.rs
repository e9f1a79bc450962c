//! The tile map of China's provinces: where each of the 34 provincial-level divisions sits on
//! a small grid (`data/tilemap.tsv`), and how a region of the site is matched to its tile.
//! The map needs no geographic data: one square per province, shaded by article count.

use std::sync::OnceLock;

const TILEMAP_TSV: &str = include_str!("../../data/tilemap.tsv");

/// One province's square.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridTile {
    /// Two-digit division code (GB/T 2260).
    pub code: String,
    /// Official name, e.g. 广西壮族自治区.
    pub name: String,
    /// Name shown on the tile, e.g. 广西.
    pub short: String,
    pub row: u32,
    pub col: u32,
}

/// Parse the grid file: tab-separated `code name short row col`, `#` comments.
pub fn parse(text: &str) -> Result<Vec<GridTile>, String> {
    let mut tiles = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [code, name, short, row, col] = fields.as_slice() else {
            return Err(format!("line {}: expected 5 tab-separated fields", n + 1));
        };
        let number = |s: &str| {
            s.parse::<u32>()
                .map_err(|_| format!("line {}: {s:?} is not a number", n + 1))
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("line {}: code {code:?} is not two digits", n + 1));
        }
        tiles.push(GridTile {
            code: code.to_string(),
            name: name.to_string(),
            short: short.to_string(),
            row: number(row)?,
            col: number(col)?,
        });
    }
    Ok(tiles)
}

/// The compiled-in grid (checked by a unit test).
pub fn grid() -> &'static [GridTile] {
    static GRID: OnceLock<Vec<GridTile>> = OnceLock::new();
    GRID.get_or_init(|| parse(TILEMAP_TSV).expect("data/tilemap.tsv is valid (checked by a unit test)"))
}

/// The tile of a region given its name and (possibly) division code: by the code's first two
/// digits when known, else by official name, else by a name that starts with the short name
/// (湖南, 湖南省 and 湖南省总工会 all match 湖南).
pub fn find(name: &str, code: Option<&str>) -> Option<&'static GridTile> {
    let grid = grid();
    if let Some(prefix) = code.and_then(|c| c.get(..2)) {
        if let Some(tile) = grid.iter().find(|t| t.code == prefix) {
            return Some(tile);
        }
    }
    grid.iter()
        .find(|t| t.name == name)
        .or_else(|| grid.iter().find(|t| name.starts_with(t.short.as_str())))
}

/// The short display name of a province-level region (浙江省 → 浙江); other names unchanged.
pub fn short_name(name: &str, code: Option<&str>) -> String {
    match find(name, code) {
        Some(tile) if tile.name == name || name == tile.short => tile.short.clone(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn grid_has_34_divisions_on_distinct_squares() {
        let grid = grid();
        assert_eq!(grid.len(), 34);
        let squares: BTreeSet<(u32, u32)> = grid.iter().map(|t| (t.row, t.col)).collect();
        assert_eq!(squares.len(), 34, "two provinces share a square");
        let codes: BTreeSet<&str> = grid.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes.len(), 34);
        assert!(grid.iter().all(|t| t.row < 8 && t.col < 8));
        for special in ["香港特别行政区", "澳门特别行政区", "台湾省"] {
            assert!(grid.iter().any(|t| t.name == special), "{special} missing");
        }
    }

    #[test]
    fn neighbours_stay_neighbours() {
        let at = |short: &str| {
            let t = grid().iter().find(|t| t.short == short).unwrap();
            (t.row, t.col)
        };
        assert_eq!(at("北京").0 + 1, at("天津").0);
        assert_eq!(at("北京").1, at("天津").1);
        assert!(at("黑龙江").0 < at("海南").0);
        assert!(at("新疆").1 < at("上海").1);
        assert_eq!(at("台湾"), (at("福建").0, at("福建").1 + 1));
    }

    #[test]
    fn finds_by_code_name_and_short_name() {
        assert_eq!(find("whatever", Some("330110")).unwrap().short, "浙江");
        assert_eq!(find("湖南省", None).unwrap().code, "43");
        assert_eq!(find("内蒙古", None).unwrap().code, "15");
        assert_eq!(find("香港特别行政区", None).unwrap().code, "81");
        assert!(find("全国性", Some("000000")).is_none());
        assert!(find("地区未明", None).is_none());
    }

    #[test]
    fn short_names() {
        assert_eq!(short_name("新疆维吾尔自治区", None), "新疆");
        assert_eq!(short_name("浙江省", Some("33")), "浙江");
        assert_eq!(short_name("全国性", Some("000000")), "全国性");
    }

    #[test]
    fn malformed_lines_are_reported() {
        assert!(parse("# c\n11\t北京市\t北京\t1\n").unwrap_err().contains("line 2"));
        assert!(parse("1x\t北京市\t北京\t1\t5\n").is_err());
        assert_eq!(parse("# only comments\n\n").unwrap(), vec![]);
    }
}
