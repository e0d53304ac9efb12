//! `etn mechanism frontier`: sweep alpha, write `frontier.csv`, `frontier.png` and
//! `frontier.svg`, and print a summary.

use super::input::{join, parse_payment, parse_values};
use super::output::emit;
use super::plot;
use super::table::{Table, num};
use anyhow::Context;
use clap::Args;
use etn_mechanism::analysis::{Frontier, Outcome, Payment, frontier};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `etn mechanism frontier`.
#[derive(Args, Debug)]
pub struct FrontierArgs {
    /// Comma-separated values of the players, e.g. `4,2`.
    #[arg(long, allow_hyphen_values = true)]
    pub values: String,
    /// Payment rule of the contests: all-pay (default) or winner-pay.
    #[arg(long)]
    pub payment: Option<String>,
    /// Smallest alpha of the sweep.
    #[arg(long, allow_hyphen_values = true, default_value_t = 0.0)]
    pub alpha_min: f64,
    /// Largest alpha of the sweep.
    #[arg(long, allow_hyphen_values = true, default_value_t = 3.0)]
    pub alpha_max: f64,
    /// Number of evenly spaced alphas, ends included.
    #[arg(long, default_value_t = 61)]
    pub steps: usize,
    /// Directory for frontier.csv, frontier.png and frontier.svg (created if missing).
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Print the whole sweep as one JSON object instead of the summary table.
    #[arg(long)]
    pub json: bool,
}

/// Sweep, write the files, print the summary.
pub fn run(args: FrontierArgs) -> anyhow::Result<()> {
    let values = parse_values(&args.values)?;
    let payment = parse_payment(args.payment.as_deref())?.unwrap_or(Payment::AllPay);
    let f = frontier(&values, payment, args.alpha_min, args.alpha_max, args.steps)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create output directory {}", args.out.display()))?;
    let csv = args.out.join("frontier.csv");
    std::fs::write(&csv, to_csv(&f)).with_context(|| format!("cannot write {}", csv.display()))?;
    let png = args.out.join("frontier.png");
    let svg = args.out.join("frontier.svg");
    let png_text = plot::write_png(&f, &png)?;
    let svg_text = plot::write_svg(&f, &svg)?;
    if args.json {
        emit(&(serde_json::to_string_pretty(&f)? + "\n"))?;
        return Ok(());
    }
    let mut text = summary(&f);
    text.push_str(&format!("\nwrote {}\n", csv.display()));
    for (path, drawn_text) in [(&png, png_text), (&svg, svg_text)] {
        text.push_str(&format!(
            "wrote {}{}\n",
            path.display(),
            if drawn_text {
                ""
            } else {
                " (no usable font: drawn without text)"
            }
        ));
    }
    emit(&text)?;
    Ok(())
}

/// One CSV row per equilibrium (kind `tullock`), per alpha without one (`none`, with the
/// all-pay reference if any in `all-pay-limit` rows), per boundary and per reference rule.
pub fn to_csv(f: &Frontier) -> String {
    let mut out = String::from(
        "kind,name,alpha,equilibrium,pure_equilibrium_exists,revenue,fairness,oracle_accuracy,\
         entropy,hhi,bids,allocations\n",
    );
    let row = |out: &mut String,
               kind: &str,
               name: &str,
               alpha: &str,
               k: &str,
               e: bool,
               o: Option<&Outcome>| {
        let m = |g: fn(&Outcome) -> f64| o.map_or(String::new(), |o| format!("{}", g(o)));
        let list = |g: fn(&Outcome) -> &Vec<f64>| {
            o.map_or(String::new(), |o| {
                g(o).iter()
                    .map(|x| format!("{x}"))
                    .collect::<Vec<_>>()
                    .join(";")
            })
        };
        let _ = writeln!(
            out,
            "{kind},{name},{alpha},{k},{e},{},{},{},{},{},{},{}",
            m(|o| o.revenue),
            m(|o| o.fairness),
            m(|o| o.oracle_accuracy),
            m(|o| o.entropy),
            m(|o| o.hhi),
            list(|o| &o.bids),
            list(|o| &o.allocations),
        );
    };
    for p in &f.points {
        let a = format!("{}", p.alpha);
        if p.equilibria.is_empty() {
            row(&mut out, "none", "tullock", &a, "", false, None);
        }
        for (k, o) in p.equilibria.iter().enumerate() {
            row(
                &mut out,
                "tullock",
                "tullock",
                &a,
                &(k + 1).to_string(),
                true,
                Some(o),
            );
        }
        if let Some(o) = &p.all_pay_limit {
            row(
                &mut out,
                "all-pay-limit",
                "all-pay-auction",
                &a,
                "",
                false,
                Some(o),
            );
        }
    }
    for b in &f.boundaries {
        row(
            &mut out,
            "boundary",
            if b.exists_below {
                "pure-ends"
            } else {
                "pure-starts"
            },
            &format!("{}", b.alpha),
            "",
            b.exists_below,
            None,
        );
    }
    for r in &f.references {
        let alpha = match r.name.as_str() {
            "uniform" => "0",
            "proportional" => "1",
            _ => "",
        };
        row(
            &mut out,
            "reference",
            &r.name,
            alpha,
            "1",
            r.name != "all-pay-auction",
            Some(&r.outcome),
        );
    }
    out
}

fn summary(f: &Frontier) -> String {
    let mut out = format!(
        "Tullock alpha sweep, values {}, payment {}\n",
        join(&f.values),
        f.payment.name()
    );
    let mut t = Table::new(&["alpha", "pure eq", "revenue", "fairness", "oracle acc."]);
    let stride = (f.points.len() / 20).max(1);
    for (i, p) in f.points.iter().enumerate() {
        if i % stride != 0 && i + 1 != f.points.len() {
            continue;
        }
        let first = p.equilibria.first();
        t.row(vec![
            num(p.alpha),
            if p.equilibria.len() > 1 {
                format!("{}", p.equilibria.len())
            } else if first.is_some() {
                "yes".into()
            } else {
                "none".into()
            },
            first.map_or("-".into(), |o| num(o.revenue)),
            first.map_or("-".into(), |o| num(o.fairness)),
            first.map_or("-".into(), |o| num(o.oracle_accuracy)),
        ]);
    }
    out.push_str(&t.render());
    out.push('\n');
    for b in &f.boundaries {
        out.push_str(&format!(
            "pure equilibria {} at alpha = {}\n",
            if b.exists_below {
                "stop existing"
            } else {
                "start existing"
            },
            num(b.alpha)
        ));
    }
    let mut t = Table::new(&["reference", "revenue", "fairness", "oracle acc."]);
    for r in &f.references {
        t.row(vec![
            r.name.clone(),
            num(r.outcome.revenue),
            num(r.outcome.fairness),
            num(r.outcome.oracle_accuracy),
        ]);
    }
    out.push('\n');
    out.push_str(&t.render());
    out.push('\n');
    out
}
