//! Property tests of the equilibrium maths.

use etn_mechanism::analysis::{
    Game, Payment, Rule, foc_residuals, max_deviation, proportional_bids, solve,
};
use proptest::prelude::*;

mod analysis_common;
use analysis_common::{brute_force_gain, close};

const TOL: f64 = 1e-9;

fn value() -> impl Strategy<Value = f64> {
    0.01f64..100.0
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// b1 = v1^2 v2 / (v1+v2)^2 and b2 = v2^2 v1 / (v1+v2)^2.
    #[test]
    fn two_player_closed_form(v1 in value(), v2 in value()) {
        let s = solve(&Game::new(vec![v1, v2], Rule::Proportional, None).unwrap());
        let b = &s.equilibria[0].outcome.bids;
        let d = (v1 + v2) * (v1 + v2);
        prop_assert!(close(b[0], v1 * v1 * v2 / d, TOL), "{b:?}");
        prop_assert!(close(b[1], v2 * v2 * v1 / d, TOL), "{b:?}");
    }

    /// n symmetric players: revenue v (n-1)/n.
    #[test]
    fn symmetric_revenue(v in value(), n in 2usize..60) {
        let s = solve(&Game::new(vec![v; n], Rule::Proportional, None).unwrap());
        let r = s.equilibria[0].outcome.revenue;
        prop_assert!(close(r, v * (n - 1) as f64 / n as f64, TOL), "{r}");
    }

    /// v2/2 <= R < v2 for any values (v2 the second-highest).
    #[test]
    fn revenue_bounds(values in prop::collection::vec(value(), 2..40)) {
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let v2 = sorted[1];
        let r: f64 = proportional_bids(&values).0.iter().sum();
        prop_assert!(r >= v2 / 2.0 * (1.0 - 1e-12), "R {r} v2 {v2}");
        prop_assert!(r < v2, "R {r} v2 {v2}");
    }

    /// Dropping out: active players have v > S, inactive ones v <= S.
    #[test]
    fn active_set_is_consistent(values in prop::collection::vec(value(), 2..40)) {
        let (bids, k) = proportional_bids(&values);
        let s: f64 = bids.iter().sum();
        prop_assert_eq!(bids.iter().filter(|b| **b > 0.0).count(), k);
        for (b, v) in bids.iter().zip(&values) {
            if *b > 0.0 { prop_assert!(*v > s * (1.0 - 1e-12)); }
            else { prop_assert!(*v <= s * (1.0 + 1e-12)); }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Every reported equilibrium of every rule survives the brute-force deviation search
    /// and its active players' first-order conditions hold.
    #[test]
    fn reported_equilibria_are_equilibria(
        values in prop::collection::vec(0.1f64..10.0, 2..5),
        alpha in 0.05f64..2.0,
        which in 0usize..6,
    ) {
        let (rule, payment) = match which {
            0 => (Rule::Proportional, Payment::AllPay),
            1 => (Rule::Tullock { alpha }, Payment::AllPay),
            2 => (Rule::Tullock { alpha: alpha * 2.0 }, Payment::WinnerPay),
            3 => (Rule::Proportional, Payment::WinnerPay),
            4 => (Rule::WinnerTakeAll, Payment::WinnerPay),
            _ => (Rule::SecondPrice, Payment::WinnerPay),
        };
        let game = Game::new(values.clone(), rule, Some(payment)).unwrap();
        let s = solve(&game);
        let slack = if rule == Rule::WinnerTakeAll { game.tick() } else { 0.0 };
        let scale = game.max_value();
        for eq in &s.equilibria {
            let b = &eq.outcome.bids;
            let gain = brute_force_gain(&game, b);
            prop_assert!(gain <= TOL * scale + slack, "{rule} {payment}: gain {gain} at {b:?}");
            prop_assert!(max_deviation(&game, b).gain <= TOL * scale + slack);
            if let Some(r) = foc_residuals(&game, b) {
                for (i, r) in r.iter().enumerate() {
                    if b[i] > 0.0 {
                        prop_assert!(r.abs() <= TOL, "{rule}: FOC of {i} is {r}");
                    } else {
                        prop_assert!(*r <= TOL, "{rule}: inactive {i} has slope {r}");
                    }
                }
            }
        }
        // alpha <= 1 all-pay always has exactly one pure equilibrium.
        if payment == Payment::AllPay && rule.lottery_alpha().is_some_and(|a| a <= 1.0) {
            prop_assert_eq!(s.equilibria.len(), 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any valid input, however extreme in scale or alpha, gives finite numbers and no
    /// panic; an equilibrium reported there still passes the crate's global check.
    #[test]
    fn extreme_inputs_stay_finite(
        exps in prop::collection::vec(-90.0f64..90.0, 2..5),
        zero_first in any::<bool>(),
        alpha in prop_oneof![0.0f64..3.0, 1e-9f64..1e-3, 3.0f64..1e6],
        which in 0usize..5,
    ) {
        let mut values: Vec<f64> = exps.iter().map(|e| 10f64.powf(*e)).collect();
        if zero_first && values.len() > 2 {
            values[0] = 0.0;
        }
        let (rule, payment) = match which {
            0 => (Rule::Tullock { alpha }, Payment::AllPay),
            1 => (Rule::Tullock { alpha }, Payment::WinnerPay),
            2 => (Rule::WinnerTakeAll, Payment::AllPay),
            3 => (Rule::WinnerTakeAll, Payment::WinnerPay),
            _ => (Rule::SecondPrice, Payment::WinnerPay),
        };
        let game = Game::new(values, rule, Some(payment)).unwrap();
        let s = solve(&game);
        for e in &s.equilibria {
            prop_assert!(e.outcome.is_finite());
            let slack = if rule == Rule::WinnerTakeAll { game.tick() } else { 0.0 };
            prop_assert!(max_deviation(&game, &e.outcome.bids).gain <= TOL * game.max_value() + slack);
        }
        if let Some(l) = &s.all_pay_limit {
            prop_assert!(l.is_finite());
        }
    }
}
