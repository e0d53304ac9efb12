//! Peer bookkeeping: who is connected and how, static bootnodes and their redial
//! backoff, manual blocks (partition control) and score bans. Pure state; the swarm task
//! applies its decisions, which keeps this testable without sockets.

use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId};
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// A bootnode connection that lasted at least this long was a real session: when it
/// ends, the redial backoff starts over. A shorter one (a peer that refuses us right
/// after the handshake, e.g. because it blocked or banned us) counts as a failed dial,
/// so such a peer is redialled with growing delays instead of every first step.
pub(crate) const STABLE_CONNECTION: Duration = Duration::from_secs(10);

/// Who opened a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// A connected peer, as the node's API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerInfo {
    pub peer_id: PeerId,
    /// The remote address of the peer's first connection.
    pub address: Multiaddr,
    pub direction: Direction,
    /// Gossipsub score (0 for a new peer; below `scoring::GRAYLIST_THRESHOLD` it is
    /// ignored, and banned if bans are on).
    pub gossip_score: f64,
    /// From identify, once received.
    pub agent_version: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Connected {
    pub(crate) address: Multiaddr,
    pub(crate) direction: Direction,
    pub(crate) agent_version: Option<String>,
    /// When the peer's first connection was established.
    pub(crate) since: Instant,
}

/// A static bootnode and its dial state.
#[derive(Debug)]
struct Bootnode {
    /// The address without its `/p2p` suffix.
    address: Multiaddr,
    /// From the `/p2p` suffix, or learned from the first connection our dial made.
    peer: Option<PeerId>,
    dialing: Option<ConnectionId>,
    next_dial: Instant,
    backoff: Duration,
    /// The address turned out to be our own.
    is_self: bool,
}

pub(crate) struct PeerManager {
    local: PeerId,
    bootnodes: Vec<Bootnode>,
    backoff: (Duration, Duration),
    ban_duration: Option<Duration>,
    connected: HashMap<PeerId, Connected>,
    manual: BTreeSet<PeerId>,
    banned: HashMap<PeerId, Instant>,
}

/// Splits `/…/p2p/<id>` into the address and the peer id.
fn split_p2p(addr: &Multiaddr) -> (Multiaddr, Option<PeerId>) {
    let mut address = addr.clone();
    match address.pop() {
        Some(Protocol::P2p(peer)) => (address, Some(peer)),
        Some(other) => {
            address.push(other);
            (address, None)
        }
        None => (address, None),
    }
}

impl PeerManager {
    pub(crate) fn new(
        local: PeerId,
        bootnodes: &[Multiaddr],
        backoff: (Duration, Duration),
        ban_duration: Option<Duration>,
        now: Instant,
    ) -> Self {
        let bootnodes = bootnodes
            .iter()
            .map(|addr| {
                let (address, peer) = split_p2p(addr);
                Bootnode {
                    address,
                    peer,
                    dialing: None,
                    next_dial: now,
                    backoff: backoff.0,
                    is_self: peer == Some(local),
                }
            })
            .collect();
        Self {
            local,
            bootnodes,
            backoff,
            ban_duration,
            connected: HashMap::new(),
            manual: BTreeSet::new(),
            banned: HashMap::new(),
        }
    }

    pub(crate) fn is_blocked(&self, peer: &PeerId) -> bool {
        self.manual.contains(peer) || self.banned.contains_key(peer)
    }

    pub(crate) fn connected(&self) -> impl Iterator<Item = (&PeerId, &Connected)> {
        self.connected.iter()
    }

    pub(crate) fn connected_count(&self) -> usize {
        self.connected.len()
    }

    /// Dials of bootnodes that are due: not connected, not being dialled, not blocked,
    /// and past their backoff. Marks them as being dialled.
    pub(crate) fn due_dials(&mut self, now: Instant) -> Vec<DialOpts> {
        let mut dials = Vec::new();
        for i in 0..self.bootnodes.len() {
            let b = &self.bootnodes[i];
            let connected = b.peer.is_some_and(|p| self.connected.contains_key(&p));
            let blocked = b.peer.is_some_and(|p| self.is_blocked(&p));
            if b.is_self || connected || blocked || b.dialing.is_some() || now < b.next_dial {
                continue;
            }
            let opts = match b.peer {
                Some(peer) => DialOpts::peer_id(peer)
                    .addresses(vec![b.address.clone()])
                    .condition(PeerCondition::DisconnectedAndNotDialing)
                    .build(),
                None => DialOpts::unknown_peer_id()
                    .address(b.address.clone())
                    .build(),
            };
            self.bootnodes[i].dialing = Some(opts.connection_id());
            dials.push(opts);
        }
        dials
    }

    /// A dial we started failed (`is_self`: it reached ourselves): back off.
    pub(crate) fn dial_failed(&mut self, connection: ConnectionId, is_self: bool, now: Instant) {
        let max = self.backoff.1;
        for b in self
            .bootnodes
            .iter_mut()
            .filter(|b| b.dialing == Some(connection))
        {
            b.dialing = None;
            b.is_self |= is_self;
            b.next_dial = now + b.backoff;
            b.backoff = (b.backoff * 2).min(max);
        }
    }

