//! Gossip topics, the messages they carry, their size limits and message ids.

use etn_types::{
    Attestation, AttesterSlashing, SignedBeaconBlock, SignedBuyTickets, SignedExecutionPayload,
    SignedSellTickets, SszError,
};
use libp2p::gossipsub::MessageId;
use sha2::{Digest, Sha256};

/// The six gossip topics. The order is that of the spec's topic table and of the
/// per-topic counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GossipKind {
    BeaconBlock,
    BeaconAttestation,
    TicketPurchase,
    TicketSale,
    ExecutionPayload,
    AttesterSlashing,
}

// Largest SSZ encodings of the gossiped containers under the limits of
// `etn_types::constants` (checked against maximal values in the tests). A topic's
// decompressed payload may be no larger, so nothing decodable is refused and nothing
// larger is ever decompressed.
pub(crate) const MAX_SIGNED_BEACON_BLOCK: usize = 1_199_608;
pub(crate) const MAX_ATTESTATION: usize = 485;
pub(crate) const MAX_SIGNED_BUY_TICKETS: usize = 144;
pub(crate) const MAX_SIGNED_SELL_TICKETS: usize = 128;
pub(crate) const MAX_SIGNED_EXECUTION_PAYLOAD: usize = 1_049_728;
pub(crate) const MAX_ATTESTER_SLASHING: usize = 33_232;

impl GossipKind {
    pub const ALL: [GossipKind; 6] = [
        GossipKind::BeaconBlock,
        GossipKind::BeaconAttestation,
        GossipKind::TicketPurchase,
        GossipKind::TicketSale,
        GossipKind::ExecutionPayload,
        GossipKind::AttesterSlashing,
    ];

    /// The `{name}` part of the topic.
    pub fn name(self) -> &'static str {
        match self {
            GossipKind::BeaconBlock => "beacon_block",
            GossipKind::BeaconAttestation => "beacon_attestation",
            GossipKind::TicketPurchase => "ticket_purchase",
            GossipKind::TicketSale => "ticket_sale",
            GossipKind::ExecutionPayload => "execution_payload",
            GossipKind::AttesterSlashing => "attester_slashing",
        }
    }

    /// Largest decompressed (SSZ) payload accepted on the topic.
    pub fn max_ssz_size(self) -> usize {
        match self {
            GossipKind::BeaconBlock => MAX_SIGNED_BEACON_BLOCK,
            GossipKind::BeaconAttestation => MAX_ATTESTATION,
            GossipKind::TicketPurchase => MAX_SIGNED_BUY_TICKETS,
            GossipKind::TicketSale => MAX_SIGNED_SELL_TICKETS,
            GossipKind::ExecutionPayload => MAX_SIGNED_EXECUTION_PAYLOAD,
            GossipKind::AttesterSlashing => MAX_ATTESTER_SLASHING,
        }
    }

    /// `/etn/{fork_digest as lower-case hex, no 0x}/{name}/ssz_snappy`.
    pub fn topic(self, fork_digest: [u8; 4]) -> String {
        format!(
            "/etn/{}/{}/ssz_snappy",
            hex::encode(fork_digest),
            self.name()
        )
    }

    /// Position in `ALL` (index of the topic's counters).
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for GossipKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A decoded gossip message. Large containers are boxed so that the enum (and every
/// event carrying it) stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GossipMessage {
    Block(Box<SignedBeaconBlock>),
    Attestation(Box<Attestation>),
    Purchase(SignedBuyTickets),
    Sale(SignedSellTickets),
    Payload(Box<SignedExecutionPayload>),
    Slashing(Box<AttesterSlashing>),
}

impl GossipMessage {
    pub fn kind(&self) -> GossipKind {
        match self {
            GossipMessage::Block(_) => GossipKind::BeaconBlock,
            GossipMessage::Attestation(_) => GossipKind::BeaconAttestation,
            GossipMessage::Purchase(_) => GossipKind::TicketPurchase,
            GossipMessage::Sale(_) => GossipKind::TicketSale,
            GossipMessage::Payload(_) => GossipKind::ExecutionPayload,
            GossipMessage::Slashing(_) => GossipKind::AttesterSlashing,
        }
    }

