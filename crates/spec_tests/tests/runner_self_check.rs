//! The runner's own guarantees, checked on tampered copies of a few committed cases: a
//! wrong post-state, a missing post-state, a wrong error name, a wrong sampling winner,
//! a stray file in a case and a stray file between cases must each fail, naming the case
//! and what differed.

use etn_spec_tests::PRESET;
use etn_spec_tests::run::{Report, run_runner};
use std::path::{Path, PathBuf};

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/tests")
}

/// A temporary tree holding copies of the given committed case directories.
fn tree_with(cases: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for case in cases {
        let from = committed().join(PRESET).join(case);
        let to = dir.path().join(PRESET).join(case);
        std::fs::create_dir_all(&to).expect("mkdir");
        for entry in std::fs::read_dir(&from).unwrap_or_else(|e| panic!("{case}: {e}")) {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

fn run(root: &Path, runner: &str) -> Report {
    run_runner(root, runner).expect("runner")
}

fn only_failure(report: &Report) -> &str {
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    &report.failures[0]
}

const ACCEPTED: &str = "operations/buy_tickets/hand_round_insert_between_bids";
const REJECTED: &str = "operations/buy_tickets/nonce_replayed";

#[test]
fn untouched_copies_pass() {
    let dir = tree_with(&[ACCEPTED, REJECTED]);
    let report = run(dir.path(), "operations");
    assert_eq!(report.total(), 2);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}

#[test]
fn a_wrong_post_state_names_the_field() {
    let dir = tree_with(&[ACCEPTED]);
    let case = dir.path().join(PRESET).join(ACCEPTED);
    // The post-state of another case: same shape, different values.
    let other = committed()
        .join(PRESET)
        .join("operations/buy_tickets/hand_round_eip1559_adds_to_bid/post.ssz_snappy");
    std::fs::copy(other, case.join("post.ssz_snappy")).expect("copy");
    let report = run(dir.path(), "operations");
    let failure = only_failure(&report);
    assert!(
        failure.contains("hand_round_insert_between_bids"),
        "{failure}"
    );
    assert!(failure.contains("post-state differs"), "{failure}");
    assert!(failure.contains("builders[1].balance"), "{failure}");
}

#[test]
fn an_accepted_input_without_post_fails() {
    let dir = tree_with(&[ACCEPTED]);
    let case = dir.path().join(PRESET).join(ACCEPTED);
    std::fs::remove_file(case.join("post.ssz_snappy")).expect("rm");
    let report = run(dir.path(), "operations");
    assert!(
        only_failure(&report).contains("input accepted"),
        "{:?}",
        report.failures
    );
}

#[test]
fn a_wrong_error_name_fails() {
    let dir = tree_with(&[REJECTED]);
    let meta = dir.path().join(PRESET).join(REJECTED).join("meta.yaml");
    let text = std::fs::read_to_string(&meta).expect("meta");
    std::fs::write(&meta, text.replace("error: BadNonce", "error: ZeroTickets")).expect("write");
    let report = run(dir.path(), "operations");
    let failure = only_failure(&report);
    assert!(failure.contains("rejected with BadNonce"), "{failure}");
    assert!(failure.contains("expected ZeroTickets"), "{failure}");
}

#[test]
fn a_wrong_winner_fails() {
    let case = "sampling/proportional/hand_example_1_t8";
    let dir = tree_with(&[case]);
    let data = dir.path().join(PRESET).join(case).join("data.yaml");
    let text = std::fs::read_to_string(&data).expect("data");
    std::fs::write(&data, text.replace("winner: 1", "winner: 0")).expect("write");
    let report = run(dir.path(), "sampling");
    let failure = only_failure(&report);
    assert!(
        failure.contains("hand_example_1_t8") && failure.contains("winner"),
        "{failure}"
    );
}

#[test]
fn stray_files_fail() {
    let dir = tree_with(&[ACCEPTED]);
    let case = dir.path().join(PRESET).join(ACCEPTED);
    std::fs::write(case.join("extra.ssz_snappy"), b"x").expect("write");
    std::fs::write(case.parent().expect("handler").join("notes.txt"), b"x").expect("write");
    let report = run(dir.path(), "operations");
    assert_eq!(report.failures.len(), 3, "{:?}", report.failures);
    let all = report.failures.join("\n");
    assert!(
        all.contains("unexpected file(s) never read: extra.ssz_snappy"),
        "{all}"
    );
    assert!(all.contains("notes.txt: file never read"), "{all}");
}

#[test]
fn an_unknown_handler_fails() {
    let dir = tree_with(&[ACCEPTED]);
    let from = dir.path().join(PRESET).join("operations/buy_tickets");
    std::fs::rename(&from, from.with_file_name("buy_ticket")).expect("rename");
    let report = run(dir.path(), "operations");
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.contains("unknown handler")),
        "{:?}",
        report.failures
    );
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.contains("file never read")),
        "{:?}",
        report.failures
    );
}
