//! Behaviour every `ChainStore` must have, run against both implementations.

mod common;

use common::{block, meta, root, state};
use etn_store::{ChainStore, MemoryStore, SledStore, StoreBatch, StoreError};
use etn_types::Root;
use std::collections::BTreeSet;

/// Runs `check` on a fresh memory store and a fresh sled store.
fn on_both_stores(check: impl Fn(&dyn ChainStore)) {
    check(&MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let sled = SledStore::open(dir.path().join("db")).unwrap();
    check(&sled);
}

fn sorted(mut roots: Vec<Root>) -> Vec<Root> {
    roots.sort();
    roots
}

#[test]
fn a_new_store_is_empty() {
    on_both_stores(|store| {
        assert_eq!(store.block(&root(1, 0)).unwrap(), None);
        assert_eq!(store.state(&root(1, 0)).unwrap(), None);
        assert_eq!(store.meta().unwrap(), None);
        assert_eq!(store.fork_choice().unwrap(), None);
        assert!(store.block_roots().unwrap().is_empty());
        assert!(store.state_roots().unwrap().is_empty());
    });
}

#[test]
fn every_op_round_trips() {
    on_both_stores(|store| {
        let (b1, b2) = (block(1, 10, 32, 128), block(2, 11, 0, 0));
        let s1 = state(3, 10, 64, 16);
        let snapshot: Vec<u8> = (0..5000u32).flat_map(|i| i.to_le_bytes()).collect();
        let mut batch = StoreBatch::new();
        batch
            .put_block(root(1, 0), &b1)
            .put_block(root(2, 0), &b2)
            .put_state(root(1, 0), &s1)
            .put_meta(&meta(7))
            .put_fork_choice(&snapshot);
        assert_eq!(batch.len(), 5);
        store.commit(batch).unwrap();

        assert_eq!(store.block(&root(1, 0)).unwrap(), Some(b1.clone()));
        assert_eq!(store.block(&root(2, 0)).unwrap(), Some(b2));
        assert_eq!(store.state(&root(1, 0)).unwrap(), Some(s1));
        assert_eq!(store.state(&root(2, 0)).unwrap(), None);
        assert_eq!(store.meta().unwrap(), Some(meta(7)));
        assert_eq!(store.fork_choice().unwrap(), Some(snapshot));
        assert_eq!(store.block_roots().unwrap(), vec![root(1, 0), root(2, 0)]);
        assert_eq!(store.state_roots().unwrap(), vec![root(1, 0)]);

        // Replacing the singletons, deleting a block and a state.
        let mut batch = StoreBatch::new();
        batch
            .delete_block(root(2, 0))
            .delete_state(root(1, 0))
            .put_meta(&meta(8))
            .put_fork_choice(b"");
        store.commit(batch).unwrap();
        assert_eq!(store.block(&root(2, 0)).unwrap(), None);
        assert_eq!(store.block(&root(1, 0)).unwrap(), Some(b1));
        assert_eq!(store.state(&root(1, 0)).unwrap(), None);
        assert_eq!(store.meta().unwrap(), Some(meta(8)));
        assert_eq!(store.fork_choice().unwrap(), Some(Vec::new()));
        assert_eq!(store.block_roots().unwrap(), vec![root(1, 0)]);
        assert!(store.state_roots().unwrap().is_empty());
    });
}

#[test]
fn deleting_what_is_not_stored_is_a_no_op() {
    on_both_stores(|store| {
        let mut batch = StoreBatch::new();
        batch.delete_block(root(9, 0)).delete_state(root(9, 0));
        store.commit(batch).unwrap();
        assert!(store.block_roots().unwrap().is_empty());
    });
}

#[test]
fn an_empty_batch_commits_and_changes_nothing() {
    on_both_stores(|store| {
        let batch = StoreBatch::new();
        assert!(batch.is_empty());
        store.commit(batch).unwrap();
        assert_eq!(store.meta().unwrap(), None);
    });
}

#[test]
fn within_a_batch_the_last_op_on_a_key_wins() {
    on_both_stores(|store| {
        let mut batch = StoreBatch::new();
        batch
            .put_block(root(1, 0), &block(1, 1, 1, 1))
            .delete_block(root(1, 0))
            .delete_block(root(2, 0))
            .put_block(root(2, 0), &block(2, 2, 1, 1))
            .put_meta(&meta(1))
            .put_meta(&meta(2));
        store.commit(batch).unwrap();
        assert_eq!(store.block(&root(1, 0)).unwrap(), None);
        assert_eq!(store.block(&root(2, 0)).unwrap(), Some(block(2, 2, 1, 1)));
        assert_eq!(store.meta().unwrap(), Some(meta(2)));
    });
}

/// A batch holding a value that cannot be encoded (an SSZ list pushed past its limit,
/// which `ssz_rs::List::push` allows) is refused whole: the good ops before and after
/// the bad one are not applied either.
#[test]
fn a_batch_with_an_unencodable_value_writes_nothing() {
    on_both_stores(|store| {
        let mut before = StoreBatch::new();
        before.put_meta(&meta(1));
        store.commit(before).unwrap();

        let mut bad = block(5, 5, 0, 0);
        for _ in 0..=etn_types::MAX_TICKET_SALES {
            bad.message.body.ticket_sales.push(Default::default());
        }
        let mut batch = StoreBatch::new();
        batch
            .put_block(root(1, 0), &block(1, 1, 2, 2))
            .put_block(root(5, 0), &bad)
            .put_meta(&meta(2))
            .put_fork_choice(b"new");
        let err = store.commit(batch).unwrap_err();
        assert!(
            matches!(&err, StoreError::Encode { what, .. } if what == &format!("block {}", root(5, 0))),
            "{err}"
        );
        assert_eq!(store.block(&root(1, 0)).unwrap(), None);
        assert_eq!(store.meta().unwrap(), Some(meta(1)));
        assert_eq!(store.fork_choice().unwrap(), None);
        assert!(store.block_roots().unwrap().is_empty());
    });
}

#[test]
fn roots_are_listed_in_byte_order_and_only_under_their_own_prefix() {
    on_both_stores(|store| {
        let mut batch = StoreBatch::new();
        // Roots whose first byte equals the other prefix and the singleton marker.
        let odd_roots = [
            Root::from([b's'; 32]),
            Root::from([b'~'; 32]),
            Root::from([0; 32]),
        ];
        for (i, r) in odd_roots.iter().enumerate() {
            batch.put_block(*r, &block(i as u64, 1, 0, 0));
        }
        batch.put_state(Root::from([b'b'; 32]), &state(1, 1, 1, 1));
        batch.put_meta(&meta(1)).put_fork_choice(b"x");
        store.commit(batch).unwrap();
        assert_eq!(store.block_roots().unwrap(), sorted(odd_roots.to_vec()));
        assert_eq!(store.state_roots().unwrap(), vec![Root::from([b'b'; 32])]);
    });
}

/// Readers on other threads, while batches are committed, must never see part of a
/// batch. Batch `i` writes, in this order: meta(i), block a_i, the deletion of
/// a_{i-D} and b_{i-D}, and block b_i. A reader that sees meta = m must find a_m and
/// b_m unless a later batch (m + D or after) has deleted them, which it checks by
/// reading meta again afterwards (batches only move forward). If a commit became
/// visible op by op, a reader would sooner or later see meta(m) without b_m.
#[test]
fn concurrent_readers_never_see_half_a_batch() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    const MIN_BATCHES: u64 = 300;
    const MIN_CHECKS: u64 = 2000;
    const D: u64 = 2;
    on_both_stores(|store| {
        let small = |n: u64| block(n, n, 0, 1);
        let done = AtomicBool::new(false);
        let checks = AtomicU64::new(0);
        let (done, checks) = (&done, &checks);
        let last = std::thread::scope(|scope| {
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(move || {
                        while !done.load(Ordering::Acquire) {
                            let Some(m) = store.meta().unwrap().map(|m| m.justified.epoch) else {
                                std::thread::yield_now();
                                continue;
                            };
                            let a = store.block(&root(m, 0)).unwrap();
                            let b = store.block(&root(m, 1)).unwrap();
                            let later = store.meta().unwrap().unwrap().justified.epoch;
                            assert!(later >= m, "meta went backwards: {m} then {later}");
                            if later < m + D {
                                assert_eq!(a, Some(small(m)), "meta {m} visible without a_{m}");
                                assert_eq!(b, Some(small(m)), "meta {m} visible without b_{m}");
                                checks.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    })
                })
                .collect();
            // Commit until both enough batches and enough overlapping checks were made
            // (a memory commit takes a microsecond: the readers may start late).
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            let mut i = 0;
            while (i < MIN_BATCHES
                || (checks.load(Ordering::Relaxed) < MIN_CHECKS
                    && std::time::Instant::now() < deadline))
                && !readers.iter().any(|r| r.is_finished())
            {
                i += 1;
                let mut batch = StoreBatch::new();
                batch.put_meta(&meta(i)).put_block(root(i, 0), &small(i));
                if i > D {
                    batch
                        .delete_block(root(i - D, 0))
                        .delete_block(root(i - D, 1));
                }
                batch.put_block(root(i, 1), &small(i));
                store.commit(batch).unwrap();
            }
            done.store(true, Ordering::Release);
            for reader in readers {
                reader.join().unwrap();
            }
            i
        });
        assert!(
            checks.load(Ordering::Relaxed) >= MIN_CHECKS,
            "readers barely overlapped the writer"
        );
        let expected: BTreeSet<Root> = (last - D + 1..=last)
            .flat_map(|i| [root(i, 0), root(i, 1)])
            .collect();
        let stored: BTreeSet<Root> = store.block_roots().unwrap().into_iter().collect();
        assert_eq!(stored, expected);
    });
}

/// The chain service can hold the store as `Arc<dyn ChainStore>` and pass it on to code
/// that is generic over `S: ChainStore`.
#[test]
fn a_shared_trait_object_is_a_store() {
    fn generic<S: ChainStore>(store: &S) -> Option<etn_store::ChainMeta> {
        store.meta().unwrap()
    }
    let store: std::sync::Arc<dyn ChainStore> = std::sync::Arc::new(MemoryStore::new());
    let mut batch = StoreBatch::new();
    batch.put_meta(&meta(3));
    store.commit(batch).unwrap();
    assert_eq!(generic(&store), Some(meta(3)));
}
