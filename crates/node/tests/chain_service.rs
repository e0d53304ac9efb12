//! The chain service driven in one process: 64 local validators propose and attest for
//! five epochs of virtual time; the chain must finalize at least epoch 3.

use etn_node::{ChainEvent, LocalKeys, ManualClock, SlotClock};
use etn_state::{devnet_genesis_input, initialize_beacon_state};
use etn_store::MemoryStore;
use etn_types::*;
use std::time::Duration;

const VALIDATORS: u64 = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_epochs_in_process_reach_finality() {
    let genesis_time = 1_000;
    let input = devnet_genesis_input(
        ChainConfig::minimal(),
        genesis_time,
        VALIDATORS,
        &[1_000_000],
    );
    let genesis = initialize_beacon_state(&input).unwrap();
    let clock_at = SlotClock::new(genesis_time, genesis.config.seconds_per_slot);
    let clock = ManualClock::new(clock_at.slot_start_ms(0));
    let chain = etn_node::Chain::open(MemoryStore::new(), Some(genesis), clock_at.slot_start_ms(0))
        .unwrap();
    let (handle, task) =
        etn_node::service::spawn(chain, LocalKeys::devnet(0..VALIDATORS), clock.clone());
    let mut events = handle.subscribe();

    let slots = 5 * 8;
    let result = tokio::time::timeout(Duration::from_secs(120), async {
        for slot in 1..=slots {
            // Propose at the start of the slot, attest a third of the way in.
            clock.set(clock_at.slot_start_ms(slot) + 100);
            handle.tick().await.unwrap();
            let block = handle.propose(slot, Bytes32::ZERO).await.unwrap().unwrap();
            assert!(
                block.is_some(),
                "every validator is local: slot {slot} must get a block"
            );
            clock.set(clock_at.slot_start_ms(slot) + clock_at.slot_ms / 3);
            handle.tick().await.unwrap();
            let attestations = handle.attest(slot).await.unwrap().unwrap();
            assert!(!attestations.is_empty());
        }
        handle.status().await.unwrap()
    })
    .await
    .expect("five epochs run within two minutes");

    assert_eq!(result.head.slot, slots);
    assert!(
        result.finalized.epoch >= 3,
        "finalized {:?}",
        result.finalized
    );
    assert!(result.justified.epoch >= result.finalized.epoch);
    let mut saw_finalized = false;
    while let Ok(event) = events.try_recv() {
        saw_finalized |= matches!(event, ChainEvent::Finalized(_));
    }
    assert!(saw_finalized, "finality events were published");
    drop(handle);
    task.await.unwrap();
}
