//! The conformance vectors of `specs/tests`, run against this build. One test per
//! runner (each also fails on any file of its subtree that no case read), plus checks of
//! the tree as a whole: its layout, that every reachable error has a case, that the
//! hand-derived cases are there, and that regenerating it changes no byte.

use etn_spec_tests::files::{files_under, subdirs};
use etn_spec_tests::meta::{Meta, STATE_ERROR_NAMES, UNREACHABLE};
use etn_spec_tests::run::run_runner;
use etn_spec_tests::{DOC_FILES, PRESET, RUNNERS};
use etn_types::{BeaconState, PaymentDestination, PaymentRule, PricingRule, TicketLifetime};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/tests")
}

fn check(runner: &str) {
    let report = run_runner(&tree(), runner).unwrap_or_else(|e| panic!("{runner}: {e:#}"));
    assert!(report.total() > 0, "{runner}: no cases");
    println!("{runner}: {:?}", report.cases);
    assert!(
        report.failures.is_empty(),
        "{} of {} {runner} case(s) failed:\n{}",
        report.failures.len(),
        report.total(),
        report.failures.join("\n")
    );
}

/// One test per runner (they run in parallel), and the list they were made from.
macro_rules! runner_tests {
    ($($runner:ident),* $(,)?) => {
        $(
            #[test]
            fn $runner() {
                check(stringify!($runner));
            }
        )*
        const TESTED: &[&str] = &[$(stringify!($runner)),*];
    };
}

runner_tests!(
    ssz_static,
    genesis,
    shuffling,
    sampling,
    operations,
    epoch_processing,
    slot_processing,
    sanity,
    fork_choice,
);

