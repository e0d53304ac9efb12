//! Why the chain refused a block or an operation.

use etn_fork_choice::ForkChoiceError;
use etn_state::StateError;
use etn_store::StoreError;
use etn_types::{Root, Slot};

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("parent {0} of the block is unknown")]
    UnknownParent(Root),
    #[error("block for slot {slot} arrived before its slot (clock at {current})")]
    FutureSlot { slot: Slot, current: Slot },
    #[error("block at slot {slot} is not newer than the finalized slot {finalized}")]
    BeforeFinality { slot: Slot, finalized: Slot },
    #[error("state transition: {0}")]
    State(#[from] StateError),
    #[error("fork choice: {0}")]
    ForkChoice(#[from] ForkChoiceError),
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("encoding: {0}")]
    Ssz(#[from] etn_types::SszError),
    #[error("no state can be rebuilt for block {0}")]
    MissingState(Root),
    #[error("the database is inconsistent: {0}")]
    Inconsistent(String),
    #[error("no local key for validator {0}")]
    NoKey(u64),
    #[error("the store holds no chain and no genesis state was given")]
    NoGenesis,
}
