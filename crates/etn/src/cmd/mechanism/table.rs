//! Plain-text tables for terminal output.

/// A table with a header row; columns are right-aligned to their widest cell.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given column titles.
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Append a row (missing cells are left blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Render with two spaces between columns.
    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut width = vec![0usize; cols];
        for r in std::iter::once(&self.header).chain(&self.rows) {
            for (c, cell) in r.iter().enumerate().take(cols) {
                width[c] = width[c].max(cell.chars().count());
            }
        }
        let line = |r: &Vec<String>| {
            (0..cols)
                .map(|c| {
                    let cell = r.get(c).map(String::as_str).unwrap_or("");
                    format!("{cell:>w$}", w = width[c])
                })
                .collect::<Vec<_>>()
                .join("  ")
        };
        let mut out = line(&self.header);
        out.push('\n');
        out.push_str(&"-".repeat(width.iter().sum::<usize>() + 2 * cols.saturating_sub(1)));
        for r in &self.rows {
            out.push('\n');
            out.push_str(&line(r));
        }
        out
    }
}

/// A number with up to 6 decimals and no trailing zeros; rounding noise below 1e-12 is
/// shown as 0 (the JSON output keeps every digit).
pub fn num(x: f64) -> String {
    if x.abs() < 1e-12 {
        return "0".to_string();
    }
    if x.abs() >= 1e-4 && x.abs() < 1e12 {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        }
    } else {
        format!("{x:.4e}")
    }
}