    /// A connection was established. Returns true if it is the peer's first.
    pub(crate) fn connection_established(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        endpoint: &ConnectedPoint,
        now: Instant,
    ) -> bool {
        for b in self.bootnodes.iter_mut() {
            if b.dialing == Some(connection) {
                b.dialing = None;
                b.peer = Some(peer);
                b.is_self = peer == self.local;
            }
        }
        if self.connected.contains_key(&peer) {
            return false;
        }
        let (address, direction) = match endpoint {
            ConnectedPoint::Dialer { address, .. } => (address.clone(), Direction::Outbound),
            ConnectedPoint::Listener { send_back_addr, .. } => {
                (send_back_addr.clone(), Direction::Inbound)
            }
        };
        self.connected.insert(
            peer,
            Connected {
                address,
                direction,
                agent_version: None,
                since: now,
            },
        );
        true
    }

    /// The peer's last connection closed: forget it and, if it is a bootnode, redial
    /// it. After a stable session the backoff starts over at its first step; after a
    /// connection that closed at once it grows as after a failed dial, so a peer that
    /// keeps refusing us is not hammered.
    pub(crate) fn peer_disconnected(&mut self, peer: &PeerId, now: Instant) -> bool {
        let Some(connected) = self.connected.remove(peer) else {
            return false;
        };
        let stable = now.saturating_duration_since(connected.since) >= STABLE_CONNECTION;
        let (initial, max) = self.backoff;
        for b in self.bootnodes.iter_mut().filter(|b| b.peer == Some(*peer)) {
            if stable {
                b.backoff = initial;
            }
            b.next_dial = b.next_dial.max(now + b.backoff);
            if !stable {
                b.backoff = (b.backoff * 2).min(max);
            }
        }
        true
    }

    pub(crate) fn set_agent(&mut self, peer: &PeerId, agent: String) {
        if let Some(c) = self.connected.get_mut(peer) {
            c.agent_version = Some(agent);
        }
    }

    /// Blocks `peer` by hand. Returns true if it was not blocked before (so the swarm
    /// must start refusing it).
    pub(crate) fn block(&mut self, peer: PeerId) -> bool {
        let was = self.is_blocked(&peer);
        self.manual.insert(peer);
        !was
    }

    /// Lifts a manual block. Returns true if the peer is no longer blocked at all (so
    /// the swarm must accept it again); its bootnode entry is then redialled at once.
    pub(crate) fn unblock(&mut self, peer: &PeerId, now: Instant) -> bool {
        if !self.manual.remove(peer) || self.banned.contains_key(peer) {
            return false;
        }
        self.redial_now(peer, now);
        true
    }

    fn redial_now(&mut self, peer: &PeerId, now: Instant) {
        let initial = self.backoff.0;
        for b in self.bootnodes.iter_mut().filter(|b| b.peer == Some(*peer)) {
            b.next_dial = now;
            b.backoff = initial;
        }
    }

    /// Bans a graylisted peer for the ban duration. Returns true if it was not blocked
    /// before. Does nothing when bans are off.
    pub(crate) fn ban(&mut self, peer: PeerId, now: Instant) -> bool {
        let Some(duration) = self.ban_duration else {
            return false;
        };
        let was = self.is_blocked(&peer);
        self.banned.insert(peer, now + duration);
        !was
    }

