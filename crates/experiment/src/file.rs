//! Experiment files (`testnet/experiments/*.yaml`): who bids, with which values and
//! strategies, on which chain, for how long.
//!
//! ```yaml
//! name: proportional-4-2          # defaults to the file name
//! description: The article's two-player example.
//! slots: 10000                    # rounds measured (the chain runs lookahead + 1 more)
//! seed: 1                         # value draws, random and learning strategies
//! bls: false                      # sign and verify everything (default true)
//! value_unit_gwei: 1000000        # 1 value unit = 10^6 Gwei (bids 8/9 -> 888,889 tickets)
//! validators: 64
//! order_rounds: 1                 # rounds each purchase stands in (> 1: fewer signatures)
//! chain:                          # as in testnet/devnet.yaml
//!   allocation: proportional
//!   payment: all-pay
//! builders:
//!   - id: high
//!     value: 4                    # or {uniform: {low: 2, high: 6}}, {exponential: {mean: 3}}
//!     strategy: equilibrium       # or {kind: hedge, points: 101}, ...
//!   - id: low
//!     value: 2
//!     identities: 3               # bids through 3 builders (a Sybil split)
//!     count: 1                    # copies of this entry (ids get -1, -2, ...)
//! ```
//!
//! Loading resolves defaults and checks everything (the chain config with the state
//! transition's own rules), so a bad file fails before any slot runs.

use crate::values::ValueSpec;
use anyhow::{Context, Result, bail, ensure};
use etn_mechanism::agents::StrategySpec;
use etn_mechanism::analysis::{Payment, Rule};
use etn_types::*;
use serde::{Deserialize, Deserializer};
use std::path::Path;

pub const DEFAULT_VALUE_UNIT_GWEI: u64 = 1_000_000;
pub const DEFAULT_VALIDATORS: u64 = 64;
/// Most identities one player may use (as in the analysis' Sybil checks).
pub const MAX_IDENTITIES: usize = 64;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExperimentFile {
    name: Option<String>,
    description: Option<String>,
    slots: u64,
    #[serde(default = "default_seed")]
    seed: u64,
    bls: Option<bool>,
    value_unit_gwei: Option<u64>,
    order_rounds: Option<u64>,
    validators: Option<u64>,
    /// `minimal` (8-slot epochs) or `mainnet`.
    preset: Option<String>,
    #[serde(default)]
    chain: ChainSection,
    builders: Vec<BuilderEntry>,
}

fn default_seed() -> u64 {
    1
}
fn one() -> usize {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuilderEntry {
    id: Option<String>,
    value: ValueSpec,
    #[serde(default, deserialize_with = "strategy_field")]
    strategy: Option<StrategySpec>,
    #[serde(default = "one")]
    identities: usize,
    balance: Option<Gwei>,
    #[serde(default = "one")]
    count: usize,
}

/// A bare strategy name or a `{kind: ..., ...}` map, with the map's own error message.
fn strategy_field<'de, D: Deserializer<'de>>(d: D) -> Result<Option<StrategySpec>, D::Error> {
    let value = serde_yaml_ng::Value::deserialize(d)?;
    let spec = match value.as_str() {
        Some(name) => StrategySpec::from_name(name).map_err(serde::de::Error::custom)?,
        None => StrategySpec::deserialize(value).map_err(serde::de::Error::custom)?,
    };
    Ok(Some(spec))
}

/// A checked experiment, ready to run.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub name: String,
    pub description: String,
    /// Rounds measured.
    pub slots: u64,
    pub seed: u64,
    pub bls: bool,
    pub value_unit_gwei: u64,
    pub validators: u64,
    /// `minimal` or `mainnet`: devnet mode hands it on to the devnet's config.
    pub preset: String,
    /// Consecutive rounds one purchase bids in (fast mode): each player decides its bids
    /// for that many rounds at once, and each run of equal bids is signed once as a
    /// standing order. 1 (the default) is one purchase per round; more only for players
    /// that do not learn, since they commit before seeing the rounds in between.
    pub order_rounds: u64,
    pub config: ChainConfig,
    pub players: Vec<Player>,
}

/// One economic agent: a value, a strategy, and one or more builder identities.
#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    pub id: String,
    pub value: ValueSpec,
    pub strategy: StrategySpec,
    pub identities: usize,
    /// Genesis balance of each identity, in Gwei.
    pub balance: Gwei,
}

