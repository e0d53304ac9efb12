//! The swarm task: owns the swarm, turns swarm events into node events and node commands
//! into swarm calls. Nothing here judges a message's validity; it applies the node's
//! verdicts and the wire's limits.

use crate::behaviour::{Behaviour, BehaviourEvent};
use crate::error::RequestError;
use crate::gossip::Topics;
use crate::handle::{Command, NetworkEvent, RequestId, ResponseHandle, Shared, Validation};
use crate::peers::{PeerInfo, PeerManager};
use crate::rpc::{Method, Request, Response, ResponseCode, WireRequest};
use crate::scoring::{self, GRAYLIST_THRESHOLD};
use crate::stats::{GossipCount, RequestCount};
use crate::topics::{GossipKind, GossipMessage};
use futures::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::gossipsub::{self, MessageAcceptance, MessageId, PublishError};
use libp2p::request_response::{self, OutboundFailure, OutboundRequestId};
use libp2p::swarm::{ConnectionError, ConnectionId, DialError, SwarmEvent};
use libp2p::{PeerId, Swarm, identify};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tracing::{debug, info, trace, warn};

/// Period of bootnode dialling and housekeeping.
const TICK: Duration = Duration::from_millis(100);
/// Period of the graylist (ban) check and of the req/resp fault decay; scores only
/// change once a decay interval.
const BAN_CHECK: Duration = scoring::DECAY_INTERVAL;
/// Verdicts never reported are forgotten after this (the router forgot them long ago).
const PENDING_VALIDATION_TTL: Duration = Duration::from_secs(300);

/// What we remember about a request in flight, to check its response against.
struct Outbound {
    id: RequestId,
    request: Request,
}

pub(crate) struct Service {
    swarm: Swarm<Behaviour>,
    topics: Topics,
    commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::Sender<NetworkEvent>,
    shared: Arc<Shared>,
    peers: PeerManager,
    /// Gossip handed to the node and not yet judged, for the per-topic verdict counters.
    pending: HashMap<MessageId, (GossipKind, Instant)>,
    outbound: HashMap<(Method, OutboundRequestId), Outbound>,
    /// Decaying count of each peer's req/resp faults (malformed or out-of-limit requests,
    /// responses that break the format or the request); fed to gossipsub as the
    /// application-specific score, so that one score decides graylisting and bans.
    rpc_faults: HashMap<PeerId, f64>,
    last_ban_check: Instant,
}

