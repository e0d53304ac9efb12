//! Fast mode: the real state transition in process, one block per slot, no clock.
//!
//! Each slot: advance a copy of the state to the slot (`process_slots`), let the slot's
//! proposer produce a block (`produce_block`: the previous slot's aggregate
//! attestations, the purchase orders, the assigned builder's payload), and import it.
//! With BLS every object is signed by its devnet key and every block is imported through
//! `state_transition` with bulk signature verification and the state-root check, as a
//! node imports a block. Without BLS nothing is signed and the producer's post-state is
//! adopted directly: `state_transition` with signatures skipped would run the very same
//! `process_slots`/`process_block` on the same input a second time (set `reimport` to do
//! it anyway, e.g. to check that claim).
//!
//! The import runs on a thread of its own, a few blocks behind production ([`Importer`]):
//! the producer already holds the post-state the block commits to (its state root), so
//! the next slot need not wait for the signatures of this one to be verified. Verifying
//! is most of a signed slot's cost, and overlapping it with the next slot's signing and
//! bookkeeping keeps both cores busy. Nothing is taken on trust: the importer applies
//! every block to its own copy of the chain, a rejected block fails the run at the next
//! slot, and [`ExperimentChain::finish`] waits for the last import and checks that the
//! imported chain is the produced one, state for state.

use super::attest::AttestationBuilder;
use super::{
    AccountingSnapshot, BuyOrder, ChainError, ClosedRound, ExperimentChain, OpenSlot, SlotRecord,
};
use etn_crypto::{SecretKey, devnet_builder_secret_key, devnet_validator_secret_key};
use etn_state::accessors::{
    compute_epoch_at_slot, get_assigned_builder, get_beacon_proposer_index, get_builder_assignment,
    get_domain,
};
use etn_state::produce::{BlockContents, produce_block};
use etn_state::*;
use etn_types::ssz::hash_tree_root;
use etn_types::*;

/// The chain under experiment, in process.
pub struct FastChain {
    state: BeaconState,
    keys: Option<Keys>,
    attestations: AttestationBuilder,
    open: Option<Opened>,
    /// Imports (and with BLS verifies) every block, when BLS is on or `reimport` is set.
    importer: Option<Importer>,
}

/// Blocks the importer may fall behind production before the producer waits for it.
const IMPORT_QUEUE: usize = 4;

/// The importing side: a thread holding its own copy of the chain, fed the produced
/// blocks in order, applying each with `state_transition`.
struct Importer {
    blocks: Option<std::sync::mpsc::SyncSender<SignedBeaconBlock>>,
    thread: Option<std::thread::JoinHandle<Result<(BeaconState, u64), ChainError>>>,
    /// Blocks imported, once finished.
    imported: Option<u64>,
}

impl Importer {
    fn start(genesis: BeaconState, strategy: SignatureStrategy) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel::<SignedBeaconBlock>(IMPORT_QUEUE);
        let thread = std::thread::spawn(move || {
            let cache = match strategy {
                SignatureStrategy::Skip => PubkeyCache::default(),
                _ => PubkeyCache::build(&genesis),
            };
            let mut state = genesis;
            let mut imported = 0;
            for block in rx {
                let slot = block.message.slot;
                state_transition(&mut state, &block, strategy, &cache, StateRootCheck::Verify)
                    .map_err(transition_error(slot))?;
                imported += 1;
            }
            Ok((state, imported))
        });
        Self {
            blocks: Some(tx),
            thread: Some(thread),
            imported: None,
        }
    }

    /// The importer's verdict once it stopped: its final state, or why it stopped.
    fn join(&mut self) -> Result<(BeaconState, u64), ChainError> {
        self.blocks = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| ChainError::Other("the block importer panicked".into()))?,
            None => Err(ChainError::Other(
                "the block importer already stopped".into(),
            )),
        }
    }

    /// Hands over the next block; fails with the importer's error if it rejected one.
    fn import(&mut self, block: SignedBeaconBlock) -> Result<(), ChainError> {
        let sent = match &self.blocks {
            Some(tx) => tx.send(block).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            // The thread stopped early: only an error stops it.
            Err(self
                .join()
                .err()
                .unwrap_or(ChainError::Other("the block importer stopped early".into())))
        }
    }
}

