//! The consensus draws have the advertised distributions: with bids (2, 1) over 30,000
//! independent seeds, the first builder's win frequency lies within 4 standard
//! deviations of its probability under each lottery rule.

use etn_mechanism::consensus::close_round;
use etn_types::{AllocationRule, PaymentRule, TicketBid};
use sha2::{Digest, Sha256};

const DRAWS: u64 = 30_000;

fn bid(builder_index: u64, tickets: u64) -> TicketBid {
    TicketBid {
        builder_index,
        tickets,
        paid: tickets,
    }
}

fn seed(i: u64) -> [u8; 32] {
    Sha256::digest(i.to_le_bytes()).into()
}

fn first_builder_wins(rule: AllocationRule, bids: &[TicketBid]) -> u64 {
    (0..DRAWS)
        .filter(|i| {
            close_round(rule, PaymentRule::AllPay, bids, &seed(*i))
                .unwrap()
                .winner
                == Some(0)
        })
        .count() as u64
}

#[track_caller]
fn assert_within_four_sigma(rule: AllocationRule, p: f64) {
    let wins = first_builder_wins(rule, &[bid(0, 2), bid(1, 1)]);
    let frequency = wins as f64 / DRAWS as f64;
    let sigma = (p * (1.0 - p) / DRAWS as f64).sqrt();
    let z = (frequency - p) / sigma;
    assert!(
        z.abs() <= 4.0,
        "{rule}: frequency {frequency:.5}, expected {p:.5}, z = {z:.2}"
    );
}

#[test]
fn proportional_gives_two_thirds() {
    assert_within_four_sigma(AllocationRule::Proportional, 2.0 / 3.0);
}

#[test]
fn tullock_alpha_two_gives_four_fifths() {
    assert_within_four_sigma(
        AllocationRule::Tullock {
            numerator: 2,
            denominator: 1,
        },
        4.0 / 5.0,
    );
}

#[test]
fn tullock_fractional_alpha_uses_exact_weights() {
    // alpha = 1/2: P = sqrt(2) / (sqrt(2) + 1).
    let p = 2f64.sqrt() / (2f64.sqrt() + 1.0);
    assert_within_four_sigma(
        AllocationRule::Tullock {
            numerator: 1,
            denominator: 2,
        },
        p,
    );
}

#[test]
fn uniform_gives_one_half() {
    assert_within_four_sigma(AllocationRule::Uniform, 0.5);
}

#[test]
fn winner_take_all_always_picks_the_higher_bid_and_ties_go_low() {
    for i in 0..1_000 {
        let s = seed(i);
        let higher_second = [bid(0, 1), bid(1, 2)];
        let out = close_round(
            AllocationRule::WinnerTakeAll,
            PaymentRule::WinnerPay,
            &higher_second,
            &s,
        )
        .unwrap();
        assert_eq!(out.winner, Some(1));
        let tie = [bid(3, 5), bid(9, 5)];
        let out = close_round(
            AllocationRule::WinnerTakeAll,
            PaymentRule::WinnerPay,
            &tie,
            &s,
        )
        .unwrap();
        assert_eq!(out.winner, Some(0), "ties go to the lower builder index");
    }
}
