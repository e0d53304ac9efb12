//! The YAML files of the tree other than `meta.yaml`, shared by generator and runner so
//! the format is written down once. Unknown fields are refused: a misspelt key would
//! otherwise be a check that silently never runs.

use etn_types::{Bytes32, Checkpoint, Gwei, Root, Slot, TicketBid};
use serde::{Deserialize, Serialize};

/// `ssz_static/<Container>/<case>/roots.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roots {
    pub root: Root,
}

pub use containers::{ForkData, SigningData};

/// `sampling/<rule>/<case>/data.yaml`: one round close or one pool draw, and what it
/// must give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingData {
    /// `ChainConfig.allocation_rule` and the alpha encoding (beacon-chain.md).
    pub allocation_rule: u8,
    pub alpha_numerator: u64,
    pub alpha_denominator: u64,
    pub seed: Bytes32,
    /// A round: its bids, sorted by builder index, and the payment rule that charges them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bids: Option<Vec<TicketBid>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_rule: Option<u8>,
    /// A pool draw: `pool[i]` is builder `i`'s pooled tickets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Vec<u64>>,
    /// Lottery rules: the sum of the weights and the uniform draw `r` in `[0, total)`,
    /// as decimal strings (Tullock weights exceed 64 bits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draw: Option<String>,
    /// The winner's builder index; `null` when nobody can win.
    pub winner: Option<u64>,
    /// Rounds: the charge of each bid, in bid order, and their sum (the revenue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charges: Option<Vec<Gwei>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue: Option<Gwei>,
}

/// `shuffling/core/shuffle/<case>/mapping.yaml`, as in the Ethereum vectors plus the
/// round count (a config value in etn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub seed: Bytes32,
    pub count: u64,
    pub rounds: u64,
    /// `mapping[i] = compute_shuffled_index(i, count, seed, rounds)`.
    pub mapping: Vec<u64>,
}

/// One entry of `fork_choice/<handler>/<case>/steps.yaml`: exactly one of `tick`,
/// `block`, `attestation`, `attester_slashing`, `checks`, with `valid` (default true) for
/// the three inputs. Inputs name the file (without extension) holding the SSZ object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attester_slashing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<ChecksEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<Head>,
    /// Store time, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justified_checkpoint: Option<Checkpoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalized_checkpoint: Option<Checkpoint>,
    /// Zero root: no block is boosted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposer_boost_root: Option<Root>,
    /// Subtree weights after `get_head`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<Weight>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub slot: Slot,
    pub root: Root,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    pub root: Root,
    pub weight: Gwei,
}

mod containers {
    //! Kept apart from the YAML schemas: the SSZ derive and serde's traits must not both
    //! be in scope by name.
    use etn_types::Root;
    use ssz_rs::prelude::*;

    /// `ForkData` (beacon-chain.md): never stored, but it defines `compute_fork_data_root`, so
    /// its SSZ and root are part of the spec.
    #[derive(
        Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
    )]
    pub struct ForkData {
        pub current_version: etn_types::Version,
        pub genesis_validators_root: Root,
    }

    /// `SigningData` (beacon-chain.md): defines `compute_signing_root`.
    #[derive(
        Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
    )]
    pub struct SigningData {
        pub object_root: Root,
        pub domain: etn_types::Domain,
    }
}

/// One account of a genesis input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub pubkey: etn_types::BlsPubkey,
    pub balance: Gwei,
}

/// `genesis/initialization/<case>/input.yaml`: the arguments of
/// `initialize_beacon_state` (beacon-chain.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisData {
    pub genesis_time: u64,
    pub config: etn_types::ChainConfig,
    pub validators: Vec<Account>,
    pub builders: Vec<Account>,
    pub randao_seed: Bytes32,
}

/// `genesis/devnet/<case>/devnet.yaml`: the arguments of `devnet_genesis_input`
/// (deterministic keys), whose result is then passed to `initialize_beacon_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DevnetData {
    pub genesis_time: u64,
    pub config: etn_types::ChainConfig,
    pub validator_count: u64,
    pub builder_balances: Vec<Gwei>,
    /// `hash_tree_root` of the resulting state (a check value of the spec).
    pub state_root: Root,
}
