//! `report.md`: the run in words and tables, measured beside predicted.

use crate::results::Results;
use std::fmt::Write;

fn opt(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "–".into(),
    }
}

/// Relative difference in percent, or a dash.
fn rel(measured: f64, predicted: Option<f64>) -> String {
    match predicted {
        Some(p) if p.abs() > 1e-12 => format!("{:+.2}%", 100.0 * (measured - p) / p),
        _ => "–".into(),
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "**no**" }
}

pub fn render(r: &Results, plot_text: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Experiment `{}`\n", r.name);
    if !r.description.is_empty() {
        let _ = writeln!(s, "{}\n", r.description.trim());
    }
    let c = &r.chain;
    let _ = writeln!(
        s,
        "**Mode** {} ({}), **BLS** {}. {} rounds measured ({} blocks, seed {}), {} validators; \
         1 value unit = {} Gwei, and every amount below is in value units.\n",
        r.mode,
        if r.mode == "fast" {
            "the real state transition in process, no clock or network"
        } else {
            "a running devnet"
        },
        if r.bls {
            "on: every block, attestation, purchase and payload signed and verified"
        } else {
            "off: nothing signed or verified"
        },
        r.slots,
        r.blocks,
        r.seed,
        r.validators,
        r.value_unit_gwei,
    );
    let _ = writeln!(
        s,
        "**Chain** allocation {}, payment {}, pricing {} (base price {} Gwei), destination {}, \
         lookahead {} slots, {} rounds open, {}-slot epochs.\n",
        c.allocation,
        c.payment,
        c.pricing,
        c.base_ticket_price,
        c.destination,
        c.ticket_lookahead,
        c.round_window,
        c.slots_per_epoch
    );
    if r.order_rounds > 1 {
        let _ = writeln!(
            s,
            "**Orders** each purchase stands in up to {} consecutive rounds (a run of equal \
             bids is signed once), so blocks carry fewer purchases; the bids are the same.\n",
            r.order_rounds
        );
    }

    let _ = writeln!(s, "## Measured vs predicted\n");
    let _ = writeln!(
        s,
        "| builder | value | strategy | ids | wins | share | 95% CI | predicted | rule at bids | mean bid | eq. bid | utility/slot | eq. utility |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for b in &r.builders {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {:.4} | [{:.4}, {:.4}] | {} | {:.4} | {:.4} | {} | {:.4} | {} |",
            b.id,
            b.value_distribution,
            b.strategy,
            b.identities,
            b.wins,
            b.share,
            b.share_ci95[0],
            b.share_ci95[1],
            opt(b.predicted_share, 4),
            b.share_at_bids,
            b.mean_bid,
            opt(b.predicted_bid, 4),
            b.utility,
            opt(b.predicted_utility, 4),
        );
    }
    let _ = writeln!(
        s,
        "\n*share*: slots won / rounds; *predicted*: the equilibrium allocation; *rule at bids*: \
         the rule's expected share at the bids actually placed (checks the chain's sampling \
         whatever the strategies); *utility*: payload inflow minus charges per slot.\n"
    );
    let _ = writeln!(
        s,
        "- **Burn per slot** {:.4} (95% CI [{:.4}, {:.4}]), predicted revenue {} ({}).",
        r.burn_per_slot,
        r.burn_per_slot_ci95[0],
        r.burn_per_slot_ci95[1],
        opt(r.predicted_revenue, 4),
        rel(r.burn_per_slot, r.predicted_revenue)
    );
    let _ = writeln!(
        s,
        "- **Fairness** (geometric mean of shares) {:.4}, predicted {}.",
        r.fairness,
        opt(r.predicted_fairness, 4)
    );
    let _ = writeln!(
        s,
        "- Empty rounds (no builder): {}; payloads delivered {}, missed {}; finalized epoch {} at slot {}.\n",
        r.empty_rounds,
        r.accounting.delivered_payloads,
        r.accounting.missed_payloads,
        r.accounting.finalized_epoch,
        r.accounting.slot
    );

    let _ = writeln!(s, "## Checks\n");
    if r.prediction != "none" {
        for b in &r.builders {
            if let Some(p) = b.predicted_share {
                let inside = b.share_ci95[0] <= p && p <= b.share_ci95[1];
                let _ = writeln!(
                    s,
                    "- `{}`: predicted share {:.4} inside the 95% interval: {}",
                    b.id,
                    p,
                    yes(inside)
                );
            }
        }
        if let Some(p) = r.predicted_revenue {
            let within = p.abs() > 1e-12 && ((r.burn_per_slot - p) / p).abs() <= 0.02;
            let _ = writeln!(
                s,
                "- burn per slot within 2% of the equilibrium revenue: {}",
                yes(within)
            );
        }
    } else {
        let _ = writeln!(s, "- no equilibrium to compare with (see notes)");
    }
    for b in &r.builders {
        let p = b.share_at_bids;
        let inside = b.share_ci95[0] <= p && p <= b.share_ci95[1];
        let _ = writeln!(
            s,
            "- `{}`: the rule's share at the bids placed, {:.4}, inside the 95% interval: {}",
            b.id,
            p,
            yes(inside)
        );
    }
    let _ = writeln!(
        s,
        "- accounting identity (Σ balances + escrow + pool + burned = supply + inflow) at the end: {}",
        yes(r.identity_holds)
    );
    match r.balances_reconcile {
        Some(ok) => {
            let _ = writeln!(
                s,
                "- every player's balance change = its payload inflow − its charges: {}\n",
                yes(ok)
            );
        }
        None => {
            let _ = writeln!(
                s,
                "- balance reconciliation: not applicable (the builders also bid outside the \
                 measured rounds)\n"
            );
        }
    }

    let learners: Vec<_> = r
        .builders
        .iter()
        .filter(|b| b.convergence.is_some())
        .collect();
    if !learners.is_empty() {
        let _ = writeln!(s, "## Learning\n");
        let _ = writeln!(
            s,
            "Rolling-mean bid against the rolling-mean equilibrium bid; *settled* is the first \
             round from which the gap stays within the tolerance until the end.\n"
        );
        let _ = writeln!(
            s,
            "| builder | strategy | window | gap, first window | gap, last window | settled (±{:.0}%) at round |",
            100.0
                * learners[0]
                    .convergence
                    .as_ref()
                    .map_or(0.0, |c| c.tolerance)
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|");
        for b in learners {
            let c = b.convergence.as_ref().expect("filtered");
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.1}% | {:.1}% | {} |",
                b.id,
                b.strategy,
                c.window,
                100.0 * c.first_gap,
                100.0 * c.last_gap,
                c.settled_at_round
                    .map_or("never".to_string(), |t| t.to_string())
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Plots\n");
    if !plot_text {
        let _ = writeln!(
            s,
            "(No system font could be loaded: the plots carry no text. Solid lines are \
             measurements, dashed lines predictions.)\n"
        );
    }
    let _ = writeln!(s, "Cumulative share of slots won (dashed: equilibrium):\n");
    let _ = writeln!(s, "![shares](shares.svg)\n");
    let _ = writeln!(
        s,
        "Burn per slot, running mean (dashed: equilibrium revenue):\n"
    );
    let _ = writeln!(s, "![burn](burn.svg)\n");
    let _ = writeln!(s, "Bids, rolling mean (dashed: equilibrium bids):\n");
    let _ = writeln!(s, "![bids](bids.svg)\n");

    if !r.notes.is_empty() {
        let _ = writeln!(s, "## Notes\n");
        for n in &r.notes {
            let _ = writeln!(s, "- {n}");
        }
        let _ = writeln!(s);
    }
    s
}
