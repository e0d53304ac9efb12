//! Errors of the consensus rules.

/// Why a mechanism computation could not complete. All of these indicate inputs outside
/// what a valid state can hold (sums past 2^64 Gwei, indices out of range); the state
/// transition turns them into a rejected block rather than a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MechanismError {
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    #[error("index {index} out of range for {len} entries")]
    IndexOutOfRange { index: usize, len: usize },
    #[error("sell-back of {requested} tickets exceeds the {held} held")]
    NotEnoughTickets { requested: u64, held: u64 },
}
