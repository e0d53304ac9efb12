//! Persisting the store: `to_bytes` / `from_bytes`.
//!
//! A restarting node resumes from a snapshot instead of replaying every block since the
//! anchor. The snapshot is the whole store (votes, applied weights and boost included),
//! so the first `get_head` after a restart gives the same head as it would have before.
//!
//! Encoding (all integers little-endian `u64` unless noted; `root` is 32 bytes):
//!
//! ```text
//! magic "etnfc" | version u8 = 1
//! genesis_time_ms | slot_ms | slots_per_epoch | time_ms
//! justified | finalized | unrealized_justified | unrealized_finalized   (epoch, root)
//! proposer_boost_root: flag u8 [root] | applied_boost: flag u8 [root, score]
//! total_active_balance
//! effective_balances, applied_balances: runs count, then (value, length) per run
//! balances_from: flag u8 [epoch, root]
//! equivocating: count, then indices (strictly increasing)
//! nodes: count, then per node: root, parent, slot, justified, finalized,
//!        unrealized_justified, unrealized_finalized, weight, best_child,
//!        best_descendant (indices, u64::MAX = none), slashed: count, then indices
//! votes: count, then (current u32, next u32, next_epoch) per validator,
//!        u32 = node index, 0xffffffff = none
//! pending: count, then (validator, node u32, target_epoch) per held vote
//! ```
//!
//! Votes are node indices (16 bytes per validator); balances are equal for nearly every
//! validator, so they are stored as runs. Decoding checks every length against the input
//! and every invariant head finding relies on; any violation is an error.

use crate::balances::total_balance;
use crate::codec::{Reader, Writer};
use crate::error::ForkChoiceError;
use crate::pending::{PendingVote, PendingVotes};
use crate::proto_array::{ProtoArray, ProtoNode};
use crate::store::ForkChoice;
use crate::timing::Timing;
use crate::votes::{Vote, Votes};
use etn_types::{Gwei, VALIDATOR_REGISTRY_LIMIT};

const MAGIC: &[u8; 5] = b"etnfc";
const VERSION: u8 = 1;
const NO_NODE: u32 = u32::MAX;
/// Bytes of a node without its slashed list: root, 4 words, 4 checkpoints, 3 words, count.
const MIN_NODE_BYTES: usize = 32 + 8 * 2 + 40 * 4 + 8 * 3 + 8;

fn bad(reason: &'static str) -> ForkChoiceError {
    ForkChoiceError::InvalidSnapshot(reason)
}

impl ForkChoice {
    /// The store as bytes, for the node's database.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.raw(MAGIC);
        w.u8(VERSION);
        w.u64(self.timing.genesis_time_ms);
        w.u64(self.timing.slot_ms);
        w.u64(self.timing.slots_per_epoch);
        w.u64(self.time_ms);
        for checkpoint in [
            &self.justified,
            &self.finalized,
            &self.unrealized_justified,
            &self.unrealized_finalized,
        ] {
            w.checkpoint(checkpoint);
        }
        w.option_root(&self.proposer_boost_root);
        w.option_root(&self.applied_boost.map(|(root, _)| root));
        if let Some((_, score)) = self.applied_boost {
            w.u64(score);
        }
        w.u64(self.total_active_balance);
        write_runs(&mut w, &self.effective_balances);
        write_runs(&mut w, &self.applied_balances);
        match &self.balances_from {
            Some(checkpoint) => {
                w.u8(1);
                w.checkpoint(checkpoint);
            }
            None => w.u8(0),
        }
        let equivocating: Vec<u64> = self.votes.equivocating_indices().collect();
        w.len(equivocating.len());
        for index in equivocating {
            w.u64(index);
        }
        let nodes = self.proto.nodes();
        w.len(nodes.len());
        for node in nodes {
            w.root(&node.root);
            w.index(node.parent);
            w.u64(node.slot);
            w.checkpoint(&node.justified);
            w.checkpoint(&node.finalized);
            w.checkpoint(&node.unrealized_justified);
            w.checkpoint(&node.unrealized_finalized);
            w.u64(node.weight);
            w.index(node.best_child);
            w.index(node.best_descendant);
            w.len(node.slashed.len());
            for index in &node.slashed {
                w.u64(*index);
            }
        }
        w.len(self.votes.votes.len());
        for vote in &self.votes.votes {
            w.u32(vote.current.unwrap_or(NO_NODE));
            w.u32(vote.next.unwrap_or(NO_NODE));
            w.u64(vote.next_epoch);
        }
        let pending = self.pending.entries();
        w.len(pending.len());
        for vote in pending {
            w.u64(vote.validator);
            w.u32(vote.node);
            w.u64(vote.target_epoch);
        }
        w.into_bytes()
    }

    /// A store from [`to_bytes`](Self::to_bytes) output. Anything else, truncated or
    /// inconsistent, is an `InvalidSnapshot` error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ForkChoiceError> {
        let mut r = Reader::new(bytes);
        if r.take(MAGIC.len())? != MAGIC {
            return Err(bad("not a fork-choice snapshot"));
        }
        if r.u8()? != VERSION {
            return Err(bad("unknown snapshot version"));
        }
        let genesis_time_ms = r.u64()?;
        let slot_ms = r.u64()?;
        let slots_per_epoch = r.u64()?;
        if slot_ms == 0 || slots_per_epoch == 0 {
            return Err(bad("empty slots or epochs"));
        }
        let timing = Timing {
            genesis_time_ms,
            slot_ms,
            slots_per_epoch,
        };
        let time_ms = r.u64()?;
        let justified = r.checkpoint()?;
        let finalized = r.checkpoint()?;
        let unrealized_justified = r.checkpoint()?;
        let unrealized_finalized = r.checkpoint()?;
        let proposer_boost_root = r.option_root()?;
        let applied_boost = match r.option_root()? {
            Some(root) => Some((root, r.u64()?)),
            None => None,
        };
        let total_active_balance = r.u64()?;
        let effective_balances = read_runs(&mut r)?;
        let applied_balances = read_runs(&mut r)?;
        let balances_from = if r.bool()? {
            Some(r.checkpoint()?)
        } else {
            None
        };
        let validators = effective_balances.len();
        if validators == 0 || applied_balances.len() != validators {
            return Err(bad("balances do not cover the validator set"));
        }
        if total_balance(&effective_balances)? != total_active_balance {
            return Err(bad("total active balance does not match the balances"));
        }
        let mut votes = Votes::new(validators);
        for index in read_sorted_indices(&mut r, validators)? {
            votes.mark_equivocating(index as usize);
        }
        let proto = read_nodes(&mut r, validators)?;
        votes.votes = read_votes(&mut r, validators, proto.len())?;
        let pending = (0..r.count(20)?)
            .map(|_| {
                Ok(PendingVote {
                    validator: r.u64()?,
                    node: r.u32()?,
                    target_epoch: r.u64()?,
                })
            })
            .collect::<Result<Vec<_>, ForkChoiceError>>()?;
        let pending = PendingVotes::from_entries(validators, proto.len(), pending)?;
        r.finish()?;
        if proto.index_of(&justified.root).is_none() || proto.index_of(&finalized.root).is_none() {
            return Err(bad("justified or finalized block not in the tree"));
        }
        Ok(Self {
            timing,
            time_ms,
            justified,
            finalized,
            unrealized_justified,
            unrealized_finalized,
            proposer_boost_root,
            applied_boost,
            proto,
            votes,
            pending,
            effective_balances,
            applied_balances,
            balances_from,
            total_active_balance,
        })
    }
}