impl Experiment {
    /// Reads and checks an experiment file; its name defaults to the file's stem.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read experiment {}", path.display()))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "experiment".into());
        Self::from_yaml(&text, &stem)
            .with_context(|| format!("invalid experiment {}", path.display()))
    }

    /// Parses and checks an experiment given as YAML text.
    pub fn from_yaml(text: &str, default_name: &str) -> Result<Self> {
        let file: ExperimentFile = serde_yaml_ng::from_str(text)?;
        resolve(file, default_name)
    }

    /// Builder balances at genesis, by builder index (a player's identities are
    /// consecutive builders, in player order).
    pub fn builder_balances(&self) -> Vec<Gwei> {
        self.players
            .iter()
            .flat_map(|p| std::iter::repeat_n(p.balance, p.identities))
            .collect()
    }

    /// The player owning each builder index.
    pub fn owners(&self) -> Vec<usize> {
        self.players
            .iter()
            .enumerate()
            .flat_map(|(i, p)| std::iter::repeat_n(i, p.identities))
            .collect()
    }

    /// The allocation rule, as the analysis names it.
    pub fn rule(&self) -> Rule {
        Rule::from(self.mechanism().allocation)
    }

    pub fn payment(&self) -> Payment {
        match self.mechanism().payment {
            PaymentRule::AllPay => Payment::AllPay,
            PaymentRule::WinnerPay => Payment::WinnerPay,
        }
    }

    pub fn mechanism(&self) -> Mechanism {
        self.config.mechanism().expect("checked when loaded")
    }

    /// The same experiment with a different length (the CLI's `--slots`).
    pub fn with_slots(mut self, slots: u64) -> Result<Self> {
        ensure!(slots >= 1, "slots must be at least 1");
        self.slots = slots;
        self.players = self
            .players
            .into_iter()
            .map(|p| Player {
                balance: default_balance(&p, slots, &self.config, self.value_unit_gwei)
                    .max(p.balance),
                ..p
            })
            .collect();
        Ok(self)
    }
}

fn chain_config(preset: Option<&str>, c: &ChainSection) -> Result<ChainConfig> {
    let config = c
        .chain_config(preset)
        .context("invalid chain configuration")?;
    let mechanism = config.mechanism()?;
    ensure!(
        mechanism.lifetime == TicketLifetime::Round,
        "experiments use the round lifetime (the article's model: one auction per slot); \
         the pool lifetime has no per-slot rounds to compare with the theory"
    );
    Ok(config)
}

/// A balance no strategy can exhaust: every measured round (plus the rounds the
/// lookahead keeps open) at the most a player could sensibly bid, its highest value or
/// its fixed bid, ignoring the payload inflow that refills it.
fn default_balance(player: &Player, slots: u64, config: &ChainConfig, unit: u64) -> Gwei {
    let bid = match player.strategy {
        StrategySpec::Fixed { bid } => bid.max(player.value.practical_max()),
        _ => player.value.practical_max(),
    };
    let rounds = slots + config.ticket_lookahead + config.round_window + 1;
    let gwei = (bid * unit as f64).ceil() * rounds as f64 * 1.1;
    gwei.clamp(1e9, 1e17) as Gwei
}

