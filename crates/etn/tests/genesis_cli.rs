//! `etn genesis`: the files it writes describe one consistent genesis, and bad input is
//! refused with a message and a non-zero exit.

use etn_types::ssz::{decode, hash_tree_root};
use etn_types::{BeaconState, PaymentRule};
use std::process::Command;

fn etn() -> Command {
    Command::new(env!("CARGO_BIN_EXE_etn"))
}

#[test]
fn writes_a_consistent_genesis() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("chain.yaml");
    std::fs::write(
        &config,
        "chain:\n  allocation: tullock\n  alpha: \"3/2\"\n  payment: winner-pay\ngenesis:\n  validators: 16\n  builders:\n    - balance: 5000\n    - {}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let status = etn()
        .args(["genesis", "--config"])
        .arg(&config)
        .args(["--genesis-time", "1234", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let state: BeaconState = decode(&std::fs::read(out.join("genesis.ssz")).unwrap()).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("genesis.json")).unwrap()).unwrap();
    assert_eq!(
        summary["state_root"],
        hash_tree_root(&state).unwrap().to_string()
    );
    assert_eq!(summary["genesis_time"], 1234);
    assert_eq!(state.genesis_time, 1234);
    assert_eq!(state.validators.len(), 16);
    assert_eq!(state.builders.len(), 2);
    assert_eq!(state.builders[0].balance, 5000);
    assert_eq!(summary["mechanism"]["allocation"], "tullock(3/2)");
    assert_eq!(state.config.payment_rule, PaymentRule::WinnerPay.code());
    // The keys file holds the validators' keys in registry order.
    let keys = std::fs::read_to_string(out.join("keys.yaml")).unwrap();
    let first_pubkey = state.validators[0].pubkey.to_string();
    assert!(keys.contains(&first_pubkey));
}

#[test]
fn same_inputs_give_the_same_genesis() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        assert!(
            etn()
                .args([
                    "genesis",
                    "--genesis-time",
                    "7",
                    "--validators",
                    "8",
                    "--out"
                ])
                .arg(&out)
                .status()
                .unwrap()
                .success()
        );
        std::fs::read(out.join("genesis.ssz")).unwrap()
    };
    assert_eq!(run("a"), run("b"));
}

#[test]
fn bad_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("chain:\n  allocation: lottery\n", "unknown allocation rule"),
        ("chain:\n  allocation: tullock\n  alpha: \"-1\"\n", "alpha"),
        ("chain:\n  payment: every-pay\n", "unknown payment rule"),
        ("chain:\n  ticket_lookahead: 0\n", "ticket_lookahead"),
        ("chain:\n  sell_back: true\n", "sell-back"),
        ("chain:\n  alpha: \"2\"\n", "alpha"),
        ("preset: huge\n", "unknown preset"),
        ("genesis:\n  validators: [1]\n", "invalid config"),
        ("not: [valid\n", "invalid config"),
    ];
    for (i, (yaml, message)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        let output = etn()
            .args(["genesis", "--config"])
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join("o"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "case {i} should fail");
        assert!(stderr.contains(message), "case {i}: {stderr}");
        assert!(!stderr.contains("panicked"), "case {i} panicked: {stderr}");
    }
    let output = etn()
        .args(["genesis", "--config", "/nonexistent/x.yaml"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read config"));
}
