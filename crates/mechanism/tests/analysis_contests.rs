//! Tullock contests beyond alpha = 1, winner-pay lotteries, the all-pay auction limit,
//! Sybil checks, the frontier and input validation.

use etn_mechanism::analysis::{
    AnalysisError, Game, Payment, Rule, all_pay_auction, frontier, solve, sybil_check,
};

mod analysis_common;
use analysis_common::{brute_force_gain, close};

fn tullock(values: &[f64], alpha: f64) -> etn_mechanism::analysis::Solution {
    solve(&Game::new(values.to_vec(), Rule::Tullock { alpha }, None).unwrap())
}

#[test]
fn two_player_tullock_closed_form_below_threshold() {
    // x1 / x2 = (v1/v2)^alpha and b_i = alpha v_i x1 x2.
    for alpha in [0.3, 0.8, 1.2, 1.35] {
        let s = tullock(&[4.0, 2.0], alpha);
        assert_eq!(s.equilibria.len(), 1, "alpha {alpha}");
        let o = &s.equilibria[0].outcome;
        let x1 = 1.0 / (1.0 + 0.5f64.powf(alpha));
        assert!(close(o.allocations[0], x1, 1e-9));
        assert!(close(o.bids[0], alpha * 4.0 * x1 * (1.0 - x1), 1e-9));
        assert!(close(o.bids[1], alpha * 2.0 * x1 * (1.0 - x1), 1e-9));
    }
}

#[test]
fn two_player_existence_threshold() {
    // Pure equilibrium iff alpha - 1 <= (v2/v1)^alpha: about 1.38333 for (4, 2).
    assert!(tullock(&[4.0, 2.0], 1.383).pure_equilibrium_exists);
    assert!(!tullock(&[4.0, 2.0], 1.384).pure_equilibrium_exists);
    assert!(!tullock(&[4.0, 2.0], 1.5).pure_equilibrium_exists);
    assert!(!tullock(&[4.0, 2.0], 2.0).pure_equilibrium_exists);
    // Symmetric players keep one up to alpha = 2 (with zero utility there).
    let s = tullock(&[3.0, 3.0], 2.0);
    assert!(s.pure_equilibrium_exists);
    assert!(close(s.equilibria[0].outcome.revenue, 3.0, 1e-9));
}

#[test]
fn above_two_there_is_no_pure_equilibrium_and_the_all_pay_limit_is_given() {
    let s = tullock(&[4.0, 2.0], 2.5);
    assert!(!s.pure_equilibrium_exists && s.equilibria.is_empty());
    let l = s
        .all_pay_limit
        .expect("two players get the all-pay reference");
    assert!(close(l.revenue, 2.0 / 2.0 + 4.0 / (2.0 * 4.0), 1e-12));
    assert!(close(l.allocations[0], 1.0 - 2.0 / 8.0, 1e-12));
    assert!(close(l.utilities[0], 2.0, 1e-12) && l.utilities[1].abs() < 1e-12);
    assert!(!tullock(&[3.0, 2.0, 1.0, 1.0], 7.0).pure_equilibrium_exists);
}

#[test]
fn all_pay_auction_reference_is_unique_only_when_v2_exceeds_v3() {
    assert!(all_pay_auction(&[4.0, 2.0, 1.0]).is_some());
    assert!(all_pay_auction(&[4.0, 2.0, 2.0]).is_none());
    assert!(all_pay_auction(&[3.0, 3.0]).is_some_and(|o| close(o.revenue, 3.0, 1e-12)));
}

#[test]
fn three_symmetric_players_at_one_and_a_half_have_two_kinds_of_equilibria() {
    let s = tullock(&[3.0, 3.0, 3.0], 1.5);
    assert_eq!(s.equilibria.len(), 2);
    let pair = s.equilibria.iter().find(|e| e.active.len() == 2).unwrap();
    assert_eq!(pair.copies, 3);
    assert!(close(pair.outcome.revenue, 2.25, 1e-9));
    let all = s.equilibria.iter().find(|e| e.active.len() == 3).unwrap();
    assert!(close(all.outcome.revenue, 3.0, 1e-9));
    let game = Game::new(vec![3.0; 3], Rule::Tullock { alpha: 1.5 }, None).unwrap();
    for e in &s.equilibria {
        assert!(brute_force_gain(&game, &e.outcome.bids) <= 1e-9);
    }
}

#[test]
fn a_high_value_player_can_be_deterred() {
    // alpha = 2, values (5, 4, 4): the two 4s bid 2 each and the 5 stays out.
    let s = tullock(&[5.0, 4.0, 4.0], 2.0);
    assert_eq!(s.equilibria.len(), 1);
    let e = &s.equilibria[0];
    assert_eq!(e.active, vec![1, 2]);
    assert!(close(e.outcome.bids[1], 2.0, 1e-9));
}

#[test]
fn eight_players_at_alpha_one_point_two_are_verified() {
    let values = [9.0, 7.5, 6.0, 5.0, 4.2, 3.3, 2.0, 1.1];
    let game = Game::new(values.to_vec(), Rule::Tullock { alpha: 1.2 }, None).unwrap();
    let s = solve(&game);
    assert!(s.search.exhaustive);
    assert!(s.pure_equilibrium_exists);
    for e in &s.equilibria {
        assert!(brute_force_gain(&game, &e.outcome.bids) <= 1e-9 * 9.0);
    }
}

#[test]
fn winner_pay_proportional_symmetric() {
    let game = Game::new(vec![3.0, 3.0], Rule::Proportional, Some(Payment::WinnerPay)).unwrap();
    let o = solve(&game).equilibria[0].outcome.clone();
    assert!(close(o.bids[0], 1.0, 1e-9));
    assert!(close(o.revenue, 1.0, 1e-9));
}

