//! Building and signing blocks and operations: what proposers, attesters and builders
//! do with their keys. Pure functions of a state and a key; nodes, experiments and tests
//! share them so that every producer follows the spec the same way.

use crate::accessors::*;
use crate::block::process_block;
use crate::error::StateError;
use crate::signatures::{PubkeyCache, SignatureStrategy, SignatureVerifier, signing_root};
use crate::slot::process_slots;
use etn_crypto::SecretKey;
use etn_types::ssz::{hash_tree_root, hash_tree_root_mut};
use etn_types::*;
use ssz_rs::prelude::Bitlist;

/// The operations a proposer packs into a block.
#[derive(Debug, Clone, Default)]
pub struct BlockContents {
    pub graffiti: Bytes32,
    pub attester_slashings: Vec<AttesterSlashing>,
    pub attestations: Vec<Attestation>,
    pub ticket_purchases: Vec<SignedBuyTickets>,
    pub ticket_sales: Vec<SignedSellTickets>,
    pub execution_payload: Option<SignedExecutionPayload>,
}

fn sign_root(key: &SecretKey, root: [u8; 32]) -> BlsSignature {
    Bytes96(key.sign(&root).to_bytes())
}

/// Signs with `key`, or leaves the signature empty when producing for a chain that skips
/// BLS (fast experiments, property tests).
fn maybe_sign(
    key: Option<&SecretKey>,
    root: impl FnOnce() -> Result<[u8; 32], StateError>,
) -> Result<BlsSignature, StateError> {
    match key {
        Some(key) => Ok(sign_root(key, root()?)),
        None => Ok(BlsSignature::ZERO),
    }
}

pub fn randao_reveal(
    state: &BeaconState,
    epoch: Epoch,
    key: &SecretKey,
) -> Result<BlsSignature, StateError> {
    Ok(sign_root(
        key,
        signing_root(state, &epoch, DOMAIN_RANDAO, epoch)?,
    ))
}

pub fn sign_block(
    state: &BeaconState,
    block: BeaconBlock,
    key: &SecretKey,
) -> Result<SignedBeaconBlock, StateError> {
    let epoch = compute_epoch_at_slot(state, block.slot);
    let signature = sign_root(
        key,
        signing_root(state, &block, DOMAIN_BEACON_PROPOSER, epoch)?,
    );
    Ok(SignedBeaconBlock {
        message: block,
        signature,
    })
}

/// Signs a purchase; the domain epoch is the epoch of the slot it will be included at.
pub fn sign_buy_tickets(
    state: &BeaconState,
    message: BuyTickets,
    inclusion_slot: Slot,
    key: &SecretKey,
) -> Result<SignedBuyTickets, StateError> {
    let epoch = compute_epoch_at_slot(state, inclusion_slot);
    let signature = sign_root(
        key,
        signing_root(state, &message, DOMAIN_BUY_TICKETS, epoch)?,
    );
    Ok(SignedBuyTickets { message, signature })
}

pub fn sign_sell_tickets(
    state: &BeaconState,
    message: SellTickets,
    inclusion_slot: Slot,
    key: &SecretKey,
) -> Result<SignedSellTickets, StateError> {
    let epoch = compute_epoch_at_slot(state, inclusion_slot);
    let signature = sign_root(
        key,
        signing_root(state, &message, DOMAIN_SELL_TICKETS, epoch)?,
    );
    Ok(SignedSellTickets { message, signature })
}

pub fn sign_execution_payload(
    state: &BeaconState,
    message: ExecutionPayload,
    key: &SecretKey,
) -> Result<SignedExecutionPayload, StateError> {
    let epoch = compute_epoch_at_slot(state, message.slot);
    let signature = sign_root(
        key,
        signing_root(state, &message, DOMAIN_EXECUTION_PAYLOAD, epoch)?,
    );
    Ok(SignedExecutionPayload { message, signature })
}

