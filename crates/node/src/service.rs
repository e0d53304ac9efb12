//! The chain service: one tokio task owns the [`Chain`] and is fed through a channel.
//!
//! Owning the chain in a single task makes every import, vote and production a
//! sequential step on one consistent view, with no locks around fork choice or the
//! store; everyone else talks to it through a [`ChainHandle`] and listens to events.

use crate::chain::gossip::Verdict;
use crate::chain::query::BlockId;
use crate::chain::{Chain, ChainError, Changes, Head, ImportOutcome};
use crate::clock::Clock;
use crate::keys::LocalKeys;
use etn_state::accessors::get_beacon_proposer_index;
use etn_store::ChainStore;
use etn_types::*;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Capacity of the request channel: producers wait when the chain falls this far behind.
const REQUEST_QUEUE: usize = 1024;

/// What the chain tells the rest of the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainEvent {
    Block {
        slot: Slot,
        root: Root,
    },
    Head {
        slot: Slot,
        root: Root,
        previous: Root,
    },
    Justified(Checkpoint),
    Finalized(Checkpoint),
}

/// A snapshot of where the chain is, for status displays and APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStatus {
    pub head: Head,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
    pub current_slot: Slot,
    pub pooled_operations: usize,
}

enum Request {
    ImportBlock(
        Box<SignedBeaconBlock>,
        oneshot::Sender<Result<ImportOutcome, ChainError>>,
    ),
    Attestation(Box<Attestation>, oneshot::Sender<Result<(), ChainError>>),
    Purchase(SignedBuyTickets),
    Sale(SignedSellTickets),
    Payload(Box<SignedExecutionPayload>),
    Slashing(Box<AttesterSlashing>),
    Tick,
    /// Produce (and import) a block for `slot` if a local validator proposes it.
    Propose(
        Slot,
        Bytes32,
        oneshot::Sender<Result<Option<SignedBeaconBlock>, ChainError>>,
    ),
    Attest(Slot, oneshot::Sender<Result<Vec<Attestation>, ChainError>>),
    Status(oneshot::Sender<ChainStatus>),
    WithChain(ChainJob),
    Gossip(Box<GossipInput>, oneshot::Sender<GossipResult>),
    GossipBlockCheck(Box<SignedBeaconBlock>, oneshot::Sender<GossipResult>),
}

/// A message received by gossip, to be judged (and, if valid, used) by the chain.
#[derive(Debug, Clone)]
pub enum GossipInput {
    Block(SignedBeaconBlock),
    Attestation(Attestation),
    Purchase(SignedBuyTickets),
    Sale(SignedSellTickets),
    Payload(SignedExecutionPayload),
    Slashing(AttesterSlashing),
}

/// The chain's verdict on a gossip message, and for blocks what importing it did.
#[derive(Debug)]
pub struct GossipResult {
    pub verdict: Verdict,
    /// For blocks: the import result (`UnknownParent` asks the caller to fetch the parent).
    pub import: Option<Result<ImportOutcome, ChainError>>,
}

/// A closure run on the chain inside the service task.
type ChainJob = Box<dyn FnOnce(&mut dyn ChainView) + Send>;

/// Read access to the chain for callers that need more than [`ChainStatus`] (APIs).
pub trait ChainView {
    fn head(&self) -> Head;
    fn justified(&self) -> Checkpoint;
    fn finalized(&self) -> Checkpoint;
    fn current_slot(&self) -> Slot;
    fn genesis_state(&self) -> &BeaconState;
    fn head_state(&mut self) -> Result<BeaconState, ChainError>;
    /// The head state advanced through empty slots to `slot` (a copy).
    fn state_at(&mut self, slot: Slot) -> Result<BeaconState, ChainError>;
    fn block(&mut self, root: &Root) -> Result<Option<SignedBeaconBlock>, ChainError>;
    fn resolve_block(&mut self, id: BlockId) -> Result<Option<Root>, ChainError>;
    fn resolve_state(&mut self, id: BlockId) -> Result<Option<BeaconState>, ChainError>;
    fn fork_choice_nodes(&self) -> Vec<etn_fork_choice::NodeSummary>;
    /// Canonical blocks with slots in `[start, start + count)`, oldest first.
    fn blocks_by_range(
        &mut self,
        start: Slot,
        count: u64,
    ) -> Result<Vec<SignedBeaconBlock>, ChainError>;
}

