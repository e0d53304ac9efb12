//! Property test: random sequences of batches leave `MemoryStore`, `SledStore` (also
//! after a reopen) and a plain model in the same state.

mod common;

use common::{block, meta, root, state};
use etn_store::{ChainMeta, ChainStore, MemoryStore, SledStore, StoreBatch};
use etn_types::{BeaconState, Root, SignedBeaconBlock};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum ModelOp {
    PutBlock(u8, u64),
    PutState(u8, u64),
    DeleteBlock(u8),
    DeleteState(u8),
    PutMeta(u64),
    PutForkChoice(Vec<u8>),
}

fn op() -> impl Strategy<Value = ModelOp> {
    prop_oneof![
        (0u8..6, 0u64..1000).prop_map(|(r, s)| ModelOp::PutBlock(r, s)),
        (0u8..6, 0u64..1000).prop_map(|(r, s)| ModelOp::PutState(r, s)),
        (0u8..6).prop_map(ModelOp::DeleteBlock),
        (0u8..6).prop_map(ModelOp::DeleteState),
        (0u64..1000).prop_map(ModelOp::PutMeta),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(ModelOp::PutForkChoice),
    ]
}

#[derive(Default, Debug, PartialEq)]
struct Model {
    blocks: BTreeMap<Root, SignedBeaconBlock>,
    states: BTreeMap<Root, BeaconState>,
    meta: Option<ChainMeta>,
    fork_choice: Option<Vec<u8>>,
}

fn small_block(seed: u64) -> SignedBeaconBlock {
    block(seed, seed, (seed % 3) as usize, (seed % 5) as usize)
}

fn small_state(seed: u64) -> BeaconState {
    state(seed, seed, (seed % 4) as usize, (seed % 3) as usize)
}

fn apply(model: &mut Model, batch: &mut StoreBatch, op: &ModelOp) {
    match op {
        ModelOp::PutBlock(r, s) => {
            model.blocks.insert(root(u64::from(*r), 0), small_block(*s));
            batch.put_block(root(u64::from(*r), 0), &small_block(*s));
        }
        ModelOp::PutState(r, s) => {
            model.states.insert(root(u64::from(*r), 0), small_state(*s));
            batch.put_state(root(u64::from(*r), 0), &small_state(*s));
        }
        ModelOp::DeleteBlock(r) => {
            model.blocks.remove(&root(u64::from(*r), 0));
            batch.delete_block(root(u64::from(*r), 0));
        }
        ModelOp::DeleteState(r) => {
            model.states.remove(&root(u64::from(*r), 0));
            batch.delete_state(root(u64::from(*r), 0));
        }
        ModelOp::PutMeta(n) => {
            model.meta = Some(meta(*n));
            batch.put_meta(&meta(*n));
        }
        ModelOp::PutForkChoice(bytes) => {
            model.fork_choice = Some(bytes.clone());
            batch.put_fork_choice(bytes);
        }
    }
}

fn read_back(store: &dyn ChainStore) -> Model {
    let blocks = store
        .block_roots()
        .unwrap()
        .into_iter()
        .map(|r| (r, store.block(&r).unwrap().expect("listed block")))
        .collect();
    let states = store
        .state_roots()
        .unwrap()
        .into_iter()
        .map(|r| (r, store.state(&r).unwrap().expect("listed state")))
        .collect();
    Model {
        blocks,
        states,
        meta: store.meta().unwrap(),
        fork_choice: store.fork_choice().unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn memory_and_sled_stores_match_the_model(
        batches in proptest::collection::vec(proptest::collection::vec(op(), 0..6), 1..8)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut model = Model::default();
        let memory = MemoryStore::new();
        {
            let sled = SledStore::open(dir.path()).unwrap();
            for ops in &batches {
                let (mut for_memory, mut for_sled) = (StoreBatch::new(), StoreBatch::new());
                for op in ops {
                    apply(&mut model, &mut for_memory, op);
                    apply(&mut Model::default(), &mut for_sled, op);
                }
                memory.commit(for_memory).unwrap();
                sled.commit(for_sled).unwrap();
                prop_assert_eq!(&read_back(&memory), &model);
                prop_assert_eq!(&read_back(&sled), &model);
            }
        }
        let reopened = SledStore::open(dir.path()).unwrap();
        prop_assert_eq!(&read_back(&reopened), &model);
    }
}
