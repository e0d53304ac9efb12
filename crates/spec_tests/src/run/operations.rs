//! `operations/<handler>/<case>/`: `pre.ssz_snappy`, the operation, optional
//! `post.ssz_snappy`. The pre-state is a state as `process_slots` leaves it at the slot of
//! the block that would carry the operation; the runner checks its shape (as
//! `state_transition` does before any block) and applies the one processing function.

use super::{expect_outcome, strategy};
use crate::files::CaseReader;
use crate::meta::Meta;
use anyhow::{Result, anyhow, bail};
use etn_state::accessors::CommitteeCache;
use etn_state::block::{attestations, header, payload, randao, slashings, tickets};
use etn_state::signatures::SignatureVerifier;
use etn_state::validity::check_state_shape;
use etn_types::*;

pub const HANDLERS: &[&str] = &[
    "buy_tickets",
    "sell_tickets",
    "attestation",
    "attester_slashing",
    "execution_payload",
    "block_header",
    "randao",
];

/// The input file of each handler (without extension) and its container.
pub fn input_name(handler: &str) -> &'static str {
    match handler {
        "buy_tickets" => "buy_tickets",
        "sell_tickets" => "sell_tickets",
        "attestation" => "attestation",
        "attester_slashing" => "attester_slashing",
        "execution_payload" | "randao" => "body",
        "block_header" => "block",
        _ => "unknown",
    }
}

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    let pre: BeaconState = case.ssz("pre")?;
    let post: Option<BeaconState> = case.optional_ssz("post")?;
    let mechanism =
        check_state_shape(&pre).map_err(|e| anyhow!("the pre-state fails the shape check: {e}"))?;
    let (strategy, cache) = strategy(meta, &pre)?;
    let mut verifier = SignatureVerifier::new(strategy, &cache);
    let mut state = pre.clone();
    let input = input_name(handler);
    let result = match handler {
        "buy_tickets" => {
            let op: SignedBuyTickets = case.ssz(input)?;
            tickets::process_buy_tickets(&mut state, &op, &mechanism, &mut verifier)
        }
        "sell_tickets" => {
            let op: SignedSellTickets = case.ssz(input)?;
            tickets::process_sell_tickets(&mut state, &op, &mechanism, &mut verifier)
        }
        "attestation" => {
            let op: Attestation = case.ssz(input)?;
            let mut committees = CommitteeCache::default();
            attestations::process_attestation(&mut state, &op, &mut committees, &mut verifier)
        }
        "attester_slashing" => {
            let op: AttesterSlashing = case.ssz(input)?;
            slashings::process_attester_slashing(&mut state, &op, &mut verifier)
        }
        "execution_payload" => {
            let body: BeaconBlockBody = case.ssz(input)?;
            payload::process_execution_payload(&mut state, &body, &mut verifier)
        }
        "block_header" => {
            let block: BeaconBlock = case.ssz(input)?;
            header::process_block_header(&mut state, &block)
        }
        "randao" => {
            let body: BeaconBlockBody = case.ssz(input)?;
            randao::process_randao(&mut state, &body, &mut verifier)
        }
        other => bail!("unknown operations handler {other}"),
    };
    let result = result.and_then(|()| verifier.finish());
    expect_outcome(meta, result, &pre, state, post, true)
}
