//! Fork-choice test vectors in the "steps" form of Ethereum's fork-choice tests: a list
//! of ticks, blocks, attestations and attester slashings, each marked valid or not, with
//! checks of the head, the checkpoints and the proposer boost in between.
//!
//! Steps are plain values (blocks and attestations are SSZ containers), so a scenario
//! built in a test can later be written out as a conformance vector
//! (`specs/tests/.../fork_choice/<case>/steps.yaml` plus SSZ files) and replayed by any
//! implementation. The runner is deterministic: the same steps give the same result.
//!
//! A step marked invalid must be refused **and** leave the store as it was (its snapshot
//! bytes are compared before and after).

mod chain;

pub use chain::{StepError, StepRunner};

use etn_types::{Attestation, AttesterSlashing, Checkpoint, Gwei, Root, SignedBeaconBlock, Slot};

/// One step of a vector.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `on_tick` to this Unix time in milliseconds (Ethereum vectors use seconds).
    Tick {
        time_ms: u64,
    },
    /// Run the block's state transition on its parent's post-state, then `on_block`;
    /// the block's attestations and attester slashings follow, as a node feeds them.
    Block {
        block: SignedBeaconBlock,
        valid: bool,
    },
    /// A gossip attestation: committee from the target checkpoint state, then
    /// `on_attestation`.
    Attestation {
        attestation: Attestation,
        valid: bool,
    },
    AttesterSlashing {
        slashing: AttesterSlashing,
        valid: bool,
    },
    Checks(Checks),
}

/// What a `checks` step asserts; `None` fields are not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checks {
    /// The head after `get_head`: (slot, root).
    pub head: Option<(Slot, Root)>,
    pub time_ms: Option<u64>,
    pub justified_checkpoint: Option<Checkpoint>,
    pub finalized_checkpoint: Option<Checkpoint>,
    /// `Root::ZERO` checks that no block is boosted, as in the Ethereum vectors.
    pub proposer_boost_root: Option<Root>,
    /// Subtree weights after `get_head` (etn's addition, for vote-accounting scenarios).
    pub weights: Vec<(Root, Gwei)>,
}

/// Why a vector failed: the index of the step and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("step {index}: {reason}")]
pub struct StepFailure {
    pub index: usize,
    pub reason: String,
}

impl StepRunner {
    /// Runs every step in order; stops at the first failure.
    pub fn run(&mut self, steps: &[Step]) -> Result<(), StepFailure> {
        for (index, step) in steps.iter().enumerate() {
            self.step(step)
                .map_err(|reason| StepFailure { index, reason })?;
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Tick { time_ms } => {
                self.fork_choice_mut().on_tick(*time_ms);
                Ok(())
            }
            Step::Block { block, valid } => {
                self.expect(*valid, "block", |r| r.apply_block(block).map(|_| ()))
            }
            Step::Attestation { attestation, valid } => {
                self.expect(*valid, "attestation", |r| r.apply_attestation(attestation))
            }
            Step::AttesterSlashing { slashing, valid } => {
                self.expect(*valid, "attester slashing", |r| {
                    r.apply_attester_slashing(slashing)
                })
            }
            Step::Checks(checks) => self.check(checks),
        }
    }

    /// Applies one input and compares the outcome with `valid`; a refused input must not
    /// have changed the store.
    fn expect(
        &mut self,
        valid: bool,
        what: &str,
        apply: impl FnOnce(&mut Self) -> Result<(), StepError>,
    ) -> Result<(), String> {
        let before = (!valid).then(|| (self.fork_choice().to_bytes(), self.state_count()));
        match (apply(self), before) {
            (Ok(()), None) => Ok(()),
            (Err(e), None) => Err(format!("valid {what} refused: {e}")),
            (Ok(()), Some(_)) => Err(format!("invalid {what} accepted")),
            (Err(_), Some(before)) => {
                if before == (self.fork_choice().to_bytes(), self.state_count()) {
                    Ok(())
                } else {
                    Err(format!("refused {what} changed the store"))
                }
            }
        }
    }

    fn check(&mut self, checks: &Checks) -> Result<(), String> {
        let mismatch = |what: &str, expected: &dyn std::fmt::Debug, got: &dyn std::fmt::Debug| {
            Err(format!("{what}: expected {expected:?}, got {got:?}"))
        };
        if checks.head.is_some() || !checks.weights.is_empty() {
            let head = self
                .fork_choice_mut()
                .get_head()
                .map_err(|e| format!("get_head failed: {e}"))?;
            let slot = self.fork_choice().block_slot(&head).unwrap_or_default();
            if let Some(expected) = checks.head
                && expected != (slot, head)
            {
                return mismatch("head", &expected, &(slot, head));
            }
        }
        let fc = self.fork_choice();
        if let Some(expected) = checks.time_ms
            && expected != fc.time_ms()
        {
            return mismatch("time", &expected, &fc.time_ms());
        }
        if let Some(expected) = checks.justified_checkpoint
            && expected != fc.justified_checkpoint()
        {
            return mismatch(
                "justified checkpoint",
                &expected,
                &fc.justified_checkpoint(),
            );
        }
        if let Some(expected) = checks.finalized_checkpoint
            && expected != fc.finalized_checkpoint()
        {
            return mismatch(
                "finalized checkpoint",
                &expected,
                &fc.finalized_checkpoint(),
            );
        }
        if let Some(expected) = checks.proposer_boost_root {
            let got = fc.proposer_boost_root().unwrap_or(Root::ZERO);
            if expected != got {
                return mismatch("proposer boost root", &expected, &got);
            }
        }
        for (root, expected) in &checks.weights {
            let got = fc.block_weight(root);
            if got != Some(*expected) {
                return mismatch(&format!("weight of {root}"), expected, &got);
            }
        }
        Ok(())
    }
}