    /// The SSZ encoding (what is compressed and what the message id is computed over).
    pub fn encode(&self) -> Result<Vec<u8>, SszError> {
        use etn_types::ssz::encode;
        match self {
            GossipMessage::Block(m) => encode(m.as_ref()),
            GossipMessage::Attestation(m) => encode(m.as_ref()),
            GossipMessage::Purchase(m) => encode(m),
            GossipMessage::Sale(m) => encode(m),
            GossipMessage::Payload(m) => encode(m.as_ref()),
            GossipMessage::Slashing(m) => encode(m.as_ref()),
        }
    }

    /// Decodes the SSZ payload of a message received on `kind`'s topic.
    pub fn decode(kind: GossipKind, ssz: &[u8]) -> Result<Self, SszError> {
        use etn_types::ssz::decode;
        Ok(match kind {
            GossipKind::BeaconBlock => GossipMessage::Block(Box::new(decode(ssz)?)),
            GossipKind::BeaconAttestation => GossipMessage::Attestation(Box::new(decode(ssz)?)),
            GossipKind::TicketPurchase => GossipMessage::Purchase(decode(ssz)?),
            GossipKind::TicketSale => GossipMessage::Sale(decode(ssz)?),
            GossipKind::ExecutionPayload => GossipMessage::Payload(Box::new(decode(ssz)?)),
            GossipKind::AttesterSlashing => GossipMessage::Slashing(Box::new(decode(ssz)?)),
        })
    }
}

/// Length of a message id in bytes.
pub const MESSAGE_ID_LEN: usize = 20;

