//! What the chain keeps on disk: after finality, branches that can no longer become
//! canonical are deleted and old states dropped, canonical history stays; a datadir
//! resumes exactly where it stopped.

use etn_node::Chain;
use etn_state::SignatureStrategy;
use etn_state::harness::Harness;
use etn_state::produce::{BlockContents, produce_block};
use etn_store::{ChainStore, SledStore};
use etn_types::ssz::hash_tree_root;
use etn_types::*;

fn now(genesis: &BeaconState, slot: Slot) -> u64 {
    (genesis.genesis_time + slot * genesis.config.seconds_per_slot) * 1000 + 100
}

#[test]
fn finality_prunes_dead_branches_and_old_states_but_keeps_history() {
    let mut h = Harness::new(ChainConfig::minimal(), 64, &[], false);
    let genesis = h.state.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = Chain::open(
        SledStore::open(dir.path()).unwrap(),
        Some(genesis.clone()),
        now(&genesis, 0),
    )
    .unwrap();
    chain.set_signature_strategy(SignatureStrategy::Skip);

    let mut canonical = Vec::new();
    let mut fork_root = None;
    for slot in 1..=48u64 {
        if slot == 5 {
            // A sibling of the canonical block at slot 5, which nobody builds on.
            let graffiti = BlockContents {
                graffiti: Bytes32([7; 32]),
                ..Default::default()
            };
            let (fork, _) = produce_block(&h.state, slot, None, graffiti).unwrap();
            chain.import_block(&fork, now(&genesis, slot)).unwrap();
            fork_root = Some(hash_tree_root(&fork.message).unwrap());
        }
        let block = h.step(vec![], 0);
        let outcome = chain.import_block(&block, now(&genesis, slot)).unwrap();
        assert!(outcome.imported);
        canonical.push(outcome.root);
    }
    let fork_root = fork_root.unwrap();
    let finalized = chain.finalized();
    assert!(finalized.epoch >= 4, "finalized {finalized:?}");
    let store = chain.store();
    assert!(
        store.block(&fork_root).unwrap().is_none(),
        "the dead branch was deleted"
    );
    for root in &canonical {
        assert!(
            store.block(root).unwrap().is_some(),
            "canonical history is kept"
        );
    }
    let finalized_slot = store.block(&finalized.root).unwrap().unwrap().message.slot;
    for root in store.state_roots().unwrap() {
        let slot = store
            .block(&root)
            .unwrap()
            .map(|b| b.message.slot)
            .unwrap_or(0);
        assert!(
            root == chain.genesis_root() || slot >= finalized_slot,
            "a state from slot {slot} survived finality at slot {finalized_slot}"
        );
    }
    assert!(
        store.state(&finalized.root).unwrap().is_some(),
        "the finalized state is kept"
    );
}

#[test]
fn a_datadir_resumes_where_it_stopped() {
    let mut h = Harness::new(ChainConfig::minimal(), 64, &[], false);
    let genesis = h.state.clone();
    let dir = tempfile::tempdir().unwrap();
    let blocks: Vec<_> = (0..30).map(|_| h.step(vec![], 0)).collect();
    let (head, finalized) = {
        let mut chain = Chain::open(
            SledStore::open(dir.path()).unwrap(),
            Some(genesis.clone()),
            now(&genesis, 0),
        )
        .unwrap();
        chain.set_signature_strategy(SignatureStrategy::Skip);
        for block in &blocks[..20] {
            chain
                .import_block(block, now(&genesis, block.message.slot))
                .unwrap();
        }
        (chain.head(), chain.finalized())
    };
    // Reopened without a genesis: everything comes from the datadir.
    let mut chain = Chain::open(
        SledStore::open(dir.path()).unwrap(),
        None,
        now(&genesis, 20),
    )
    .unwrap();
    chain.set_signature_strategy(SignatureStrategy::Skip);
    assert_eq!(chain.head(), head);
    assert_eq!(chain.finalized(), finalized);
    for block in &blocks[20..] {
        assert!(
            chain
                .import_block(block, now(&genesis, block.message.slot))
                .unwrap()
                .imported
        );
    }
    assert_eq!(chain.head().slot, 30);
    assert_eq!(
        hash_tree_root(chain.head_state().unwrap()).unwrap(),
        hash_tree_root(&h.state).unwrap()
    );
    // A different genesis is refused rather than mixed into this chain.
    drop(chain);
    let other = Harness::new(ChainConfig::minimal(), 32, &[], false).state;
    let err = Chain::open(SledStore::open(dir.path()).unwrap(), Some(other), 0)
        .err()
        .unwrap();
    assert!(err.to_string().contains("different chain"), "{err}");
}
