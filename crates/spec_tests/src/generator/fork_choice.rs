//! `fork_choice/<handler>`: the fork-choice scenarios of `crates/fork_choice/tests/
//! scenarios.rs` (the spec's "cases to be exported"), written as steps vectors.
//!
//! Chains: 64 validators, no builders, minimal preset, genesis time 1000 s, 2-second
//! slots, no BLS. Each scenario is run through `StepRunner` before it is written, so a
//! scenario that does not hold stops generation instead of producing a failing vector.

use super::Ctx;
use crate::files::CaseWriter;
use crate::meta::{BLS_IGNORED, Meta};
use crate::schema::{ChecksEntry, Head, StepEntry, Weight};
use anyhow::{Result, anyhow};
use etn_fork_choice::genesis_block;
use etn_fork_choice::steps::{Checks, Step, StepRunner};
use etn_state::accessors::{EpochCommittees, get_committee_count_per_slot};
use etn_state::produce::{
    Attesters, BlockContents, aggregate_attestation, attestation_data, produce_block,
};
use etn_state::{SignatureStrategy, devnet_genesis_input, initialize_beacon_state, process_slots};
use etn_types::ssz::hash_tree_root;
use etn_types::*;
use std::collections::{BTreeMap, BTreeSet};

const GENESIS_TIME: u64 = 1_000;
const SLOT_MS: u64 = 2_000;
const VALIDATORS: u64 = 64;
const BALANCE: Gwei = MAX_EFFECTIVE_BALANCE;
/// 40% of one slot's committee weight (64 validators over 8 slots).
const BOOST: Gwei = 8 * BALANCE * 40 / 100;

fn t(slot: Slot) -> u64 {
    GENESIS_TIME * 1000 + slot * SLOT_MS
}

fn tick(slot: Slot) -> Step {
    Step::Tick { time_ms: t(slot) }
}

fn tick_at(slot: Slot, ms: u64) -> Step {
    Step::Tick {
        time_ms: t(slot) + ms,
    }
}

fn block(signed: &SignedBeaconBlock) -> Step {
    Step::Block {
        block: signed.clone(),
        valid: true,
    }
}

fn invalid_block(signed: &SignedBeaconBlock) -> Step {
    Step::Block {
        block: signed.clone(),
        valid: false,
    }
}

fn attestations(list: &[Attestation]) -> Vec<Step> {
    list.iter()
        .map(|a| Step::Attestation {
            attestation: a.clone(),
            valid: true,
        })
        .collect()
}

fn head_is(slot: Slot, root: Root) -> Step {
    Step::Checks(Checks {
        head: Some((slot, root)),
        ..Default::default()
    })
}

fn checkpoint(epoch: Epoch, root: Root) -> Checkpoint {
    Checkpoint { epoch, root }
}

fn everyone(_: u64) -> bool {
    true
}

/// Blocks and post-states on any fork.
struct Forks {
    genesis: BeaconState,
    genesis_root: Root,
    states: BTreeMap<Root, BeaconState>,
}

impl Forks {
    fn new() -> Result<Self> {
        let input = devnet_genesis_input(ChainConfig::minimal(), GENESIS_TIME, VALIDATORS, &[]);
        let genesis = initialize_beacon_state(&input)?;
        let (genesis_root, _) = genesis_block(&genesis).map_err(|e| anyhow!("{e}"))?;
        Ok(Self {
            states: BTreeMap::from([(genesis_root, genesis.clone())]),
            genesis,
            genesis_root,
        })
    }

    fn block_with(
        &mut self,
        parent: Root,
        slot: Slot,
        contents: BlockContents,
    ) -> Result<(Root, SignedBeaconBlock)> {
        let (signed, post) = produce_block(&self.states[&parent], slot, None, contents)?;
        let root = hash_tree_root(&signed.message)?;
        self.states.insert(root, post);
        Ok((root, signed))
    }

