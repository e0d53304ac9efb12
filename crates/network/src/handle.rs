//! The node's side of the network: the handle it calls, the events it receives, and the
//! commands that carry its calls to the swarm task.

use crate::error::{NetworkError, RequestError};
use crate::peers::PeerInfo;
use crate::rpc::{Method, Request, Response};
use crate::stats::{Counters, NetworkStats};
use crate::topics::{GossipKind, GossipMessage, message_id};
use libp2p::gossipsub::MessageId;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::ResponseChannel;
use libp2p::{Multiaddr, PeerId};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// The node's verdict on a gossip message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// Valid: forward it to our mesh peers.
    Accept,
    /// Invalid: do not forward, and penalise the peer that sent it.
    Reject,
    /// Not useful now (duplicate, too early or late, unknown parent…): do not forward, no
    /// penalty.
    Ignore,
}

/// Identifies an outbound request in the matching `OutboundResponse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// What the network tells the node.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A decoded gossip message awaiting the node's `report`. It is not forwarded until
    /// then (and never if the verdict is Reject or Ignore).
    Gossip {
        id: MessageId,
        /// The peer that sent it to us (not necessarily its author).
        source: PeerId,
        message: GossipMessage,
    },
    PeerConnected {
        peer: PeerId,
    },
    PeerDisconnected {
        peer: PeerId,
    },
    /// A peer asks something; answer with `NetworkHandle::respond(respond, …)`. Dropping
    /// the handle closes the stream: an empty answer for block requests, an error for
    /// status.
    InboundRequest {
        peer: PeerId,
        request: Request,
        respond: ResponseHandle,
    },
    /// The outcome of `NetworkHandle::request`.
    OutboundResponse {
        peer: PeerId,
        id: RequestId,
        response: Result<Response, RequestError>,
    },
}

/// Where an inbound request's answer goes.
#[derive(Debug)]
pub struct ResponseHandle {
    pub(crate) method: Method,
    pub(crate) peer: PeerId,
    pub(crate) channel: ResponseChannel<Response>,
}

impl ResponseHandle {
    pub fn method(&self) -> Method {
        self.method
    }

    pub fn peer(&self) -> PeerId {
        self.peer
    }
}

/// What the handle asks the swarm task to do.
pub(crate) enum Command {
    Publish {
        kind: GossipKind,
        ssz: Vec<u8>,
    },
    Report {
        id: MessageId,
        source: PeerId,
        validation: Validation,
    },
    Request {
        id: RequestId,
        peer: PeerId,
        request: Request,
    },
    Respond {
        handle: ResponseHandle,
        response: Response,
    },
    Block(PeerId),
    Unblock(PeerId),
    Disconnect(PeerId),
    Dial(Multiaddr),
    Peers(oneshot::Sender<Vec<PeerInfo>>),
    TopicPeers(GossipKind, oneshot::Sender<Vec<PeerId>>),
    Shutdown(oneshot::Sender<()>),
}

/// State the swarm task publishes for the handle to read without a round trip.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) counters: Arc<Counters>,
    pub(crate) listen_addrs: Mutex<Vec<Multiaddr>>,
    pub(crate) blocked: Mutex<BTreeSet<PeerId>>,
    pub(crate) connected: AtomicUsize,
}

/// The node's handle on the network. Cheap to clone; every method is non-blocking except
/// the `async` queries. After `shutdown` (or if the task died) commands fail with
/// `NetworkError::Stopped` or are dropped.
#[derive(Clone)]
pub struct NetworkHandle {
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) local_peer_id: PeerId,
    pub(crate) fork_digest: [u8; 4],
    pub(crate) next_request: Arc<AtomicU64>,
}

impl NetworkHandle {
    fn send(&self, command: Command) -> Result<(), NetworkError> {
        self.commands
            .send(command)
            .map_err(|_| NetworkError::Stopped)
    }

    /// Publishes a message on its topic and returns its message id. Publishing a
    /// duplicate, or with no peers yet, is not an error (the router logs it).
    pub fn publish(&self, message: &GossipMessage) -> Result<MessageId, NetworkError> {
        let kind = message.kind();
        let ssz = message
            .encode()
            .map_err(|e| NetworkError::Encode(e.to_string()))?;
        if ssz.len() > kind.max_ssz_size() {
            return Err(NetworkError::Encode(format!(
                "{} bytes exceed the {} limit of {kind}",
                ssz.len(),
                kind.max_ssz_size()
            )));
        }
        let id = message_id(&kind.topic(self.fork_digest), &ssz);
        self.send(Command::Publish { kind, ssz })?;
        Ok(id)
    }