/// `sha256(uint64_le(len(topic)) || topic || ssz)[0:20]`, over the **decompressed**
/// payload, so that two encodings (compressions) of one message share an id and are
/// deduplicated, and the same bytes on two topics never collide. The length prefix
/// keeps the (topic, payload) split unambiguous.
pub fn message_id(topic: &str, ssz: &[u8]) -> MessageId {
    let mut hasher = Sha256::new();
    hasher.update((topic.len() as u64).to_le_bytes());
    hasher.update(topic.as_bytes());
    hasher.update(ssz);
    MessageId::new(&hasher.finalize()[..MESSAGE_ID_LEN])
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_types::constants::*;
    use etn_types::{BeaconBlockBody, IndexedAttestation, Transaction, ssz::encode};
    use ssz_rs::prelude::{Bitlist, List};

    fn max_attestation() -> Attestation {
        Attestation {
            aggregation_bits: Bitlist::try_from(&[true; MAX_VALIDATORS_PER_COMMITTEE][..]).unwrap(),
            ..Default::default()
        }
    }

    fn max_indexed() -> IndexedAttestation {
        IndexedAttestation {
            attesting_indices: List::try_from(vec![0u64; MAX_VALIDATORS_PER_COMMITTEE]).unwrap(),
            ..Default::default()
        }
    }

    fn max_slashing() -> AttesterSlashing {
        AttesterSlashing {
            attestation_1: max_indexed(),
            attestation_2: max_indexed(),
        }
    }

    fn max_payload() -> SignedExecutionPayload {
        let tx = Transaction::try_from(vec![0u8; MAX_BYTES_PER_TRANSACTION]).unwrap();
        let mut p = SignedExecutionPayload::default();
        p.message.transactions = vec![tx; MAX_TRANSACTIONS_PER_PAYLOAD].try_into().unwrap();
        p
    }

    fn max_block() -> SignedBeaconBlock {
        let body = BeaconBlockBody {
            attester_slashings: vec![max_slashing(); MAX_ATTESTER_SLASHINGS]
                .try_into()
                .unwrap(),
            attestations: vec![max_attestation(); MAX_ATTESTATIONS]
                .try_into()
                .unwrap(),
            ticket_purchases: List::try_from(vec![
                SignedBuyTickets::default();
                MAX_TICKET_PURCHASES
            ])
            .unwrap(),
            ticket_sales: List::try_from(vec![SignedSellTickets::default(); MAX_TICKET_SALES])
                .unwrap(),
            execution_payload: vec![max_payload()].try_into().unwrap(),
            ..Default::default()
        };
        let mut block = SignedBeaconBlock::default();
        block.message.body = body;
        block
    }

    /// The topic limits are exactly the largest encodings the SSZ limits allow.
    #[test]
    fn size_limits_are_the_largest_encodings() {
        let cases: Vec<(GossipKind, Vec<u8>)> = vec![
            (GossipKind::BeaconBlock, encode(&max_block()).unwrap()),
            (
                GossipKind::BeaconAttestation,
                encode(&max_attestation()).unwrap(),
            ),
            (
                GossipKind::TicketPurchase,
                encode(&SignedBuyTickets::default()).unwrap(),
            ),
            (
                GossipKind::TicketSale,
                encode(&SignedSellTickets::default()).unwrap(),
            ),
            (
                GossipKind::ExecutionPayload,
                encode(&max_payload()).unwrap(),
            ),
            (
                GossipKind::AttesterSlashing,
                encode(&max_slashing()).unwrap(),
            ),
        ];
        for (kind, bytes) in cases {
            assert_eq!(bytes.len(), kind.max_ssz_size(), "{kind}");
            assert!(GossipMessage::decode(kind, &bytes).is_ok(), "{kind}");
        }
    }

    #[test]
    fn topics_are_named_by_fork_digest() {
        assert_eq!(
            GossipKind::BeaconBlock.topic([0xe7, 0, 0, 0x01]),
            "/etn/e7000001/beacon_block/ssz_snappy"
        );
        for (i, kind) in GossipKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
        }
    }

    #[test]
    fn message_ids_depend_on_topic_and_payload_only() {
        let a = message_id("/etn/00000000/beacon_block/ssz_snappy", b"payload");
        assert_eq!(a.0.len(), MESSAGE_ID_LEN);
        assert_eq!(
            a,
            message_id("/etn/00000000/beacon_block/ssz_snappy", b"payload")
        );
        assert_ne!(
            a,
            message_id("/etn/00000000/ticket_sale/ssz_snappy", b"payload")
        );
        assert_ne!(
            a,
            message_id("/etn/00000000/beacon_block/ssz_snappy", b"payloaD")
        );
        // The length prefix separates topic and payload.
        assert_ne!(message_id("ab", b"c"), message_id("a", b"bc"));
        // Pinned vector (specs/p2p-interface.md, "Message id").
        let expected = {
            let mut h = Sha256::new();
            h.update(4u64.to_le_bytes());
            h.update(b"/etn");
            h.update([1, 2, 3]);
            h.finalize()[..20].to_vec()
        };
        assert_eq!(message_id("/etn", &[1, 2, 3]).0, expected);
    }

    #[test]
    fn every_message_round_trips() {
        let messages = vec![
            GossipMessage::Block(Box::default()),
            GossipMessage::Attestation(Box::new(max_attestation())),
            GossipMessage::Purchase(SignedBuyTickets::default()),
            GossipMessage::Sale(SignedSellTickets::default()),
            GossipMessage::Payload(Box::default()),
            GossipMessage::Slashing(Box::default()),
        ];
        for m in messages {
            let bytes = m.encode().unwrap();
            assert_eq!(GossipMessage::decode(m.kind(), &bytes).unwrap(), m);
            // A payload for one topic is garbage on another of a different shape.
            if m.kind() != GossipKind::BeaconBlock {
                assert!(GossipMessage::decode(GossipKind::TicketSale, &bytes[1..]).is_err());
            }
        }
    }
}