    fn block(
        &mut self,
        parent: Root,
        slot: Slot,
        graffiti: u8,
    ) -> Result<(Root, SignedBeaconBlock)> {
        self.block_with(
            parent,
            slot,
            BlockContents {
                graffiti: Bytes32([graffiti; 32]),
                ..Default::default()
            },
        )
    }

    fn block_with_votes(
        &mut self,
        parent: Root,
        slot: Slot,
        include: &dyn Fn(u64) -> bool,
    ) -> Result<(Root, SignedBeaconBlock)> {
        let contents = BlockContents {
            attestations: self.attestations(parent, slot - 1, include)?,
            ..Default::default()
        };
        self.block_with(parent, slot, contents)
    }

    fn state_at(&self, root: Root, slot: Slot) -> Result<BeaconState> {
        let mut state = self.states[&root].clone();
        if state.slot < slot {
            process_slots(&mut state, slot)?;
        }
        Ok(state)
    }

    fn attestations(
        &self,
        head: Root,
        slot: Slot,
        include: &dyn Fn(u64) -> bool,
    ) -> Result<Vec<Attestation>> {
        let state = self.state_at(head, slot)?;
        let mut out = Vec::new();
        for index in 0..get_committee_count_per_slot(&state) {
            let data = attestation_data(&state, slot, index)?;
            if let Some(a) = aggregate_attestation(&state, data, Attesters::Unsigned(include))? {
                out.push(a);
            }
        }
        Ok(out)
    }

    fn committee_members(&self, head: Root, slot: Slot) -> Result<Vec<u64>> {
        let state = self.state_at(head, slot)?;
        let committees = EpochCommittees::compute(&state, slot / state.config.slots_per_epoch);
        let mut members = Vec::new();
        for i in 0..committees.committees_per_slot() {
            members.extend(committees.committee(slot, i)?.iter().map(|v| *v as u64));
        }
        members.sort_unstable();
        Ok(members)
    }

    fn extend(
        &mut self,
        mut parent: Root,
        slots: std::ops::RangeInclusive<Slot>,
        include: &dyn Fn(u64) -> bool,
        steps: &mut Vec<Step>,
    ) -> Result<Vec<Root>> {
        let mut roots = Vec::new();
        for slot in slots {
            let (root, signed) = self.block_with_votes(parent, slot, include)?;
            steps.push(tick(slot));
            steps.push(block(&signed));
            roots.push(root);
            parent = root;
        }
        Ok(roots)
    }
}

type Pair = (Root, SignedBeaconBlock);

fn ordered(a: Pair, b: Pair) -> (Pair, Pair) {
    if a.0 < b.0 { (a, b) } else { (b, a) }
}

