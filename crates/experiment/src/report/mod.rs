//! The report folder of a run: `report.md` for people, `results.json` for tools, and
//! plots (PNG and SVG) of cumulative shares, burn and bids over the rounds.

mod chart;
mod index;
mod markdown;

pub use index::write_index;

use crate::driver::Run;
use crate::file::Experiment;
use crate::predict::Prediction;
use crate::results::{Results, convergence_window};
use crate::stats::{rolling_mean, running_mean};
use anyhow::{Context, Result};
use chart::{Chart, Line, PALETTE, thin};
use plotters::style::RGBColor;
use std::path::{Path, PathBuf};

/// Most points per plotted line (keeps SVGs small enough to commit).
const MAX_POINTS: usize = 800;
/// Above this many players the legend names one measured line, not every one.
const MAX_LEGEND_PLAYERS: usize = 6;

/// What was written.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// False if no font could be loaded and the plots carry no text.
    pub plot_text: bool,
}

/// Writes the report folder `dir` (created if needed; files in it are replaced).
pub fn write_report(
    dir: &Path,
    experiment: &Experiment,
    run: &Run,
    prediction: &Prediction,
    results: &Results,
) -> Result<ReportFiles> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files = Vec::new();
    let mut plot_text = true;
    for (stem, chart) in charts(experiment, run, prediction) {
        plot_text &= chart.write(dir, stem)?;
        files.push(dir.join(format!("{stem}.png")));
        files.push(dir.join(format!("{stem}.svg")));
    }
    let json = dir.join("results.json");
    let text = serde_json::to_string_pretty(results)? + "\n";
    std::fs::write(&json, text).with_context(|| format!("cannot write {}", json.display()))?;
    files.push(json);
    let md = dir.join("report.md");
    std::fs::write(&md, markdown::render(results, plot_text))
        .with_context(|| format!("cannot write {}", md.display()))?;
    files.push(md);
    Ok(ReportFiles {
        dir: dir.to_path_buf(),
        files,
        plot_text,
    })
}

fn color(i: usize) -> plotters::style::RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn charts(
    experiment: &Experiment,
    run: &Run,
    prediction: &Prediction,
) -> Vec<(&'static str, Chart)> {
    let unit = experiment.value_unit_gwei as f64;
    let n = run.rounds.len();
    let have = prediction.kind != "none";
    let rounds_axis = "round (slot since the first measured one)".to_string();
    let flat = |y: f64| vec![(1.0, y), (n.max(2) as f64, y)];
    let name = &experiment.name;

    // Cumulative share of every player, predictions dashed. With many players the
    // legend names the first only, and equal predictions are drawn (and named) once.
    let many = experiment.players.len() > MAX_LEGEND_PLAYERS;
    let measured_label = |i: usize, id: &str, what: &str| match (many, i) {
        (false, _) => format!("{id} ({what})"),
        (true, 0) => format!("each builder ({what}), one line each"),
        (true, _) => String::new(),
    };
    let mut drawn: Vec<f64> = Vec::new();
    let mut fresh = |y: f64| {
        let new = !many || !drawn.iter().any(|d| (d - y).abs() < 1e-9);
        drawn.push(y);
        new
    };
    let mut shares = Vec::new();
    for (i, p) in experiment.players.iter().enumerate() {
        let wins: Vec<f64> = run
            .rounds
            .iter()
            .map(|r| f64::from(u8::from(r.winner == Some(i))))
            .collect();
        shares.push(Line {
            label: measured_label(i, &p.id, "measured"),
            color: color(i),
            points: thin(&running_mean(&wins), MAX_POINTS),
            dashed: false,
        });
        if have && fresh(prediction.shares[i]) {
            shares.push(Line {
                label: if many {
                    format!("equilibrium {:.4}", prediction.shares[i])
                } else {
                    format!("{} equilibrium {:.4}", p.id, prediction.shares[i])
                },
                color: if many { RGBColor(0, 0, 0) } else { color(i) },
                points: flat(prediction.shares[i]),
                dashed: true,
            });
        }
    }

    // Burn per slot: running mean, with the equilibrium revenue.
    let burns: Vec<f64> = run.rounds.iter().map(|r| r.revenue as f64 / unit).collect();
    let mut burn = vec![Line {
        label: "burn per slot, running mean".into(),
        color: PALETTE[0],
        points: thin(&running_mean(&burns), MAX_POINTS),
        dashed: false,
    }];
    if have {
        burn.push(Line {
            label: format!("equilibrium revenue {:.4}", prediction.revenue),
            color: PALETTE[1],
            points: flat(prediction.revenue),
            dashed: true,
        });
    }

    // Bids: rolling means, with the (rolling-mean) equilibrium bids.
    let window = convergence_window(n);
    let mut bids = Vec::new();
    let mut drawn_bids: Vec<f64> = Vec::new();
    for (i, p) in experiment.players.iter().enumerate() {
        let b: Vec<f64> = run.rounds.iter().map(|r| r.paid[i] as f64 / unit).collect();
        bids.push(Line {
            label: measured_label(i, &p.id, p.strategy.name()),
            color: color(i),
            points: thin(&rolling_mean(&b, window), MAX_POINTS),
            dashed: false,
        });
        if have {
            let mean = prediction.bids[i];
            if many && drawn_bids.iter().any(|d| (d - mean).abs() < 1e-9) {
                continue;
            }
            drawn_bids.push(mean);
            let t: Vec<f64> = prediction.round_bids.iter().map(|b| b[i]).collect();
            bids.push(Line {
                label: if many {
                    format!("equilibrium bid {mean:.4}")
                } else {
                    format!("{} equilibrium", p.id)
                },
                color: if many { RGBColor(0, 0, 0) } else { color(i) },
                points: thin(&rolling_mean(&t, window), MAX_POINTS),
                dashed: true,
            });
        }
    }

    vec![
        (
            "shares",
            Chart {
                title: format!("{name}: cumulative share of slots won"),
                x_label: rounds_axis.clone(),
                y_label: "share of slots won so far".into(),
                lines: shares,
            },
        ),
        (
            "burn",
            Chart {
                title: format!("{name}: protocol revenue (burn) per slot"),
                x_label: rounds_axis.clone(),
                y_label: "value units per slot".into(),
                lines: burn,
            },
        ),
        (
            "bids",
            Chart {
                title: format!("{name}: bids ({window}-round rolling mean)"),
                x_label: rounds_axis,
                y_label: "bid, value units".into(),
                lines: bids,
            },
        ),
    ]
}
