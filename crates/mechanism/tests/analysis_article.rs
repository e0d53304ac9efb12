//! Reproduction of the article's Section 3 numbers (values 4 and 2) to 1e-9.

use etn_mechanism::analysis::{Game, Payment, Rule, foc_residuals, solve};

mod analysis_common;
use analysis_common::{brute_force_gain, close};

const TOL: f64 = 1e-9;

#[test]
fn proportional_all_pay_matches_article() {
    let game = Game::new(vec![4.0, 2.0], Rule::Proportional, None).unwrap();
    assert_eq!(game.payment(), Payment::AllPay);
    let s = solve(&game);
    assert!(s.pure_equilibrium_exists);
    assert_eq!(s.equilibria.len(), 1);
    let o = &s.equilibria[0].outcome;
    assert!(close(o.bids[0], 8.0 / 9.0, TOL) && close(o.bids[1], 4.0 / 9.0, TOL));
    assert!(close(o.allocations[0], 2.0 / 3.0, TOL) && close(o.allocations[1], 1.0 / 3.0, TOL));
    assert!(close(o.payments[0], 8.0 / 9.0, TOL) && close(o.payments[1], 4.0 / 9.0, TOL));
    assert!(close(o.revenue, 4.0 / 3.0, TOL));
    // sqrt(1/3 * 2/3) = 0.471405 (to the article's six digits), exactly sqrt(2)/3.
    assert!(close(o.fairness, 2f64.sqrt() / 3.0, TOL));
    assert!((o.fairness - 0.471405).abs() < 5e-7);
    assert!(close(o.oracle_accuracy, 1.0 / 3.0, TOL));
    // The article's first-order check: 4 * (16/36) / (16/9) - 1 = 0 and 2 * (32/36) / (16/9) - 1 = 0.
    let r = foc_residuals(&game, &o.bids).unwrap();
    assert!(r.iter().all(|x| x.abs() < TOL), "{r:?}");
    assert!(brute_force_gain(&game, &o.bids) <= TOL);
}

#[test]
fn winner_take_all_matches_article() {
    let game = Game::new(vec![4.0, 2.0], Rule::WinnerTakeAll, None).unwrap();
    let s = solve(&game);
    assert!(s.pure_equilibrium_exists);
    let o = &s.equilibria[0].outcome;
    let tick = game.tick();
    assert_eq!(o.allocations, vec![1.0, 0.0]);
    assert!(o.payments[0] >= 2.0 && o.payments[0] <= 2.0 + tick);
    assert_eq!(o.payments[1], 0.0);
    assert!(o.revenue >= 2.0 && o.revenue <= 2.0 + tick);
    assert_eq!(o.fairness, 0.0);
    assert!(close(o.oracle_accuracy, 0.5, TOL + tick));
    // The runner-up bids its value; the winner bids just enough to win.
    assert_eq!(o.bids[1], 2.0);
    assert!(brute_force_gain(&game, &o.bids) <= tick + TOL);
}

#[test]
fn first_price_winner_behind_in_tie_order_pays_one_tick() {
    let game = Game::new(vec![2.0, 4.0], Rule::WinnerTakeAll, None).unwrap();
    let o = &solve(&game).equilibria[0].outcome;
    assert_eq!(o.allocations, vec![0.0, 1.0]);
    assert!(close(o.payments[1], 2.0 + game.tick(), 1e-15));
    assert!(brute_force_gain(&game, &o.bids) <= game.tick() + TOL);
}

#[test]
fn second_price_is_truthful() {
    let game = Game::new(vec![4.0, 2.0], Rule::SecondPrice, None).unwrap();
    let o = &solve(&game).equilibria[0].outcome;
    assert_eq!(o.bids, vec![4.0, 2.0]);
    assert_eq!(o.payments, vec![2.0, 0.0]);
    assert!(brute_force_gain(&game, &o.bids) <= TOL);
}

#[test]
fn proportional_is_fairer_but_earns_less_than_winner_take_all() {
    let p = solve(&Game::new(vec![4.0, 2.0], Rule::Proportional, None).unwrap());
    let w = solve(&Game::new(vec![4.0, 2.0], Rule::WinnerTakeAll, None).unwrap());
    let (p, w) = (&p.equilibria[0].outcome, &w.equilibria[0].outcome);
    assert!(p.revenue < w.revenue);
    assert!(p.fairness > w.fairness);
}