struct Keys {
    validators: Vec<SecretKey>,
    builders: Vec<SecretKey>,
}

/// A slot between `open_slot` and `close_slot`: the state advanced to it, before its block.
struct Opened {
    advanced: BeaconState,
    assigned: Option<BuilderIndex>,
}

impl FastChain {
    /// A devnet genesis (deterministic keys) with `validators` validators and one
    /// builder per balance.
    pub fn new(
        config: ChainConfig,
        validators: u64,
        builder_balances: &[Gwei],
        bls: bool,
    ) -> Result<Self, ChainError> {
        let input = devnet_genesis_input(config, 0, validators, builder_balances);
        let state = initialize_beacon_state(&input).map_err(ChainError::Genesis)?;
        let keys = bls.then(|| Keys {
            validators: (0..validators).map(devnet_validator_secret_key).collect(),
            builders: (0..builder_balances.len() as u64)
                .map(devnet_builder_secret_key)
                .collect(),
        });
        let importer = bls.then(|| Importer::start(state.clone(), SignatureStrategy::Bulk));
        Ok(Self {
            state,
            keys,
            attestations: AttestationBuilder::default(),
            open: None,
            importer,
        })
    }

    /// Import every block through `state_transition` even without BLS.
    /// Must be called before the first slot.
    pub fn with_reimport(mut self, reimport: bool) -> Self {
        if reimport && self.importer.is_none() {
            self.importer = Some(Importer::start(self.state.clone(), SignatureStrategy::Skip));
        }
        self
    }

    /// Blocks imported through `state_transition` (after [`ExperimentChain::finish`]);
    /// `None` if blocks were not re-imported (no BLS, no `reimport`).
    pub fn imported_blocks(&self) -> Option<u64> {
        self.importer.as_ref().and_then(|i| i.imported)
    }

    /// The head state (after the last closed slot).
    pub fn state(&self) -> &BeaconState {
        &self.state
    }

    /// Signed purchases for `orders`, nonces taken from the advanced state.
    fn purchases(
        &self,
        advanced: &BeaconState,
        orders: &[BuyOrder],
    ) -> Result<(Vec<SignedBuyTickets>, Vec<SignJob>), ChainError> {
        let slot = advanced.slot;
        let mut nonces: Vec<u64> = Vec::new();
        let mut out = Vec::with_capacity(orders.len());
        let mut jobs = Vec::new();
        let domain = get_domain(
            advanced,
            DOMAIN_BUY_TICKETS,
            compute_epoch_at_slot(advanced, slot),
        );
        for order in orders {
            let index = order.builder as usize;
            let builder = advanced.builders.get(index).ok_or_else(|| {
                ChainError::Other(format!("order for unknown builder {}", order.builder))
            })?;
            if nonces.len() <= index {
                nonces.resize(index + 1, u64::MAX);
            }
            if nonces[index] == u64::MAX {
                nonces[index] = builder.nonce;
            }
            let message = BuyTickets {
                builder_index: order.builder,
                nonce: nonces[index],
                target_slot: order.target_slot,
                tickets: order.tickets,
                max_price: u64::MAX,
                rounds: order.rounds,
            };
            nonces[index] += 1;
            if let Some(keys) = &self.keys {
                let root = hash_tree_root(&message)
                    .map_err(|e| ChainError::Other(format!("hashing a purchase: {e}")))?;
                jobs.push(SignJob {
                    key: keys.builders[index].clone(),
                    root: etn_crypto::compute_signing_root(root.0, domain.0),
                });
            }
            out.push(SignedBuyTickets {
                message,
                signature: BlsSignature::ZERO,
            });
        }
        Ok((out, jobs))
    }
}