/// Checks the steps with the runner, then writes them.
fn write(
    ctx: &mut Ctx,
    handler: &str,
    name: &str,
    description: &str,
    genesis: &BeaconState,
    steps: &[Step],
) -> Result<()> {
    let mut runner = StepRunner::from_genesis(genesis.clone(), SignatureStrategy::Skip)
        .map_err(|e| anyhow!("{e}"))?;
    runner
        .run(steps)
        .map_err(|e| anyhow!("fork_choice/{handler}/{name}: {e}"))?;
    let w = CaseWriter::create(&ctx.out, "fork_choice", handler, name)?;
    w.yaml("meta", &Meta::new(description, BLS_IGNORED))?;
    w.ssz("anchor_state", genesis)?;
    let (_, anchor_block) = genesis_block(genesis).map_err(|e| anyhow!("{e}"))?;
    w.ssz("anchor_block", &anchor_block)?;
    let mut written = BTreeSet::new();
    let mut file = |kind: &str, root: Root, write: &dyn Fn(&str) -> Result<()>| -> Result<String> {
        let name = format!("{kind}_{root}");
        if written.insert(name.clone()) {
            write(&name)?;
        }
        Ok(name)
    };
    let mut entries = Vec::new();
    for step in steps {
        let entry = match step {
            Step::Tick { time_ms } => StepEntry {
                tick: Some(*time_ms),
                ..Default::default()
            },
            Step::Block { block, valid } => StepEntry {
                block: Some(file("block", hash_tree_root(block)?, &|n| w.ssz(n, block))?),
                valid: (!valid).then_some(false),
                ..Default::default()
            },
            Step::Attestation { attestation, valid } => StepEntry {
                attestation: Some(file("attestation", hash_tree_root(attestation)?, &|n| {
                    w.ssz(n, attestation)
                })?),
                valid: (!valid).then_some(false),
                ..Default::default()
            },
            Step::AttesterSlashing { slashing, valid } => StepEntry {
                attester_slashing: Some(file(
                    "attester_slashing",
                    hash_tree_root(slashing)?,
                    &|n| w.ssz(n, slashing),
                )?),
                valid: (!valid).then_some(false),
                ..Default::default()
            },
            Step::Checks(c) => StepEntry {
                checks: Some(ChecksEntry {
                    head: c.head.map(|(slot, root)| Head { slot, root }),
                    time: c.time_ms,
                    justified_checkpoint: c.justified_checkpoint,
                    finalized_checkpoint: c.finalized_checkpoint,
                    proposer_boost_root: c.proposer_boost_root,
                    weights: c
                        .weights
                        .iter()
                        .map(|(root, weight)| Weight {
                            root: *root,
                            weight: *weight,
                        })
                        .collect(),
                }),
                ..Default::default()
            },
        };
        entries.push(entry);
    }
    w.yaml("steps", &entries)?;
    ctx.count("fork_choice", handler);
    Ok(())
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    competing_forks(ctx)?;
    proposer_boost(ctx)?;
    late_block(ctx)?;
    equivocation(ctx)?;
    slashing_in_block(ctx)?;
    finality(ctx)?;
    no_justification(ctx)?;
    conflicting_fork(ctx)?;
    pull_up(ctx)?;
    Ok(())
}

fn competing_forks(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1)?;
    let (b, block_b) = chain.block(g, 2, 2)?;
    let votes_b = chain.attestations(b, 2, &everyone)?;
    let votes_a = chain.attestations(a, 3, &everyone)?;
    let more_a = chain.attestations(a, 4, &|v| v % 2 == 0)?;
    let mut steps = vec![tick(1), block(&block_a), head_is(1, a)];
    steps.extend([tick(2), block(&block_b)]);
    steps.extend(attestations(&votes_b));
    steps.push(Step::Checks(Checks {
        head: Some((2, b)),
        proposer_boost_root: Some(b),
        weights: vec![(b, BOOST), (a, 0)],
        time_ms: Some(t(2)),
        ..Default::default()
    }));
    steps.push(Step::Attestation {
        attestation: votes_a[0].clone(),
        valid: false,
    });
    steps.push(tick(3));
    steps.push(Step::Checks(Checks {
        head: Some((2, b)),
        proposer_boost_root: Some(Root::ZERO),
        weights: vec![(b, 8 * BALANCE), (a, 0), (g, 8 * BALANCE)],
        ..Default::default()
    }));
    steps.push(tick(4));
    steps.extend(attestations(&votes_a));
    steps.push(head_is(if a > b { 1 } else { 2 }, a.max(b)));
    steps.push(tick(5));
    steps.extend(attestations(&more_a));
    let extra = chain
        .committee_members(a, 4)?
        .iter()
        .filter(|v| *v % 2 == 0)
        .count() as u64;
    steps.push(Step::Checks(Checks {
        head: Some((1, a)),
        weights: vec![(a, (8 + extra) * BALANCE), (b, 8 * BALANCE)],
        ..Default::default()
    }));
    write(
        ctx,
        "get_head",
        "competing_forks_decided_by_weight",
        "two forks from genesis: the heavier is the head whichever arrived first; a vote of a later slot is refused; equal weights go to the larger root",
        &chain.genesis,
        &steps,
    )
}

