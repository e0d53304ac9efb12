//! `SledStore` specifics: opening (and refusing to open), persistence across handles,
//! locking, and corruption on disk.

mod common;

use common::child::{self, ChildProcess};
use common::{block, meta, root, state};
use etn_store::{ChainStore, LOCK_FILE, SCHEMA_VERSION, SledStore, StoreBatch, StoreError};
use std::path::Path;
use std::time::Duration;

const CHILD_ENV: &str = "ETN_STORE_LOCK_HOLDER_DIR";

fn commit_sample(store: &SledStore) {
    let mut batch = StoreBatch::new();
    batch
        .put_block(root(1, 0), &block(1, 1, 4, 4))
        .put_state(root(1, 0), &state(1, 1, 8, 2))
        .put_meta(&meta(1))
        .put_fork_choice(b"fork choice");
    store.commit(batch).unwrap();
}

/// Overwrites one raw key with sled directly (the store must be closed).
fn plant(dir: &Path, key: &[u8], value: &[u8]) {
    let db = sled::open(dir).unwrap();
    db.insert(key, value).unwrap();
    db.flush().unwrap();
}

fn block_key(r: &etn_types::Root) -> Vec<u8> {
    [b"b".as_slice(), r.as_ref()].concat()
}

#[test]
fn reopening_after_drop_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/datadir/db");
    {
        let store = SledStore::open(&path).unwrap();
        assert_eq!(store.path(), path);
        commit_sample(&store);
    }
    let store = SledStore::open(&path).unwrap();
    assert_eq!(store.block(&root(1, 0)).unwrap(), Some(block(1, 1, 4, 4)));
    assert_eq!(store.state(&root(1, 0)).unwrap(), Some(state(1, 1, 8, 2)));
    assert_eq!(store.meta().unwrap(), Some(meta(1)));
    assert_eq!(store.fork_choice().unwrap(), Some(b"fork choice".to_vec()));
    assert_eq!(store.block_roots().unwrap(), vec![root(1, 0)]);
    assert_eq!(store.state_roots().unwrap(), vec![root(1, 0)]);
    assert!(store.size_on_disk().unwrap() > 0);
}

#[test]
fn a_path_that_is_a_file_is_refused() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let err = SledStore::open(file.path()).unwrap_err();
    assert!(matches!(err, StoreError::NotADirectory { .. }), "{err}");
    assert!(err.to_string().contains("not a directory"), "{err}");
}

#[test]
fn a_directory_with_foreign_files_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::NotAStore { reason, .. } if reason.contains("notes.txt")),
        "{err}"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "open must not litter a foreign directory");
}

#[test]
fn a_sled_database_of_another_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path(), b"someone else's key", b"value");
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::NotAStore { reason, .. } if reason.contains("no etn schema")),
        "{err}"
    );
}

#[test]
fn a_sled_database_with_only_named_trees_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("theirs").unwrap().insert(b"k", b"v").unwrap();
        db.flush().unwrap();
    }
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::NotAStore { reason, .. } if reason.contains("theirs")),
        "{err}"
    );
}

#[test]
fn an_empty_sled_database_becomes_a_store() {
    let dir = tempfile::tempdir().unwrap();
    sled::open(dir.path()).unwrap().flush().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    commit_sample(&store);
}

#[test]
fn another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    let mut record = b"etn-store\0".to_vec();
    record.extend_from_slice(&(SCHEMA_VERSION + 1).to_le_bytes());
    plant(dir.path(), b"~schema", &record);
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaVersion { found, supported, .. }
            if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err}"
    );
    assert!(err.to_string().contains("schema version"), "{err}");
}

#[test]
fn a_foreign_schema_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    plant(dir.path(), b"~schema", b"v1");
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
}

#[test]
fn a_second_handle_is_refused_until_the_first_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let first = SledStore::open(dir.path()).unwrap();
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("locked"), "{err}");
    drop(first);
    SledStore::open(dir.path()).unwrap();
}

/// A program holding the directory with sled directly (no etn lock file) trips sled's
/// own lock, which sled reports as an I/O error; it is mapped to `Locked` too.
#[test]
fn sleds_own_lock_is_reported_as_locked() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    let raw = sled::open(dir.path()).unwrap();
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    drop(raw);
    SledStore::open(dir.path()).unwrap();
}

