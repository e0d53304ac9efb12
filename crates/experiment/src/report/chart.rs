//! A small line chart (measured series solid, predictions dashed) as PNG and SVG.
//!
//! Text needs a system font (plotters' `ttf` feature goes through fontconfig). As in
//! `etn mechanism frontier`, if none can be loaded the chart is redrawn without any
//! text (frame, grid and lines only) rather than failing, and the caller is told so.

use anyhow::anyhow;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const SIZE: (u32, u32) = (1000, 620);

/// Colours for players, in order (matplotlib's tab10).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub struct Line {
    /// Legend text; empty lines stay out of the legend (many builders, one entry).
    pub label: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Predictions are dashed, measurements solid.
    pub dashed: bool,
}

pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub lines: Vec<Line>,
}

impl Chart {
    /// Writes `<stem>.png` and `<stem>.svg` into `dir`; returns whether text was drawn.
    pub fn write(&self, dir: &Path, stem: &str) -> anyhow::Result<bool> {
        let png = dir.join(format!("{stem}.png"));
        let svg = dir.join(format!("{stem}.svg"));
        let a = with_fallback(|text| {
            let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
            self.draw(&root, text)?;
            root.present().map_err(|e| anyhow!("{e}"))
        })
        .map_err(|e| anyhow!("cannot write {}: {e}", png.display()))?;
        let b = with_fallback(|text| {
            let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
            self.draw(&root, text)?;
            root.present().map_err(|e| anyhow!("{e}"))
        })
        .map_err(|e| anyhow!("cannot write {}: {e}", svg.display()))?;
        Ok(a && b)
    }

    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let pts = self.lines.iter().flat_map(|l| &l.points);
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in pts.filter(|(x, y)| x.is_finite() && y.is_finite()) {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if x0 > x1 {
            return ((0.0, 1.0), (0.0, 1.0));
        }
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        // Values and shares are never negative: start the axis at zero. The headroom on
        // top keeps the legend (upper right, one row per line) clear of the data.
        let y0 = y0.min(0.0);
        let span = (y1 - y0).max(1e-9);
        let rows = self.lines.iter().filter(|l| !l.label.is_empty()).count() as f64;
        let headroom = (0.06 + rows * 24.0 / 500.0).min(1.5);
        ((x0, x1), (y0 - 0.02 * span, y1 + headroom * span))
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: bool,
    ) -> anyhow::Result<()> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("{e}");
        root.fill(&WHITE).map_err(err)?;
        let ((x0, x1), (y0, y1)) = self.ranges();
        let mut builder = ChartBuilder::on(root);
        builder.margin(20);
        if text {
            builder
                .caption(&self.title, ("sans-serif", 22))
                .x_label_area_size(50)
                .y_label_area_size(70);
        }
        let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(err)?;
        if text {
            chart
                .configure_mesh()
                .x_desc(&self.x_label)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_desc(&self.y_label)
                .label_style(("sans-serif", 15))
                .axis_desc_style(("sans-serif", 17))
                .draw()
                .map_err(err)?;
        } else {
            let grey = RGBColor(220, 220, 220);
            for k in 0..=10 {
                let x = x0 + (x1 - x0) * k as f64 / 10.0;
                let y = y0 + (y1 - y0) * k as f64 / 10.0;
                let style = if k == 0 || k == 10 { BLACK } else { grey };
                chart
                    .draw_series(LineSeries::new([(x, y0), (x, y1)], style))
                    .map_err(err)?;
                chart
                    .draw_series(LineSeries::new([(x0, y), (x1, y)], style))
                    .map_err(err)?;
            }
        }
        for line in &self.lines {
            let color = line.color;
            let points = line
                .points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite());
            let annotation = if line.dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        points.collect::<Vec<_>>(),
                        10,
                        6,
                        color.stroke_width(2),
                    ))
                    .map_err(err)?
            } else {
                chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))
                    .map_err(err)?
            };
            if text && !line.label.is_empty() {
                let dashed = line.dashed;
                annotation.label(&line.label).legend(move |(x, y)| {
                    if dashed {
                        PathElement::new(vec![(x, y), (x + 8, y)], color.stroke_width(2))
                    } else {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    }
                });
            }
        }
        if text {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(err)?;
        }
        Ok(())
    }
}

/// Draw with text; on any error (or a panic inside the font stack) draw without.
fn with_fallback(render: impl Fn(bool) -> anyhow::Result<()>) -> anyhow::Result<bool> {
    match catch_unwind(AssertUnwindSafe(|| render(true))) {
        Ok(Ok(())) => Ok(true),
        _ => render(false).map(|_| false),
    }
}

/// At most `max` points of a series indexed by round (1-based x), evenly spaced and
/// always including the last: enough for a plot, small enough for an SVG to commit.
pub fn thin(ys: &[f64], max: usize) -> Vec<(f64, f64)> {
    if ys.is_empty() {
        return vec![];
    }
    let step = ys.len().div_ceil(max.max(1)).max(1);
    let mut out: Vec<(f64, f64)> = ys
        .iter()
        .enumerate()
        .step_by(step)
        .map(|(t, y)| ((t + 1) as f64, *y))
        .collect();
    let last = ys.len() - 1;
    if !last.is_multiple_of(step) {
        out.push(((last + 1) as f64, ys[last]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_ends() {
        let ys: Vec<f64> = (0..10_000).map(|i| i as f64).collect();
        let t = thin(&ys, 1000);
        assert!(t.len() <= 1001);
        assert_eq!(t.first(), Some(&(1.0, 0.0)));
        assert_eq!(t.last(), Some(&(10_000.0, 9_999.0)));
        assert_eq!(thin(&[1.0, 2.0], 1000), vec![(1.0, 1.0), (2.0, 2.0)]);
    }
}
