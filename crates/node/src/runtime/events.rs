//! The node's side of the network: every event from the swarm is handled here, in order.
//! Gossip is judged by the chain and the verdict reported back (so only valid messages
//! are forwarded); peers' requests are answered from the chain; responses feed sync.

use super::sync::{Handled, Sync};
use crate::api::metrics::Metrics;
use crate::chain::ChainError;
use crate::chain::gossip::Verdict;
use crate::service::{ChainHandle, GossipInput, ServiceStopped};
use etn_network::{
    GossipMessage, MessageId, NetworkEvent, NetworkHandle, PeerId, Request, Response, ResponseCode,
    ResponseHandle, Validation,
};
use etn_types::*;
use std::collections::HashSet;
use std::sync::Arc;

pub struct NetworkLoop {
    pub network: NetworkHandle,
    pub chain: ChainHandle,
    pub sync: Sync,
    pub metrics: Arc<Metrics>,
    pub connected: HashSet<PeerId>,
}

fn to_input(message: GossipMessage) -> GossipInput {
    match message {
        GossipMessage::Block(b) => GossipInput::Block(*b),
        GossipMessage::Attestation(a) => GossipInput::Attestation(*a),
        GossipMessage::Purchase(op) => GossipInput::Purchase(op),
        GossipMessage::Sale(op) => GossipInput::Sale(op),
        GossipMessage::Payload(p) => GossipInput::Payload(*p),
        GossipMessage::Slashing(s) => GossipInput::Slashing(*s),
    }
}

impl NetworkLoop {
    pub async fn handle(&mut self, event: NetworkEvent) -> Result<(), ServiceStopped> {
        match event {
            NetworkEvent::Gossip {
                id,
                source,
                message,
            } => self.on_gossip(id, source, message).await,
            NetworkEvent::PeerConnected { peer } => {
                self.connected.insert(peer);
                self.sync.request_status(peer).await
            }
            NetworkEvent::PeerDisconnected { peer } => {
                self.connected.remove(&peer);
                self.sync.peer_gone(&peer);
                Ok(())
            }
            NetworkEvent::InboundRequest {
                peer,
                request,
                respond,
            } => self.on_request(peer, request, respond).await,
            NetworkEvent::OutboundResponse { peer, id, response } => {
                if let Handled::NotOurs = self.sync.on_response(peer, id, response).await? {
                    tracing::debug!(%peer, "response to a request nobody waits for");
                }
                Ok(())
            }
        }
    }

    /// Once a slot: refresh every peer's status so sync notices who is ahead.
    pub async fn on_slot(&mut self) -> Result<(), ServiceStopped> {
        let peers: Vec<PeerId> = self.connected.iter().copied().collect();
        for peer in peers {
            self.sync.request_status(peer).await?;
        }
        self.sync.advance().await
    }

    async fn on_gossip(
        &mut self,
        id: MessageId,
        source: PeerId,
        message: GossipMessage,
    ) -> Result<(), ServiceStopped> {
        let topic = message.kind().name();
        let block = match &message {
            GossipMessage::Block(b) => Some((**b).clone()),
            _ => None,
        };
        // Blocks are forwarded once their proposer signature checks out and imported right
        // after; every other message is judged (and used) in one step.
        let result = match &block {
            Some(block) => self.chain.gossip_block_check(block.clone()).await?,
            None => self.chain.gossip(to_input(message)).await?,
        };
        let (validation, label) = match &result.verdict {
            Verdict::Accept => (Validation::Accept, "accept"),
            Verdict::Ignore(why) => {
                tracing::trace!(topic, "ignored: {why}");
                (Validation::Ignore, "ignore")
            }
            Verdict::Reject(why) => {
                tracing::info!(topic, %source, "rejected: {why}");
                (Validation::Reject, "reject")
            }
        };
        self.metrics.record_gossip(topic, label);
        self.network.report(id, source, validation);
        let Some(block) = block else {
            return Ok(());
        };
        match result.import {
            // While far behind, range sync fetches the ancestors anyway.
            Some(Err(ChainError::UnknownParent(parent))) if !self.sync.is_syncing() => {
                self.sync.start_lookup(source, parent, vec![block]);
            }
            _ if result.verdict == Verdict::Accept => {
                match self.chain.import_block(block).await? {
                    Ok(outcome) if outcome.imported => {
                        self.metrics.blocks_imported.inc();
                        // The propagation measurement (scripts/propagation.sh) reads this.
                        tracing::info!(slot = outcome.slot, root = %outcome.root, "imported gossip block");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(%source, "a forwarded block failed to import: {e}"),
                }
            }
            _ => {}
        }
        Ok(())
    }

    async fn on_request(
        &mut self,
        peer: PeerId,
        request: Request,
        respond: ResponseHandle,
    ) -> Result<(), ServiceStopped> {
        let response = match request {
            Request::Status(theirs) => {
                let ours = self.chain.status().await?;
                let reply = Response::Status(self.sync.local_status(&ours));
                self.network.respond(respond, reply);
                return self.sync.on_status(peer, theirs).await;
            }
            Request::BlocksByRange(range) => {
                let count = range.count.min(MAX_REQUEST_BLOCKS as u64);
                self.chain
                    .with_chain(move |chain| chain.blocks_by_range(range.start_slot, count))
                    .await?
            }
            Request::BlocksByRoot(roots) => {
                let roots: Vec<Root> = roots.into_iter().take(MAX_REQUEST_BLOCKS).collect();
                self.chain
                    .with_chain(move |chain| {
                        let mut blocks = Vec::new();
                        for root in &roots {
                            if let Some(block) = chain.block(root)? {
                                blocks.push(block);
                            }
                        }
                        Ok(blocks)
                    })
                    .await?
            }
        };
        let reply = match response {
            Ok(blocks) => Response::Blocks(blocks),
            Err(e) => {
                tracing::warn!(%peer, "cannot answer a block request: {e}");
                Response::Error {
                    code: ResponseCode::ServerError,
                    message: "the node could not read its chain".into(),
                }
            }
        };
        self.network.respond(respond, reply);
        Ok(())
    }
}