/// Entry point of the lock-holding child process spawned by the test below (a no-op
/// when run as a normal test): opens the store, says so, and holds it until its stdin
/// closes.
#[test]
fn lock_holder_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let _store = SledStore::open(&dir).unwrap();
    child::report("holding");
    let mut sink = String::new();
    let _ = std::io::stdin().read_line(&mut sink);
}

#[test]
fn a_store_held_by_another_process_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let child = ChildProcess::spawn("lock_holder_child", &[(CHILD_ENV, dir.path().as_os_str())]);
    assert!(
        child.wait_for("holding", Duration::from_secs(30)),
        "child never reported holding the store"
    );
    let err = SledStore::open(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(
        child.close_and_wait(Duration::from_secs(30)),
        "child did not exit after release"
    );
    // The child is gone: the store opens.
    SledStore::open(dir.path()).unwrap();
}

#[test]
fn an_unreadable_directory_is_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    std::fs::create_dir(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&path).is_ok() {
        // Root ignores permission bits; nothing to test here.
        eprintln!("skipped: running with permissions that ignore mode bits (root)");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let err = SledStore::open(&path).unwrap_err();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(matches!(err, StoreError::Io { .. }), "{err}");
}

#[test]
fn the_lock_file_is_the_only_file_etn_adds() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&LOCK_FILE.to_string()), "{names:?}");
    // Reopening must accept whatever sled itself created.
    SledStore::open(dir.path()).unwrap();
}

/// Each kind of value, damaged on disk in a different way, reads back as `Corrupt`
/// naming the key (never a panic, never a wrong value).
#[test]
fn corrupted_values_are_reported_as_corrupt_with_their_key() {
    let dir = tempfile::tempdir().unwrap();
    drop({
        let store = SledStore::open(dir.path()).unwrap();
        commit_sample(&store);
        store
    });
    let r = root(1, 0);
    // Not snappy at all.
    plant(
        dir.path(),
        &block_key(&r),
        b"\xff\xff\xff\xff\xff\xff garbage",
    );
    // Valid snappy of bytes that are not a state.
    let bogus_state = snap::raw::Encoder::new().compress_vec(&[1, 2, 3]).unwrap();
    plant(
        dir.path(),
        &[b"s".as_slice(), r.as_ref()].concat(),
        &bogus_state,
    );
    // Meta of the wrong length.
    plant(dir.path(), b"~meta", &[0; 10]);
    // Snappy cut short.
    let snapshot = snap::raw::Encoder::new().compress_vec(&[7; 1000]).unwrap();
    plant(dir.path(), b"~forkchoice", &snapshot[..snapshot.len() / 2]);

    let store = SledStore::open(dir.path()).unwrap();
    let check = |err: StoreError, expected_what: &str| match &err {
        StoreError::Corrupt { what, .. } if what == expected_what => {}
        _ => panic!("expected Corrupt naming {expected_what}, got {err}"),
    };
    check(store.block(&r).unwrap_err(), &format!("block {r}"));
    check(store.state(&r).unwrap_err(), &format!("state {r}"));
    check(store.meta().unwrap_err(), "chain meta");
    check(store.fork_choice().unwrap_err(), "fork-choice snapshot");
    // Other keys are still readable.
    drop(store);
    plant(dir.path(), &block_key(&root(2, 0)), &{
        let ssz = etn_types::ssz::encode(&block(2, 2, 1, 1)).unwrap();
        snap::raw::Encoder::new().compress_vec(&ssz).unwrap()
    });
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(store.block(&root(2, 0)).unwrap(), Some(block(2, 2, 1, 1)));
}

#[test]
fn a_malformed_key_under_a_root_prefix_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    drop(SledStore::open(dir.path()).unwrap());
    plant(dir.path(), b"Bshort", b"");
    let store = SledStore::open(dir.path()).unwrap();
    let err = store.block_roots().unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt { what, .. } if what.contains("0x")),
        "{err}"
    );
    assert!(store.state_roots().unwrap().is_empty());
}
