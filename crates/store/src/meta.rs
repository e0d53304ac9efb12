//! The chain's pointers.

use etn_types::{Checkpoint, Root};
use ssz_rs::prelude::*;

/// Where the chain stands: its genesis block, head, and the justified and finalized
/// checkpoints.
///
/// Written in the same batch as the blocks it points to, so after any crash it names
/// blocks the store has; a restart resumes from it instead of rescanning every block.
/// It is an SSZ container so its encoding is fixed by the spec's rules rather than by
/// a serialization library's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, SimpleSerialize)]
pub struct ChainMeta {
    pub genesis_block_root: Root,
    pub head: Root,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
}
