//! Catching up: status exchange, range sync from the peer with the highest head, and
//! lookups of unknown parents by root (for a gossiped block, or a range that starts on
//! another fork).
//!
//! One range request is in flight at a time, to the best peer; its blocks are imported
//! in order, then the next range is asked for, until our head reaches the peer's.

use super::bridge::SyncFlag;
use crate::chain::ChainError;
use crate::service::{ChainHandle, ChainStatus, ServiceStopped};
use etn_network::{NetworkHandle, PeerId, Request, RequestError, RequestId, Response};
use etn_types::*;
use std::collections::HashMap;

/// Blocks asked for per range request.
const RANGE_BATCH: u64 = MAX_REQUEST_BLOCKS as u64;
/// How far back a parent lookup follows unknown ancestors before giving up.
const MAX_LOOKUP_DEPTH: usize = 64;
/// Parent lookups in flight at once.
const MAX_LOOKUPS: usize = 8;
/// A node whose best peer is more than this many slots ahead of its head is syncing: it
/// neither proposes nor attests, and leaves unknown-parent gossip to range sync.
pub const SYNC_DISTANCE: u64 = 2;

struct RangeRequest {
    id: RequestId,
    peer: PeerId,
    start: Slot,
    count: u64,
}

/// Blocks waiting for an unknown ancestor, newest first; `wanted` is the root asked for.
struct Lookup {
    peer: PeerId,
    wanted: Root,
    waiting: Vec<SignedBeaconBlock>,
}

pub struct Sync {
    network: NetworkHandle,
    chain: ChainHandle,
    flag: SyncFlag,
    fork_digest: ForkDigest,
    peers: HashMap<PeerId, StatusMessage>,
    range: Option<RangeRequest>,
    /// Next slot to ask for when our head has not moved since the last range (a range of
    /// empty slots, or of blocks we already had).
    cursor: Slot,
    lookups: HashMap<RequestId, Lookup>,
}

/// What to make of an outbound response that belongs to sync.
pub enum Handled {
    Yes,
    NotOurs,
}

impl Sync {
    pub fn new(
        network: NetworkHandle,
        chain: ChainHandle,
        flag: SyncFlag,
        fork_digest: ForkDigest,
    ) -> Self {
        Self {
            network,
            chain,
            flag,
            fork_digest,
            peers: HashMap::new(),
            range: None,
            cursor: 0,
            lookups: HashMap::new(),
        }
    }

    /// Our side of a status exchange.
    pub fn local_status(&self, status: &ChainStatus) -> StatusMessage {
        StatusMessage {
            fork_digest: self.fork_digest,
            finalized_root: status.finalized.root,
            finalized_epoch: status.finalized.epoch,
            head_root: status.head.root,
            head_slot: status.head.slot,
        }
    }

    /// Asks `peer` where its chain is.
    pub async fn request_status(&mut self, peer: PeerId) -> Result<(), ServiceStopped> {
        let status = self.chain.status().await?;
        let message = self.local_status(&status);
        if let Err(e) = self.network.request(peer, Request::Status(message)) {
            tracing::debug!(%peer, "status request not sent: {e}");
        }
        Ok(())
    }

    pub fn peer_gone(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
        if self.range.as_ref().is_some_and(|r| r.peer == *peer) {
            self.range = None;
        }
        self.lookups.retain(|_, l| l.peer != *peer);
    }

    /// A peer told us its status (in a request or a response). A peer of another chain is
    /// disconnected; otherwise sync moves on if the peer is ahead.
    pub async fn on_status(
        &mut self,
        peer: PeerId,
        status: StatusMessage,
    ) -> Result<(), ServiceStopped> {
        if status.fork_digest != self.fork_digest {
            tracing::info!(%peer, "peer is on another chain (fork digest differs); disconnecting");
            self.peers.remove(&peer);
            self.network.disconnect_peer(peer);
            return Ok(());
        }
        self.peers.insert(peer, status);
        self.advance().await
    }

    /// Sends the next range request if a peer is ahead and none is in flight, and updates
    /// the syncing flag.
    pub async fn advance(&mut self) -> Result<(), ServiceStopped> {
        let ours = self.chain.status().await?;
        let best = self
            .peers
            .iter()
            .max_by_key(|(_, s)| s.head_slot)
            .map(|(p, s)| (*p, *s));
        let head = ours.head.slot;
        let Some((peer, theirs)) = best.filter(|(_, s)| s.head_slot > head) else {
            self.flag.set(false);
            return Ok(());
        };
        self.flag.set(theirs.head_slot > head + SYNC_DISTANCE);
        if self.range.is_some() {
            return Ok(());
        }
        let start = (head + 1).max(self.cursor);
        if start > theirs.head_slot {
            // Everything up to their head was asked for and ours did not move: the gap is
            // on another fork; ask again from just after our finalized checkpoint.
            self.cursor = 0;
            return Ok(());
        }
        let count = RANGE_BATCH.min(theirs.head_slot - start + 1);
        let request = Request::BlocksByRange(BlocksByRangeRequest {
            start_slot: start,
            count,
        });
        match self.network.request(peer, request) {
            Ok(id) => {
                tracing::debug!(%peer, start, count, "range sync request");
                self.range = Some(RangeRequest {
                    id,
                    peer,
                    start,
                    count,
                });
            }
            Err(e) => tracing::debug!(%peer, "range request not sent: {e}"),
        }
        Ok(())
    }