fn transition_error(slot: Slot) -> impl Fn(StateError) -> ChainError {
    move |source| ChainError::Transition { slot, source }
}

/// One signature to make.
struct SignJob {
    key: SecretKey,
    root: [u8; 32],
}

/// Signs every job, spread over the machine's cores: signing is most of a BLS slot's
/// producer-side cost, and the jobs are independent.
fn sign_all(jobs: &[SignJob]) -> Vec<BlsSignature> {
    let sign = |j: &SignJob| Bytes96(j.key.sign(&j.root).to_bytes());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || jobs.len() < 4 {
        return jobs.iter().map(sign).collect();
    }
    let chunk = jobs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(sign).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("signing thread panicked"))
            .collect()
    })
}

impl ExperimentChain for FastChain {
    fn config(&self) -> &ChainConfig {
        &self.state.config
    }

    fn bls(&self) -> bool {
        self.keys.is_some()
    }

    fn mode(&self) -> &'static str {
        "fast"
    }

    fn open_slot(&mut self) -> Result<OpenSlot, ChainError> {
        let slot = self.state.slot + 1;
        let mut advanced = self.state.clone();
        process_slots(&mut advanced, slot).map_err(transition_error(slot))?;
        let assigned = get_assigned_builder(&advanced, slot);
        let open = OpenSlot {
            slot,
            ticket_price: advanced.ticket_price,
            balances: advanced.builders.iter().map(|b| b.balance).collect(),
            assigned,
        };
        self.open = Some(Opened { advanced, assigned });
        Ok(open)
    }

    fn close_slot(
        &mut self,
        orders: &[BuyOrder],
        payload_value: Option<Gwei>,
    ) -> Result<SlotRecord, ChainError> {
        let Opened { advanced, assigned } = self.open.take().ok_or(ChainError::NotOpen)?;
        let slot = advanced.slot;
        let err = transition_error(slot);
        let target = slot + advanced.config.ticket_lookahead;
        let round = &advanced.ticket_rounds[(target % TICKET_ROUND_SLOTS as u64) as usize];
        let bids = if round.slot == target {
            round.bids.to_vec()
        } else {
            Vec::new()
        };

        // Everything to sign is collected first and signed in parallel.
        let validator_keys = self.keys.as_ref().map(|k| k.validators.as_slice());
        let pending = self
            .attestations
            .build(&self.state, validator_keys)
            .map_err(&err)?;
        let (mut purchases, mut jobs) = self.purchases(&advanced, orders)?;
        let mut attestations = Vec::with_capacity(pending.len());
        let mut attestation_jobs = Vec::new();
        for p in pending {
            if let Some((key, root)) = p.signer {
                attestation_jobs.push(SignJob { key, root });
            }
            attestations.push(p.attestation);
        }
        let mut payload = match (assigned, payload_value) {
            (Some(builder), Some(value)) => Some(SignedExecutionPayload {
                message: ExecutionPayload {
                    slot,
                    builder_index: builder,
                    value,
                    transactions: Default::default(),
                },
                signature: BlsSignature::ZERO,
            }),
            _ => None,
        };
        if let (Some(keys), Some(p)) = (&self.keys, &payload) {
            jobs.push(SignJob {
                key: keys.builders[p.message.builder_index as usize].clone(),
                root: etn_state::signatures::signing_root(
                    &advanced,
                    &p.message,
                    DOMAIN_EXECUTION_PAYLOAD,
                    compute_epoch_at_slot(&advanced, slot),
                )
                .map_err(&err)?,
            });
        }
        jobs.extend(attestation_jobs);
        let mut signatures = sign_all(&jobs).into_iter();
        if self.keys.is_some() {
            for p in purchases.iter_mut() {
                p.signature = signatures.next().expect("one per purchase");
            }
            if let Some(p) = payload.as_mut() {
                p.signature = signatures.next().expect("one for the payload");
            }
            for a in attestations.iter_mut() {
                a.signature = signatures.next().expect("one per aggregate");
            }
        }

        let proposer = get_beacon_proposer_index(&advanced).map_err(&err)?;
        let proposer_key = self.keys.as_ref().map(|k| &k.validators[proposer as usize]);
        let contents = BlockContents {
            attestations,
            ticket_purchases: purchases,
            execution_payload: payload,
            ..Default::default()
        };
        let (block, post) = produce_block(&advanced, slot, proposer_key, contents).map_err(&err)?;
        if let Some(importer) = self.importer.as_mut() {
            importer.import(block)?;
        }
        self.state = post;

        let state = &self.state;
        let (winner, revenue) = match get_builder_assignment(state, target) {
            Some(a) => (
                (a.builder_index != NO_BUILDER).then_some(a.builder_index),
                a.revenue,
            ),
            None => (None, 0),
        };
        let (payload_delivered, inflow) = match get_builder_assignment(state, slot) {
            Some(a) => (a.payload_status == payload_status::DELIVERED, a.inflow),
            None => (false, 0),
        };
        Ok(SlotRecord {
            slot,
            closed: ClosedRound {
                target_slot: target,
                bids,
                winner,
                revenue,
            },
            payload_delivered,
            inflow,
        })
    }

    fn finish(&mut self) -> Result<(), ChainError> {
        let Some(importer) = self.importer.as_mut() else {
            return Ok(());
        };
        if importer.imported.is_some() {
            return Ok(());
        }
        let (imported, blocks) = importer.join()?;
        importer.imported = Some(blocks);
        if imported != self.state {
            return Err(ChainError::Other(format!(
                "the imported chain differs from the produced one at slot {}",
                self.state.slot
            )));
        }
        Ok(())
    }

    fn balances(&self) -> Result<Vec<Gwei>, ChainError> {
        Ok(self.state.builders.iter().map(|b| b.balance).collect())
    }

    fn accounting(&self) -> Result<AccountingSnapshot, ChainError> {
        let s = &self.state;
        let a = &s.accounting;
        Ok(AccountingSnapshot {
            slot: s.slot,
            total_burned: a.total_burned,
            smoothing_pool: a.smoothing_pool,
            total_smoothed: a.total_smoothed,
            total_refunded: a.total_refunded,
            total_execution_inflow: a.total_execution_inflow,
            genesis_supply: a.genesis_supply,
            delivered_payloads: a.delivered_payloads,
            missed_payloads: a.missed_payloads,
            finalized_epoch: s.finalized_checkpoint.epoch,
            identity_holds: accounting_sides(s).holds(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The importer verifies what it imports: an unsigned block fails the run with the
    /// state transition's own error, at the next hand-over or at the latest when joined.
    #[test]
    fn importer_rejects_an_unsigned_block() {
        let config = ChainConfig::preset(Preset::Minimal);
        let input = devnet_genesis_input(config, 0, 16, &[1_000_000_000]);
        let genesis = initialize_beacon_state(&input).unwrap();
        let mut importer = Importer::start(genesis.clone(), SignatureStrategy::Bulk);
        let (block, _) = produce_block(&genesis, 1, None, BlockContents::default()).unwrap();
        let mut result = importer.import(block.clone());
        for _ in 0..IMPORT_QUEUE + 2 {
            if result.is_err() {
                break;
            }
            result = importer.import(block.clone());
        }
        let err = match result {
            Err(e) => e,
            Ok(()) => importer.join().unwrap_err(),
        };
        assert!(
            matches!(err, ChainError::Transition { slot: 1, .. }),
            "{err}"
        );

        // The same block passes when signatures are skipped, and the imported state is
        // the producer's.
        let (block, post) = produce_block(&genesis, 1, None, BlockContents::default()).unwrap();
        let mut importer = Importer::start(genesis, SignatureStrategy::Skip);
        importer.import(block).unwrap();
        let (state, imported) = importer.join().unwrap();
        assert_eq!(imported, 1);
        assert_eq!(state, post);
    }
}
