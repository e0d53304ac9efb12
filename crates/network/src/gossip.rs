//! Gossipsub set-up: topic table, the snappy data transform, message ids and the router
//! configuration.

use crate::config::GossipTiming;
use crate::error::NetworkError;
use crate::scoring;
use crate::stats::{Counters, GossipCount};
use crate::topics::{GossipKind, message_id};
use libp2p::gossipsub::{
    self, AllowAllSubscriptionFilter, DataTransform, IdentTopic, Message, MessageAuthenticity,
    RawMessage, TopicHash, ValidationMode,
};
use std::collections::HashMap;
use std::io;
use std::sync::Arc;

pub(crate) type Gossipsub = gossipsub::Behaviour<SnappyTransform, AllowAllSubscriptionFilter>;

/// Room for the protobuf framing around a message's data (topic string, field tags,
/// lengths) on top of its compressed size.
const FRAMING_SLACK: usize = 1024;

/// The topics of one fork digest.
#[derive(Clone)]
pub(crate) struct Topics {
    topics: Vec<IdentTopic>,
    by_hash: HashMap<TopicHash, GossipKind>,
}

impl Topics {
    pub(crate) fn new(fork_digest: [u8; 4]) -> Self {
        let topics: Vec<IdentTopic> = GossipKind::ALL
            .into_iter()
            .map(|k| IdentTopic::new(k.topic(fork_digest)))
            .collect();
        let by_hash = GossipKind::ALL
            .into_iter()
            .zip(&topics)
            .map(|(k, t)| (t.hash(), k))
            .collect();
        Self { topics, by_hash }
    }

    pub(crate) fn topic(&self, kind: GossipKind) -> &IdentTopic {
        &self.topics[kind.index()]
    }

    pub(crate) fn kind(&self, hash: &TopicHash) -> Option<GossipKind> {
        self.by_hash.get(hash).copied()
    }
}

/// Largest compressed payload a topic can carry: snappy's worst case for the topic's
/// largest SSZ payload.
pub(crate) fn max_compressed_size(kind: GossipKind) -> usize {
    snap::raw::max_compress_len(kind.max_ssz_size())
}

/// Compresses outbound payloads and decompresses inbound ones, so that gossipsub computes
/// message ids over (and hands the node) the decompressed SSZ.
///
/// Inbound, the size announced in the snappy header is checked against the topic's limit
/// *before* anything is allocated or decompressed; a payload that is too large or not
/// valid snappy fails the transform, which gossipsub treats as an invalid message: it
/// is dropped, never reaches the node, and counts against the sender's score (P4).
pub(crate) struct SnappyTransform {
    topics: Topics,
    counters: Arc<Counters>,
}

impl SnappyTransform {
    pub(crate) fn new(topics: Topics, counters: Arc<Counters>) -> Self {
        Self { topics, counters }
    }

    fn decompress(&self, raw: &RawMessage) -> io::Result<Vec<u8>> {
        // Topics that are not ours are decompressed under the largest limit; gossipsub
        // drops them afterwards because we are not subscribed.
        let kind = self.topics.kind(&raw.topic);
        let limit = kind.map_or(GossipKind::BeaconBlock.max_ssz_size(), |k| k.max_ssz_size());
        let invalid = |reason: String| {
            if let Some(k) = kind {
                self.counters.gossip(k, GossipCount::Invalid);
            }
            io::Error::new(io::ErrorKind::InvalidData, reason)
        };
        let len = snap::raw::decompress_len(&raw.data)
            .map_err(|e| invalid(format!("bad snappy header: {e}")))?;
        if len > limit {
            return Err(invalid(format!("{len} bytes decompressed, limit {limit}")));
        }
        snap::raw::Decoder::new()
            .decompress_vec(&raw.data)
            .map_err(|e| invalid(format!("bad snappy data: {e}")))
    }
}

impl DataTransform for SnappyTransform {
    fn inbound_transform(&self, raw: RawMessage) -> io::Result<Message> {
        let data = self.decompress(&raw)?;
        Ok(Message {
            source: raw.source,
            data,
            sequence_number: raw.sequence_number,
            topic: raw.topic,
        })
    }

    fn outbound_transform(&self, _topic: &TopicHash, data: Vec<u8>) -> io::Result<Vec<u8>> {
        snap::raw::Encoder::new()
            .compress_vec(&data)
            .map_err(|e| io::Error::other(e.to_string()))
    }
}

