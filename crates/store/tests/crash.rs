//! Crash safety: a child process commits numbered batches in a loop and reports each one
//! after `commit` returns; the test SIGKILLs it at random moments, reopens the store and
//! checks that every reported batch is there and that no batch is half-applied.
//!
//! Batch `k` writes several keys that must appear and disappear together:
//! blocks `(k, 0..BLOCKS)`, the state of block `(k, 0)`, the meta (whose justified epoch
//! is `k`) and the fork-choice snapshot of `k`; and it deletes the blocks and state of
//! batch `k - WINDOW`. So after any crash, with `L` the batch the meta names, the store
//! must hold exactly the blocks of batches `L-WINDOW+1 ..= L` with their exact
//! contents, their states, and the snapshot of `L`; and `L` must be at least the last
//! batch the child reported. A torn batch would show as a block too many or too few.
//!
//! `ETN_STORE_CRASH_KILLS` sets the number of kills (default 25); `ETN_STORE_CRASH_SEED`
//! replays a run (the seed is printed).

mod common;

use common::child::{self, ChildProcess};
use common::{Rng, block, root, state};
use etn_store::{ChainMeta, ChainStore, SledStore, StoreBatch};
use etn_types::{Checkpoint, Root};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "ETN_STORE_CRASH_CHILD_DIR";
const BLOCKS: u8 = 4;
const WINDOW: u64 = 3;
/// A child left alone stops by itself after this long (in case its parent died).
const CHILD_LIFETIME: Duration = Duration::from_secs(120);
const REPORT_TIMEOUT: Duration = Duration::from_secs(60);

fn batch_block(k: u64, j: u8) -> etn_types::SignedBeaconBlock {
    block(k * 8 + u64::from(j), k, 1 + (k % 8) as usize, 4)
}

fn batch_state(k: u64) -> etn_types::BeaconState {
    state(k, k, 64, 4)
}

fn batch_snapshot(k: u64) -> Vec<u8> {
    k.to_le_bytes().repeat(64 + (k % 32) as usize)
}

fn batch_meta(k: u64) -> ChainMeta {
    ChainMeta {
        genesis_block_root: root(0, 0),
        head: root(k, BLOCKS - 1),
        justified: Checkpoint {
            epoch: k,
            root: root(k, 0),
        },
        finalized: Checkpoint {
            epoch: k.saturating_sub(WINDOW - 1),
            root: root(k.saturating_sub(WINDOW - 1), 0),
        },
    }
}

fn batch(k: u64) -> StoreBatch {
    let mut batch = StoreBatch::new();
    for j in 0..BLOCKS {
        batch.put_block(root(k, j), &batch_block(k, j));
    }
    batch.put_state(root(k, 0), &batch_state(k));
    if k > WINDOW {
        for j in 0..BLOCKS {
            batch.delete_block(root(k - WINDOW, j));
        }
        batch.delete_state(root(k - WINDOW, 0));
    }
    batch.put_fork_choice(batch_snapshot(k));
    batch.put_meta(&batch_meta(k));
    batch
}

/// The child: resumes after the last committed batch and commits until killed.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let store = match SledStore::open(&dir) {
        Ok(store) => store,
        Err(err) => {
            child::report(format!("open-failed {err}"));
            std::process::exit(3);
        }
    };
    let last = match store.meta() {
        Ok(meta) => meta.map_or(0, |m| m.justified.epoch),
        Err(err) => {
            child::report(format!("read-failed {err}"));
            std::process::exit(3);
        }
    };
    child::report(format!("ready {last}"));
    let started = Instant::now();
    let mut k = last + 1;
    while started.elapsed() < CHILD_LIFETIME {
        if let Err(err) = store.commit(batch(k)) {
            child::report(format!("commit-failed {err}"));
            std::process::exit(3);
        }
        child::report(format!("committed {k}"));
        k += 1;
    }
}