fn write_runs(w: &mut Writer, values: &[Gwei]) {
    let mut runs: Vec<(Gwei, u64)> = Vec::new();
    for value in values {
        match runs.last_mut() {
            Some((v, n)) if v == value => *n += 1,
            _ => runs.push((*value, 1)),
        }
    }
    w.len(runs.len());
    for (value, length) in runs {
        w.u64(value);
        w.u64(length);
    }
}

fn read_runs(r: &mut Reader<'_>) -> Result<Vec<Gwei>, ForkChoiceError> {
    let runs = r.count(16)?;
    let mut values = Vec::new();
    for _ in 0..runs {
        let value = r.u64()?;
        let length = usize::try_from(r.u64()?).map_err(|_| bad("run too long"))?;
        if length == 0 || length > VALIDATOR_REGISTRY_LIMIT - values.len() {
            return Err(bad("balance runs empty or beyond the registry limit"));
        }
        values.resize(values.len() + length, value);
    }
    Ok(values)
}

fn read_sorted_indices(r: &mut Reader<'_>, bound: usize) -> Result<Vec<u64>, ForkChoiceError> {
    let count = r.count(8)?;
    let mut indices = Vec::with_capacity(count);
    for _ in 0..count {
        let index = r.u64()?;
        if index >= bound as u64 || indices.last().is_some_and(|last| *last >= index) {
            return Err(bad("validator indices out of range or out of order"));
        }
        indices.push(index);
    }
    Ok(indices)
}

fn read_votes(
    r: &mut Reader<'_>,
    validators: usize,
    nodes: usize,
) -> Result<Vec<Vote>, ForkChoiceError> {
    if r.count(16)? != validators {
        return Err(bad("one vote per validator"));
    }
    let node = |reference: u32| match reference {
        NO_NODE => Ok(None),
        i if (i as usize) < nodes => Ok(Some(i)),
        _ => Err(bad("vote for a node past the tree")),
    };
    (0..validators)
        .map(|_| {
            Ok(Vote {
                current: node(r.u32()?)?,
                next: node(r.u32()?)?,
                next_epoch: r.u64()?,
            })
        })
        .collect()
}

fn read_nodes(r: &mut Reader<'_>, validators: usize) -> Result<ProtoArray, ForkChoiceError> {
    let count = r.count(MIN_NODE_BYTES)?;
    let mut nodes = Vec::with_capacity(count);
    for _ in 0..count {
        nodes.push(ProtoNode {
            root: r.root()?,
            parent: r.index()?,
            slot: r.u64()?,
            justified: r.checkpoint()?,
            finalized: r.checkpoint()?,
            unrealized_justified: r.checkpoint()?,
            unrealized_finalized: r.checkpoint()?,
            weight: r.u64()?,
            best_child: r.index()?,
            best_descendant: r.index()?,
            slashed: read_sorted_indices(r, validators)?,
        });
    }
    ProtoArray::from_nodes(nodes)
}