impl<S: ChainStore> ChainView for Chain<S> {
    fn head(&self) -> Head {
        Chain::head(self)
    }
    fn justified(&self) -> Checkpoint {
        Chain::justified(self)
    }
    fn finalized(&self) -> Checkpoint {
        Chain::finalized(self)
    }
    fn current_slot(&self) -> Slot {
        Chain::current_slot(self)
    }
    fn genesis_state(&self) -> &BeaconState {
        Chain::genesis_state(self)
    }
    fn head_state(&mut self) -> Result<BeaconState, ChainError> {
        Ok(Chain::head_state(self)?.clone())
    }
    fn state_at(&mut self, slot: Slot) -> Result<BeaconState, ChainError> {
        self.state_at_slot(slot)
    }
    fn block(&mut self, root: &Root) -> Result<Option<SignedBeaconBlock>, ChainError> {
        Chain::block(self, root)
    }
    fn resolve_block(&mut self, id: BlockId) -> Result<Option<Root>, ChainError> {
        Chain::resolve_block(self, id)
    }
    fn resolve_state(&mut self, id: BlockId) -> Result<Option<BeaconState>, ChainError> {
        Chain::resolve_state(self, id)
    }
    fn fork_choice_nodes(&self) -> Vec<etn_fork_choice::NodeSummary> {
        self.fork_choice().nodes()
    }
    fn blocks_by_range(
        &mut self,
        start: Slot,
        count: u64,
    ) -> Result<Vec<SignedBeaconBlock>, ChainError> {
        let mut out = Vec::new();
        let end = start
            .saturating_add(count)
            .min(Chain::head(self).slot.saturating_add(1));
        for slot in start..end {
            if let Some(root) = self.canonical_root_at_slot(slot)?
                && let Some(block) = Chain::block(self, &root)?
            {
                out.push(block);
            }
        }
        Ok(out)
    }
}

/// Talks to a running chain service. Cheap to clone.
#[derive(Clone)]
pub struct ChainHandle {
    requests: mpsc::Sender<Request>,
    events: broadcast::Sender<ChainEvent>,
}

/// The service has stopped (its task ended); nothing more can be done with this handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the chain service has stopped")]
pub struct ServiceStopped;

