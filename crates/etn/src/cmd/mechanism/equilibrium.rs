//! `etn mechanism equilibrium`: every pure equilibrium of one game.

use super::input::{GameArgs, join};
use super::output::emit;
use super::table::{Table, num};
use clap::Args;
use etn_mechanism::analysis::{Outcome, Solution, solve};

/// Arguments of `etn mechanism equilibrium`.
#[derive(Args, Debug)]
pub struct EquilibriumArgs {
    #[command(flatten)]
    pub game: GameArgs,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Solve and print.
pub fn run(args: EquilibriumArgs) -> anyhow::Result<()> {
    let game = args.game.game()?;
    let solution = solve(&game);
    if args.json {
        emit(&(serde_json::to_string_pretty(&solution)? + "\n"))?;
    } else {
        emit(&render(&solution))?;
    }
    Ok(())
}

/// Human-readable report: one table per equilibrium, then the metrics.
fn render(s: &Solution) -> String {
    let mut out = String::new();
    let alpha = s.alpha.map_or("-".to_string(), num);
    out.push_str(&format!(
        "rule {}  alpha {}  payment {}  values {}\n",
        s.rule.name(),
        alpha,
        s.payment.name(),
        join(&s.values)
    ));
    if s.pure_equilibrium_exists {
        let count = s.equilibria.len();
        out.push_str(&format!(
            "{count} pure equilibri{} found{}\n",
            if count == 1 { "um" } else { "a" },
            if s.search.exhaustive {
                ""
            } else {
                " (search limited to value-ordered active sets)"
            }
        ));
    } else {
        out.push_str("no pure equilibrium\n");
    }
    for (k, eq) in s.equilibria.iter().enumerate() {
        out.push_str(&format!("\nequilibrium {}", k + 1));
        if eq.copies > 1 {
            out.push_str(&format!(
                " (and {} more by swapping equal-valued players)",
                eq.copies - 1
            ));
        }
        out.push('\n');
        out.push_str(&outcome_table(&s.values, &eq.outcome, "bid"));
        if let Some(g) = eq.max_deviation_gain {
            out.push_str(&format!("max unilateral deviation gain  {}\n", num(g)));
        }
    }
    if let Some(limit) = &s.all_pay_limit {
        out.push_str("\nreference: all-pay auction (mixed equilibrium, expected values)\n");
        out.push_str(&outcome_table(&s.values, limit, "mean bid"));
    }
    if let Some(t) = s.tick {
        out.push_str(&format!("\ntick {}\n", num(t)));
    }
    for note in &s.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// Per-player table plus the aggregate metrics of one outcome.
pub fn outcome_table(values: &[f64], o: &Outcome, bid_title: &str) -> String {
    let mut t = Table::new(&[
        "player",
        "value",
        bid_title,
        "allocation",
        "payment",
        "utility",
    ]);
    for (i, &v) in values.iter().enumerate() {
        t.row(vec![
            (i + 1).to_string(),
            num(v),
            num(o.bids[i]),
            num(o.allocations[i]),
            num(o.payments[i]),
            num(o.utilities[i]),
        ]);
    }
    format!(
        "{}\nrevenue {}  oracle accuracy {}  fairness {}  entropy {}  HHI {}\n",
        t.render(),
        num(o.revenue),
        num(o.oracle_accuracy),
        num(o.fairness),
        num(o.entropy),
        num(o.hhi)
    )
}