/// Checks the store's invariants; returns the last batch it holds.
fn verify(dir: &Path, reported: u64) -> Result<u64, String> {
    let store = SledStore::open(dir).map_err(|e| format!("reopen failed: {e}"))?;
    let meta = store.meta().map_err(|e| format!("meta: {e}"))?;
    let last = meta.map_or(0, |m| m.justified.epoch);
    if let Some(meta) = meta
        && meta != batch_meta(last)
    {
        return Err(format!("meta {meta:?} is not batch {last}'s"));
    }
    if last < reported {
        return Err(format!(
            "batch {reported} was reported committed but the store is at batch {last}"
        ));
    }
    let first = last.saturating_sub(WINDOW) + 1;
    let live = if last == 0 { 0..0 } else { first..last + 1 };
    let expected_blocks: BTreeSet<Root> = live
        .clone()
        .flat_map(|k| (0..BLOCKS).map(move |j| root(k, j)))
        .collect();
    let expected_states: BTreeSet<Root> = live.clone().map(|k| root(k, 0)).collect();
    let blocks: BTreeSet<Root> = store
        .block_roots()
        .map_err(|e| format!("block_roots: {e}"))?
        .into_iter()
        .collect();
    let states: BTreeSet<Root> = store
        .state_roots()
        .map_err(|e| format!("state_roots: {e}"))?
        .into_iter()
        .collect();
    if blocks != expected_blocks {
        return Err(format!(
            "at batch {last}: blocks {:?} missing, {:?} unexpected (torn batch)",
            expected_blocks.difference(&blocks).collect::<Vec<_>>(),
            blocks.difference(&expected_blocks).collect::<Vec<_>>()
        ));
    }
    if states != expected_states {
        return Err(format!(
            "at batch {last}: states {states:?}, expected {expected_states:?}"
        ));
    }
    for k in live {
        for j in 0..BLOCKS {
            let stored = store.block(&root(k, j)).map_err(|e| e.to_string())?;
            if stored.as_ref() != Some(&batch_block(k, j)) {
                return Err(format!("block ({k}, {j}) has the wrong contents"));
            }
        }
        let stored = store.state(&root(k, 0)).map_err(|e| e.to_string())?;
        if stored.as_ref() != Some(&batch_state(k)) {
            return Err(format!("state of batch {k} has the wrong contents"));
        }
    }
    let snapshot = store.fork_choice().map_err(|e| e.to_string())?;
    let expected_snapshot = (last > 0).then(|| batch_snapshot(last));
    if snapshot != expected_snapshot {
        return Err(format!("fork-choice snapshot is not batch {last}'s"));
    }
    Ok(last)
}

#[test]
fn sigkill_at_random_moments_never_loses_or_tears_a_batch() {
    let kills: u32 = std::env::var("ETN_STORE_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let seed: u64 = std::env::var("ETN_STORE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("crash test: {kills} kills, ETN_STORE_CRASH_SEED={seed}");
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");

    let mut reported = 0u64; // highest batch any child reported committed
    let (mut kills_during_open, mut kills_while_committing) = (0u32, 0u32);
    // Kills that landed before the child had even opened the store.
    let mut kills_before_ready = 0u32;
    let started = Instant::now();
    for run in 0..kills {
        let child = ChildProcess::spawn("crash_child", &[(CHILD_ENV, path.as_os_str())]);
        // A quarter of the kills land at a random moment of start-up (sled's recovery
        // of the previous crash); the rest while batches are being committed.
        let during_open = rng.below(4) == 0;
        let delay = if during_open {
            Duration::from_micros(rng.below(10_000))
        } else {
            let ready = child.next_report(REPORT_TIMEOUT);
            match ready.as_deref() {
                Some(line) if line.starts_with("ready ") => {}
                other => panic!("run {run}: child did not start: {other:?}"),
            }
            Duration::from_micros(rng.below(300_000))
        };
        std::thread::sleep(delay);
        let reports = child.kill();
        if during_open && !reports.iter().any(|line| line.starts_with("ready ")) {
            kills_before_ready += 1;
        }
        for line in &reports {
            if let Some(k) = line.strip_prefix("committed ") {
                reported = reported.max(k.parse().unwrap());
            } else if line.starts_with("ready ") {
            } else {
                panic!("run {run}: child failed: {line}");
            }
        }
        if during_open {
            kills_during_open += 1;
        } else {
            kills_while_committing += 1;
        }
        match verify(&path, reported) {
            Ok(last) => eprintln!(
                "run {run}: killed after {delay:?}; store at batch {last}, {reported} reported"
            ),
            Err(err) => panic!("run {run} (seed {seed}): {err}"),
        }
    }
    eprintln!(
        "crash test: {kills} SIGKILLs ({kills_during_open} during start-up, of which \
         {kills_before_ready} before the store was open; {kills_while_committing} while \
         committing), {reported} batches reported, \
         no loss, no torn batch, no failed reopen, in {:?}",
        started.elapsed()
    );
    assert!(reported > 0, "the child never committed a batch");
}