    /// Bans that have run out. The caller re-bans peers whose score is still graylisted
    /// and calls `lift_ban` for the others.
    pub(crate) fn expired_bans(&self, now: Instant) -> Vec<PeerId> {
        self.banned
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(p, _)| *p)
            .collect()
    }

    /// Ends a ban. Returns true if the peer is no longer blocked at all.
    pub(crate) fn lift_ban(&mut self, peer: &PeerId, now: Instant) -> bool {
        if self.banned.remove(peer).is_none() || self.manual.contains(peer) {
            return false;
        }
        self.redial_now(peer, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager(bootnodes: &[Multiaddr], now: Instant) -> PeerManager {
        PeerManager::new(
            PeerId::random(),
            bootnodes,
            (Duration::from_millis(100), Duration::from_millis(400)),
            Some(Duration::from_secs(10)),
            now,
        )
    }

    fn dialer(addr: &Multiaddr) -> ConnectedPoint {
        ConnectedPoint::Dialer {
            address: addr.clone(),
            role_override: libp2p::core::Endpoint::Dialer,
            port_use: libp2p::core::transport::PortUse::Reuse,
        }
    }

    #[test]
    fn failed_dials_back_off_exponentially_up_to_the_cap() {
        let now = Instant::now();
        let peer = PeerId::random();
        let addr: Multiaddr = format!("/ip4/127.0.0.1/tcp/1/p2p/{peer}").parse().unwrap();
        let mut pm = manager(&[addr], now);
        let mut t = now;
        let mut delays = vec![];
        for _ in 0..5 {
            let dials = pm.due_dials(t);
            assert_eq!(dials.len(), 1);
            assert!(pm.due_dials(t).is_empty(), "no second dial while dialling");
            pm.dial_failed(dials[0].connection_id(), false, t);
            let next = pm.bootnodes[0].next_dial;
            delays.push(next - t);
            assert!(pm.due_dials(next - Duration::from_millis(1)).is_empty());
            t = next;
        }
        let ms: Vec<u128> = delays.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, vec![100, 200, 400, 400, 400]);
    }

    #[test]
    fn blocked_bootnodes_are_not_dialled_until_unblocked() {
        let now = Instant::now();
        let peer = PeerId::random();
        let addr: Multiaddr = format!("/ip4/127.0.0.1/tcp/1/p2p/{peer}").parse().unwrap();
        let mut pm = manager(&[addr], now);
        assert!(pm.block(peer));
        assert!(!pm.block(peer));
        assert!(pm.due_dials(now + Duration::from_secs(5)).is_empty());
        assert!(pm.unblock(&peer, now));
        assert_eq!(pm.due_dials(now).len(), 1);
    }

    #[test]
    fn a_ban_outlives_an_unblock_and_a_block_outlives_a_ban() {
        let now = Instant::now();
        let peer = PeerId::random();
        let mut pm = manager(&[], now);
        assert!(pm.ban(peer, now));
        assert!(!pm.block(peer));
        assert!(!pm.unblock(&peer, now), "still banned");
        assert!(pm.is_blocked(&peer));
        assert!(pm.expired_bans(now).is_empty());
        let later = now + Duration::from_secs(10);
        assert_eq!(pm.expired_bans(later), vec![peer]);
        assert!(pm.lift_ban(&peer, later));
        assert!(!pm.is_blocked(&peer));
        pm.block(peer);
        pm.ban(peer, later);
        assert!(
            !pm.lift_ban(&peer, later + Duration::from_secs(10)),
            "still blocked"
        );
    }

    #[test]
    fn bootnode_without_peer_id_learns_it_from_its_dial() {
        let now = Instant::now();
        let addr: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
        let mut pm = manager(std::slice::from_ref(&addr), now);
        let dials = pm.due_dials(now);
        let peer = PeerId::random();
        assert!(pm.connection_established(peer, dials[0].connection_id(), &dialer(&addr), now));
        assert!(
            pm.due_dials(now + Duration::from_secs(1)).is_empty(),
            "connected"
        );
        let later = now + STABLE_CONNECTION;
        assert!(pm.peer_disconnected(&peer, later));
        assert!(!pm.peer_disconnected(&peer, later), "already gone");
        assert!(
            pm.due_dials(later).is_empty(),
            "waits the first backoff step"
        );
        let now = later;
        pm.block(peer);
        assert!(
            pm.due_dials(now + Duration::from_secs(1)).is_empty(),
            "blocked"
        );
        assert!(pm.unblock(&peer, now));
        assert_eq!(pm.due_dials(now).len(), 1, "redialled at once");
    }

    #[test]
    fn connections_that_close_at_once_back_off_like_failed_dials() {
        let now = Instant::now();
        let peer = PeerId::random();
        let addr: Multiaddr = format!("/ip4/127.0.0.1/tcp/1/p2p/{peer}").parse().unwrap();
        let mut pm = manager(std::slice::from_ref(&addr), now);
        // The peer accepts the handshake and drops us at once, again and again.
        let mut t = now;
        let mut delays = vec![];
        for _ in 0..4 {
            let dials = pm.due_dials(t);
            assert_eq!(dials.len(), 1);
            assert!(pm.connection_established(peer, dials[0].connection_id(), &dialer(&addr), t));
            assert!(
                pm.due_dials(t + Duration::from_secs(60)).is_empty(),
                "connected"
            );
            let closed = t + Duration::from_millis(5);
            assert!(pm.peer_disconnected(&peer, closed));
            let next = pm.bootnodes[0].next_dial;
            assert!(pm.due_dials(next - Duration::from_millis(1)).is_empty());
            delays.push((next - closed).as_millis());
            t = next;
        }
        assert_eq!(delays, vec![100, 200, 400, 400]);
        // A session that lasts resets the backoff.
        let dials = pm.due_dials(t);
        pm.connection_established(peer, dials[0].connection_id(), &dialer(&addr), t);
        let closed = t + STABLE_CONNECTION;
        pm.peer_disconnected(&peer, closed);
        assert_eq!(
            pm.bootnodes[0].next_dial - closed,
            Duration::from_millis(100)
        );
        // An unblock redials at once whatever the backoff.
        pm.block(peer);
        assert!(pm.due_dials(closed + Duration::from_secs(60)).is_empty());
        assert!(pm.unblock(&peer, closed));
        assert_eq!(pm.due_dials(closed).len(), 1);
    }

    #[test]
    fn own_address_is_never_dialled() {
        let now = Instant::now();
        let local = PeerId::random();
        let addr: Multiaddr = format!("/ip4/127.0.0.1/tcp/1/p2p/{local}").parse().unwrap();
        let mut pm = PeerManager::new(local, &[addr], (Duration::ZERO, Duration::ZERO), None, now);
        assert!(pm.due_dials(now).is_empty());
    }
}