    /// Routes an outbound response to the range or lookup it answers.
    pub async fn on_response(
        &mut self,
        peer: PeerId,
        id: RequestId,
        response: Result<Response, RequestError>,
    ) -> Result<Handled, ServiceStopped> {
        if self.range.as_ref().is_some_and(|r| r.id == id) {
            let range = self.range.take().expect("checked");
            self.on_range(range, response).await?;
            return Ok(Handled::Yes);
        }
        if let Some(lookup) = self.lookups.remove(&id) {
            self.on_lookup(lookup, response).await?;
            return Ok(Handled::Yes);
        }
        match response {
            Ok(Response::Status(status)) => {
                self.on_status(peer, status).await?;
                Ok(Handled::Yes)
            }
            _ => Ok(Handled::NotOurs),
        }
    }

    async fn on_range(
        &mut self,
        range: RangeRequest,
        response: Result<Response, RequestError>,
    ) -> Result<(), ServiceStopped> {
        let blocks = match response {
            Ok(Response::Blocks(blocks)) => blocks,
            Ok(other) => {
                tracing::debug!(peer = %range.peer, "range sync: unexpected answer {other:?}");
                self.peers.remove(&range.peer);
                return self.advance().await;
            }
            Err(e) => {
                tracing::debug!(peer = %range.peer, "range sync failed: {e}");
                self.peers.remove(&range.peer);
                return self.advance().await;
            }
        };
        let end = range.start + range.count;
        if blocks
            .iter()
            .any(|b| b.message.slot < range.start || b.message.slot >= end)
        {
            tracing::info!(peer = %range.peer, "range sync: blocks outside the range asked for");
            self.peers.remove(&range.peer);
            self.network.disconnect_peer(range.peer);
            return self.advance().await;
        }
        self.cursor = end;
        for block in blocks {
            match self.chain.import_block(block.clone()).await? {
                Ok(_) => {}
                Err(ChainError::UnknownParent(parent)) => {
                    self.start_lookup(range.peer, parent, vec![block]);
                    break;
                }
                Err(e) => {
                    tracing::info!(peer = %range.peer, "range sync: invalid block: {e}");
                    self.peers.remove(&range.peer);
                    break;
                }
            }
        }
        self.advance().await
    }

    /// Asks `peer` for `wanted`, the missing parent of the `waiting` blocks.
    pub fn start_lookup(&mut self, peer: PeerId, wanted: Root, waiting: Vec<SignedBeaconBlock>) {
        if self.lookups.len() >= MAX_LOOKUPS || self.lookups.values().any(|l| l.wanted == wanted) {
            return;
        }
        match self
            .network
            .request(peer, Request::BlocksByRoot(vec![wanted]))
        {
            Ok(id) => {
                tracing::debug!(%peer, %wanted, "looking up an unknown parent");
                self.lookups.insert(
                    id,
                    Lookup {
                        peer,
                        wanted,
                        waiting,
                    },
                );
            }
            Err(e) => tracing::debug!(%peer, "lookup not sent: {e}"),
        }
    }

    async fn on_lookup(
        &mut self,
        mut lookup: Lookup,
        response: Result<Response, RequestError>,
    ) -> Result<(), ServiceStopped> {
        let Ok(Response::Blocks(blocks)) = response else {
            return Ok(());
        };
        let Some(block) = blocks.into_iter().next() else {
            return Ok(());
        };
        let root = match etn_types::ssz::hash_tree_root(&block.message) {
            Ok(root) => root,
            Err(_) => return Ok(()),
        };
        if root != lookup.wanted {
            tracing::info!(peer = %lookup.peer, "lookup answered with a block that was not asked for");
            self.network.disconnect_peer(lookup.peer);
            return Ok(());
        }
        match self.chain.import_block(block.clone()).await? {
            Ok(_) => {
                // The ancestor is in: its descendants can follow, oldest first.
                for child in lookup.waiting.into_iter().rev() {
                    if let Err(e) = self.chain.import_block(child).await? {
                        tracing::debug!("block after a lookup not imported: {e}");
                        break;
                    }
                }
                self.advance().await
            }
            Err(ChainError::UnknownParent(parent)) if lookup.waiting.len() < MAX_LOOKUP_DEPTH => {
                lookup.waiting.push(block);
                self.start_lookup(lookup.peer, parent, lookup.waiting);
                Ok(())
            }
            Err(e) => {
                tracing::debug!(peer = %lookup.peer, "looked-up block not imported: {e}");
                Ok(())
            }
        }
    }

    pub fn is_syncing(&self) -> bool {
        self.flag.get()
    }
}