#[test]
fn uniform_earns_nothing_and_is_perfectly_fair() {
    let s = solve(&Game::new(vec![4.0, 2.0, 1.0], Rule::Uniform, None).unwrap());
    let o = &s.equilibria[0].outcome;
    assert_eq!(o.revenue, 0.0);
    assert!(close(o.fairness, 1.0 / 3.0, 1e-12));
    assert!(close(o.entropy, 1.0, 1e-12));
}

#[test]
fn all_pay_first_price_has_no_pure_equilibrium() {
    let g = Game::new(vec![4.0, 2.0], Rule::WinnerTakeAll, Some(Payment::AllPay)).unwrap();
    let s = solve(&g);
    assert!(!s.pure_equilibrium_exists);
    assert!(close(s.all_pay_limit.unwrap().revenue, 1.5, 1e-12));
}

#[test]
fn large_values_scale() {
    let s = solve(&Game::new(vec![4e18, 2e18], Rule::Proportional, None).unwrap());
    assert!(close(
        s.equilibria[0].outcome.bids[0] / 1e18,
        8.0 / 9.0,
        1e-12
    ));
    let s = tullock(&[4e-12, 2e-12], 1.2);
    assert!(s.pure_equilibrium_exists);
}

#[test]
fn sybil_proportional_no_gain_others_gain() {
    let values = vec![4.0, 2.0, 1.5];
    let tol = 1e-9 * 4.0;
    let p = sybil_check(
        &Game::new(values.clone(), Rule::Proportional, None).unwrap(),
        5,
    )
    .unwrap();
    assert!(p.sybil_proof);
    assert!(p.splits.iter().all(|s| s.gain.abs() <= tol));
    assert!(p.merges.iter().all(|m| m.gain.abs() <= tol));
    // alpha < 1 and uniform reward splitting; winner-pay proportional too (refunds make
    // many small identities cheaper).
    for (rule, payment) in [
        (Rule::Tullock { alpha: 0.5 }, None),
        (Rule::Uniform, None),
        (Rule::Proportional, Some(Payment::WinnerPay)),
    ] {
        let r = sybil_check(&Game::new(values.clone(), rule, payment).unwrap(), 3).unwrap();
        assert!(r.max_split_gain > 1e-3, "{rule}");
        assert!(!r.sybil_proof);
    }
    // alpha > 1 rewards pooling.
    let r = sybil_check(
        &Game::new(vec![4.0, 3.0, 3.0], Rule::Tullock { alpha: 1.2 }, None).unwrap(),
        2,
    )
    .unwrap();
    assert!(r.max_merge_gain > 1e-3 && r.max_split_gain <= tol);
}

#[test]
fn frontier_marks_the_end_of_pure_equilibria() {
    let f = frontier(&[4.0, 2.0], Payment::AllPay, 0.0, 3.0, 31).unwrap();
    assert_eq!(f.points.len(), 31);
    assert_eq!(f.boundaries.len(), 1);
    let b = f.boundaries[0].alpha;
    assert!(
        b.is_finite() && (b - 1.0 - 0.5f64.powf(b)).abs() < 1e-8,
        "{b}"
    );
    assert!(f.boundaries[0].exists_below);
    let names: Vec<&str> = f.references.iter().map(|r| r.name.as_str()).collect();
    for n in [
        "proportional",
        "winner-take-all",
        "uniform",
        "all-pay-auction",
    ] {
        assert!(names.contains(&n), "{names:?}");
    }
    // Along the pure branch, revenue rises and fairness falls with alpha.
    let pure: Vec<_> = f
        .points
        .iter()
        .filter_map(|p| p.equilibria.first())
        .collect();
    for w in pure.windows(2) {
        assert!(w[1].revenue > w[0].revenue && w[1].fairness < w[0].fairness);
    }
}

#[test]
fn bad_input_is_rejected() {
    assert_eq!(
        Game::new(vec![], Rule::Proportional, None),
        Err(AnalysisError::NoPlayers)
    );
    assert!(Game::new(vec![f64::INFINITY, 1.0], Rule::Proportional, None).is_err());
    assert!(Game::new(vec![1.0, 2.0], Rule::Tullock { alpha: -0.5 }, None).is_err());
    assert!(Game::new(vec![1.0, 2.0], Rule::Tullock { alpha: f64::NAN }, None).is_err());
    assert!(Game::new(vec![1.0, 2.0], Rule::SecondPrice, Some(Payment::AllPay)).is_err());
    assert!(
        Game::new(vec![1.0, 2.0], Rule::WinnerTakeAll, None)
            .unwrap()
            .with_tick(0.0)
            .is_err()
    );
    let g = Game::new(vec![1.0, 2.0], Rule::Proportional, None).unwrap();
    assert_eq!(sybil_check(&g, 1), Err(AnalysisError::InvalidSplit(1)));
    assert_eq!(
        sybil_check(
            &Game::new(vec![4.0, 2.0], Rule::Tullock { alpha: 3.0 }, None).unwrap(),
            2
        ),
        Err(AnalysisError::NoEquilibrium)
    );
    assert!(frontier(&[4.0, 2.0], Payment::AllPay, 2.0, 1.0, 5).is_err());
    assert!(frontier(&[4.0, 2.0], Payment::AllPay, 0.0, 1.0, 0).is_err());
    assert!(frontier(&[4.0, 2.0], Payment::AllPay, -1.0, 1.0, 5).is_err());
}
