//! Parsing of the arguments shared by the `etn mechanism` subcommands.
//!
//! Values are taken as one string and parsed here, not by clap, so that every bad value
//! (empty, non-numeric, NaN, negative) gets one clear message naming the culprit.

use anyhow::{Context, bail};
use clap::Args;
use etn_mechanism::analysis::{Game, Payment, Rule, validate_values};

/// `--values`, `--rule`, `--alpha`, `--payment`, `--tick`.
#[derive(Args, Debug, Clone)]
pub struct GameArgs {
    /// Allocation rule: proportional, tullock, winner-take-all, second-price or uniform.
    #[arg(long, default_value = "proportional")]
    pub rule: String,
    /// Contest exponent for `--rule tullock` (proportional is 1, uniform is 0).
    #[arg(long, allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// Payment rule: all-pay or winner-pay (default: all-pay for lotteries, winner-pay
    /// for auctions).
    #[arg(long)]
    pub payment: Option<String>,
    /// Comma-separated values of the players for the block, e.g. `4,2`.
    #[arg(long, allow_hyphen_values = true)]
    pub values: String,
    /// Smallest bid increment of the first-price auction.
    #[arg(long, allow_hyphen_values = true, default_value_t = etn_mechanism::analysis::DEFAULT_TICK)]
    pub tick: f64,
}

impl GameArgs {
    /// Validate everything and build the game.
    pub fn game(&self) -> anyhow::Result<Game> {
        let values = parse_values(&self.values)?;
        let rule = Rule::from_name(&self.rule, self.alpha)?;
        if matches!(rule, Rule::Tullock { .. }) && self.alpha.is_none() {
            bail!("--rule tullock needs --alpha A (A >= 0)");
        }
        let payment = parse_payment(self.payment.as_deref())?;
        Ok(Game::new(values, rule, payment)?.with_tick(self.tick)?)
    }
}

/// Parse `4,2,1.5` into values, rejecting anything that is not a finite number >= 0.
pub fn parse_values(text: &str) -> anyhow::Result<Vec<f64>> {
    if text.trim().is_empty() {
        bail!("--values is empty: give comma-separated numbers, e.g. --values 4,2");
    }
    let values = text
        .split(',')
        .enumerate()
        .map(|(i, tok)| {
            let tok = tok.trim();
            if tok.is_empty() {
                bail!("--values: entry {} is empty (stray comma?)", i + 1);
            }
            tok.parse::<f64>()
                .with_context(|| format!("--values: '{tok}' (entry {}) is not a number", i + 1))
        })
        .collect::<anyhow::Result<Vec<f64>>>()?;
    validate_values(&values)?;
    Ok(values)
}

/// Parse an optional payment name.
pub fn parse_payment(text: Option<&str>) -> anyhow::Result<Option<Payment>> {
    Ok(match text {
        Some(t) => Some(t.parse::<Payment>()?),
        None => None,
    })
}

/// Compact rendering of a number list, e.g. `4,2`.
pub fn join(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| format!("{x}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_and_reject() {
        assert_eq!(parse_values("4, 2").unwrap(), vec![4.0, 2.0]);
        for bad in ["", "4,,2", "4,x", "nan,1", "-1,2", "inf,2", "0,0"] {
            assert!(parse_values(bad).is_err(), "{bad}");
        }
    }
}