/// A runner added to the tree without a test here would never be replayed.
#[test]
fn every_runner_is_tested() {
    assert_eq!(TESTED, RUNNERS, "the runner tests and RUNNERS differ");
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Nothing sits in the tree outside the runners' directories: a stray file or directory
/// would be a vector no runner reads.
#[test]
fn tree_layout() {
    let root = tree();
    let mut unexpected = Vec::new();
    for entry in std::fs::read_dir(&root).expect("specs/tests exists") {
        let path = entry.expect("entry").path();
        let n = name(&path);
        let known = if path.is_dir() {
            n == PRESET
        } else {
            DOC_FILES.contains(&n.as_str())
        };
        if !known {
            unexpected.push(n);
        }
    }
    let preset = root.join(PRESET);
    for entry in std::fs::read_dir(&preset).expect("preset directory") {
        let path = entry.expect("entry").path();
        let n = name(&path);
        if !path.is_dir() || !RUNNERS.contains(&n.as_str()) {
            unexpected.push(format!("{PRESET}/{n}"));
        }
    }
    for runner in RUNNERS {
        assert!(preset.join(runner).is_dir(), "runner {runner} has no cases");
    }
    assert!(unexpected.is_empty(), "unexpected entries: {unexpected:?}");
}

fn all_meta() -> Vec<(String, Meta)> {
    let root = tree();
    files_under(&root.join(PRESET))
        .expect("tree")
        .into_iter()
        .filter(|p| name(p) == "meta.yaml")
        .map(|p| {
            let text = std::fs::read(&p).expect("meta.yaml");
            let meta: Meta =
                serde_yaml_ng::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let case = p
                .parent()
                .and_then(|d| d.strip_prefix(&root).ok())
                .map(|d| d.display().to_string())
                .unwrap_or_default();
            (case, meta)
        })
        .collect()
}

/// Every `StateError` variant a block, a slot advance or an operation can raise has a
/// case expecting it; the others are listed with the reason they cannot be raised.
#[test]
fn every_reachable_error_has_a_case() {
    let mut by_error: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (case, meta) in all_meta() {
        if let Some(error) = meta.error {
            by_error.entry(error).or_default().push(case);
        }
    }
    let unknown: Vec<&String> = by_error
        .keys()
        .filter(|e| !STATE_ERROR_NAMES.contains(&e.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases expect unknown errors: {unknown:?}"
    );
    let unreachable: BTreeSet<&str> = UNREACHABLE.iter().map(|(n, _)| *n).collect();
    let missing: Vec<&&str> = STATE_ERROR_NAMES
        .iter()
        .filter(|n| !by_error.contains_key(**n) && !unreachable.contains(**n))
        .collect();
    assert!(missing.is_empty(), "errors without a case: {missing:?}");
    let contradicted: Vec<&&str> = unreachable
        .iter()
        .filter(|n| by_error.contains_key(**n))
        .collect();
    assert!(
        contradicted.is_empty(),
        "listed as unreachable but expected by a case: {contradicted:?}"
    );
}

/// The issue asks for at least ten sampling and operations cases derived by hand.
#[test]
fn hand_derived_cases_are_present() {
    let derived: Vec<String> = all_meta()
        .into_iter()
        .filter(|(case, meta)| {
            meta.derivation.is_some()
                && (case.contains("/sampling/") || case.contains("/operations/"))
        })
        .map(|(case, _)| case)
        .collect();
    assert!(
        derived.len() >= 10,
        "only {} hand-derived cases: {derived:?}",
        derived.len()
    );
}

/// Every allocation rule, payment rule, lifetime, destination and pricing rule runs in
/// at least one whole chain (`sanity/blocks`).
#[test]
fn every_mechanism_runs_in_a_chain() {
    let dir = tree().join(PRESET).join("sanity/blocks");
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for case in subdirs(&dir).expect("sanity/blocks") {
        let bytes = std::fs::read(case.join("pre.ssz_snappy")).expect("pre");
        let raw = etn_spec_tests::files::decompress(&bytes).expect("snappy");
        let state: BeaconState = etn_types::ssz::decode(&raw).expect("state");
        let Ok(m) = state.config.mechanism() else {
            continue;
        };
        if !case.join("post.ssz_snappy").exists() {
            continue;
        }
        seen.insert(format!("allocation {}", m.allocation.name()));
        seen.insert(format!("payment {}", m.payment));
        seen.insert(format!("lifetime {}", m.lifetime));
        seen.insert(format!("destination {}", m.destination));
        seen.insert(format!("pricing {}", m.pricing));
        if m.sell_back {
            seen.insert("sell-back".into());
        }
    }
    let mut expected: Vec<String> = [
        "proportional",
        "tullock",
        "winner-take-all",
        "second-price",
        "uniform",
    ]
    .iter()
    .map(|r| format!("allocation {r}"))
    .collect();
    expected.extend(PaymentRule::ALL.iter().map(|p| format!("payment {p}")));
    expected.extend(TicketLifetime::ALL.iter().map(|p| format!("lifetime {p}")));
    expected.extend(
        PaymentDestination::ALL
            .iter()
            .map(|p| format!("destination {p}")),
    );
    expected.extend(PricingRule::ALL.iter().map(|p| format!("pricing {p}")));
    expected.push("sell-back".into());
    let missing: Vec<&String> = expected.iter().filter(|e| !seen.contains(*e)).collect();
    assert!(missing.is_empty(), "never run in a chain: {missing:?}");
}

/// Regenerating the tree from this build rewrites it byte for byte: the committed
/// vectors are exactly what the spec implementation produces.
#[test]
fn regeneration_is_byte_identical() {
    let out = tempfile::tempdir().expect("tempdir");
    etn_spec_tests::generator::generate(out.path()).expect("generate");
    let committed_root = tree().join(PRESET);
    let fresh_root = out.path().join(PRESET);
    let relative = |root: &Path| -> BTreeSet<PathBuf> {
        files_under(root)
            .expect("tree")
            .into_iter()
            .map(|p| p.strip_prefix(root).expect("prefix").to_path_buf())
            .collect()
    };
    let committed = relative(&committed_root);
    let fresh = relative(&fresh_root);
    let only_committed: Vec<_> = committed.difference(&fresh).take(10).collect();
    let only_fresh: Vec<_> = fresh.difference(&committed).take(10).collect();
    assert!(
        only_committed.is_empty() && only_fresh.is_empty(),
        "file sets differ: stale in the tree {only_committed:?}, missing from the tree {only_fresh:?} \
         (run `etn spectest generate` or scripts/vectors.sh)"
    );
    let changed: Vec<_> = committed
        .iter()
        .filter(|p| {
            std::fs::read(committed_root.join(p)).ok() != std::fs::read(fresh_root.join(p)).ok()
        })
        .take(10)
        .collect();
    assert!(
        changed.is_empty(),
        "regenerated files differ: {changed:?} (run `etn spectest generate` or scripts/vectors.sh)"
    );
}
