//! Protocol constants: values that never change between presets or chains.
//!
//! The SSZ limits fix the shape of every container. etn uses one shape for all presets
//! (presets only change values inside `ChainConfig`), so a state or block encoded under
//! one preset decodes under any other and conformance vectors need no per-preset types.

use crate::primitives::{DomainType, Epoch, Gwei, Slot};
use crate::ssz::Bytes4;

// ---- SSZ limits and vector lengths -------------------------------------------------

/// Length of `block_roots`, `state_roots` and `slot_revenue` (must cover two epochs).
pub const SLOTS_PER_HISTORICAL_ROOT: usize = 64;
/// Length of `randao_mixes`.
pub const EPOCHS_PER_HISTORICAL_VECTOR: usize = 64;
pub const VALIDATOR_REGISTRY_LIMIT: usize = 1 << 20;
pub const BUILDER_REGISTRY_LIMIT: usize = 1 << 20;
pub const MAX_VALIDATORS_PER_COMMITTEE: usize = 2048;
pub const MAX_ATTESTER_SLASHINGS: usize = 2;
pub const MAX_ATTESTATIONS: usize = 128;
pub const MAX_TICKET_PURCHASES: usize = 128;
pub const MAX_TICKET_SALES: usize = 16;
pub const MAX_TRANSACTIONS_PER_PAYLOAD: usize = 256;
pub const MAX_BYTES_PER_TRANSACTION: usize = 4096;
/// Ring of ticket rounds still open for purchase, indexed by `target_slot % TICKET_ROUND_SLOTS`.
pub const TICKET_ROUND_SLOTS: usize = 64;
/// Most distinct builders that may bid in one round.
pub const MAX_BIDS_PER_ROUND: usize = 1024;
/// Ring of builder assignments, indexed by `slot % ASSIGNMENT_HISTORY`.
pub const ASSIGNMENT_HISTORY: usize = 64;
pub const JUSTIFICATION_BITS_LENGTH: usize = 4;

// ---- Misc ---------------------------------------------------------------------------

pub const GENESIS_SLOT: Slot = 0;
pub const GENESIS_EPOCH: Epoch = 0;
pub const FAR_FUTURE_EPOCH: Epoch = u64::MAX;
/// `builder_index` of an assignment that has no builder.
pub const NO_BUILDER: u64 = u64::MAX;
/// Effective balance of every validator (fixed at genesis; etn has no issuance).
pub const MAX_EFFECTIVE_BALANCE: Gwei = 32_000_000_000;
pub const MIN_ATTESTATION_INCLUSION_DELAY: Slot = 1;
pub const MIN_SEED_LOOKAHEAD: Epoch = 1;
/// Largest supported Tullock exponent denominator (keeps exact weights bounded).
pub const MAX_ALPHA_DENOMINATOR: u64 = 16;
/// Largest supported Tullock exponent, as a multiple of the denominator.
pub const MAX_ALPHA: u64 = 8;
pub const GENESIS_FORK_VERSION: Bytes4 = Bytes4([0xe7, 0x00, 0x00, 0x01]);

// ---- Participation flags ------------------------------------------------------------

pub const TIMELY_SOURCE_FLAG_INDEX: u8 = 0;
pub const TIMELY_TARGET_FLAG_INDEX: u8 = 1;
pub const TIMELY_HEAD_FLAG_INDEX: u8 = 2;

// ---- Domain types ---------------------------------------------------------------------
// The first five match Ethereum's so that tooling reads them the same way; the ticket
// domains start with 0xe7, a first byte Ethereum has never assigned, so a signature made
// for one chain's purpose can never verify for another's.

pub const DOMAIN_BEACON_PROPOSER: DomainType = Bytes4([0x00, 0, 0, 0]);
pub const DOMAIN_BEACON_ATTESTER: DomainType = Bytes4([0x01, 0, 0, 0]);
pub const DOMAIN_RANDAO: DomainType = Bytes4([0x02, 0, 0, 0]);
pub const DOMAIN_SELECTION_PROOF: DomainType = Bytes4([0x05, 0, 0, 0]);
pub const DOMAIN_AGGREGATE_AND_PROOF: DomainType = Bytes4([0x06, 0, 0, 0]);
pub const DOMAIN_BUY_TICKETS: DomainType = Bytes4([0xe7, 0x00, 0, 0]);
pub const DOMAIN_SELL_TICKETS: DomainType = Bytes4([0xe7, 0x01, 0, 0]);
pub const DOMAIN_EXECUTION_PAYLOAD: DomainType = Bytes4([0xe7, 0x02, 0, 0]);
/// Not a signature domain: separates the ticket-sampling seed from every other seed.
pub const DOMAIN_TICKET_SAMPLING: DomainType = Bytes4([0xe7, 0x03, 0, 0]);
