//! Revenue-vs-fairness plot of a frontier sweep, as PNG and SVG.
//!
//! Text needs a system font (plotters' `ttf` feature goes through fontconfig). If none can
//! be loaded, the plot is redrawn without any text (axes, grid, curve and markers only)
//! rather than failing, and the caller is told so.

use anyhow::anyhow;
use etn_mechanism::analysis::{Frontier, Outcome};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

const SIZE: (u32, u32) = (1100, 760);
const CURVE: RGBColor = RGBColor(31, 119, 180);
const PROPORTIONAL: RGBColor = RGBColor(214, 39, 40);
const WTA: RGBColor = RGBColor(0, 0, 0);
const UNIFORM: RGBColor = RGBColor(44, 160, 44);
const ALL_PAY: RGBColor = RGBColor(148, 103, 189);
const BOUNDARY: RGBColor = RGBColor(255, 127, 14);

/// Write the PNG; returns whether text could be drawn.
pub fn write_png(f: &Frontier, path: &Path) -> anyhow::Result<bool> {
    with_fallback(|text| {
        let root = BitMapBackend::new(path, SIZE).into_drawing_area();
        draw(&root, f, text)?;
        root.present().map_err(|e| anyhow!("{e}"))
    })
    .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

/// Write the SVG; returns whether text could be drawn.
pub fn write_svg(f: &Frontier, path: &Path) -> anyhow::Result<bool> {
    with_fallback(|text| {
        let root = SVGBackend::new(path, SIZE).into_drawing_area();
        draw(&root, f, text)?;
        root.present().map_err(|e| anyhow!("{e}"))
    })
    .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

/// Draw with text; on any error (or a panic inside the font stack) draw without.
fn with_fallback(render: impl Fn(bool) -> anyhow::Result<()>) -> anyhow::Result<bool> {
    match catch_unwind(AssertUnwindSafe(|| render(true))) {
        Ok(Ok(())) => Ok(true),
        _ => render(false).map(|_| false),
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &Frontier,
    text: bool,
) -> anyhow::Result<()> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("{e}");
    root.fill(&WHITE).map_err(err)?;
    // Axis ranges cover every point and reference with some headroom.
    let mut all: Vec<&Outcome> = f.points.iter().flat_map(|p| &p.equilibria).collect();
    all.extend(f.references.iter().map(|r| &r.outcome));
    let x_max = all.iter().map(|o| o.fairness).fold(0.0, f64::max).max(1e-3) * 1.12;
    let y_max = all.iter().map(|o| o.revenue).fold(0.0, f64::max).max(1e-9) * 1.12;
    // A little room below zero so markers on the axes are not clipped.
    let (x_min, y_min) = (-0.025 * x_max, -0.03 * y_max);

    let mut builder = ChartBuilder::on(root);
    builder.margin(24);
    if text {
        builder
            .caption(
                format!(
                    "Revenue vs fairness, values ({}), Tullock α in [{}, {}], {}",
                    f.values
                        .iter()
                        .map(|v| format!("{v}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    f.points.first().map_or(0.0, |p| p.alpha),
                    f.points.last().map_or(0.0, |p| p.alpha),
                    f.payment.name()
                ),
                ("sans-serif", 24),
            )
            .x_label_area_size(55)
            .y_label_area_size(75);
    }
    let mut chart = builder
        .build_cartesian_2d(x_min..x_max, y_min..y_max)
        .map_err(err)?;
    if text {
        chart
            .configure_mesh()
            .x_desc("fairness (geometric mean of allocations)")
            .y_desc("revenue (expected payments)")
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(err)?;
    } else {
        // Frame and a 10x10 grid drawn as plain lines: no font involved.
        let grey = RGBColor(220, 220, 220);
        for k in 0..=10 {
            let x = x_max * k as f64 / 10.0;
            let y = y_max * k as f64 / 10.0;
            let style = if k == 0 || k == 10 { BLACK } else { grey };
            chart
                .draw_series(LineSeries::new([(x, y_min), (x, y_max)], style))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new([(x_min, y), (x_max, y)], style))
                .map_err(err)?;
        }
    }

    // The sweep: one line per run of alphas with a pure equilibrium.
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for p in &f.points {
        match p.equilibria.first() {
            Some(o) => {
                if !open {
                    segments.push(Vec::new());
                    open = true;
                }
                if let Some(seg) = segments.last_mut() {
                    seg.push((o.fairness, o.revenue));
                }
            }
            None => open = false,
        }
    }
    for (k, seg) in segments.iter().enumerate() {
        let series = chart
            .draw_series(LineSeries::new(seg.clone(), CURVE.stroke_width(3)))
            .map_err(err)?;
        if text && k == 0 {
            series
                .label("Tullock contest, pure equilibria over α")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], CURVE.stroke_width(3))
                });
        }
    }
    let dots = f
        .points
        .iter()
        .flat_map(|p| &p.equilibria)
        .map(|o| Circle::new((o.fairness, o.revenue), 3, CURVE.filled()));
    chart.draw_series(dots).map_err(err)?;

    if text {
        // Label the curve at every half-integer alpha.
        for p in &f.points {
            let half = (p.alpha * 2.0).round();
            if (p.alpha * 2.0 - half).abs() < 1e-9
                && let Some(o) = p.equilibria.first()
            {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((o.fairness, o.revenue))
                            + Text::new(
                                format!("α={}", half / 2.0),
                                (-62, -6),
                                ("sans-serif", 15).into_font().color(&CURVE),
                            ),
                    ))
                    .map_err(err)?;
            }
        }
    }

    // Where pure equilibria stop or start: the sweep point next to each boundary.
    for b in &f.boundaries {
        let near = if b.exists_below {
            f.points
                .iter()
                .rev()
                .find(|p| p.alpha < b.alpha && !p.equilibria.is_empty())
        } else {
            f.points
                .iter()
                .find(|p| p.alpha > b.alpha && !p.equilibria.is_empty())
        };
        if let Some(o) = near.and_then(|p| p.equilibria.first()) {
            let series = chart
                .draw_series(std::iter::once(Cross::new(
                    (o.fairness, o.revenue),
                    12,
                    BOUNDARY.stroke_width(4),
                )))
                .map_err(err)?;
            if text {
                let what = if b.exists_below { "end" } else { "start" };
                series
                    .label(format!("pure equilibria {what} at α ≈ {:.4}", b.alpha))
                    .legend(|(x, y)| Cross::new((x + 10, y), 6, BOUNDARY.stroke_width(3)));
            }
        }
    }

    // Reference rules.
    for r in &f.references {
        let (color, label) = match r.name.as_str() {
            "proportional" => (PROPORTIONAL, "proportional (α = 1)"),
            "winner-take-all" => (WTA, "winner-take-all (first price)"),
            "uniform" => (UNIFORM, "uniform (α = 0)"),
            "all-pay-auction" => (ALL_PAY, "all-pay auction (α → ∞ reference, mixed)"),
            _ => continue, // second price coincides with winner-take-all
        };
        let at = (r.outcome.fairness, r.outcome.revenue);
        match r.name.as_str() {
            "winner-take-all" => {
                let series = chart
                    .draw_series(std::iter::once(TriangleMarker::new(at, 12, color.filled())))
                    .map_err(err)?;
                if text {
                    series
                        .label(label)
                        .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 7, color.filled()));
                }
            }
            "all-pay-auction" => {
                let series = chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(at) + Rectangle::new([(-8, -8), (8, 8)], color.filled()),
                    ))
                    .map_err(err)?;
                if text {
                    series.label(label).legend(move |(x, y)| {
                        Rectangle::new([(x + 4, y - 6), (x + 16, y + 6)], color.filled())
                    });
                }
            }
            _ => {
                let series = chart
                    .draw_series(std::iter::once(Circle::new(at, 9, color.filled())))
                    .map_err(err)?;
                if text {
                    series
                        .label(label)
                        .legend(move |(x, y)| Circle::new((x + 10, y), 6, color.filled()));
                }
            }
        }
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 16))
            .draw()
            .map_err(err)?;
    }
    Ok(())
}