/// Builds, executes and signs a block for `slot` on `pre`. Returns the block and its
/// post-state. `proposer_key` must belong to the slot's proposer; `None` produces an
/// unsigned block for chains run without BLS.
pub fn produce_block(
    pre: &BeaconState,
    slot: Slot,
    proposer_key: Option<&SecretKey>,
    contents: BlockContents,
) -> Result<(SignedBeaconBlock, BeaconState), StateError> {
    let mut state = pre.clone();
    if state.slot < slot {
        process_slots(&mut state, slot)?;
    }
    let proposer_index = get_beacon_proposer_index(&state)?;
    let epoch = get_current_epoch(&state);
    let body = BeaconBlockBody {
        randao_reveal: maybe_sign(proposer_key, || {
            signing_root(&state, &epoch, DOMAIN_RANDAO, epoch)
        })?,
        graffiti: contents.graffiti,
        attester_slashings: contents
            .attester_slashings
            .try_into()
            .map_err(|_| StateError::MalformedState("too many attester slashings"))?,
        attestations: contents
            .attestations
            .try_into()
            .map_err(|_| StateError::MalformedState("too many attestations"))?,
        ticket_purchases: contents
            .ticket_purchases
            .try_into()
            .map_err(|_| StateError::MalformedState("too many ticket purchases"))?,
        ticket_sales: contents
            .ticket_sales
            .try_into()
            .map_err(|_| StateError::MalformedState("too many ticket sales"))?,
        execution_payload: contents
            .execution_payload
            .into_iter()
            .collect::<Vec<_>>()
            .try_into()
            .map_err(|_| StateError::MalformedState("more than one payload"))?,
    };
    let mut block = BeaconBlock {
        slot,
        proposer_index,
        parent_root: hash_tree_root(&state.latest_block_header)?,
        state_root: Root::ZERO,
        body,
    };
    let cache = PubkeyCache::default();
    let mut verifier = SignatureVerifier::new(SignatureStrategy::Skip, &cache);
    process_block(&mut state, &block, &mut verifier)?;
    block.state_root = hash_tree_root_mut(&mut state)?;
    let signature = maybe_sign(proposer_key, || {
        signing_root(&state, &block, DOMAIN_BEACON_PROPOSER, epoch)
    })?;
    Ok((
        SignedBeaconBlock {
            message: block,
            signature,
        },
        state,
    ))
}

/// The attestation data a validator of `slot` votes for, on a state whose latest block
/// is the head it sees (the state must be at `slot`, with the head's block applied).
pub fn attestation_data(
    state: &BeaconState,
    slot: Slot,
    index: CommitteeIndex,
) -> Result<AttestationData, StateError> {
    let head_root = if state.latest_block_header.state_root == Root::ZERO {
        let mut header = state.latest_block_header.clone();
        header.state_root = hash_tree_root(state)?;
        hash_tree_root(&header)?
    } else {
        hash_tree_root(&state.latest_block_header)?
    };
    let epoch = compute_epoch_at_slot(state, slot);
    let start = compute_start_slot_at_epoch(state, epoch);
    let target_root = if start == state.slot {
        head_root
    } else {
        get_block_root_at_slot(state, start)?
    };
    let source = if epoch == get_current_epoch(state) {
        state.current_justified_checkpoint
    } else {
        state.previous_justified_checkpoint
    };
    Ok(AttestationData {
        slot,
        index,
        beacon_block_root: head_root,
        source,
        target: Checkpoint {
            epoch,
            root: target_root,
        },
    })
}

/// How attesters take part in an aggregate.
pub enum Attesters<'a> {
    /// Members for whom the function returns a key sign; the others abstain.
    Signing(&'a dyn Fn(u64) -> Option<SecretKey>),
    /// Members for whom the function returns true take part, unsigned (BLS-free chains).
    Unsigned(&'a dyn Fn(u64) -> bool),
}

/// The aggregate of `data` by the members of its committee that take part, or `None` if
/// nobody does.
pub fn aggregate_attestation(
    state: &BeaconState,
    data: AttestationData,
    attesters: Attesters<'_>,
) -> Result<Option<Attestation>, StateError> {
    let committees = EpochCommittees::compute(state, data.target.epoch);
    let committee = committees.committee(data.slot, data.index)?;
    let mut bits = Vec::with_capacity(committee.len());
    let mut signatures = Vec::new();
    let signed = matches!(attesters, Attesters::Signing(_));
    let root = if signed {
        signing_root(state, &data, DOMAIN_BEACON_ATTESTER, data.target.epoch)?
    } else {
        [0u8; 32]
    };
    for member in committee {
        let member = *member as u64;
        let takes_part = match &attesters {
            Attesters::Signing(keys) => keys(member)
                .map(|key| signatures.push(key.sign(&root)))
                .is_some(),
            Attesters::Unsigned(include) => include(member),
        };
        bits.push(takes_part);
    }
    if !bits.iter().any(|b| *b) {
        return Ok(None);
    }
    let signature = if signed {
        let refs: Vec<_> = signatures.iter().collect();
        let aggregate = etn_crypto::aggregate_signatures(&refs)
            .map_err(|_| StateError::MalformedState("cannot aggregate signatures"))?;
        Bytes96(aggregate.to_bytes())
    } else {
        BlsSignature::ZERO
    };
    let aggregation_bits = Bitlist::try_from(bits.as_slice())
        .map_err(|_| StateError::MalformedState("committee larger than the bitlist limit"))?;
    Ok(Some(Attestation {
        aggregation_bits,
        data,
        signature,
    }))
}
