//! Chains the state cases start from. Each is grown with the real state transition, so
//! every pre-state is reachable from genesis unless a case deliberately edits it.

use super::{BUILDER_BALANCES, VALIDATORS};
use crate::chain::{Chain, config};
use anyhow::Result;
use etn_state::produce::BlockContents;
use etn_types::*;
use std::collections::BTreeMap;

/// A chain and the attestations it produced, per attested slot.
pub struct Fixture {
    pub chain: Chain,
    pub votes: BTreeMap<Slot, Vec<Attestation>>,
    /// The genesis state and the blocks grown on it, in order.
    pub genesis: BeaconState,
    pub blocks: Vec<SignedBeaconBlock>,
}

/// The article's default mechanism (proportional, all-pay, round, burn, fixed).
pub fn default_config() -> ChainConfig {
    ChainConfig::minimal()
}

pub fn pool_config(
    payment: PaymentRule,
    destination: PaymentDestination,
    sell_back: bool,
) -> ChainConfig {
    let mut c = config(
        AllocationRule::Proportional,
        payment,
        TicketLifetime::Pool,
        destination,
        PricingRule::Fixed,
    );
    c.sell_back = sell_back;
    c
}

/// Round lifetime: blocks at slots 1 to `last` with every committee attesting; bids
/// for slots 6, 10 and 12 (the round for 6 closes at slot 2 and assigns it).
pub fn round_chain(config: ChainConfig, signed: bool, last: Slot) -> Result<Fixture> {
    let mut chain = Chain::genesis(config, VALIDATORS, &BUILDER_BALANCES, signed)?;
    let genesis = chain.state.clone();
    let mut blocks = Vec::new();
    let mut votes = BTreeMap::new();
    for slot in 1..=last {
        let mut contents = BlockContents::default();
        match slot {
            1 => {
                contents.ticket_purchases = vec![
                    chain.buy(0, 6, 5, 1, 0)?,
                    chain.buy(1, 6, 3, 1, 0)?,
                    chain.buy(2, 10, 4, 1, 0)?,
                ]
            }
            2 => {
                contents.ticket_purchases =
                    vec![chain.buy(3, 10, 2, 2, 0)?, chain.buy(0, 12, 1, 2, 0)?]
            }
            _ => {}
        }
        let attesting = chain.state.slot;
        let block = chain.full_block(slot, Some(1_000 * slot), contents)?;
        votes.insert(attesting, block.message.body.attestations.to_vec());
        blocks.push(block);
    }
    // The votes for the last block, not yet included anywhere.
    votes.insert(chain.state.slot, chain.attestations(&|_| true)?);
    Ok(Fixture {
        chain,
        votes,
        genesis,
        blocks,
    })
}

/// Pool lifetime: builders 0, 1, 2 buy 10, 3 and 7 tickets in the blocks of slots 1
/// and 2; every later block draws one ticket. Blocks at slots 1 to `last`.
pub fn pool_chain(config: ChainConfig, signed: bool, last: Slot) -> Result<Fixture> {
    let mut chain = Chain::genesis(config, VALIDATORS, &BUILDER_BALANCES, signed)?;
    let genesis = chain.state.clone();
    let mut blocks = Vec::new();
    let mut votes = BTreeMap::new();
    for slot in 1..=last {
        let mut contents = BlockContents::default();
        match slot {
            1 => {
                contents.ticket_purchases =
                    vec![chain.buy(0, 5, 10, 1, 0)?, chain.buy(1, 9, 3, 1, 0)?]
            }
            2 => contents.ticket_purchases = vec![chain.buy(2, 2, 7, 2, 0)?],
            _ => {}
        }
        let attesting = chain.state.slot;
        let block = chain.full_block(slot, Some(500), contents)?;
        votes.insert(attesting, block.message.body.attestations.to_vec());
        blocks.push(block);
    }
    votes.insert(chain.state.slot, chain.attestations(&|_| true)?);
    Ok(Fixture {
        chain,
        votes,
        genesis,
        blocks,
    })
}
