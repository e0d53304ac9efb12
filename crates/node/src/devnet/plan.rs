//! The layout of a local devnet: which node runs which validators and builders, on which
//! ports. Written to `<datadir>/devnet.json` when the devnet is created, so `--resume`
//! restarts exactly the same nodes on the same data.

use crate::config::ConfigFile;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const PLAN_FILE: &str = "devnet.json";
pub const GENESIS_FILE: &str = "genesis.ssz";
pub const CONFIG_FILE: &str = "config.yaml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodePlan {
    pub index: usize,
    pub p2p_port: u16,
    pub api_port: u16,
    /// Validator indices `[first, end)` whose keys this node holds.
    pub validators: (u64, u64),
    /// Builder players this node runs.
    pub players: Vec<usize>,
    /// Seed of the node's network key (stable peer id across restarts).
    pub key_seed: u64,
}

impl NodePlan {
    pub fn datadir(&self, root: &Path) -> PathBuf {
        root.join(format!("node{}", self.index))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DevnetPlan {
    pub genesis_time: u64,
    pub seconds_per_slot: u64,
    pub slots_per_epoch: u64,
    pub value_unit_gwei: u64,
    pub nodes: Vec<NodePlan>,
}

/// Default ports: node `i` uses 19000 + i for peers and 15052 + i for its API.
pub const DEFAULT_P2P_PORT: u16 = 19000;
pub const DEFAULT_API_PORT: u16 = 15052;
pub const DEFAULT_NODES: usize = 4;
pub const DEFAULT_VALUE_UNIT_GWEI: u64 = 1_000_000;

impl DevnetPlan {
    /// Spreads validators evenly and builder players round-robin over `nodes` nodes.
    pub fn new(
        file: &ConfigFile,
        nodes: usize,
        genesis_time: u64,
        p2p_port: u16,
        api_port: u16,
    ) -> Result<Self> {
        if nodes == 0 {
            bail!("a devnet needs at least one node");
        }
        let config = file.chain_config()?;
        let validators = file.validator_count();
        if (nodes as u64) > validators {
            bail!("{nodes} nodes but only {validators} validators: every node needs one");
        }
        let max_port = u32::from(p2p_port.max(api_port)) + nodes as u32;
        if max_port > u32::from(u16::MAX) {
            bail!(
                "ports from {} to {max_port} do not fit",
                p2p_port.min(api_port)
            );
        }
        let players = file.players().len();
        let per_node = validators / nodes as u64;
        let extra = validators % nodes as u64;
        let mut first = 0;
        let plans = (0..nodes)
            .map(|i| {
                let count = per_node + u64::from((i as u64) < extra);
                let plan = NodePlan {
                    index: i,
                    p2p_port: p2p_port + i as u16,
                    api_port: api_port + i as u16,
                    validators: (first, first + count),
                    players: (0..players).filter(|p| p % nodes == i).collect(),
                    key_seed: i as u64,
                };
                first += count;
                plan
            })
            .collect();
        Ok(Self {
            genesis_time,
            seconds_per_slot: config.seconds_per_slot,
            slots_per_epoch: config.slots_per_epoch,
            value_unit_gwei: file
                .devnet
                .value_unit_gwei
                .unwrap_or(DEFAULT_VALUE_UNIT_GWEI),
            nodes: plans,
        })
    }

    pub fn load(datadir: &Path) -> Result<Self> {
        let path = datadir.join(PLAN_FILE);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "no devnet to resume in {} (missing {})",
                datadir.display(),
                PLAN_FILE
            )
        })?;
        serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))
    }

    pub fn save(&self, datadir: &Path) -> Result<()> {
        let path = datadir.join(PLAN_FILE);
        std::fs::write(&path, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_and_players_are_spread_over_nodes() {
        let file: ConfigFile = serde_yaml_ng::from_str(
            "genesis:\n  validators: 10\n  builders: [{}, {}, {}, {}, {}]\n",
        )
        .unwrap();
        let plan = DevnetPlan::new(&file, 4, 100, 9000, 5000).unwrap();
        let ranges: Vec<_> = plan.nodes.iter().map(|n| n.validators).collect();
        assert_eq!(ranges, vec![(0, 3), (3, 6), (6, 8), (8, 10)]);
        assert_eq!(plan.nodes[0].players, vec![0, 4]);
        assert_eq!(plan.nodes[3].api_port, 5003);
        assert!(DevnetPlan::new(&file, 11, 100, 9000, 5000).is_err());
        assert!(DevnetPlan::new(&file, 0, 100, 9000, 5000).is_err());
        assert!(DevnetPlan::new(&file, 2, 100, 65535, 5000).is_err());
    }
}
