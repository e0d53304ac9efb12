//! Latest messages (LMD votes) per validator, and the weight changes they cause.
//!
//! Each validator's vote is tracked twice: the node its weight currently sits on in the
//! tree (`current`) and the node its latest message names (`next`). Attestations only
//! move `next`; `get_head` turns every difference into a pair of deltas (take the old
//! balance off `current`, put the new balance on `next`) and then commits, so the cost of
//! a head update is the number of votes that changed, not the number of votes.
//!
//! Votes name proto-array indices rather than roots: an attestation's root is looked up
//! once for all its validators, and the per-validator work of a head update is index
//! arithmetic with no hashing. Pruning renumbers the nodes and the votes with them.

use crate::error::ForkChoiceError;
use etn_types::Epoch;

/// One validator's latest message and where its weight is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Vote {
    /// The node this vote's weight sits on now (as of the last `get_head`).
    pub current: Option<u32>,
    /// The node of the latest message; `None` before the first one (or once pruned).
    pub next: Option<u32>,
    /// Target epoch of the latest message.
    pub next_epoch: Epoch,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Votes {
    pub votes: Vec<Vote>,
    /// Validators proven to have equivocated: their weight leaves the tree for good.
    pub equivocating: Vec<bool>,
}

impl Votes {
    pub fn new(validators: usize) -> Self {
        Self {
            votes: vec![Vote::default(); validators],
            equivocating: vec![false; validators],
        }
    }

    pub fn len(&self) -> usize {
        self.votes.len()
    }

    /// `update_latest_messages` for one validator: a latest message is replaced only by
    /// one with a newer target epoch, and equivocators' messages are ignored.
    pub fn record(&mut self, validator: usize, node: u32, target_epoch: Epoch) {
        if self.equivocating.get(validator).copied().unwrap_or(true) {
            return;
        }
        let vote = &mut self.votes[validator];
        if vote.next.is_none() || target_epoch > vote.next_epoch {
            vote.next = Some(node);
            vote.next_epoch = target_epoch;
        }
    }

    pub fn mark_equivocating(&mut self, validator: usize) {
        if let Some(flag) = self.equivocating.get_mut(validator) {
            *flag = true;
        }
    }

    pub fn equivocating_indices(&self) -> impl Iterator<Item = u64> + '_ {
        self.equivocating
            .iter()
            .enumerate()
            .filter(|(_, e)| **e)
            .map(|(i, _)| i as u64)
    }

    /// The per-node weight changes since the last commit: votes that moved, balances that
    /// changed (a new justified state), and equivocators whose weight must go. Pure.
    pub fn deltas(
        &self,
        node_count: usize,
        old_balances: &[u64],
        new_balances: &[u64],
    ) -> Result<Vec<i64>, ForkChoiceError> {
        let mut deltas = vec![0i64; node_count];
        for (i, vote) in self.votes.iter().enumerate() {
            let old = old_balances.get(i).copied().unwrap_or(0);
            let new = new_balances.get(i).copied().unwrap_or(0);
            let to = if self.equivocating[i] {
                None
            } else {
                vote.next
            };
            if vote.current == to && old == new {
                continue;
            }
            if let Some(delta) = vote.current.and_then(|n| deltas.get_mut(n as usize)) {
                add(delta, old, false)?;
            }
            if let Some(delta) = to.and_then(|n| deltas.get_mut(n as usize)) {
                add(delta, new, true)?;
            }
        }
        Ok(deltas)
    }

    /// Records that the deltas of [`deltas`](Self::deltas) were applied.
    pub fn commit(&mut self) {
        for (vote, equivocating) in self.votes.iter_mut().zip(&self.equivocating) {
            if *equivocating {
                vote.current = None;
                vote.next = None;
            } else {
                vote.current = vote.next;
            }
        }
    }

    /// Renumbers the votes after pruning; votes for dropped nodes become `None` (their
    /// weight left the tree with the nodes).
    pub fn renumber(&mut self, new_index: &[Option<usize>]) {
        let map = |node: Option<u32>| {
            node.and_then(|n| new_index.get(n as usize).copied().flatten())
                .map(|n| n as u32)
        };
        for vote in &mut self.votes {
            vote.current = map(vote.current);
            vote.next = map(vote.next);
        }
    }
}

