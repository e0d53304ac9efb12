//! Deterministic fixtures shared by the integration tests and the benchmark: realistic
//! blocks and states filled with pseudo-random bytes (so that compression sees what it
//! would see on a real chain: incompressible keys, signatures and roots).

#![allow(dead_code)] // each test binary uses a different subset

pub mod child;

use etn_store::ChainMeta;
use etn_types::ssz::Bytes48;
use etn_types::ssz::{Bytes32, Bytes96};
use etn_types::{
    Attestation, AttestationData, BeaconBlock, BeaconBlockBody, BeaconState, Builder,
    BuilderAssignment, BuyTickets, ChainConfig, Checkpoint, Root, SignedBeaconBlock,
    SignedBuyTickets, TicketBid, TicketRound, Validator,
};

/// splitmix64: a tiny deterministic generator (no dependency, same bytes everywhere).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the tiny modulo bias is irrelevant for fixtures).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    pub fn bytes32(&mut self) -> Bytes32 {
        let mut b = [0u8; 32];
        self.fill(&mut b);
        Bytes32(b)
    }

    pub fn bytes48(&mut self) -> Bytes48 {
        let mut b = [0u8; 48];
        self.fill(&mut b);
        Bytes48(b)
    }

    pub fn bytes96(&mut self) -> Bytes96 {
        let mut b = [0u8; 96];
        self.fill(&mut b);
        Bytes96(b)
    }
}

/// A distinct root per `(n, j)`, readable in hex dumps.
pub fn root(n: u64, j: u8) -> Root {
    let mut b = [0xee; 32];
    b[..8].copy_from_slice(&n.to_be_bytes());
    b[8] = j;
    Bytes32(b)
}

/// A block at `slot` with `attestations` aggregated attestations (64-bit committees) and
/// `purchases` signed ticket purchases; everything else derived from `seed`.
pub fn block(seed: u64, slot: u64, attestations: usize, purchases: usize) -> SignedBeaconBlock {
    let mut rng = Rng::new(seed);
    let mut body = BeaconBlockBody {
        randao_reveal: rng.bytes96(),
        graffiti: rng.bytes32(),
        ..Default::default()
    };
    for i in 0..attestations {
        let bits: Vec<bool> = (0..64).map(|_| rng.below(4) != 0).collect();
        let attestation = Attestation {
            aggregation_bits: bits.as_slice().try_into().expect("64 bits fit"),
            data: AttestationData {
                slot: slot.saturating_sub(1),
                index: i as u64 % 4,
                beacon_block_root: rng.bytes32(),
                source: Checkpoint {
                    epoch: slot / 8,
                    root: rng.bytes32(),
                },
                target: Checkpoint {
                    epoch: slot / 8,
                    root: rng.bytes32(),
                },
            },
            signature: rng.bytes96(),
        };
        body.attestations
            .push(attestation)
            .expect("within MAX_ATTESTATIONS");
    }
    for i in 0..purchases {
        body.ticket_purchases.push(SignedBuyTickets {
            message: BuyTickets {
                builder_index: i as u64 % 16,
                nonce: rng.below(1000),
                target_slot: slot + 4,
                tickets: 1 + rng.below(100),
                max_price: 1 + rng.below(10),
                rounds: 1,
            },
            signature: rng.bytes96(),
        });
    }
    SignedBeaconBlock {
        message: BeaconBlock {
            slot,
            proposer_index: rng.below(64),
            parent_root: rng.bytes32(),
            state_root: rng.bytes32(),
            body,
        },
        signature: rng.bytes96(),
    }
}

/// A state at `slot` with `validators` validators and `builders` builders, its history
/// vectors, RANDAO mixes, open rounds and assignments filled.
pub fn state(seed: u64, slot: u64, validators: usize, builders: usize) -> BeaconState {
    let mut rng = Rng::new(seed);
    let mut state = BeaconState {
        genesis_time: 1_700_000_000,
        genesis_validators_root: rng.bytes32(),
        slot,
        config: ChainConfig::minimal(),
        ..Default::default()
    };
    state.latest_block_header.slot = slot;
    state.latest_block_header.parent_root = rng.bytes32();
    state.latest_block_header.body_root = rng.bytes32();
    for i in 0..state.block_roots.len() {
        let (a, b) = (rng.bytes32(), rng.bytes32());
        state.block_roots.set(i, a).expect("in range");
        state.state_roots.set(i, b).expect("in range");
    }
    for i in 0..state.randao_mixes.len() {
        let mix = rng.bytes32();
        state.randao_mixes.set(i, mix).expect("in range");
    }
    for _ in 0..validators {
        let validator = Validator {
            pubkey: rng.bytes48(),
            effective_balance: 32_000_000_000,
            ..Default::default()
        };
        state.validators.push(validator).expect("within limit");
        state
            .balances
            .push(32_000_000_000 + rng.below(1_000_000))
            .expect("within limit");
        state
            .previous_epoch_participation
            .push(7)
            .expect("within limit");
        state
            .current_epoch_participation
            .push(rng.below(8) as u8)
            .expect("within limit");
    }
    for _ in 0..builders {
        let builder = Builder {
            pubkey: rng.bytes48(),
            balance: 1_000_000_000_000 + rng.below(1_000_000_000),
            nonce: rng.below(1000),
            pool_tickets: rng.below(50),
            pool_paid: rng.below(50_000),
            slots_won: 0,
        };
        state.builders.push(builder).expect("within limit");
    }
    for i in 0..state.ticket_rounds.len() {
        let mut round = TicketRound {
            slot: slot + i as u64,
            ..Default::default()
        };
        for b in 0..builders.min(4) as u64 {
            round.bids.push(TicketBid {
                builder_index: b,
                tickets: 1 + rng.below(100),
                paid: rng.below(1000),
            });
        }
        state.ticket_rounds.set(i, round).expect("in range");
    }
    for i in 0..state.builder_assignments.len() {
        let assignment = BuilderAssignment {
            slot: slot.saturating_sub(i as u64),
            builder_index: rng.below(builders.max(1) as u64),
            revenue: rng.below(10_000),
            payload_status: 2,
            inflow: rng.below(1_000_000),
        };
        state
            .builder_assignments
            .set(i, assignment)
            .expect("in range");
        let revenue = rng.below(10_000);
        state.slot_revenue.set(i, revenue).expect("in range");
    }
    state.accounting.genesis_supply = 64 * 32_000_000_000;
    state.accounting.total_burned = rng.below(1_000_000);
    state
}

/// Pointers derived from `n` (tests check they come back exactly).
pub fn meta(n: u64) -> ChainMeta {
    ChainMeta {
        genesis_block_root: root(0, 0),
        head: root(n, 3),
        justified: Checkpoint {
            epoch: n,
            root: root(n, 0),
        },
        finalized: Checkpoint {
            epoch: n / 2,
            root: root(n / 2, 0),
        },
    }
}
