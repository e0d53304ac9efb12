//! `etn mechanism sybil`: can a player gain by splitting into identities, or two players
//! by pooling their tickets?

use super::equilibrium::outcome_table;
use super::input::{GameArgs, join};
use super::output::emit;
use super::table::{Table, num};
use clap::Args;
use etn_mechanism::analysis::{SybilReport, sybil_check};

/// Arguments of `etn mechanism sybil`.
#[derive(Args, Debug)]
pub struct SybilArgs {
    #[command(flatten)]
    pub game: GameArgs,
    /// Largest number of identities a player may split into.
    #[arg(long, default_value_t = 4)]
    pub max_identities: usize,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Check and print.
pub fn run(args: SybilArgs) -> anyhow::Result<()> {
    let game = args.game.game()?;
    let report = sybil_check(&game, args.max_identities)?;
    if args.json {
        emit(&(serde_json::to_string_pretty(&report)? + "\n"))?;
    } else {
        emit(&render(&report))?;
    }
    Ok(())
}

fn render(r: &SybilReport) -> String {
    let mut out = format!(
        "rule {}  alpha {}  payment {}  values {}\n\nequilibrium (everyone else's bids are held \
         at these)\n",
        r.rule.name(),
        r.alpha.map_or("-".to_string(), num),
        r.payment.name(),
        join(&r.values)
    );
    out.push_str(&outcome_table(&r.values, &r.equilibrium, "bid"));
    let mut t = Table::new(&[
        "player",
        "identities",
        "baseline utility",
        "split utility",
        "gain",
        "bid each",
    ]);
    for s in &r.splits {
        t.row(vec![
            (s.player + 1).to_string(),
            s.identities.to_string(),
            num(s.baseline_utility),
            num(s.split_utility),
            num(s.gain),
            num(s.bid_per_identity),
        ]);
    }
    out.push_str("\nsplitting into k identities (best bid per identity)\n");
    out.push_str(&t.render());
    out.push('\n');
    if !r.merges.is_empty() {
        let mut t = Table::new(&["players", "utility before", "utility pooled", "gain"]);
        for m in &r.merges {
            t.row(vec![
                format!("{}+{}", m.players[0] + 1, m.players[1] + 1),
                num(m.baseline_utility),
                num(m.merged_utility),
                num(m.gain),
            ]);
        }
        out.push_str("\npooling two players' tickets under one identity (bids unchanged)\n");
        out.push_str(&t.render());
        out.push('\n');
    }
    out.push_str(&format!(
        "\nmax split gain {}  max merge gain {}  tolerance {}\n{}\n",
        num(r.max_split_gain),
        num(r.max_merge_gain),
        num(r.tolerance),
        if r.sybil_proof {
            "sybil-proof here: no split or merge gains more than the tolerance"
        } else {
            "NOT sybil-proof here: identities are a lever under this rule"
        }
    ));
    out
}