impl Service {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        topics: Topics,
        commands: mpsc::UnboundedReceiver<Command>,
        events: mpsc::Sender<NetworkEvent>,
        shared: Arc<Shared>,
        peers: PeerManager,
    ) -> Self {
        Self {
            swarm,
            topics,
            commands,
            events,
            shared,
            peers,
            pending: HashMap::new(),
            outbound: HashMap::new(),
            rpc_faults: HashMap::new(),
            last_ban_check: Instant::now(),
        }
    }

    pub(crate) async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let done = loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    None => break None,
                    Some(Command::Shutdown(done)) => break Some(done),
                    Some(command) => self.on_command(command),
                },
                _ = tick.tick() => self.on_tick(),
            }
        };
        debug!("network task stopping");
        drop(self.swarm);
        if let Some(done) = done {
            let _ = done.send(());
        }
    }

    /// Delivers an event the node must not miss (peer changes, request outcomes): at
    /// once if the channel has room, otherwise from a separate task so the swarm never
    /// waits on the node.
    fn deliver(&self, event: NetworkEvent) {
        if let Err(TrySendError::Full(event)) = self.events.try_send(event) {
            let events = self.events.clone();
            tokio::spawn(async move {
                let _ = events.send(event).await;
            });
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        let now = Instant::now();
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossip(event),
            SwarmEvent::Behaviour(BehaviourEvent::Status(event)) => {
                self.on_rpc(Method::Status, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::BlocksByRange(event)) => {
                self.on_rpc(Method::BlocksByRange, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::BlocksByRoot(event)) => {
                self.on_rpc(Method::BlocksByRoot, event)
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => self.peers.set_agent(&peer_id, info.agent_version),
            SwarmEvent::Behaviour(_) => {}
            SwarmEvent::NewListenAddr { address, .. } => {
                info!(%address, "listening");
                let mut addrs = self.shared.listen_addrs.lock().expect("lock");
                if !addrs.contains(&address) {
                    addrs.push(address);
                }
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                let mut addrs = self.shared.listen_addrs.lock().expect("lock");
                addrs.retain(|a| *a != address);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => self.on_connected(peer_id, connection_id, &endpoint),
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                cause,
                ..
            } => self.on_disconnected(peer_id, cause, now),
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                peer_id,
                error,
            } => {
                debug!(peer = ?peer_id, %error, "dial failed");
                let is_self = matches!(error, DialError::LocalPeerId { .. });
                self.peers.dial_failed(connection_id, is_self, now);
            }
            SwarmEvent::IncomingConnectionError { error, .. } => {
                trace!(%error, "incoming connection failed");
            }
            _ => {}
        }
    }

    fn on_connected(&mut self, peer: PeerId, connection: ConnectionId, endpoint: &ConnectedPoint) {
        if self
            .peers
            .connection_established(peer, connection, endpoint, Instant::now())
        {
            debug!(%peer, address = %endpoint.get_remote_address(), "peer connected");
            self.sync_peer_count();
            self.deliver(NetworkEvent::PeerConnected { peer });
        }
    }

    fn on_disconnected(&mut self, peer: PeerId, cause: Option<ConnectionError>, now: Instant) {
        if self.peers.peer_disconnected(&peer, now) {
            debug!(%peer, ?cause, "peer disconnected");
            self.sync_peer_count();
            self.deliver(NetworkEvent::PeerDisconnected { peer });
        }
    }

    fn sync_peer_count(&self) {
        self.shared
            .connected
            .store(self.peers.connected_count(), Ordering::Relaxed);
    }

    fn validate(&mut self, id: &MessageId, source: &PeerId, acceptance: MessageAcceptance) {
        self.swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(id, source, acceptance);
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source: source,
            message_id: id,
            message,
        } = event
        else {
            trace!(?event, "gossipsub");
            return;
        };
        let Some(kind) = self.topics.kind(&message.topic) else {
            self.validate(&id, &source, MessageAcceptance::Ignore);
            return;
        };
        let counters = self.shared.counters.clone();
        let decoded = match GossipMessage::decode(kind, &message.data) {
            Ok(decoded) => decoded,
            Err(e) => {
                debug!(peer = %source, topic = %kind, error = %e, "undecodable gossip rejected");
                counters.gossip(kind, GossipCount::Invalid);
                self.validate(&id, &source, MessageAcceptance::Reject);
                return;
            }
        };
        counters.gossip(kind, GossipCount::Received);
        self.pending.insert(id.clone(), (kind, Instant::now()));
        let event = NetworkEvent::Gossip {
            id: id.clone(),
            source,
            message: decoded,
        };
        if self.events.try_send(event).is_err() {
            // The node is overloaded (or gone): do not forward what it cannot check.
            warn!(topic = %kind, "event channel full, ignoring gossip");
            self.pending.remove(&id);
            counters.gossip(kind, GossipCount::Dropped);
            counters.count(RequestCount::EventDropped);
            self.validate(&id, &source, MessageAcceptance::Ignore);
        }
    }

    /// Counts a req/resp fault against `peer` and lowers its score accordingly; enough
    /// faults graylist (and, with bans on, ban) it at the next check, which runs now.
    fn rpc_fault(&mut self, peer: PeerId, reason: &str) {
        debug!(%peer, %reason, "req/resp fault");
        self.shared.counters.count(RequestCount::RpcFault);
        let faults = self.rpc_faults.entry(peer).or_insert(0.0);
        *faults += 1.0;
        let score = *faults * scoring::RPC_FAULT_WEIGHT;
        self.swarm
            .behaviour_mut()
            .gossipsub
            .set_application_score(&peer, score);
        self.check_bans(Instant::now());
    }

    /// Decays every peer's fault count by one interval's factor and updates its score.
    fn decay_rpc_faults(&mut self) {
        let factor = scoring::rpc_fault_decay();
        let gossipsub = &mut self.swarm.behaviour_mut().gossipsub;
        self.rpc_faults.retain(|peer, faults| {
            *faults *= factor;
            let keep = *faults >= scoring::DECAY_TO_ZERO;
            let score = if keep {
                *faults * scoring::RPC_FAULT_WEIGHT
            } else {
                0.0
            };
            gossipsub.set_application_score(peer, score);
            keep
        });
    }

    fn on_rpc(&mut self, method: Method, event: request_response::Event<WireRequest, Response>) {
        use request_response::{Event, Message};
        let counters = self.shared.counters.clone();
        match event {
            Event::Message {
                peer,
                message:
                    Message::Request {
                        request, channel, ..
                    },
                ..
            } => {
                counters.count(RequestCount::Received);
                let checked = match request {
                    WireRequest::Valid(request) => request.check().map(|()| request),
                    WireRequest::Malformed(reason) => Err(reason),
                };
                let request = match checked {
                    Ok(request) => request,
                    Err(reason) => {
                        self.rpc_fault(peer, &format!("{method:?} request: {reason}"));
                        let response = Response::Error {
                            code: ResponseCode::InvalidRequest,
                            message: reason,
                        };
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .rpc(method)
                            .send_response(channel, response);
                        return;
                    }
                };
                let respond = ResponseHandle {
                    method,
                    peer,
                    channel,
                };
                let event = NetworkEvent::InboundRequest {
                    peer,
                    request,
                    respond,
                };
                if let Err(e) = self.events.try_send(event) {
                    counters.count(RequestCount::EventDropped);
                    if let NetworkEvent::InboundRequest { respond, .. } = e.into_inner() {
                        let busy = Response::Error {
                            code: ResponseCode::ServerError,
                            message: "busy".into(),
                        };
                        let rpc = self.swarm.behaviour_mut().rpc(method);
                        let _ = rpc.send_response(respond.channel, busy);
                    }
                }
            }
            Event::Message {
                peer,
                message:
                    Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                let Some(outbound) = self.outbound.remove(&(method, request_id)) else {
                    return;
                };
                let response = check_response(&outbound.request, response);
                if let Err(e) = &response {
                    counters.count(RequestCount::Failed);
                    if let RequestError::InvalidResponse(reason) = e {
                        self.rpc_fault(peer, &format!("{method:?} response: {reason}"));
                    }
                }
                self.deliver(NetworkEvent::OutboundResponse {
                    peer,
                    id: outbound.id,
                    response,
                });
            }
            Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                let Some(outbound) = self.outbound.remove(&(method, request_id)) else {
                    return;
                };
                debug!(%peer, ?method, %error, "request failed");
                counters.count(RequestCount::Failed);
                let error = match error {
                    OutboundFailure::DialFailure => RequestError::DialFailure,
                    OutboundFailure::Timeout => RequestError::Timeout,
                    OutboundFailure::ConnectionClosed => RequestError::ConnectionClosed,
                    OutboundFailure::UnsupportedProtocols => RequestError::UnsupportedProtocol,
                    OutboundFailure::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        self.rpc_fault(peer, &format!("{method:?} response: {e}"));
                        RequestError::InvalidResponse(e.to_string())
                    }
                    OutboundFailure::Io(e) => RequestError::Io(e.to_string()),
                };
                self.deliver(NetworkEvent::OutboundResponse {
                    peer,
                    id: outbound.id,
                    response: Err(error),
                });
            }
            Event::InboundFailure { peer, error, .. } => {
                debug!(%peer, ?method, %error, "inbound request failed");
            }
            Event::ResponseSent { .. } => {}
        }
    }

    fn on_command(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::Publish { kind, ssz } => {
                let topic = self.topics.topic(kind).clone();
                match self.swarm.behaviour_mut().gossipsub.publish(topic, ssz) {
                    Ok(_) => self.shared.counters.gossip(kind, GossipCount::Published),
                    Err(PublishError::Duplicate) => debug!(topic = %kind, "already published"),
                    Err(PublishError::NoPeersSubscribedToTopic) => {
                        debug!(topic = %kind, "published with no peers")
                    }
                    Err(e) => warn!(topic = %kind, error = %e, "publish failed"),
                }
            }
            Command::Report {
                id,
                source,
                validation,
            } => {
                let (acceptance, count) = match validation {
                    Validation::Accept => (MessageAcceptance::Accept, GossipCount::Accepted),
                    Validation::Reject => (MessageAcceptance::Reject, GossipCount::Rejected),
                    Validation::Ignore => (MessageAcceptance::Ignore, GossipCount::Ignored),
                };
                if let Some((kind, _)) = self.pending.remove(&id) {
                    self.shared.counters.gossip(kind, count);
                }
                self.validate(&id, &source, acceptance);
            }
            Command::Request { id, peer, request } => {
                if self.peers.is_blocked(&peer) {
                    self.deliver(NetworkEvent::OutboundResponse {
                        peer,
                        id,
                        response: Err(RequestError::Blocked),
                    });
                    return;
                }
                let method = request.method();
                let rpc = self.swarm.behaviour_mut().rpc(method);
                let request_id = rpc.send_request(&peer, WireRequest::Valid(request.clone()));
                self.outbound
                    .insert((method, request_id), Outbound { id, request });
                self.shared.counters.count(RequestCount::Sent);
            }
            Command::Respond { handle, response } => {
                let fits = matches!(
                    (handle.method, &response),
                    (Method::Status, Response::Status(_))
                        | (
                            Method::BlocksByRange | Method::BlocksByRoot,
                            Response::Blocks(_)
                        )
                        | (_, Response::Error { .. })
                );
                let response = if fits {
                    response
                } else {
                    warn!(method = ?handle.method, "response does not fit the request");
                    Response::Error {
                        code: ResponseCode::ServerError,
                        message: "server error".into(),
                    }
                };
                let rpc = self.swarm.behaviour_mut().rpc(handle.method);
                if rpc.send_response(handle.channel, response).is_err() {
                    debug!(peer = %handle.peer, "response for a closed request");
                }
            }
            Command::Block(peer) => {
                info!(%peer, "blocking peer");
                if self.peers.block(peer) {
                    self.swarm.behaviour_mut().blocked.block_peer(peer);
                }
            }
            Command::Unblock(peer) => {
                info!(%peer, "unblocking peer");
                if self.peers.unblock(&peer, now) {
                    self.swarm.behaviour_mut().blocked.unblock_peer(peer);
                }
            }
            Command::Disconnect(peer) => {
                let _ = self.swarm.disconnect_peer_id(peer);
            }
            Command::Dial(address) => {
                if let Err(e) = self.swarm.dial(address.clone()) {
                    warn!(%address, error = %e, "dial failed");
                }
            }
            Command::Peers(reply) => {
                let _ = reply.send(self.peer_infos());
            }
            Command::TopicPeers(kind, reply) => {
                let hash = self.topics.topic(kind).hash();
                let mut peers: Vec<PeerId> = self
                    .swarm
                    .behaviour()
                    .gossipsub
                    .all_peers()
                    .filter(|(_, topics)| topics.contains(&&hash))
                    .map(|(p, _)| *p)
                    .collect();
                peers.sort();
                let _ = reply.send(peers);
            }
            Command::Shutdown(_) => unreachable!("handled by the run loop"),
        }
    }

    fn peer_infos(&self) -> Vec<PeerInfo> {
        let gossipsub = &self.swarm.behaviour().gossipsub;
        let mut infos: Vec<PeerInfo> = self
            .peers
            .connected()
            .map(|(peer, c)| PeerInfo {
                peer_id: *peer,
                address: c.address.clone(),
                direction: c.direction,
                gossip_score: gossipsub.peer_score(peer).unwrap_or(0.0),
                agent_version: c.agent_version.clone(),
            })
            .collect();
        infos.sort_by_key(|p| p.peer_id);
        infos
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        for opts in self.peers.due_dials(now) {
            let connection = opts.connection_id();
            if let Err(e) = self.swarm.dial(opts) {
                debug!(error = %e, "bootnode dial refused");
                let is_self = matches!(e, DialError::LocalPeerId { .. });
                self.peers.dial_failed(connection, is_self, now);
            }
        }
        if now.duration_since(self.last_ban_check) >= BAN_CHECK {
            self.last_ban_check = now;
            self.decay_rpc_faults();
            self.check_bans(now);
            self.pending
                .retain(|_, (_, at)| now.duration_since(*at) < PENDING_VALIDATION_TTL);
        }
    }

    /// Bans connected peers whose score is graylisted, and ends bans whose time is up
    /// unless the (retained, decaying) score is still graylisted.
    fn check_bans(&mut self, now: Instant) {
        let score = |swarm: &Swarm<Behaviour>, peer: &PeerId| {
            swarm.behaviour().gossipsub.peer_score(peer).unwrap_or(0.0)
        };
        let graylisted: Vec<PeerId> = self
            .peers
            .connected()
            .map(|(p, _)| *p)
            .filter(|p| score(&self.swarm, p) < GRAYLIST_THRESHOLD)
            .collect();
        for peer in graylisted {
            if self.peers.ban(peer, now) {
                warn!(%peer, score = score(&self.swarm, &peer), "banning graylisted peer");
                self.shared.counters.count(RequestCount::PeerBanned);
                self.swarm.behaviour_mut().blocked.block_peer(peer);
            }
        }
        for peer in self.peers.expired_bans(now) {
            if score(&self.swarm, &peer) < GRAYLIST_THRESHOLD {
                self.peers.ban(peer, now);
            } else if self.peers.lift_ban(&peer, now) {
                info!(%peer, "ban lifted");
                self.swarm.behaviour_mut().blocked.unblock_peer(peer);
            }
        }
    }
}