fn proposer_boost(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let ((low, block_low), (high, block_high)) =
        ordered(chain.block(g, 1, 1)?, chain.block(g, 1, 2)?);
    let steps = vec![
        tick_at(1, 100),
        block(&block_low),
        block(&block_high),
        Step::Checks(Checks {
            head: Some((1, low)),
            proposer_boost_root: Some(low),
            weights: vec![(low, BOOST), (high, 0)],
            ..Default::default()
        }),
        tick_at(1, 1_900),
        Step::Checks(Checks {
            head: Some((1, low)),
            proposer_boost_root: Some(low),
            time_ms: Some(t(1) + 1_900),
            ..Default::default()
        }),
        tick(2),
        Step::Checks(Checks {
            head: Some((1, high)),
            proposer_boost_root: Some(Root::ZERO),
            weights: vec![(low, 0), (high, 0)],
            ..Default::default()
        }),
    ];
    write(
        ctx,
        "proposer_boost",
        "boost_decides_tie_and_expires",
        "two timely blocks of one slot: the first is boosted and wins the tie against the larger root until the next slot",
        &chain.genesis,
        &steps,
    )
}

fn late_block(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let (a, block_a) = chain.block_with_votes(g, 1, &everyone)?;
    let (late, block_late) = chain.block(a, 2, 0)?;
    let slot2_votes = chain.attestations(a, 2, &everyone)?;
    let (c, block_c) = chain.block_with(
        a,
        3,
        BlockContents {
            attestations: slot2_votes,
            ..Default::default()
        },
    )?;
    let slot3_votes = chain.attestations(c, 3, &everyone)?;
    let mut steps = vec![
        tick(1),
        block(&block_a),
        tick_at(2, 1_000),
        block(&block_late),
    ];
    steps.push(Step::Checks(Checks {
        head: Some((2, late)),
        proposer_boost_root: Some(Root::ZERO),
        ..Default::default()
    }));
    steps.push(tick_at(3, 300));
    steps.push(block(&block_c));
    steps.push(Step::Checks(Checks {
        head: Some((3, c)),
        proposer_boost_root: Some(c),
        weights: vec![(late, 0), (c, BOOST), (a, BOOST + 8 * BALANCE)],
        ..Default::default()
    }));
    steps.push(tick(4));
    steps.extend(attestations(&slot3_votes));
    steps.push(Step::Checks(Checks {
        head: Some((3, c)),
        proposer_boost_root: Some(Root::ZERO),
        weights: vec![(late, 0), (c, 8 * BALANCE)],
        ..Default::default()
    }));
    write(
        ctx,
        "reorg",
        "late_block_reorged_out",
        "a block arriving after the attestation deadline gets no boost; the next timely block on its parent wins",
        &chain.genesis,
        &steps,
    )
}

fn double_vote(
    indices: &[u64],
    data: AttestationData,
    other_head: Root,
) -> Result<AttesterSlashing> {
    let indexed = |data: AttestationData| -> Result<IndexedAttestation> {
        Ok(IndexedAttestation {
            attesting_indices: indices
                .to_vec()
                .try_into()
                .map_err(|_| anyhow!("indices"))?,
            data,
            signature: BlsSignature::ZERO,
        })
    };
    Ok(AttesterSlashing {
        attestation_1: indexed(data)?,
        attestation_2: indexed(AttestationData {
            beacon_block_root: other_head,
            ..data
        })?,
    })
}

