//! The execution payload a slot's assigned builder publishes.

use crate::constants::{MAX_BYTES_PER_TRANSACTION, MAX_TRANSACTIONS_PER_PAYLOAD};
use crate::primitives::*;
use crate::ssz::VarList;
use ssz_rs::prelude::*;

/// An opaque mock transaction.
pub type Transaction = List<u8, MAX_BYTES_PER_TRANSACTION>;

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct ExecutionPayload {
    pub slot: Slot,
    pub builder_index: BuilderIndex,
    /// The execution value (MEV) the builder realises; credited to it when the payload
    /// lands, bounded by the config's per-slot maximum.
    pub value: Gwei,
    pub transactions: VarList<Transaction, MAX_TRANSACTIONS_PER_PAYLOAD>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct SignedExecutionPayload {
    pub message: ExecutionPayload,
    pub signature: BlsSignature,
}
