//! Read-side queries of the chain for APIs: resolving block and state identifiers.

use super::{Chain, ChainError};
use etn_state::process_slots;
use etn_store::ChainStore;
use etn_types::*;

/// A block identifier as the Beacon API accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockId {
    Head,
    Genesis,
    Finalized,
    Justified,
    Slot(Slot),
    Root(Root),
}

impl std::str::FromStr for BlockId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "head" => Self::Head,
            "genesis" => Self::Genesis,
            "finalized" => Self::Finalized,
            "justified" => Self::Justified,
            hex if hex.starts_with("0x") => Self::Root(hex.parse().map_err(|e| format!("invalid root: {e}"))?),
            slot => Self::Slot(
                slot.parse()
                    .map_err(|_| format!("invalid block id `{slot}`: expected head, genesis, finalized, justified, a slot or a 0x root"))?,
            ),
        })
    }
}

impl<S: ChainStore> Chain<S> {
    /// The canonical block at exactly `slot` (none if the slot was skipped).
    pub fn canonical_root_at_slot(&mut self, slot: Slot) -> Result<Option<Root>, ChainError> {
        if slot > self.head.slot {
            return Ok(None);
        }
        let root = match self.fork_choice.ancestor_at_slot(&self.head.root, slot) {
            Some(root) => root,
            None => {
                // Older than fork choice's tree: walk the stored chain back from its base.
                let mut cursor = self.fork_choice.finalized_checkpoint().root;
                loop {
                    let Some(block) = self.store.block(&cursor)? else {
                        return Ok(None);
                    };
                    if block.message.slot <= slot || block.message.parent_root == Root::ZERO {
                        break;
                    }
                    cursor = block.message.parent_root;
                }
                cursor
            }
        };
        let block_slot = match self.fork_choice.block_slot(&root) {
            Some(s) => s,
            None => self
                .store
                .block(&root)?
                .map(|b| b.message.slot)
                .unwrap_or(u64::MAX),
        };
        Ok((block_slot == slot).then_some(root))
    }

    /// The root a block identifier names, if such a block exists.
    pub fn resolve_block(&mut self, id: BlockId) -> Result<Option<Root>, ChainError> {
        Ok(match id {
            BlockId::Head => Some(self.head.root),
            BlockId::Genesis => Some(self.genesis_root),
            BlockId::Finalized => Some(self.fork_choice.finalized_checkpoint().root),
            BlockId::Justified => Some(self.fork_choice.justified_checkpoint().root),
            BlockId::Slot(slot) => self.canonical_root_at_slot(slot)?,
            BlockId::Root(root) => (self.fork_choice.contains_block(&root)
                || self.store.block(&root)?.is_some())
            .then_some(root),
        })
    }

    /// The state a state identifier names: a block's post-state, or for a slot the
    /// canonical state advanced through any empty slots up to it.
    pub fn resolve_state(&mut self, id: BlockId) -> Result<Option<BeaconState>, ChainError> {
        if let BlockId::Slot(slot) = id {
            if slot > self.head.slot {
                return Ok(None);
            }
            let mut cursor = slot;
            let root = loop {
                if let Some(root) = self.canonical_root_at_slot(cursor)? {
                    break root;
                }
                if cursor == 0 {
                    return Ok(None);
                }
                cursor -= 1;
            };
            let mut state = self.state_for(&root)?.clone();
            if state.slot < slot {
                process_slots(&mut state, slot)?;
            }
            return Ok(Some(state));
        }
        match self.resolve_block(id)? {
            Some(root) => Ok(Some(self.state_for(&root)?.clone())),
            None => Ok(None),
        }
    }
}
