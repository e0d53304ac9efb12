//! Whole runs beyond the article's example: every shipped experiment file, the report
//! folder, and the fast path's shortcut of adopting the producer's post-state.

use etn_experiment::{Experiment, FastChain, FastOptions, run_fast, run_on};
use etn_types::ssz::hash_tree_root;
use std::path::PathBuf;

fn shipped() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testnet/experiments");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    files
}

/// Every shipped experiment loads and runs (shortened), with the books balanced and,
/// where the theory has an equilibrium, a prediction to compare with.
#[test]
fn shipped_experiments_run() {
    for path in shipped() {
        let experiment = Experiment::load(&path).unwrap().with_slots(150).unwrap();
        let name = experiment.name.clone();
        let outcome = run_fast(experiment, FastOptions::default()).unwrap();
        let r = &outcome.results;
        assert!(r.identity_holds, "{name}");
        assert_eq!(r.balances_reconcile, Some(true), "{name}");
        assert_eq!(r.slots, 150, "{name}");
        assert_eq!(r.accounting.missed_payloads, 0, "{name}");
        assert_ne!(r.prediction, "none", "{name}: {:?}", r.notes);
        let shares: f64 = r.builders.iter().map(|b| b.share).sum();
        assert!(
            (shares + r.empty_rounds as f64 / 150.0 - 1.0).abs() < 1e-9,
            "{name}"
        );
    }
}

#[test]
fn report_folder_has_the_binding_names() {
    let yaml = "
slots: 300
bls: false
chain: {allocation: tullock, alpha: '1/2', payment: all-pay}
builders:
  - {id: big, value: 4, strategy: sybil-best, identities: 3}
  - {id: small, value: 2}
  - {id: learner, value: 3, strategy: hedge}
";
    let experiment = Experiment::from_yaml(yaml, "names").unwrap();
    let outcome = run_fast(experiment, FastOptions::default()).unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("names");
    let files = outcome.write_report(&dir).unwrap();
    for name in [
        "report.md",
        "results.json",
        "shares.png",
        "shares.svg",
        "burn.png",
        "burn.svg",
        "bids.png",
        "bids.svg",
    ] {
        let path = dir.join(name);
        assert!(path.metadata().unwrap().len() > 100, "{name}");
        assert!(files.files.contains(&path));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["slots"], 300);
    assert_eq!(json["bls"], false);
    for key in [
        "burn_per_slot",
        "predicted_revenue",
        "fairness",
        "predicted_fairness",
    ] {
        assert!(json[key].is_number(), "{key}");
    }
    let builders = json["builders"].as_array().unwrap();
    assert_eq!(builders.len(), 3);
    for b in builders {
        for key in [
            "id",
            "value",
            "wins",
            "share",
            "share_ci95",
            "predicted_share",
            "utility",
        ] {
            assert!(!b[key].is_null(), "{key}");
        }
        assert_eq!(b["share_ci95"].as_array().unwrap().len(), 2);
    }
    assert_eq!(builders[0]["identities"], 3);
    assert!(builders[2]["convergence"].is_object());
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("| big |") && md.contains("## Learning"), "{md}");
    // The folder's index lists the run and its learner under its rule.
    let index = etn_experiment::write_index(root.path()).unwrap();
    let md = std::fs::read_to_string(index).unwrap();
    assert!(
        md.contains("| [names](names/report.md) | fast | off | tullock(1/2) | all-pay | 300 |"),
        "{md}"
    );
    assert!(
        md.contains("| tullock(1/2) / all-pay | [names](names/report.md) | learner | hedge"),
        "{md}"
    );
}