impl ChainHandle {
    pub fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        self.events.subscribe()
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Request,
    ) -> Result<T, ServiceStopped> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(make(tx))
            .await
            .map_err(|_| ServiceStopped)?;
        rx.await.map_err(|_| ServiceStopped)
    }

    pub async fn import_block(
        &self,
        block: SignedBeaconBlock,
    ) -> Result<Result<ImportOutcome, ChainError>, ServiceStopped> {
        self.call(|tx| Request::ImportBlock(Box::new(block), tx))
            .await
    }

    pub async fn attestation(
        &self,
        attestation: Attestation,
    ) -> Result<Result<(), ChainError>, ServiceStopped> {
        self.call(|tx| Request::Attestation(Box::new(attestation), tx))
            .await
    }

    pub async fn purchase(&self, op: SignedBuyTickets) -> Result<(), ServiceStopped> {
        self.requests
            .send(Request::Purchase(op))
            .await
            .map_err(|_| ServiceStopped)
    }

    pub async fn sale(&self, op: SignedSellTickets) -> Result<(), ServiceStopped> {
        self.requests
            .send(Request::Sale(op))
            .await
            .map_err(|_| ServiceStopped)
    }

    pub async fn payload(&self, payload: SignedExecutionPayload) -> Result<(), ServiceStopped> {
        self.requests
            .send(Request::Payload(Box::new(payload)))
            .await
            .map_err(|_| ServiceStopped)
    }

    pub async fn slashing(&self, slashing: AttesterSlashing) -> Result<(), ServiceStopped> {
        self.requests
            .send(Request::Slashing(Box::new(slashing)))
            .await
            .map_err(|_| ServiceStopped)
    }

    /// Lets the chain read the clock (slot changes, proposer boost expiry).
    pub async fn tick(&self) -> Result<(), ServiceStopped> {
        self.requests
            .send(Request::Tick)
            .await
            .map_err(|_| ServiceStopped)
    }

    pub async fn propose(
        &self,
        slot: Slot,
        graffiti: Bytes32,
    ) -> Result<Result<Option<SignedBeaconBlock>, ChainError>, ServiceStopped> {
        self.call(|tx| Request::Propose(slot, graffiti, tx)).await
    }

    pub async fn attest(
        &self,
        slot: Slot,
    ) -> Result<Result<Vec<Attestation>, ChainError>, ServiceStopped> {
        self.call(|tx| Request::Attest(slot, tx)).await
    }

    pub async fn status(&self) -> Result<ChainStatus, ServiceStopped> {
        self.call(Request::Status).await
    }

    /// Asks the chain to judge a gossip message (Accept / Ignore / Reject).
    pub async fn gossip(&self, input: GossipInput) -> Result<GossipResult, ServiceStopped> {
        self.call(|tx| Request::Gossip(Box::new(input), tx)).await
    }

    /// The forwarding verdict on a gossiped block without importing it (the caller imports
    /// it with [`Self::import_block`] after reporting the verdict).
    pub async fn gossip_block_check(
        &self,
        block: SignedBeaconBlock,
    ) -> Result<GossipResult, ServiceStopped> {
        self.call(|tx| Request::GossipBlockCheck(Box::new(block), tx))
            .await
    }

    /// Runs `f` on the chain inside the service task and returns its result.
    pub async fn with_chain<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn ChainView) -> T + Send + 'static,
    ) -> Result<T, ServiceStopped> {
        let (tx, rx) = oneshot::channel();
        let job = Box::new(move |chain: &mut dyn ChainView| {
            let _ = tx.send(f(chain));
        });
        self.requests
            .send(Request::WithChain(job))
            .await
            .map_err(|_| ServiceStopped)?;
        rx.await.map_err(|_| ServiceStopped)
    }
}

/// Starts the service task; it runs until every handle is dropped.
pub fn spawn<S: ChainStore, C: Clock>(
    chain: Chain<S>,
    keys: LocalKeys,
    clock: C,
) -> (ChainHandle, tokio::task::JoinHandle<()>) {
    let (requests, receiver) = mpsc::channel(REQUEST_QUEUE);
    let (events, _) = broadcast::channel(1024);
    let handle = ChainHandle {
        requests,
        events: events.clone(),
    };
    let task = tokio::spawn(run(chain, keys, clock, receiver, events));
    (handle, task)
}

