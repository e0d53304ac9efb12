//! Beacon blocks.

use super::beacon::{Attestation, AttesterSlashing};
use super::payload::SignedExecutionPayload;
use super::tickets::{SignedBuyTickets, SignedSellTickets};
use crate::constants::*;
use crate::primitives::*;
use crate::ssz::{Bytes32, VarList};
use ssz_rs::prelude::*;

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct BeaconBlockBody {
    pub randao_reveal: BlsSignature,
    pub graffiti: Bytes32,
    pub attester_slashings: VarList<AttesterSlashing, MAX_ATTESTER_SLASHINGS>,
    pub attestations: VarList<Attestation, MAX_ATTESTATIONS>,
    pub ticket_purchases: List<SignedBuyTickets, MAX_TICKET_PURCHASES>,
    pub ticket_sales: List<SignedSellTickets, MAX_TICKET_SALES>,
    /// Zero or one payload: the proposer's commitment to the slot's execution payload.
    pub execution_payload: VarList<SignedExecutionPayload, 1>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct BeaconBlock {
    pub slot: Slot,
    pub proposer_index: ValidatorIndex,
    pub parent_root: Root,
    pub state_root: Root,
    pub body: BeaconBlockBody,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct SignedBeaconBlock {
    pub message: BeaconBlock,
    pub signature: BlsSignature,
}
