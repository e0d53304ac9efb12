//! `on_attestation` and `on_attester_slashing`: latest messages and equivocators.

use crate::error::ForkChoiceError;
use crate::pending::PendingVote;
use crate::store::ForkChoice;
use etn_state::block::slashings::is_slashable_attestation_data;
use etn_types::{AttestationData, AttesterSlashing};
use std::collections::BTreeSet;

impl ForkChoice {
    /// The spec's `validate_on_attestation`, in its order: the checks that need only the
    /// store, so a node can drop a useless attestation before computing its committee.
    ///
    /// Attestations carried in blocks skip the epoch-window check (the block made them
    /// valid); all others must target the current or previous epoch. An attestation of
    /// the current slot is valid (the store holds it until the slot is over); one of a
    /// later slot is a `FutureAttestation`, which may be retried when its slot has come.
    pub fn validate_attestation(
        &self,
        data: &AttestationData,
        is_from_block: bool,
    ) -> Result<(), ForkChoiceError> {
        self.attested_node(data, is_from_block).map(|_| ())
    }

    /// [`validate_attestation`](Self::validate_attestation), giving the head's index and
    /// whether the vote is due (from a past slot) or must be held.
    fn attested_node(
        &self,
        data: &AttestationData,
        is_from_block: bool,
    ) -> Result<(usize, bool), ForkChoiceError> {
        let target = data.target;
        if !is_from_block {
            let current_epoch = self.current_epoch();
            let previous_epoch = current_epoch.saturating_sub(1);
            if target.epoch != current_epoch && target.epoch != previous_epoch {
                return Err(ForkChoiceError::AttestationTargetEpoch {
                    target_epoch: target.epoch,
                    current_epoch,
                });
            }
        }
        if target.epoch != self.timing.epoch_at_slot(data.slot) {
            return Err(ForkChoiceError::AttestationTargetSlotMismatch {
                target_epoch: target.epoch,
                slot: data.slot,
            });
        }
        if !self.contains_block(&target.root) {
            return Err(ForkChoiceError::UnknownTargetRoot(target.root));
        }
        let head = self
            .proto
            .index_of(&data.beacon_block_root)
            .ok_or(ForkChoiceError::UnknownHeadBlock(data.beacon_block_root))?;
        let head_slot = self.proto.nodes()[head].slot;
        if head_slot > data.slot {
            return Err(ForkChoiceError::AttestationForFutureBlock {
                block_slot: head_slot,
                attestation_slot: data.slot,
            });
        }
        let expected = self
            .proto
            .checkpoint_block(head, self.timing.epoch_start_slot(target.epoch))
            .and_then(|i| self.proto.node(i))
            .map(|n| n.root)
            .ok_or(ForkChoiceError::Inconsistent(
                "head has no checkpoint block",
            ))?;
        if expected != target.root {
            return Err(ForkChoiceError::AttestationTargetNotAncestor { target, expected });
        }
        let current_slot = self.current_slot();
        if data.slot > current_slot {
            return Err(ForkChoiceError::FutureAttestation {
                slot: data.slot,
                current_slot,
            });
        }
        Ok((head, data.slot < current_slot))
    }

    /// `on_attestation` for the validators `validator_indices` (the attestation's
    /// attesting indices, which the caller computed from the committee and whose
    /// signature it verified). Each validator's latest message moves to `data`'s head
    /// block if its target epoch is newer than the one it had; equivocators are
    /// ignored. The weight moves at the next `get_head`. A vote of the current slot is
    /// held and recorded at the first tick of a later slot.
    pub fn on_attestation(
        &mut self,
        validator_indices: &[u64],
        data: &AttestationData,
        is_from_block: bool,
    ) -> Result<(), ForkChoiceError> {
        let (head, due) = self.attested_node(data, is_from_block)?;
        let head = u32::try_from(head).map_err(|_| ForkChoiceError::Overflow("node index"))?;
        let count = self.validator_count();
        if let Some(index) = validator_indices
            .iter()
            .find(|i| usize::try_from(**i).map_or(true, |i| i >= count))
        {
            return Err(ForkChoiceError::UnknownValidator {
                index: *index,
                count,
            });
        }
        for index in validator_indices {
            if due {
                self.votes.record(*index as usize, head, data.target.epoch);
            } else {
                self.pending.hold(PendingVote {
                    validator: *index,
                    node: head,
                    target_epoch: data.target.epoch,
                });
            }
        }
        Ok(())
    }

    /// `on_attester_slashing`: the validators in both attestations of a slashable pair
    /// equivocated; their weight leaves the tree at the next `get_head` and none of
    /// their votes counts again. The caller has verified both signatures.
    pub fn on_attester_slashing(
        &mut self,
        slashing: &AttesterSlashing,
    ) -> Result<(), ForkChoiceError> {
        let (a, b) = (&slashing.attestation_1, &slashing.attestation_2);
        if !is_slashable_attestation_data(&a.data, &b.data) {
            return Err(ForkChoiceError::NotSlashable);
        }
        let count = self.validator_count();
        if let Some(index) = a
            .attesting_indices
            .iter()
            .chain(b.attesting_indices.iter())
            .find(|i| usize::try_from(**i).map_or(true, |i| i >= count))
        {
            return Err(ForkChoiceError::UnknownValidator {
                index: *index,
                count,
            });
        }
        let second: BTreeSet<u64> = b.attesting_indices.iter().copied().collect();
        for index in a.attesting_indices.iter().filter(|i| second.contains(i)) {
            self.votes.mark_equivocating(*index as usize);
        }
        Ok(())
    }
}