async fn run<S: ChainStore, C: Clock>(
    mut chain: Chain<S>,
    keys: LocalKeys,
    clock: C,
    mut requests: mpsc::Receiver<Request>,
    events: broadcast::Sender<ChainEvent>,
) {
    while let Some(request) = requests.recv().await {
        let now = clock.now_ms();
        match request {
            Request::ImportBlock(block, reply) => {
                let result = import(&mut chain, &block, now, &events);
                let _ = reply.send(result);
            }
            Request::Attestation(attestation, reply) => {
                let _ = reply.send(chain.on_attestation(*attestation, now));
            }
            Request::Purchase(op) => chain.op_pool_mut().insert_purchase(op),
            Request::Sale(op) => chain.op_pool_mut().insert_sale(op),
            Request::Payload(p) => chain.op_pool_mut().insert_payload(*p),
            Request::Slashing(s) => chain.op_pool_mut().insert_slashing(*s),
            Request::Tick => {
                let previous = chain.head().root;
                match chain.on_tick(now) {
                    Ok(changes) => publish(&changes, previous, &events),
                    Err(e) => tracing::error!("tick failed: {e}"),
                }
            }
            Request::Propose(slot, graffiti, reply) => {
                let result = propose(&mut chain, &keys, slot, graffiti, now, &events);
                let _ = reply.send(result);
            }
            Request::Attest(slot, reply) => {
                let lookup = |i: u64| keys.validator(i);
                let _ = reply.send(chain.produce_attestations(slot, &lookup));
            }
            Request::Status(reply) => {
                let _ = reply.send(ChainStatus {
                    head: chain.head(),
                    justified: chain.justified(),
                    finalized: chain.finalized(),
                    current_slot: chain.current_slot(),
                    pooled_operations: chain.op_pool().len(),
                });
            }
            Request::WithChain(job) => job(&mut chain),
            Request::Gossip(input, reply) => {
                let result = judge(&mut chain, *input, now, &events);
                let _ = reply.send(result);
            }
            Request::GossipBlockCheck(block, reply) => {
                let (verdict, import) = chain.gossip_block_check(&block, now);
                let _ = reply.send(GossipResult { verdict, import });
            }
        }
    }
}

fn import<S: ChainStore>(
    chain: &mut Chain<S>,
    block: &SignedBeaconBlock,
    now: u64,
    events: &broadcast::Sender<ChainEvent>,
) -> Result<ImportOutcome, ChainError> {
    let previous = chain.head().root;
    let outcome = chain.import_block(block, now)?;
    if outcome.imported {
        let _ = events.send(ChainEvent::Block {
            slot: outcome.slot,
            root: outcome.root,
        });
    }
    publish(&outcome.changes, previous, events);
    Ok(outcome)
}

fn judge<S: ChainStore>(
    chain: &mut Chain<S>,
    input: GossipInput,
    now: u64,
    events: &broadcast::Sender<ChainEvent>,
) -> GossipResult {
    let previous = chain.head().root;
    let (verdict, import) = match &input {
        GossipInput::Block(block) => {
            let (verdict, import) = chain.gossip_block(block, now);
            if let Some(Ok(outcome)) = &import {
                if outcome.imported {
                    let _ = events.send(ChainEvent::Block {
                        slot: outcome.slot,
                        root: outcome.root,
                    });
                }
                publish(&outcome.changes, previous, events);
            }
            (verdict, import)
        }
        GossipInput::Attestation(a) => (chain.gossip_attestation(a, now), None),
        GossipInput::Purchase(op) => (chain.gossip_purchase(op, now), None),
        GossipInput::Sale(op) => (chain.gossip_sale(op, now), None),
        GossipInput::Payload(p) => (chain.gossip_payload(p, now), None),
        GossipInput::Slashing(s) => (chain.gossip_slashing(s), None),
    };
    GossipResult { verdict, import }
}

fn publish(changes: &Changes, previous: Root, events: &broadcast::Sender<ChainEvent>) {
    if let Some(head) = changes.new_head {
        let _ = events.send(ChainEvent::Head {
            slot: head.slot,
            root: head.root,
            previous,
        });
    }
    if let Some(cp) = changes.new_justified {
        let _ = events.send(ChainEvent::Justified(cp));
    }
    if let Some(cp) = changes.new_finalized {
        let _ = events.send(ChainEvent::Finalized(cp));
    }
}

fn propose<S: ChainStore>(
    chain: &mut Chain<S>,
    keys: &LocalKeys,
    slot: Slot,
    graffiti: Bytes32,
    now: u64,
    events: &broadcast::Sender<ChainEvent>,
) -> Result<Option<SignedBeaconBlock>, ChainError> {
    let state = chain.state_at_slot(slot)?;
    let proposer = get_beacon_proposer_index(&state)?;
    let Some(key) = keys.validator(proposer) else {
        return Ok(None);
    };
    let block = chain.produce_block(slot, &key, graffiti)?;
    import(chain, &block, now, events)?;
    Ok(Some(block))
}
