//! Crash safety of the chain service over sled: a child process imports a signed chain
//! and is killed with SIGKILL at random moments, at least 20 times mid-import; after
//! every kill the datadir must open, hold every block the child reported persisted, and
//! have head and finalized pointers to stored blocks, the head descending from the
//! finalized block. Then the child resumes on the same datadir.

use etn_state::harness::Harness;
use etn_store::{ChainStore, SledStore};
use etn_types::ssz::{encode, hash_tree_root};
use etn_types::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SLOTS: u64 = 64;
/// Kills that must land mid-import (`ETN_CRASH_KILLS` raises it for soak runs).
fn required_kills() -> usize {
    std::env::var("ETN_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
        .max(20)
}

fn write_fixture(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut h = Harness::new(ChainConfig::minimal(), 64, &[], true);
    let genesis = dir.join("genesis.ssz");
    std::fs::write(&genesis, encode(&h.state).unwrap()).unwrap();
    let mut bytes = Vec::new();
    for _ in 0..SLOTS {
        let block = h.step(vec![], 0);
        let encoded = encode(&block).unwrap();
        bytes.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&encoded);
    }
    assert!(
        h.state.finalized_checkpoint.epoch >= 4,
        "the fixture chain finalizes"
    );
    let blocks = dir.join("blocks.bin");
    std::fs::write(&blocks, bytes).unwrap();
    (genesis, blocks)
}

struct Run {
    lines: Vec<String>,
    killed: bool,
    status: std::process::ExitStatus,
    stderr: String,
}

/// Runs the importer; kills it after `kill_after` unless it finishes first.
fn run_child(datadir: &Path, genesis: &Path, blocks: &Path, kill_after: Option<Duration>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_etn"))
        .args(["debug", "import-blocks", "--datadir"])
        .arg(datadir)
        .arg("--genesis")
        .arg(genesis)
        .arg("--blocks")
        .arg(blocks)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the importer");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut killed = false;
    if let Some(after) = kill_after {
        let kill_at = Instant::now() + after;
        while Instant::now() < kill_at {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().expect("SIGKILL the importer");
            killed = true;
        }
    }
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the importer did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    reader.join().unwrap();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    Run {
        lines: rx.try_iter().collect(),
        killed,
        status,
        stderr,
    }
}

/// Opens the datadir and checks it against everything the child reported.
fn check_datadir(datadir: &Path, reported: &HashSet<Root>) -> (Slot, Epoch) {
    let store = SledStore::open(datadir).expect("the datadir opens after a kill");
    for root in reported {
        assert!(
            store.block(root).unwrap().is_some(),
            "reported block {root} lost"
        );
    }
    let Some(meta) = store.meta().unwrap() else {
        assert!(
            reported.is_empty(),
            "blocks reported but no chain pointers stored"
        );
        return (0, 0);
    };
    let head = store.block(&meta.head).unwrap().expect("head block stored");
    let finalized = store
        .block(&meta.finalized.root)
        .unwrap()
        .expect("finalized block stored");
    assert!(
        store.fork_choice().unwrap().is_some(),
        "fork choice stored with the pointers"
    );
    // The head descends from the finalized block.
    let mut cursor = head.message.clone();
    let mut cursor_root = meta.head;
    while cursor.slot > finalized.message.slot {
        cursor_root = cursor.parent_root;
        cursor = store
            .block(&cursor_root)
            .unwrap()
            .expect("ancestor of the head stored")
            .message;
    }
    assert_eq!(
        cursor_root, meta.finalized.root,
        "head does not descend from finalized"
    );
    assert_eq!(
        hash_tree_root(&finalized.message).unwrap(),
        meta.finalized.root
    );
    (head.message.slot, meta.finalized.epoch)
}

#[test]
fn sigkill_at_random_moments_never_loses_or_corrupts_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let (genesis, blocks) = write_fixture(dir.path());
    let seed: u64 = std::env::var("ETN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("crash test seed {seed} (set ETN_CRASH_SEED to replay)");
    let mut rng = StdRng::seed_from_u64(seed);

    // How long a full import takes bounds the kill times.
    let probe = dir.path().join("probe");
    let started = Instant::now();
    let full = run_child(&probe, &genesis, &blocks, None);
    assert!(full.status.success(), "importer failed: {}", full.stderr);
    let full_run = started.elapsed();
    assert!(full.lines.last().is_some_and(|l| l.starts_with("done")));

    let mut datadir_index = 0;
    let mut datadir = dir.path().join("data0");
    let mut reported: HashSet<Root> = HashSet::new();
    let mut kills_mid_import = 0;
    let mut restarts = 0;
    let required = required_kills();
    for _ in 0..required * 4 {
        if kills_mid_import >= required {
            break;
        }
        let kill_after =
            Duration::from_millis(rng.random_range(0..full_run.as_millis() as u64 + 50));
        let run = run_child(&datadir, &genesis, &blocks, Some(kill_after));
        restarts += 1;
        if !run.killed {
            assert!(
                run.status.success(),
                "importer failed on restart: {}",
                run.stderr
            );
        }
        let started_line = run.lines.iter().find(|l| l.starts_with("started"));
        if run.lines.iter().any(|l| l.starts_with("persisted")) {
            assert!(started_line.is_some(), "persisted before starting?");
        }
        for line in &run.lines {
            if let Some(rest) = line.strip_prefix("persisted ") {
                let root: Root = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
                reported.insert(root);
            }
        }
        let done = run.lines.iter().any(|l| l.starts_with("done"));
        if run.killed && !done {
            kills_mid_import += 1;
        }
        check_datadir(&datadir, &reported);
        if done {
            // Everything is imported: start over on a fresh datadir.
            datadir_index += 1;
            datadir = dir.path().join(format!("data{datadir_index}"));
            reported.clear();
        }
    }
    assert!(
        kills_mid_import >= required,
        "only {kills_mid_import} kills landed mid-import"
    );

    // Finally the importer completes on the last datadir and the chain is whole.
    let last = run_child(&datadir, &genesis, &blocks, None);
    assert!(
        last.status.success(),
        "importer failed to resume: {}",
        last.stderr
    );
    let (head_slot, finalized_epoch) = check_datadir(&datadir, &reported);
    assert_eq!(head_slot, SLOTS);
    assert!(finalized_epoch >= 4);
    eprintln!("{restarts} runs, {kills_mid_import} SIGKILLs mid-import, 0 corrupted datadirs");
}