fn add(delta: &mut i64, balance: u64, positive: bool) -> Result<(), ForkChoiceError> {
    let amount = i64::try_from(balance).map_err(|_| ForkChoiceError::Overflow("vote balance"))?;
    let result = if positive {
        delta.checked_add(amount)
    } else {
        delta.checked_sub(amount)
    };
    *delta = result.ok_or(ForkChoiceError::Overflow("weight delta"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_vote_adds_and_a_move_subtracts_then_adds() {
        let mut v = Votes::new(2);
        let bal = [10, 20];
        v.record(0, 1, 1);
        v.record(1, 2, 1);
        assert_eq!(v.deltas(4, &[0, 0], &bal).unwrap(), [0, 10, 20, 0]);
        v.commit();
        assert_eq!(v.deltas(4, &bal, &bal).unwrap(), [0; 4], "nothing new");
        v.record(0, 3, 2);
        assert_eq!(v.deltas(4, &bal, &bal).unwrap(), [0, -10, 0, 10]);
    }

    #[test]
    fn votes_only_move_to_newer_target_epochs() {
        let mut v = Votes::new(1);
        v.record(0, 1, 3);
        v.record(0, 2, 3);
        v.record(0, 2, 2);
        assert_eq!(v.votes[0].next, Some(1));
        v.record(0, 2, 4);
        assert_eq!(v.votes[0].next, Some(2));
    }

    #[test]
    fn balance_changes_move_weight_without_a_new_vote() {
        let mut v = Votes::new(2);
        v.record(0, 1, 0);
        v.record(1, 1, 0);
        v.deltas(4, &[0, 0], &[5, 5]).unwrap();
        v.commit();
        assert_eq!(v.deltas(4, &[5, 5], &[5, 0]).unwrap(), [0, -5, 0, 0]);
    }

    #[test]
    fn equivocators_lose_their_weight_once_and_cannot_vote_again() {
        let mut v = Votes::new(2);
        v.record(0, 1, 0);
        v.record(1, 2, 0);
        v.commit();
        v.mark_equivocating(0);
        let bal = [7, 7];
        assert_eq!(v.deltas(4, &bal, &bal).unwrap(), [0, -7, 0, 0]);
        v.commit();
        assert_eq!(v.deltas(4, &bal, &bal).unwrap(), [0; 4]);
        v.record(0, 3, 9);
        assert_eq!(v.votes[0], Vote::default());
        assert_eq!(v.equivocating_indices().collect::<Vec<_>>(), [0]);
        v.mark_equivocating(99); // out of range: ignored
        v.record(99, 1, 1);
    }

    #[test]
    fn votes_for_nodes_out_of_range_are_skipped() {
        let mut v = Votes::new(1);
        v.record(0, 9, 0);
        assert_eq!(v.deltas(4, &[0], &[3]).unwrap(), [0; 4]);
    }

    #[test]
    fn pruning_renumbers_votes_and_forgets_dropped_nodes() {
        let mut v = Votes::new(3);
        v.record(0, 0, 1);
        v.record(1, 2, 1);
        v.commit();
        v.record(2, 3, 1);
        v.renumber(&[None, None, Some(0), Some(1)]);
        assert_eq!(v.votes[0].current, None);
        assert_eq!(v.votes[1].current, Some(0));
        assert_eq!(v.votes[2].next, Some(1));
        assert_eq!(v.deltas(2, &[1, 1, 1], &[1, 1, 1]).unwrap(), [0, 1]);
    }
}
