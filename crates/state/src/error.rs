//! Every way a state transition can reject its input.
//!
//! Each variant names one rule of `specs/beacon-chain.md`, so a failing block, a test, or
//! a conformance vector says exactly which rule it broke. A rejected block or operation
//! leaves the state unchanged.

use etn_mechanism::consensus::MechanismError;
use etn_types::{ConfigError, Epoch, Gwei, Root, Slot, SszError};

/// Which signed object a signature belonged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedObject {
    BlockProposal,
    RandaoReveal,
    Attestation,
    AttesterSlashing,
    BuyTickets,
    SellTickets,
    ExecutionPayload,
}

/// Which list of block operations held a repeated entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    AttesterSlashing,
    Attestation,
    TicketPurchase,
    TicketSale,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    // ---- state shape -----------------------------------------------------------------
    #[error("invalid chain config in state: {0}")]
    Config(#[from] ConfigError),
    #[error("malformed state: {0}")]
    MalformedState(&'static str),
    #[error(transparent)]
    Ssz(#[from] SszError),
    #[error(transparent)]
    Mechanism(#[from] MechanismError),
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),

    // ---- slots and headers -------------------------------------------------------------
    #[error("cannot advance a state at slot {state_slot} to slot {target}")]
    SlotNotInFuture { state_slot: Slot, target: Slot },
    #[error("block slot {block_slot} does not match state slot {state_slot}")]
    WrongSlot { block_slot: Slot, state_slot: Slot },
    #[error("block slot {block_slot} is not newer than the latest block at {latest_slot}")]
    BlockNotNewer { block_slot: Slot, latest_slot: Slot },
    #[error("block proposer {got} is not the slot's proposer {expected}")]
    WrongProposer { expected: u64, got: u64 },
    #[error("block parent {got} is not the latest block {expected}")]
    WrongParent { expected: Root, got: Root },
    #[error("block state root {got} does not match the computed {expected}")]
    StateRootMismatch { expected: Root, got: Root },

    // ---- signatures --------------------------------------------------------------------
    #[error("invalid {0:?} signature")]
    InvalidSignature(SignedObject),
    #[error("invalid RANDAO reveal")]
    InvalidRandaoReveal,

    // ---- operations ------------------------------------------------------------------
    #[error("duplicate {0:?} in block")]
    DuplicateOperation(OperationKind),

    // ---- attestations ----------------------------------------------------------------
    #[error("attestation target epoch {target} is neither the previous nor current epoch")]
    AttestationTargetEpoch { target: Epoch },
    #[error("attestation target epoch {target} does not contain its slot {slot}")]
    AttestationTargetSlotMismatch { target: Epoch, slot: Slot },
    #[error("attestation for slot {slot} cannot be included at slot {state_slot}")]
    AttestationInclusionWindow { slot: Slot, state_slot: Slot },
    #[error("committee index {index} out of range ({count} committees)")]
    CommitteeIndexOutOfRange { index: u64, count: u64 },
    #[error("aggregation bits length {got} does not match committee size {expected}")]
    AggregationBitsLength { expected: usize, got: usize },
    #[error("attestation source does not match the justified checkpoint")]
    AttestationWrongSource,
    #[error("attestation has no participants")]
    EmptyAttestation,

    // ---- attester slashings ------------------------------------------------------------
    #[error("the two attestations are not slashable together")]
    NotSlashable,
    #[error("indexed attestation indices must be non-empty, sorted and unique")]
    BadIndexedAttestation,
    #[error("the slashing slashes no validator")]
    NothingSlashed,

    // ---- tickets -----------------------------------------------------------------------
    #[error("unknown builder index {0}")]
    UnknownBuilder(u64),
    #[error("nonce {got} does not match the builder's next nonce {expected}")]
    BadNonce { expected: u64, got: u64 },
    #[error("ticket amount must be at least one")]
    ZeroTickets,
    #[error(
        "a purchase bids in {rounds} rounds: at least one with the round lifetime, exactly one with the pool lifetime"
    )]
    InvalidRounds { rounds: u64 },
    #[error("ticket amount overflows")]
    AmountOverflow,
    #[error("ticket price {price} is above the buyer's limit {limit}")]
    PriceAboveLimit { price: Gwei, limit: Gwei },
    #[error("payout {payout} for {tickets} tickets is below the seller's limit {limit} per ticket")]
    PriceBelowLimit {
        payout: Gwei,
        tickets: u64,
        limit: Gwei,
    },
    #[error("target slot {target} is outside the purchase window [{earliest}, {latest}]")]
    OutsideWindow {
        target: Slot,
        earliest: Slot,
        latest: Slot,
    },
    #[error("builder balance {available} cannot pay {needed}")]
    InsufficientBalance { needed: Gwei, available: Gwei },
    #[error("round for slot {0} already holds the most bids allowed")]
    RoundFull(Slot),
    #[error("ticket sell-back is not enabled by this chain's config")]
    SellBackDisabled,
    #[error("builder holds {held} pooled tickets, cannot sell {requested}")]
    NotEnoughTickets { requested: u64, held: u64 },

    // ---- execution payload -------------------------------------------------------------
    #[error("payload included for slot {0}, which has no assigned builder")]
    PayloadWithoutAssignment(Slot),
    #[error("payload is for slot {payload_slot}, block is at {block_slot}")]
    PayloadWrongSlot {
        payload_slot: Slot,
        block_slot: Slot,
    },
    #[error("payload from builder {got}, but slot is assigned to builder {assigned}")]
    PayloadFromUnassignedBuilder { assigned: u64, got: u64 },
    #[error("payload declares inflow {value} above the per-slot maximum {max}")]
    InflowAboveLimit { value: Gwei, max: Gwei },
}
