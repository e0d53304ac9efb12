//! `etn mechanism` end to end: runs the built binary, parses its JSON, and checks that
//! bad input fails cleanly.

use serde_json::Value;
use std::process::{Command, Output};

fn etn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_etn"))
        .args(args)
        .output()
        .expect("run etn")
}

fn json(args: &[&str]) -> Value {
    let out = etn(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The whole of stdout must be exactly one JSON object.
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON value");
    assert!(v.is_object());
    v
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9
}

#[test]
fn proportional_json_reproduces_the_article() {
    let v = json(&[
        "mechanism",
        "equilibrium",
        "--rule",
        "proportional",
        "--values",
        "4,2",
        "--json",
    ]);
    assert_eq!(v["rule"], "proportional");
    assert_eq!(v["alpha"].as_f64(), Some(1.0));
    assert_eq!(v["payment"], "all-pay");
    assert_eq!(nums(&v["values"]), vec![4.0, 2.0]);
    assert_eq!(v["pure_equilibrium_exists"], true);
    let eq = &v["equilibria"][0];
    let b = nums(&eq["bids"]);
    assert!(close(b[0], 8.0 / 9.0) && close(b[1], 4.0 / 9.0));
    let x = nums(&eq["allocations"]);
    assert!(close(x[0], 2.0 / 3.0) && close(x[1], 1.0 / 3.0));
    let p = nums(&eq["payments"]);
    assert!(close(p[0], 8.0 / 9.0) && close(p[1], 4.0 / 9.0));
    assert_eq!(nums(&eq["utilities"]).len(), 2);
    assert!(close(eq["revenue"].as_f64().unwrap(), 4.0 / 3.0));
    assert!((eq["fairness"].as_f64().unwrap() - 0.471405).abs() < 5e-7);
    assert!(close(eq["oracle_accuracy"].as_f64().unwrap(), 1.0 / 3.0));
}

#[test]
fn winner_take_all_json() {
    let v = json(&[
        "mechanism",
        "equilibrium",
        "--rule",
        "winner-take-all",
        "--values",
        "4,2",
        "--json",
    ]);
    assert_eq!(v["rule"], "winner-take-all");
    assert!(v["alpha"].is_null());
    assert_eq!(v["payment"], "winner-pay");
    let tick = v["tick"].as_f64().unwrap();
    let eq = &v["equilibria"][0];
    assert_eq!(nums(&eq["allocations"]), vec![1.0, 0.0]);
    let p = nums(&eq["payments"]);
    assert!(p[0] >= 2.0 && p[0] <= 2.0 + tick && p[1] == 0.0);
    let r = eq["revenue"].as_f64().unwrap();
    assert!((2.0..=2.0 + tick).contains(&r));
    assert_eq!(eq["fairness"].as_f64(), Some(0.0));
}

#[test]
fn players_stay_in_input_order() {
    let v = json(&["mechanism", "equilibrium", "--values", "2,4", "--json"]);
    let b = nums(&v["equilibria"][0]["bids"]);
    assert!(close(b[0], 4.0 / 9.0) && close(b[1], 8.0 / 9.0));
}

#[test]
fn tullock_without_pure_equilibrium_reports_the_all_pay_limit() {
    let v = json(&[
        "mechanism",
        "equilibrium",
        "--rule",
        "tullock",
        "--alpha",
        "2.5",
        "--values",
        "4,2",
        "--json",
    ]);
    assert_eq!(v["pure_equilibrium_exists"], false);
    assert_eq!(v["equilibria"].as_array().unwrap().len(), 0);
    assert!(close(v["all_pay_limit"]["revenue"].as_f64().unwrap(), 1.5));
    let v = json(&[
        "mechanism",
        "equilibrium",
        "--rule",
        "tullock",
        "--alpha",
        "1.5",
        "--values",
        "3,3,3",
        "--json",
    ]);
    assert_eq!(v["equilibria"].as_array().unwrap().len(), 2);
}

#[test]
fn winner_pay_and_uniform_and_second_price_run() {
    for args in [
        &[
            "--rule",
            "tullock",
            "--alpha",
            "2",
            "--payment",
            "winner-pay",
        ][..],
        &["--rule", "uniform"][..],
        &["--rule", "second-price"][..],
    ] {
        let mut all = vec!["mechanism", "equilibrium", "--values", "4,2,1", "--json"];
        all.extend_from_slice(args);
        let v = json(&all);
        assert_eq!(v["pure_equilibrium_exists"], true, "{args:?}");
    }
}

#[test]
fn table_output_by_default() {
    let out = etn(&["mechanism", "equilibrium", "--values", "4,2"]);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("revenue 1.333333") && s.contains("fairness 0.471405"),
        "{s}"
    );
}