fn equivocation(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1)?;
    let (b, block_b) = chain.block(g, 2, 2)?;
    let votes_b = chain.attestations(b, 2, &everyone)?;
    let votes_a = chain.attestations(a, 3, &|v| v % 2 == 1)?;
    let liars = chain.committee_members(b, 2)?;
    let honest_a = chain
        .committee_members(a, 3)?
        .into_iter()
        .filter(|v| v % 2 == 1)
        .count() as u64;
    let slashing = double_vote(&liars, votes_b[0].data, a)?;
    let not_slashable = AttesterSlashing {
        attestation_1: slashing.attestation_1.clone(),
        attestation_2: slashing.attestation_1.clone(),
    };
    let mut later = Vec::new();
    for slot in 8..16 {
        later.extend(chain.attestations(b, slot, &|v| liars.contains(&v))?);
    }
    let mut steps = vec![tick(1), block(&block_a), tick(2), block(&block_b), tick(4)];
    steps.extend(attestations(&votes_b));
    steps.extend(attestations(&votes_a));
    steps.push(Step::Checks(Checks {
        head: Some((2, b)),
        weights: vec![(b, 8 * BALANCE), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    steps.push(Step::AttesterSlashing {
        slashing: not_slashable,
        valid: false,
    });
    steps.push(Step::AttesterSlashing {
        slashing,
        valid: true,
    });
    steps.push(Step::Checks(Checks {
        head: Some((1, a)),
        weights: vec![(b, 0), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    steps.push(tick(16));
    steps.extend(attestations(&later));
    steps.push(Step::Checks(Checks {
        head: Some((1, a)),
        weights: vec![(b, 0), (a, honest_a * BALANCE)],
        ..Default::default()
    }));
    write(
        ctx,
        "equivocation",
        "equivocators_votes_removed",
        "validators that voted twice lose their weight once the slashing is seen, and their later votes do not count; a pair that is not slashable is refused",
        &chain.genesis,
        &steps,
    )
}

fn slashing_in_block(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let (a, block_a) = chain.block(g, 1, 1)?;
    let (b, block_b) = chain.block(g, 2, 2)?;
    let votes_a = chain.attestations(a, 1, &|v| v % 2 == 0)?;
    let votes_b = chain.attestations(b, 2, &everyone)?;
    let liars = chain.committee_members(b, 2)?;
    let slashing = double_vote(&liars, votes_b[0].data, a)?;
    let (c, block_c) = chain.block_with(
        a,
        3,
        BlockContents {
            attester_slashings: vec![slashing],
            ..Default::default()
        },
    )?;
    let mut steps = vec![tick(1), block(&block_a), tick(2), block(&block_b), tick(3)];
    steps.extend(attestations(&votes_a));
    steps.extend(attestations(&votes_b));
    steps.push(head_is(2, b));
    steps.push(tick_at(3, 1_000));
    steps.push(block(&block_c));
    steps.push(Step::Checks(Checks {
        head: Some((3, c)),
        weights: vec![(b, 0)],
        ..Default::default()
    }));
    write(
        ctx,
        "equivocation",
        "slashing_in_block",
        "an attester slashing carried in a block removes the equivocators' weight when the block is imported",
        &chain.genesis,
        &steps,
    )
}

fn voting_chain(participants: u64, last: Slot) -> Result<(Forks, Vec<Root>, Vec<Step>)> {
    let mut chain = Forks::new()?;
    let mut steps = Vec::new();
    let g = chain.genesis_root;
    let mut roots = vec![g];
    roots.extend(chain.extend(g, 1..=last, &|v| v < participants, &mut steps)?);
    Ok((chain, roots, steps))
}

fn finality(ctx: &mut Ctx) -> Result<()> {
    let (chain, roots, mut steps) = voting_chain(43, 40)?;
    let at = |slot: usize| roots[slot];
    let genesis = checkpoint(0, chain.genesis_root);
    let expected = [
        (2u64, genesis, genesis),
        (3, checkpoint(1, at(8)), genesis),
        (4, checkpoint(2, at(16)), genesis),
        (5, checkpoint(3, at(24)), checkpoint(1, at(8))),
    ];
    for (epoch, justified, finalized) in expected.into_iter().rev() {
        let tick_index = 2 * (epoch as usize * 8 - 1);
        steps.insert(
            tick_index + 1,
            Step::Checks(Checks {
                justified_checkpoint: Some(justified),
                finalized_checkpoint: Some(finalized),
                head: Some((epoch * 8 - 1, at(epoch as usize * 8 - 1))),
                ..Default::default()
            }),
        );
    }
    write(
        ctx,
        "finality",
        "two_thirds_justify_and_finalize",
        "43 of 64 validators vote in every slot: each epoch from 1 on is justified (seen at the epoch boundary through the pull-up) and two in a row finalize",
        &chain.genesis,
        &steps,
    )
}

fn no_justification(ctx: &mut Ctx) -> Result<()> {
    let (chain, roots, mut steps) = voting_chain(42, 40)?;
    let genesis = checkpoint(0, chain.genesis_root);
    steps.push(Step::Checks(Checks {
        head: Some((40, roots[40])),
        justified_checkpoint: Some(genesis),
        finalized_checkpoint: Some(genesis),
        ..Default::default()
    }));
    write(
        ctx,
        "finality",
        "one_short_of_two_thirds",
        "42 of 64 validators vote: nothing is ever justified",
        &chain.genesis,
        &steps,
    )
}

fn conflicting_fork(ctx: &mut Ctx) -> Result<()> {
    let mut chain = Forks::new()?;
    let g = chain.genesis_root;
    let mut steps = Vec::new();
    let main: Vec<Root> = [vec![g], chain.extend(g, 1..=40, &everyone, &mut steps)?].concat();
    let (fork, block_fork) = chain.block(main[1], 3, 7)?;
    let tick3 = steps
        .iter()
        .position(|s| *s == tick(3))
        .ok_or_else(|| anyhow!("no tick 3"))?;
    steps.insert(tick3 + 2, block(&block_fork));
    steps.push(Step::Checks(Checks {
        head: Some((40, main[40])),
        justified_checkpoint: Some(checkpoint(4, main[32])),
        finalized_checkpoint: Some(checkpoint(3, main[24])),
        ..Default::default()
    }));
    let (_, block_on_fork) = chain.block(fork, 41, 1)?;
    let (_, block_too_old) = chain.block(main[5], 6, 9)?;
    steps.push(tick(41));
    steps.push(invalid_block(&block_on_fork));
    steps.push(invalid_block(&block_too_old));
    steps.push(head_is(40, main[40]));
    let _ = fork;
    write(
        ctx,
        "on_block",
        "conflicts_with_finality",
        "after finality, a block on a fork that leaves the finalized checkpoint and a block not after the finalized slot are refused",
        &chain.genesis,
        &steps,
    )
}

fn pull_up(ctx: &mut Ctx) -> Result<()> {
    let (chain, roots, timely) = voting_chain(43, 23)?;
    let genesis = checkpoint(0, chain.genesis_root);
    let epoch1 = checkpoint(1, roots[8]);
    let justified_is = |c: Checkpoint| {
        Step::Checks(Checks {
            justified_checkpoint: Some(c),
            ..Default::default()
        })
    };
    let blocks: Vec<Step> = timely
        .iter()
        .filter(|s| matches!(s, Step::Block { .. }))
        .cloned()
        .collect();
    let mut late = vec![tick(24)];
    late.extend(blocks[..15].iter().cloned());
    late.push(justified_is(genesis));
    late.push(blocks[15].clone());
    late.push(justified_is(epoch1));
    late.extend(blocks[16..].iter().cloned());
    late.push(head_is(23, roots[23]));
    write(
        ctx,
        "pull_up",
        "earlier_epoch_blocks_pulled_up",
        "syncing at slot 24: blocks from earlier epochs bring their pulled-up justification at once",
        &chain.genesis,
        &late,
    )?;
    let mut in_time = timely[..32].to_vec();
    in_time.push(justified_is(genesis));
    in_time.extend(timely[32..].iter().cloned());
    in_time.push(justified_is(genesis));
    in_time.push(tick(24));
    in_time.push(justified_is(epoch1));
    write(
        ctx,
        "pull_up",
        "current_epoch_waits_for_boundary",
        "blocks imported in time: slot 16's pulled-up justification is realized only by the tick into epoch 3",
        &chain.genesis,
        &in_time,
    )
}