fn resolve(file: ExperimentFile, default_name: &str) -> Result<Experiment> {
    ensure!(file.slots >= 1, "slots must be at least 1");
    ensure!(
        file.slots <= 100_000_000,
        "slots must be at most 100,000,000"
    );
    ensure!(!file.builders.is_empty(), "at least one builder is needed");
    let preset = file.preset.clone().unwrap_or_else(|| "minimal".into());
    let config = chain_config(Some(&preset), &file.chain)?;
    let unit = file.value_unit_gwei.unwrap_or(DEFAULT_VALUE_UNIT_GWEI);
    ensure!(unit >= 1, "value_unit_gwei must be at least 1");
    let validators = file.validators.unwrap_or(DEFAULT_VALIDATORS);
    ensure!(
        (1..=4096).contains(&validators),
        "validators must be in 1..=4096"
    );

    let mut players = Vec::new();
    for (k, entry) in file.builders.iter().enumerate() {
        let what = || format!("builder entry {}", k + 1);
        entry
            .value
            .validate()
            .map_err(anyhow::Error::msg)
            .with_context(what)?;
        ensure!(entry.count >= 1, "{}: count must be at least 1", what());
        ensure!(
            (1..=MAX_IDENTITIES).contains(&entry.identities),
            "{}: identities must be in 1..={MAX_IDENTITIES}",
            what()
        );
        let max_gwei = entry.value.practical_max() * unit as f64;
        ensure!(
            max_gwei <= config.max_execution_inflow_per_slot as f64,
            "{}: a value of {} units is {max_gwei} Gwei, above the chain's \
             max_execution_inflow_per_slot ({}): lower value_unit_gwei or raise the limit",
            what(),
            entry.value.practical_max(),
            config.max_execution_inflow_per_slot
        );
        let strategy = entry.strategy.clone().unwrap_or(StrategySpec::Equilibrium);
        strategy
            .build(0, file.slots)
            .map_err(anyhow::Error::msg)
            .with_context(what)?;
        for copy in 0..entry.count {
            let base = entry
                .id
                .clone()
                .unwrap_or_else(|| format!("builder-{}", players.len() + 1));
            let id = if entry.count > 1 {
                format!("{base}-{}", copy + 1)
            } else {
                base
            };
            let mut player = Player {
                id,
                value: entry.value.clone(),
                strategy: strategy.clone(),
                identities: entry.identities,
                balance: 0,
            };
            player.balance = entry
                .balance
                .unwrap_or_else(|| default_balance(&player, file.slots, &config, unit));
            players.push(player);
        }
    }
    let mut ids: Vec<&str> = players.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        bail!("builder id `{}` is used twice", w[0]);
    }
    let identities: usize = players.iter().map(|p| p.identities).sum();
    ensure!(
        identities <= MAX_BIDS_PER_ROUND,
        "{identities} builder identities in total; a round holds at most {MAX_BIDS_PER_ROUND}"
    );
    let order_rounds = file.order_rounds.unwrap_or(1);
    ensure!(
        (1..=config.round_window).contains(&order_rounds),
        "order_rounds must be in 1..=round_window ({})",
        config.round_window
    );
    if let Some(p) = players.iter().find(|p| p.strategy.is_adaptive())
        && order_rounds > 1
    {
        bail!(
            "order_rounds > 1 commits bids before the rounds in between are seen, \
             which a learning player (`{}`) cannot do",
            p.id
        );
    }
    ensure!(
        identities as u64 * order_rounds <= MAX_TICKET_PURCHASES as u64,
        "{identities} builder identities may each need {order_rounds} purchase(s) in one \
         block, but a block carries at most {MAX_TICKET_PURCHASES}"
    );
    let supply: u128 = players
        .iter()
        .map(|p| u128::from(p.balance) * p.identities as u128)
        .sum::<u128>()
        + u128::from(validators) * u128::from(MAX_EFFECTIVE_BALANCE);
    ensure!(
        supply < u128::from(u64::MAX / 4),
        "the builders' balances add up to more than the chain's supply can hold; \
         give smaller `balance`s or a smaller value_unit_gwei"
    );
    Ok(Experiment {
        name: file.name.unwrap_or_else(|| default_name.to_string()),
        description: file.description.unwrap_or_default(),
        slots: file.slots,
        seed: file.seed,
        bls: file.bls.unwrap_or(true),
        value_unit_gwei: unit,
        validators,
        preset,
        config,
        players,
        order_rounds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "
slots: 100
bls: false
chain:
  allocation: proportional
builders:
  - {id: high, value: 4}
  - {id: low, value: 2, strategy: {kind: fixed, bid: 0.5}, identities: 2}
";

    #[test]
    fn loads_with_defaults() {
        let e = Experiment::from_yaml(ARTICLE, "article").unwrap();
        assert_eq!(e.name, "article");
        assert_eq!(e.value_unit_gwei, DEFAULT_VALUE_UNIT_GWEI);
        assert_eq!(e.validators, 64);
        assert_eq!(e.players.len(), 2);
        assert_eq!(e.players[0].strategy, StrategySpec::Equilibrium);
        assert_eq!(e.owners(), vec![0, 1, 1]);
        assert_eq!(e.builder_balances().len(), 3);
        assert_eq!(e.rule(), Rule::Proportional);
        assert_eq!(e.payment(), Payment::AllPay);
        // Enough for every round at the top value.
        assert!(e.players[0].balance >= 4 * DEFAULT_VALUE_UNIT_GWEI * 100);
    }

    #[test]
    fn count_replicates_entries() {
        let text = "slots: 10\nbuilders:\n  - {id: b, value: 1, count: 3}\n";
        let e = Experiment::from_yaml(text, "x").unwrap();
        let ids: Vec<_> = e.players.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["b-1", "b-2", "b-3"]);
        assert!(e.bls);
    }

    #[test]
    fn rejects_bad_files() {
        let bad = [
            ("slots: 0\nbuilders: [{value: 1}]", "slots"),
            ("slots: 5\nbuilders: []", "at least one builder"),
            ("slots: 5\nbuilders: [{value: -1}]", "value"),
            (
                "slots: 5\nbuilders: [{value: 1, strategy: dutch}]",
                "unknown strategy",
            ),
            (
                "slots: 5\nbuilders: [{value: 1, strategy: {kind: fixed}}]",
                "bid",
            ),
            (
                "slots: 5\nbuilders: [{id: a, value: 1}, {id: a, value: 2}]",
                "twice",
            ),
            (
                "slots: 5\nchain: {lifetime: pool}\nbuilders: [{value: 1}]",
                "round lifetime",
            ),
            (
                "slots: 5\nchain: {allocation: dutch}\nbuilders: [{value: 1}]",
                "allocation",
            ),
            (
                "slots: 5\nbuilders: [{value: 1, identities: 0}]",
                "identities",
            ),
            (
                "slots: 5\nbuilders: [{value: 1000000}]",
                "max_execution_inflow",
            ),
            ("slots: 5\nsurprise: 1\nbuilders: [{value: 1}]", "surprise"),
        ];
        for (text, needle) in bad {
            let err = format!("{:#}", Experiment::from_yaml(text, "x").unwrap_err());
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
