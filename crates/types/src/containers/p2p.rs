//! Containers of the peer-to-peer protocols (specs/p2p-interface.md): the req/resp
//! messages nodes exchange to find out where each other's chains are and to catch up.
//! They never enter the state or a block.

use crate::primitives::*;
use ssz_rs::prelude::*;

/// Most blocks one `blocks_by_range` or `blocks_by_root` request may ask for. Small
/// enough that a full response of maximal blocks stays bounded, large enough that a
/// node a few epochs behind catches up in a handful of round trips.
pub const MAX_REQUEST_BLOCKS: usize = 64;

/// Longest error message a req/resp error response carries.
pub const MAX_ERROR_MESSAGE_LENGTH: usize = 256;

/// What a node tells a peer about its chain (the `status` request and response).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    SimpleSerialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct StatusMessage {
    pub fork_digest: ForkDigest,
    pub finalized_root: Root,
    pub finalized_epoch: Epoch,
    pub head_root: Root,
    pub head_slot: Slot,
}

/// Ask for the canonical blocks of slots `start_slot .. start_slot + count`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    SimpleSerialize,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct BlocksByRangeRequest {
    pub start_slot: Slot,
    pub count: u64,
}

/// Ask for blocks by their roots (the `blocks_by_root` request body).
pub type BlocksByRootRequest = List<Root, MAX_REQUEST_BLOCKS>;

/// The body of a req/resp error response: a UTF-8 reason, for logs only.
pub type ErrorMessage = List<u8, MAX_ERROR_MESSAGE_LENGTH>;
