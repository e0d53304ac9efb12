//! Execution-ticket containers: builders, their purchases and sales, open rounds,
//! assignments of builders to slots, and the accounting totals.

use crate::constants::MAX_BIDS_PER_ROUND;
use crate::primitives::*;
use ssz_rs::prelude::*;

/// A registered builder: a key, a balance, a nonce that orders its operations, and (under
/// the pool lifetime) its pooled tickets and what they cost.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct Builder {
    pub pubkey: BlsPubkey,
    pub balance: Gwei,
    pub nonce: u64,
    /// Pooled tickets that can be drawn.
    pub pool_tickets: u64,
    /// What the pooled tickets cost. Under winner-pay this is held in escrow until a
    /// ticket is drawn; under all-pay it was collected at purchase and only caps sell-back
    /// payouts (a builder can never sell a ticket back for more than it paid).
    pub pool_paid: Gwei,
    /// Slots this builder has been assigned: its share of block space, on chain, so
    /// every node reports the same shares across restarts and reorgs.
    pub slots_won: u64,
}

/// One builder's standing bid in one round: tickets held and what they cost.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct TicketBid {
    pub builder_index: BuilderIndex,
    pub tickets: u64,
    pub paid: Gwei,
}

/// The bids for one target slot, kept sorted by `builder_index`.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct TicketRound {
    pub slot: Slot,
    pub bids: List<TicketBid, MAX_BIDS_PER_ROUND>,
}

/// What happened to a slot's assigned payload.
pub mod payload_status {
    /// No builder was assigned (empty round or empty pool).
    pub const UNASSIGNED: u8 = 0;
    /// A builder is assigned and its slot has not been processed yet.
    pub const PENDING: u8 = 1;
    pub const DELIVERED: u8 = 2;
    pub const MISSED: u8 = 3;
}

/// Who builds a slot, what the round charged (the protocol's revenue for that slot —
/// its MEV oracle), and whether the payload arrived.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct BuilderAssignment {
    pub slot: Slot,
    pub builder_index: BuilderIndex,
    pub revenue: Gwei,
    pub payload_status: u8,
    pub inflow: Gwei,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct BuyTickets {
    pub builder_index: BuilderIndex,
    pub nonce: u64,
    /// Round lifetime: the slot the tickets bid for. Pool lifetime: the last slot at
    /// which the purchase may be included.
    pub target_slot: Slot,
    pub tickets: u64,
    /// Highest price per ticket the builder accepts (protects against price moves).
    pub max_price: Gwei,
    /// Round lifetime: how many consecutive rounds, from `target_slot` on, the purchase
    /// bids `tickets` in (a standing order: one signature for a steady bid). Pool
    /// lifetime: always 1.
    pub rounds: u64,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct SignedBuyTickets {
    pub message: BuyTickets,
    pub signature: BlsSignature,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct SellTickets {
    pub builder_index: BuilderIndex,
    pub nonce: u64,
    pub tickets: u64,
    /// Lowest payout per ticket the builder accepts.
    pub min_price: Gwei,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct SignedSellTickets {
    pub message: SellTickets,
    pub signature: BlsSignature,
}

/// Running totals that make the chain an auditable closed economy. After every block
/// and epoch: sum of balances + escrow + smoothing_pool + total_burned
/// == genesis_supply + total_execution_inflow + total_sell_back_paid.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct TicketAccounting {
    pub genesis_supply: Gwei,
    pub total_burned: Gwei,
    pub total_execution_inflow: Gwei,
    pub total_sell_back_paid: Gwei,
    pub total_refunded: Gwei,
    pub smoothing_pool: Gwei,
    pub total_smoothed: Gwei,
    pub tickets_sold: u64,
    pub tickets_sold_in_slot: u64,
    pub delivered_payloads: u64,
    pub missed_payloads: u64,
}
