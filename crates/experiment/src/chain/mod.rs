//! "The chain under experiment": what the driver needs from a chain, whatever runs it.
//!
//! The driver only ever opens a slot (learns the price, balances and who builds it),
//! hands over purchase orders and the slot's payload value, and reads back what the
//! chain recorded. [`FastChain`] does this in process with the real state transition
//! and no clock; a devnet implementation would do it over the node's HTTP API (submit
//! the orders, wait for the slot's block, read the round and assignment records), so
//! the same driver, statistics and report serve both modes.

mod attest;
mod fast;
mod keys;

pub use fast::FastChain;

use etn_types::{BuilderIndex, ChainConfig, Gwei, Slot, TicketBid};

/// A chain the experiment driver can run against.
pub trait ExperimentChain {
    /// The chain's configuration (rules, lookahead, window, price parameters).
    fn config(&self) -> &ChainConfig;

    /// Whether blocks and operations are BLS-signed and verified.
    fn bls(&self) -> bool;

    /// A short name of the mode for reports (`fast`, `devnet`).
    fn mode(&self) -> &'static str;

    /// Starts the next slot: the block of the returned slot is the next one to be
    /// built. Reads what bidders need before they bid.
    fn open_slot(&mut self) -> Result<OpenSlot, ChainError>;

    /// Builds (or waits for) the block of the open slot. It carries `orders` (ticket
    /// purchases for future rounds, which the chain side signs for the builders) and, if
    /// a builder is assigned to the slot, its payload declaring `payload_value` (its MEV
    /// realisation, credited to it when the payload lands); `None` withholds the payload.
    fn close_slot(
        &mut self,
        orders: &[BuyOrder],
        payload_value: Option<Gwei>,
    ) -> Result<SlotRecord, ChainError>;

    /// Called once after the last slot: completes any work still in flight (block
    /// imports) and reports whether it succeeded.
    fn finish(&mut self) -> Result<(), ChainError> {
        Ok(())
    }

    /// The chain's accounting totals now, with the closed-economy identity checked.
    fn accounting(&self) -> Result<AccountingSnapshot, ChainError>;

    /// Every builder's balance at the head, by builder index.
    fn balances(&self) -> Result<Vec<Gwei>, ChainError>;
}

/// What is known when a slot opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSlot {
    pub slot: Slot,
    /// Price per ticket that purchases in this slot's block pay.
    pub ticket_price: Gwei,
    /// Every builder's balance, by builder index.
    pub balances: Vec<Gwei>,
    /// The builder assigned to this slot (by the round that closed `lookahead` slots ago).
    pub assigned: Option<BuilderIndex>,
}

/// One purchase to include: `tickets` for the round of `target_slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuyOrder {
    pub builder: BuilderIndex,
    pub target_slot: Slot,
    pub tickets: u64,
    /// Consecutive rounds from `target_slot` that the order bids `tickets` in.
    pub rounds: u64,
}

/// What the chain recorded for one slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotRecord {
    pub slot: Slot,
    /// The round that closed in this slot's block (target `slot + lookahead`).
    pub closed: ClosedRound,
    /// Whether the slot's payload landed, and the inflow it credited.
    pub payload_delivered: bool,
    pub inflow: Gwei,
}

/// A closed round: the bids it held just before closing, who won, what it charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedRound {
    pub target_slot: Slot,
    /// Bids sorted by builder index, as the state held them.
    pub bids: Vec<TicketBid>,
    pub winner: Option<BuilderIndex>,
    /// Total charged (burned or smoothed): the protocol's MEV oracle for the slot.
    pub revenue: Gwei,
}

/// The accounting totals and the identity
/// `Σ balances + escrow + smoothing pool + burned = genesis supply + inflow + sell-backs`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountingSnapshot {
    pub slot: Slot,
    pub total_burned: Gwei,
    pub smoothing_pool: Gwei,
    pub total_smoothed: Gwei,
    pub total_refunded: Gwei,
    pub total_execution_inflow: Gwei,
    pub genesis_supply: Gwei,
    pub delivered_payloads: u64,
    pub missed_payloads: u64,
    pub finalized_epoch: u64,
    pub identity_holds: bool,
}

/// Why a chain could not do what the driver asked.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("state transition rejected the block of slot {slot}: {source}")]
    Transition {
        slot: Slot,
        #[source]
        source: etn_state::StateError,
    },
    #[error("genesis failed: {0}")]
    Genesis(#[source] etn_state::StateError),
    #[error("close_slot without open_slot")]
    NotOpen,
    #[error("{0}")]
    Other(String),
}
