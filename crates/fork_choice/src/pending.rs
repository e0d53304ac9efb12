//! Votes of the current slot, held until the slot is over.
//!
//! An attestation only counts in fork choice from the slot after its own (its voters
//! made up their minds a third into the slot, and a vote must not outweigh the boost of
//! the block it could not yet see). Gossip attestations arrive during their own slot, so
//! the store holds them and records them at the first tick of a later slot, as Ethereum
//! clients do, instead of making every caller keep its own queue. One entry per
//! validator: all of a slot's votes have the same target epoch, so a validator's first
//! one is the one its latest message can take.

use crate::error::ForkChoiceError;
use etn_types::Epoch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PendingVote {
    pub validator: u64,
    /// Proto-array index of the attested block.
    pub node: u32,
    pub target_epoch: Epoch,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PendingVotes {
    entries: Vec<PendingVote>,
    held: Vec<bool>,
}

impl PendingVotes {
    pub fn new(validators: usize) -> Self {
        Self {
            entries: Vec::new(),
            held: vec![false; validators],
        }
    }

    /// Rebuilds the queue from decoded entries; refuses repeated or unknown validators
    /// and nodes past the tree.
    pub fn from_entries(
        validators: usize,
        nodes: usize,
        entries: Vec<PendingVote>,
    ) -> Result<Self, ForkChoiceError> {
        let mut queue = Self::new(validators);
        for entry in entries {
            let fresh = usize::try_from(entry.validator)
                .ok()
                .and_then(|v| queue.held.get(v))
                .is_some_and(|held| !held);
            if !fresh || entry.node as usize >= nodes {
                return Err(ForkChoiceError::InvalidSnapshot(
                    "pending vote of an unknown or repeated validator, or past the tree",
                ));
            }
            queue.hold(entry);
        }
        Ok(queue)
    }

    pub fn entries(&self) -> &[PendingVote] {
        &self.entries
    }

    /// Holds a vote unless the validator already has one waiting.
    pub fn hold(&mut self, vote: PendingVote) {
        if let Some(held) = usize::try_from(vote.validator)
            .ok()
            .and_then(|v| self.held.get_mut(v))
            && !*held
        {
            *held = true;
            self.entries.push(vote);
        }
    }

    /// Every held vote, in arrival order; the queue is empty afterwards.
    pub fn release(&mut self) -> Vec<PendingVote> {
        for vote in &self.entries {
            self.held[vote.validator as usize] = false;
        }
        std::mem::take(&mut self.entries)
    }

    /// Follows a pruning: votes for dropped blocks are forgotten.
    pub fn renumber(&mut self, new_index: &[Option<usize>]) {
        let held = &mut self.held;
        self.entries.retain_mut(|vote| {
            match new_index.get(vote.node as usize).copied().flatten() {
                Some(node) => {
                    vote.node = node as u32;
                    true
                }
                None => {
                    held[vote.validator as usize] = false;
                    false
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(validator: u64, node: u32) -> PendingVote {
        PendingVote {
            validator,
            node,
            target_epoch: 1,
        }
    }

    #[test]
    fn one_vote_per_validator_until_released() {
        let mut q = PendingVotes::new(4);
        q.hold(vote(1, 5));
        q.hold(vote(1, 6));
        q.hold(vote(2, 6));
        q.hold(vote(9, 6)); // unknown validator: ignored
        assert_eq!(q.release(), vec![vote(1, 5), vote(2, 6)]);
        assert!(q.entries().is_empty());
        q.hold(vote(1, 7));
        assert_eq!(q.entries(), &[vote(1, 7)]);
    }

    #[test]
    fn pruning_renumbers_and_forgets() {
        let mut q = PendingVotes::new(3);
        q.hold(vote(0, 1));
        q.hold(vote(1, 2));
        q.renumber(&[None, None, Some(0)]);
        assert_eq!(q.entries(), &[vote(1, 0)]);
        q.hold(vote(0, 0));
        assert_eq!(q.entries().len(), 2, "validator 0 may queue again");
    }

    #[test]
    fn decoded_queues_are_checked() {
        assert!(PendingVotes::from_entries(3, 2, vec![vote(0, 1), vote(2, 0)]).is_ok());
        assert!(PendingVotes::from_entries(3, 2, vec![vote(0, 1), vote(0, 0)]).is_err());
        assert!(PendingVotes::from_entries(3, 2, vec![vote(3, 1)]).is_err());
        assert!(PendingVotes::from_entries(3, 2, vec![vote(0, 2)]).is_err());
    }
}
