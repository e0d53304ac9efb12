//! Gossipsub peer-score parameters for etn devnets (specs/p2p-interface.md, "Peer
//! scoring").
//!
//! The aim is narrow: a peer that sends invalid data is quickly ignored, and honest
//! peers on a quiet loopback devnet are never penalised for being quiet or for sharing
//! an IP address. Hence:
//! - P4 (invalid messages) is the one strong penalty: four invalid messages on a topic
//!   (or three on one and two on another) graylist a peer, whatever good it did before.
//!   Thresholds sit between the squares (100·n² per topic) so that each is crossed by a
//!   whole number of messages, not met exactly (gossipsub compares strictly).
//! - P1/P2 (time in mesh, first deliveries) give a small, capped positive score so that
//!   one stray invalid message from a long-standing peer does not cut it off.
//! - P3/P3b (mesh delivery deficits) are off: ticket and slashing topics carry almost no
//!   traffic, and a deficit penalty would punish honest peers for the chain's silence.
//! - P5 (application score) carries req/resp faults: each malformed or out-of-limit
//!   request, and each response that breaks the wire format or the request, costs
//!   `RPC_FAULT_WEIGHT`, decaying with the same half-life as P4; three graylist a peer.
//!   Honest nodes never commit one (requests are checked before sending, responses are
//!   built from the request), so the penalty is linear and steep.
//! - P6 (IP colocation) is off: every devnet node is 127.0.0.1.
//! - P7 (broken gossip promises, early re-grafts) keeps gossipsub's usual meaning.

use crate::gossip::Topics;
use crate::topics::GossipKind;
use libp2p::gossipsub::{
    PeerScoreParams, PeerScoreThresholds, TopicScoreParams, score_parameter_decay_with_base,
};
use std::time::Duration;

/// Counters decay once a second.
pub const DECAY_INTERVAL: Duration = Duration::from_secs(1);
/// Below this, a decayed counter counts as zero.
pub const DECAY_TO_ZERO: f64 = 0.01;
/// Score of one invalid message (the P4 counter is squared: n messages cost 100·n²).
pub const INVALID_MESSAGE_WEIGHT: f64 = -100.0;
/// Time for the invalid-message counter to decay to half.
pub const INVALID_MESSAGE_HALF_LIFE: Duration = Duration::from_secs(60);
/// Score of one req/resp fault (linear: n faults cost 500·n).
pub const RPC_FAULT_WEIGHT: f64 = -500.0;
/// Time for a peer's req/resp fault count to decay to half.
pub const RPC_FAULT_HALF_LIFE: Duration = Duration::from_secs(60);
/// Cap on the positive score all topics together contribute.
pub const TOPIC_SCORE_CAP: f64 = 100.0;

/// Stop gossiping (IHAVE/IWANT) with a peer below this score (2 invalid messages).
pub const GOSSIP_THRESHOLD: f64 = -300.0;
/// Stop publishing to a peer below this score (3 invalid messages).
pub const PUBLISH_THRESHOLD: f64 = -600.0;
/// Ignore every RPC from a peer below this score (4 invalid messages on one topic), and
/// with `ban_duration` ban it.
pub const GRAYLIST_THRESHOLD: f64 = -1200.0;

/// Router-wide parameters, thresholds, and the same topic parameters for each topic.
pub(crate) fn params(topics: &Topics) -> (PeerScoreParams, PeerScoreThresholds) {
    let mut params = PeerScoreParams {
        topic_score_cap: TOPIC_SCORE_CAP,
        // The application score is already in score units (see `RPC_FAULT_WEIGHT`).
        app_specific_weight: 1.0,
        ip_colocation_factor_weight: 0.0,
        behaviour_penalty_weight: -10.0,
        behaviour_penalty_threshold: 6.0,
        behaviour_penalty_decay: decay(Duration::from_secs(10)),
        decay_interval: DECAY_INTERVAL,
        decay_to_zero: DECAY_TO_ZERO,
        retain_score: Duration::from_secs(600),
        ..PeerScoreParams::default()
    };
    for kind in GossipKind::ALL {
        params
            .topics
            .insert(topics.topic(kind).hash(), topic_params());
    }
    let thresholds = PeerScoreThresholds {
        gossip_threshold: GOSSIP_THRESHOLD,
        publish_threshold: PUBLISH_THRESHOLD,
        graylist_threshold: GRAYLIST_THRESHOLD,
        accept_px_threshold: 100.0,
        opportunistic_graft_threshold: 2.0,
    };
    (params, thresholds)
}