#[test]
fn sybil_json() {
    let v = json(&["mechanism", "sybil", "--values", "4,2,1.5", "--json"]);
    assert_eq!(v["sybil_proof"], true);
    let v = json(&[
        "mechanism",
        "sybil",
        "--rule",
        "uniform",
        "--values",
        "4,2",
        "--json",
    ]);
    assert_eq!(v["sybil_proof"], false);
    assert!(v["max_split_gain"].as_f64().unwrap() > 0.5);
}

#[test]
fn frontier_writes_csv_png_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("plots");
    let out = etn(&[
        "mechanism",
        "frontier",
        "--values",
        "4,2",
        "--steps",
        "13",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("pure equilibria stop existing at alpha = 1.38333"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out_dir.join("frontier.csv")).unwrap();
    assert!(csv.starts_with("kind,name,alpha,"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("boundary,pure-ends,1.3833"))
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("reference,proportional,1,"))
    );
    let png = std::fs::read(out_dir.join("frontier.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 5000);
    let svg = std::fs::read_to_string(out_dir.join("frontier.svg")).unwrap();
    assert!(svg.contains("<svg"));
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["equilibrium", "--values", ""], "empty"),
        (&["equilibrium", "--values", "4,abc"], "not a number"),
        (&["equilibrium", "--values", "4,,2"], "empty"),
        (&["equilibrium", "--values", "nan,2"], "finite"),
        (&["equilibrium", "--values", "inf,2"], "finite"),
        (&["equilibrium", "--values", "-1,2"], ">= 0"),
        (&["equilibrium", "--values", "0,0"], "all values are zero"),
        (&["equilibrium", "--values", "4"], "at least two players"),
        (
            &["equilibrium", "--values", "4,2", "--rule", "dutch"],
            "unknown rule",
        ),
        (
            &["equilibrium", "--values", "4,2", "--rule", "tullock"],
            "needs --alpha",
        ),
        (
            &[
                "equilibrium",
                "--values",
                "4,2",
                "--rule",
                "tullock",
                "--alpha",
                "-1",
            ],
            "alpha",
        ),
        (
            &[
                "equilibrium",
                "--values",
                "4,2",
                "--rule",
                "tullock",
                "--alpha",
                "NaN",
            ],
            "alpha",
        ),
        (
            &[
                "equilibrium",
                "--values",
                "4,2",
                "--rule",
                "proportional",
                "--alpha",
                "2",
            ],
            "alpha",
        ),
        (
            &["equilibrium", "--values", "4,2", "--payment", "some-pay"],
            "unknown payment",
        ),
        (
            &[
                "equilibrium",
                "--values",
                "4,2",
                "--rule",
                "second-price",
                "--payment",
                "all-pay",
            ],
            "winner-pay",
        ),
        (
            &[
                "equilibrium",
                "--values",
                "4,2",
                "--rule",
                "winner-take-all",
                "--tick",
                "0",
            ],
            "tick",
        ),
        (
            &["sybil", "--values", "4,2", "--max-identities", "1"],
            "identities",
        ),
        (
            &[
                "sybil", "--values", "4,2", "--rule", "tullock", "--alpha", "3",
            ],
            "no pure equilibrium",
        ),
        (
            &[
                "frontier",
                "--values",
                "4,2",
                "--alpha-min",
                "2",
                "--alpha-max",
                "1",
            ],
            "alpha-max",
        ),
        (&["frontier", "--values", "4,x"], "not a number"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["mechanism"];
        all.extend_from_slice(args);
        let out = etn(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{all:?} should fail");
        assert!(!err.contains("panicked"), "{all:?} panicked: {err}");
        assert!(err.contains(needle), "{all:?}: '{needle}' not in: {err}");
        assert!(out.stdout.is_empty(), "{all:?} printed to stdout");
    }
    // clap-level errors (non-numeric alpha) are also clean non-zero exits.
    let out = etn(&[
        "mechanism",
        "equilibrium",
        "--values",
        "4,2",
        "--alpha",
        "x",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--alpha"));
}
