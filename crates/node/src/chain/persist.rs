//! What the chain writes, and how it comes back after a restart or a crash.
//!
//! Every import writes the block, the pointers (head, justified, finalized) and the fork
//! choice snapshot in one atomic batch, so the database always describes one consistent
//! moment: there is never a head pointer to a block that is not stored, nor a fork choice
//! that knows blocks the store lost.

use super::state_cache::StateCache;
use super::{Chain, ChainError};
use etn_fork_choice::ForkChoice;
use etn_state::validity::check_state_shape;
use etn_state::{PubkeyCache, SignatureStrategy, StateRootCheck, state_transition};
use etn_store::{ChainMeta, ChainStore, StoreBatch};
use etn_types::ssz::hash_tree_root;
use etn_types::*;

/// Longest chain of blocks replayed to rebuild one state; a store that would need more
/// is missing the states it should hold.
const MAX_REPLAY: usize = 20_000;

pub struct Loaded {
    pub fork_choice: ForkChoice,
    pub fork_choice_justified: Checkpoint,
    pub fork_choice_finalized: Checkpoint,
    pub genesis_root: Root,
    pub genesis_state: BeaconState,
}

pub fn load_or_initialise<S: ChainStore>(
    store: &S,
    genesis: Option<BeaconState>,
    now_ms: u64,
) -> Result<Loaded, ChainError> {
    match store.meta()? {
        Some(meta) => {
            let bytes = store.fork_choice()?.ok_or_else(|| {
                ChainError::Inconsistent("pointers stored without fork choice".into())
            })?;
            let fork_choice = ForkChoice::from_bytes(&bytes)?;
            let genesis_state = store
                .state(&meta.genesis_block_root)?
                .ok_or_else(|| ChainError::Inconsistent("genesis state missing".into()))?;
            if let Some(given) = &genesis
                && hash_tree_root(given)? != hash_tree_root(&genesis_state)?
            {
                return Err(ChainError::Inconsistent(
                    "the data directory holds a different chain than the given genesis".into(),
                ));
            }
            for root in [meta.head, meta.finalized.root] {
                if !fork_choice.contains_block(&root) || store.block(&root)?.is_none() {
                    return Err(ChainError::Inconsistent(format!(
                        "pointer to missing block {root}"
                    )));
                }
            }
            if fork_choice.finalized_checkpoint() != meta.finalized {
                return Err(ChainError::Inconsistent(
                    "finalized pointer disagrees with fork choice".into(),
                ));
            }
            Ok(Loaded {
                fork_choice_justified: meta.justified,
                fork_choice_finalized: meta.finalized,
                fork_choice,
                genesis_root: meta.genesis_block_root,
                genesis_state,
            })
        }
        None => {
            let genesis = genesis.ok_or(ChainError::NoGenesis)?;
            check_state_shape(&genesis)?;
            let (root, block) = etn_fork_choice::genesis_block(&genesis)?;
            let fork_choice = ForkChoice::new(root, &block, &genesis, now_ms)?;
            let signed = SignedBeaconBlock {
                message: block,
                signature: BlsSignature::ZERO,
            };
            let mut batch = import_batch(root, &signed, Some(&genesis));
            add_pointers(&mut batch, root, root, &fork_choice);
            batch.put_fork_choice(fork_choice.to_bytes());
            store.commit(batch)?;
            Ok(Loaded {
                fork_choice_justified: fork_choice.justified_checkpoint(),
                fork_choice_finalized: fork_choice.finalized_checkpoint(),
                fork_choice,
                genesis_root: root,
                genesis_state: genesis,
            })
        }
    }
}

pub fn import_batch(
    root: Root,
    block: &SignedBeaconBlock,
    state: Option<&BeaconState>,
) -> StoreBatch {
    let mut batch = StoreBatch::default();
    batch.put_block(root, block);
    if let Some(state) = state {
        batch.put_state(root, state);
    }
    batch
}

pub fn add_pointers(
    batch: &mut StoreBatch,
    genesis_root: Root,
    head: Root,
    fork_choice: &ForkChoice,
) {
    batch.put_meta(&ChainMeta {
        genesis_block_root: genesis_root,
        head,
        justified: fork_choice.justified_checkpoint(),
        finalized: fork_choice.finalized_checkpoint(),
    });
}

impl<S: ChainStore> Chain<S> {
    /// After finality moves from `old` to `new`: keeps the new finalized block's state,
    /// forgets states before it (except genesis), and deletes blocks of branches that can
    /// no longer become canonical. Canonical blocks stay: they are the chain's history.
    pub(super) fn add_pruning(
        &mut self,
        batch: &mut StoreBatch,
        old: Checkpoint,
        new: Checkpoint,
    ) -> Result<(), ChainError> {
        let finalized_state = match self.states.get(&new.root) {
            Some(state) => state.clone(),
            None => rebuild_state(&self.store, &self.states, &self.pubkeys, &new.root)?,
        };
        batch.put_state(new.root, &finalized_state);
        let mut canonical = std::collections::HashSet::new();
        let mut cursor = Some(new.root);
        while let Some(root) = cursor {
            canonical.insert(root);
            if root == old.root {
                break;
            }
            cursor = self.fork_choice.block_parent(&root);
        }
        for root in self.fork_choice.prune() {
            if root == new.root {
                continue;
            }
            if root != self.genesis_root {
                batch.delete_state(root);
            }
            if !canonical.contains(&root) {
                batch.delete_block(root);
            }
            self.states.remove(&root);
        }
        Ok(())
    }
}

/// Rebuilds the post-state of `root` from the nearest ancestor held in `cache` or the
/// store, replaying the blocks in between (their signatures were checked at import).
pub fn rebuild_state<S: ChainStore>(
    store: &S,
    cache: &StateCache,
    pubkeys: &PubkeyCache,
    root: &Root,
) -> Result<BeaconState, ChainError> {
    let mut blocks = Vec::new();
    let mut cursor = *root;
    let mut state = loop {
        if let Some(state) = cache.get(&cursor) {
            break state.clone();
        }
        if let Some(state) = store.state(&cursor)? {
            break state;
        }
        let block = store
            .block(&cursor)?
            .ok_or(ChainError::MissingState(*root))?;
        cursor = block.message.parent_root;
        blocks.push(block);
        if blocks.len() > MAX_REPLAY {
            return Err(ChainError::MissingState(*root));
        }
    };
    for block in blocks.iter().rev() {
        state_transition(
            &mut state,
            block,
            SignatureStrategy::Skip,
            pubkeys,
            StateRootCheck::Verify,
        )?;
    }
    Ok(state)
}