    /// Publishes arbitrary bytes as the SSZ of a `kind` message, unchecked: for tests of
    /// how peers defend themselves against malformed gossip. Honest code uses `publish`.
    #[doc(hidden)]
    pub fn publish_unchecked(&self, kind: GossipKind, ssz: Vec<u8>) -> Result<(), NetworkError> {
        self.send(Command::Publish { kind, ssz })
    }

    /// Reports the node's verdict on a received gossip message (once per message).
    pub fn report(&self, id: MessageId, source: PeerId, validation: Validation) {
        let _ = self.send(Command::Report {
            id,
            source,
            validation,
        });
    }

    /// Sends a request; the answer arrives as `NetworkEvent::OutboundResponse` with the
    /// returned id. Requests beyond the protocol's limits are refused here.
    pub fn request(&self, peer: PeerId, request: Request) -> Result<RequestId, NetworkError> {
        request.check().map_err(NetworkError::InvalidRequest)?;
        let id = RequestId(self.next_request.fetch_add(1, Ordering::Relaxed));
        self.send(Command::Request { id, peer, request })?;
        Ok(id)
    }

    /// Answers an inbound request. The response must fit the request's method
    /// (`Status` for status, `Blocks` for the block methods, `Error` for any).
    pub fn respond(&self, handle: ResponseHandle, response: Response) {
        let _ = self.send(Command::Respond { handle, response });
    }

    /// Disconnects `peer` and refuses every connection to or from it (bootnode redials
    /// included) until `unblock_peer`; requests to it fail with `RequestError::Blocked`.
    /// The refusal comes after the handshake, so if `peer` dials us it sees a connection
    /// open and close at once (and backs off); we never report it as connected. Block on
    /// both sides for a clean partition.
    pub fn block_peer(&self, peer: PeerId) {
        self.shared.blocked.lock().expect("lock").insert(peer);
        let _ = self.send(Command::Block(peer));
    }

    /// Lifts a block (not a score ban); a blocked bootnode is redialled at once.
    pub fn unblock_peer(&self, peer: PeerId) {
        self.shared.blocked.lock().expect("lock").remove(&peer);
        let _ = self.send(Command::Unblock(peer));
    }

    /// Peers blocked with `block_peer` (not score bans).
    pub fn blocked_peers(&self) -> Vec<PeerId> {
        self.shared
            .blocked
            .lock()
            .expect("lock")
            .iter()
            .copied()
            .collect()
    }

    /// Closes the connections to `peer` without blocking it (a bootnode is redialled).
    pub fn disconnect_peer(&self, peer: PeerId) {
        let _ = self.send(Command::Disconnect(peer));
    }

    /// Dials an extra address once (no redial).
    pub fn dial(&self, address: Multiaddr) {
        let _ = self.send(Command::Dial(address));
    }

    /// Connected peers with address, direction, score and agent.
    pub async fn peers(&self) -> Vec<PeerInfo> {
        let (tx, rx) = oneshot::channel();
        if self.send(Command::Peers(tx)).is_err() {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// Connected peers subscribed to `kind`'s topic: who a publish reaches directly.
    pub async fn topic_peers(&self, kind: GossipKind) -> Vec<PeerId> {
        let (tx, rx) = oneshot::channel();
        if self.send(Command::TopicPeers(kind, tx)).is_err() {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    /// Number of connected peers (no round trip).
    pub fn peer_count(&self) -> usize {
        self.shared.connected.load(Ordering::Relaxed)
    }

    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// Addresses we listen on (known before `start` returns).
    pub fn listen_addrs(&self) -> Vec<Multiaddr> {
        self.shared.listen_addrs.lock().expect("lock").clone()
    }

    /// The first listen address with `/p2p/<our peer id>`: what other nodes put in their
    /// bootnode lists.
    pub fn bootnode_addr(&self) -> Option<Multiaddr> {
        self.listen_addrs()
            .into_iter()
            .next()
            .map(|a| a.with(Protocol::P2p(self.local_peer_id)))
    }

    pub fn stats(&self) -> NetworkStats {
        self.shared.counters.snapshot(self.peer_count())
    }

    /// Stops the swarm task and closes every connection; returns once it has stopped.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.send(Command::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}