/// Checks what can be checked without the chain: no more blocks than asked for, and for
/// a range request, slots inside the range in strictly increasing order.
fn check_response(request: &Request, response: Response) -> Result<Response, RequestError> {
    match (request, response) {
        (_, Response::Error { code, message }) => Err(RequestError::Remote { code, message }),
        (Request::Status(_), response @ Response::Status(_)) => Ok(response),
        (Request::BlocksByRange(range), Response::Blocks(blocks)) => {
            if blocks.len() as u64 > range.count {
                return Err(RequestError::InvalidResponse(format!(
                    "{} blocks for a count of {}",
                    blocks.len(),
                    range.count
                )));
            }
            let end = range.start_slot.saturating_add(range.count);
            let mut previous: Option<u64> = None;
            for block in &blocks {
                let slot = block.message.slot;
                if slot < range.start_slot || slot >= end || previous.is_some_and(|p| slot <= p) {
                    return Err(RequestError::InvalidResponse(format!(
                        "block at slot {slot} out of range or order"
                    )));
                }
                previous = Some(slot);
            }
            Ok(Response::Blocks(blocks))
        }
        (Request::BlocksByRoot(roots), Response::Blocks(blocks)) => {
            if blocks.len() > roots.len() {
                return Err(RequestError::InvalidResponse(format!(
                    "{} blocks for {} roots",
                    blocks.len(),
                    roots.len()
                )));
            }
            Ok(Response::Blocks(blocks))
        }
        (_, _) => Err(RequestError::InvalidResponse(
            "response type does not match the request".into(),
        )),
    }
}
