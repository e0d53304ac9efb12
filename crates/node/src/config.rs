//! The YAML configuration of a chain and its devnet (`testnet/*.yaml`), in readable names.
//!
//! Every field is optional and falls back to the preset; the chain section is validated
//! with the same rules the state transition applies, so a bad file fails at load time
//! with a message naming the field, not later inside a node.

use anyhow::{Context, Result, bail};
use etn_mechanism::agents::StrategySpec;
use etn_types::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Default balance of a builder without one: 1,000 ETH in Gwei.
pub const DEFAULT_BUILDER_BALANCE: Gwei = 1_000_000_000_000;
pub const DEFAULT_VALIDATORS: u64 = 64;
pub const DEFAULT_BUILDERS: usize = 4;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `minimal` (8-slot epochs) or `mainnet` (32-slot epochs).
    pub preset: Option<String>,
    #[serde(default)]
    pub chain: ChainSection,
    #[serde(default)]
    pub genesis: GenesisSection,
    #[serde(default)]
    pub devnet: DevnetSection,
}

/// How `etn devnet` lays out its nodes on this machine.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevnetSection {
    pub nodes: Option<usize>,
    /// Node `i` listens for peers on `base_p2p_port + i`.
    pub base_p2p_port: Option<u16>,
    /// Node `i` serves its HTTP API on `base_api_port + i`.
    pub base_api_port: Option<u16>,
    /// Gwei per value unit of the builders' `value`s.
    pub value_unit_gwei: Option<u64>,
    /// Seconds between creating the genesis and slot 0 (time for the nodes to start).
    pub start_delay_seconds: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisSection {
    pub validators: Option<u64>,
    pub genesis_time: Option<u64>,
    pub builders: Option<Vec<BuilderEntry>>,
}

/// One builder player: its balance (per identity), its value for a slot, how it bids,
/// through how many identities (a Sybil split), and whether it skips its payloads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuilderEntry {
    pub balance: Option<Gwei>,
    /// Value for a slot, in value units (default 1).
    pub value: Option<f64>,
    /// A strategy as `etn_mechanism::agents::StrategySpec` reads it (default: the
    /// equilibrium bid for the chain's rule).
    pub strategy: Option<serde_yaml_ng::Value>,
    /// Builder identities the player bids through (default 1).
    pub identities: Option<usize>,
    /// Wins slots but never publishes their payloads.
    pub absent: Option<bool>,
}

impl BuilderEntry {
    /// The player's strategy (the equilibrium bid when none is given).
    pub fn strategy_spec(&self) -> Result<StrategySpec> {
        match &self.strategy {
            None => Ok(StrategySpec::Equilibrium),
            Some(serde_yaml_ng::Value::String(name)) => Ok(StrategySpec::from_name(name)?),
            Some(value) => serde_yaml_ng::from_value(value.clone())
                .context("invalid builder strategy (a name, or a map with `kind`)"),
        }
    }

    /// The player's value for a slot, in value units.
    pub fn value(&self) -> Result<f64> {
        let value = self.value.unwrap_or(1.0);
        if !value.is_finite() || value < 0.0 {
            bail!("a builder's value must be a finite non-negative number, not {value}");
        }
        Ok(value)
    }
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        serde_yaml_ng::from_str(&text).with_context(|| format!("invalid config {}", path.display()))
    }

    /// The chain config this file describes, checked.
    pub fn chain_config(&self) -> Result<ChainConfig> {
        self.chain
            .chain_config(self.preset.as_deref())
            .context("invalid chain configuration")
    }

    pub fn validator_count(&self) -> u64 {
        self.genesis.validators.unwrap_or(DEFAULT_VALIDATORS)
    }

    /// The builder players (the default: four players of value 1).
    pub fn players(&self) -> Vec<BuilderEntry> {
        match &self.genesis.builders {
            Some(builders) => builders.clone(),
            None => vec![BuilderEntry::default(); DEFAULT_BUILDERS],
        }
    }

    /// Balances of every builder identity, players' identities in order.
    pub fn builder_balances(&self) -> Vec<Gwei> {
        self.players()
            .iter()
            .flat_map(|p| {
                let balance = p.balance.unwrap_or(DEFAULT_BUILDER_BALANCE);
                std::iter::repeat_n(balance, p.identities.unwrap_or(1).max(1))
            })
            .collect()
    }

    /// Checks every builder player's value and strategy, naming the first bad one.
    pub fn check_players(&self) -> Result<()> {
        for (i, player) in self.players().iter().enumerate() {
            player
                .value()
                .and_then(|_| player.strategy_spec())
                .and_then(|spec| Ok(spec.build(0, 1)?))
                .with_context(|| format!("genesis.builders[{i}]"))?;
            if player.identities == Some(0) {
                bail!("genesis.builders[{i}]: identities must be at least 1");
            }
        }
        Ok(())
    }

    /// The player owning each builder identity.
    pub fn identity_owners(&self) -> Vec<usize> {
        self.players()
            .iter()
            .enumerate()
            .flat_map(|(player, p)| std::iter::repeat_n(player, p.identities.unwrap_or(1).max(1)))
            .collect()
    }
}

/// Readable names of a config's mechanism, for summaries and logs.
pub fn describe_mechanism(config: &ChainConfig) -> serde_json::Value {
    match config.mechanism() {
        Ok(m) => serde_json::json!({
            "allocation": m.allocation.to_string(),
            "payment": m.payment.name(),
            "lifetime": m.lifetime.name(),
            "pricing": m.pricing.name(),
            "destination": m.destination.name(),
            "sell_back": m.sell_back,
            "ticket_lookahead": config.ticket_lookahead,
            "round_window": config.round_window,
            "base_ticket_price": config.base_ticket_price,
        }),
        Err(e) => serde_json::json!({ "invalid": e.to_string() }),
    }
}