/// Without BLS the fast chain adopts the producer's post-state instead of importing the
/// block again; importing every block through `state_transition` (on the importer
/// thread, which checks at the end that its chain is the produced one) must give the
/// very same chain.
#[test]
fn adopting_the_producers_state_equals_importing_the_block() {
    let yaml = "
slots: 120
bls: false
chain: {allocation: proportional, payment: winner-pay}
builders:
  - {id: a, value: 4, strategy: {kind: random, low: 0.1, high: 0.9}}
  - {id: b, value: 3, strategy: best-response}
  - {id: c, value: 2, identities: 2}
";
    let roots: Vec<_> = [false, true]
        .into_iter()
        .map(|reimport| {
            let experiment = Experiment::from_yaml(yaml, "reimport").unwrap();
            let mut chain = FastChain::new(
                experiment.config.clone(),
                experiment.validators,
                &experiment.builder_balances(),
                false,
            )
            .unwrap()
            .with_reimport(reimport);
            let outcome = run_on(experiment, &mut chain, false).unwrap();
            assert!(outcome.results.identity_holds);
            let imported = chain.imported_blocks();
            assert_eq!(imported, reimport.then_some(outcome.run.blocks));
            hash_tree_root(chain.state()).unwrap()
        })
        .collect();
    assert_eq!(roots[0], roots[1]);
}

/// Experiments are reproducible from their seed, and the seed matters.
#[test]
fn runs_are_reproducible() {
    let yaml = "
slots: 200
bls: false
builders:
  - {id: a, value: {uniform: {low: 1, high: 5}}}
  - {id: b, value: {exponential: {mean: 2}}, strategy: {kind: random, low: 0.2, high: 0.8}}
";
    let run = |seed: u64| {
        let mut e = Experiment::from_yaml(yaml, "seeded").unwrap();
        e.seed = seed;
        run_fast(e, FastOptions::default()).unwrap().run.rounds
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

/// Standing orders change how bids reach the chain, not the bids: with values drawn per
/// round, a random player and a steady one, every round records the same tickets,
/// payments, winner and revenue whether each purchase covers one round or four.
#[test]
fn standing_orders_give_the_same_rounds_as_one_purchase_per_round() {
    let yaml = |order_rounds: u64| {
        format!(
            "
slots: 120
bls: false
order_rounds: {order_rounds}
builders:
  - {{id: steady, value: 4}}
  - {{id: drawn, value: {{uniform: {{low: 1, high: 5}}}}}}
  - {{id: noisy, value: 2, strategy: {{kind: random, low: 0.2, high: 0.8}}}}
"
        )
    };
    let run = |order_rounds: u64| {
        let e = Experiment::from_yaml(&yaml(order_rounds), "standing").unwrap();
        assert_eq!(e.order_rounds, order_rounds);
        let outcome = run_fast(e, FastOptions::default()).unwrap();
        assert!(outcome.results.identity_holds);
        assert_eq!(outcome.results.balances_reconcile, Some(true));
        outcome.run.rounds
    };
    let one_by_one = run(1);
    assert_eq!(one_by_one.len(), 120);
    assert!(one_by_one.iter().all(|r| r.tickets.iter().any(|t| *t > 0)));
    assert_eq!(run(4), one_by_one);
}

/// Standing orders are refused where they cannot mean what they say.
#[test]
fn standing_orders_are_checked_when_loading() {
    let load = |extra: &str| {
        Experiment::from_yaml(
            &format!(
                "slots: 10\nbls: false\n{extra}\nbuilders: [{{value: 1}}, {{value: 2, strategy: best-response}}]"
            ),
            "t",
        )
    };
    assert!(load("order_rounds: 1").is_ok());
    let learning = load("order_rounds: 2").unwrap_err();
    assert!(
        format!("{learning:#}").contains("learning player"),
        "{learning:#}"
    );
    let steady = |k: u64| {
        Experiment::from_yaml(
            &format!("slots: 10\nbls: false\norder_rounds: {k}\nbuilders: [{{value: 1}}]"),
            "t",
        )
    };
    assert!(steady(8).is_ok());
    assert!(steady(0).is_err());
    assert!(steady(9).is_err(), "longer than the round window");
}