fn topic_params() -> TopicScoreParams {
    TopicScoreParams {
        topic_weight: 1.0,
        // P1: +0.1 a second in the mesh, at most +30 per topic.
        time_in_mesh_weight: 0.1,
        time_in_mesh_quantum: Duration::from_secs(1),
        time_in_mesh_cap: 300.0,
        // P2: +1 per first delivery, at most +20 per topic, forgotten within an epoch.
        first_message_deliveries_weight: 1.0,
        first_message_deliveries_decay: decay(Duration::from_secs(16)),
        first_message_deliveries_cap: 20.0,
        // P3 and P3b off (see the module docs); their decays must still be valid.
        mesh_message_deliveries_weight: 0.0,
        mesh_failure_penalty_weight: 0.0,
        // P4.
        invalid_message_deliveries_weight: INVALID_MESSAGE_WEIGHT,
        invalid_message_deliveries_decay: half_life(INVALID_MESSAGE_HALF_LIFE),
        ..TopicScoreParams::default()
    }
}

/// Per-interval factor of the req/resp fault count (applied once per `DECAY_INTERVAL`).
pub(crate) fn rpc_fault_decay() -> f64 {
    half_life(RPC_FAULT_HALF_LIFE)
}

/// Per-interval factor that brings a counter to `DECAY_TO_ZERO` in `to_zero`.
fn decay(to_zero: Duration) -> f64 {
    score_parameter_decay_with_base(to_zero, DECAY_INTERVAL, DECAY_TO_ZERO)
}

/// Per-interval factor that halves a counter in `half_life`.
fn half_life(half_life: Duration) -> f64 {
    score_parameter_decay_with_base(half_life, DECAY_INTERVAL, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Score of `n` invalid messages on one topic (P4 squares the counter).
    fn invalid(n: f64) -> f64 {
        n * n * INVALID_MESSAGE_WEIGHT
    }

    #[test]
    fn parameters_are_accepted_by_the_router() {
        let (params, thresholds) = params(&Topics::new([0; 4]));
        params.validate().unwrap();
        thresholds.validate().unwrap();
        assert_eq!(params.topics.len(), GossipKind::ALL.len());
        for topic in params.topics.values() {
            topic.validate().unwrap();
        }
    }

    #[test]
    fn thresholds_fall_between_whole_numbers_of_faults() {
        // Gossip: 1 invalid message costs nothing that matters; 2 stop gossip, 3 stop
        // publishing, 4 graylist — and 3 do not.
        assert!(invalid(1.0) > GOSSIP_THRESHOLD);
        assert!(invalid(2.0) < GOSSIP_THRESHOLD && invalid(2.0) > PUBLISH_THRESHOLD);
        assert!(invalid(3.0) < PUBLISH_THRESHOLD && invalid(3.0) > GRAYLIST_THRESHOLD);
        assert!(invalid(4.0) < GRAYLIST_THRESHOLD);
        // Three on one topic and two on another graylist too.
        assert!(invalid(3.0) + invalid(2.0) < GRAYLIST_THRESHOLD);
        // The positive cap cannot shield a peer: four still graylist it, one stays harmless.
        assert!(TOPIC_SCORE_CAP + invalid(4.0) < GRAYLIST_THRESHOLD);
        assert!(TOPIC_SCORE_CAP + invalid(1.0) > GOSSIP_THRESHOLD);
        // Req/resp: two faults leave a peer usable, three graylist it, even from the cap.
        const {
            assert!(2.0 * RPC_FAULT_WEIGHT > GRAYLIST_THRESHOLD);
            assert!(TOPIC_SCORE_CAP + 3.0 * RPC_FAULT_WEIGHT < GRAYLIST_THRESHOLD);
        }
    }

    #[test]
    fn decays_have_the_documented_half_lives() {
        let per_interval = rpc_fault_decay();
        let intervals = RPC_FAULT_HALF_LIFE.as_secs() / DECAY_INTERVAL.as_secs();
        let after = per_interval.powi(intervals as i32);
        assert!((after - 0.5).abs() < 1e-9, "{after}");
        let p4 = half_life(INVALID_MESSAGE_HALF_LIFE).powi(60);
        assert!((p4 - 0.5).abs() < 1e-9, "{p4}");
        // A counter decays to zero in the stated time.
        let d = decay(Duration::from_secs(16)).powi(16);
        assert!((d - DECAY_TO_ZERO).abs() < 1e-9, "{d}");
    }
}