/// Builds the router: anonymous messages (no author, sequence number or signature, as
/// the payloads carry their own BLS signatures), explicit validation by the node before
/// forwarding, our message id, per-topic size limits, devnet timing, and peer scoring.
pub(crate) fn build(
    timing: &GossipTiming,
    topics: &Topics,
    counters: Arc<Counters>,
) -> Result<Gossipsub, NetworkError> {
    let mut builder = gossipsub::ConfigBuilder::default();
    builder
        .validation_mode(ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(|m: &Message| message_id(m.topic.as_str(), &m.data))
        .heartbeat_interval(timing.heartbeat_interval)
        .heartbeat_initial_delay(timing.heartbeat_interval / 4)
        .history_length(timing.history_length)
        .history_gossip(timing.history_gossip)
        .duplicate_cache_time(timing.seen_ttl)
        .mesh_n(timing.mesh_n)
        .mesh_n_low(timing.mesh_n_low)
        .mesh_n_high(timing.mesh_n_high)
        .mesh_outbound_min(timing.mesh_n_low.min(timing.mesh_n / 2).min(2))
        .gossip_lazy(timing.mesh_n)
        .flood_publish(true)
        .max_transmit_size(max_compressed_size(GossipKind::BeaconBlock) + FRAMING_SLACK);
    for kind in GossipKind::ALL {
        builder.max_transmit_size_for_topic(
            max_compressed_size(kind) + FRAMING_SLACK,
            topics.topic(kind).hash(),
        );
    }
    let config = builder
        .build()
        .map_err(|e| NetworkError::Config(format!("gossipsub: {e}")))?;
    let mut gossipsub = Gossipsub::new_with_transform(
        MessageAuthenticity::Anonymous,
        config,
        SnappyTransform::new(topics.clone(), counters),
    )
    .map_err(|e| NetworkError::Config(format!("gossipsub: {e}")))?;
    let (params, thresholds) = scoring::params(topics);
    gossipsub
        .with_peer_score(params, thresholds)
        .map_err(|e| NetworkError::Config(format!("peer scoring: {e}")))?;
    for kind in GossipKind::ALL {
        gossipsub
            .subscribe(topics.topic(kind))
            .map_err(|e| NetworkError::Config(format!("subscribe {kind}: {e}")))?;
    }
    Ok(gossipsub)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::TopicStats;

    fn transform() -> (SnappyTransform, Topics, Arc<Counters>) {
        let topics = Topics::new([1, 2, 3, 4]);
        let counters = Arc::new(Counters::default());
        (
            SnappyTransform::new(topics.clone(), counters.clone()),
            topics,
            counters,
        )
    }

    fn raw(topic: &Topics, kind: GossipKind, data: Vec<u8>) -> RawMessage {
        RawMessage {
            source: None,
            data,
            sequence_number: None,
            topic: topic.topic(kind).hash(),
            signature: None,
            key: None,
            validated: false,
        }
    }

    fn invalid(counters: &Counters, kind: GossipKind) -> u64 {
        let stats: Vec<TopicStats> = counters.snapshot(0).topics;
        stats[kind.index()].invalid
    }

    #[test]
    fn snappy_round_trip() {
        let (t, topics, _) = transform();
        let data: Vec<u8> = (0..25_000u32).map(|i| (i % 97) as u8).collect();
        let hash = topics.topic(GossipKind::BeaconBlock).hash();
        let compressed = t.outbound_transform(&hash, data.clone()).unwrap();
        assert!(compressed.len() < data.len());
        let message = t
            .inbound_transform(raw(&topics, GossipKind::BeaconBlock, compressed))
            .unwrap();
        assert_eq!(message.data, data);
    }

    #[test]
    fn oversized_payload_is_refused_before_decompression() {
        let (t, topics, counters) = transform();
        // 10 KB of zeros compresses to a few hundred bytes but exceeds the 485-byte
        // attestation limit once decompressed.
        let bomb = snap::raw::Encoder::new()
            .compress_vec(&[0u8; 10_000])
            .unwrap();
        assert!(bomb.len() < 1_000);
        let kind = GossipKind::BeaconAttestation;
        assert!(t.inbound_transform(raw(&topics, kind, bomb)).is_err());
        assert_eq!(invalid(&counters, kind), 1);
    }

    #[test]
    fn garbage_is_refused() {
        let (t, topics, counters) = transform();
        let kind = GossipKind::TicketPurchase;
        for garbage in [vec![], vec![0xff; 64], b"not snappy at all".to_vec()] {
            assert!(t.inbound_transform(raw(&topics, kind, garbage)).is_err());
        }
        assert_eq!(invalid(&counters, kind), 3);
    }

    #[test]
    fn router_builds_with_the_devnet_defaults() {
        let (_, topics, counters) = transform();
        let g = build(&GossipTiming::default(), &topics, counters).unwrap();
        assert_eq!(g.topics().count(), GossipKind::ALL.len());
    }
}
