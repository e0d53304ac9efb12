//! Recent post-states by block root, bounded in number.
//!
//! Importing a block needs its parent's post-state, and producing needs the head's; both
//! are almost always among the last few blocks. Older states are rebuilt from the nearest
//! stored ancestor by replaying blocks (see `Chain::state_for`).

use etn_types::{BeaconState, Root};
use std::collections::{HashMap, VecDeque};

#[derive(Debug)]
pub struct StateCache {
    capacity: usize,
    states: HashMap<Root, BeaconState>,
    order: VecDeque<Root>,
}

impl StateCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            states: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn get(&self, root: &Root) -> Option<&BeaconState> {
        self.states.get(root)
    }

    pub fn insert(&mut self, root: Root, state: BeaconState) {
        if self.states.insert(root, state).is_none() {
            self.order.push_back(root);
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.states.remove(&old);
            }
        }
    }

    /// Keeps `keep` even if it is the oldest entry (the head must never be evicted).
    pub fn touch(&mut self, keep: &Root) {
        if let Some(pos) = self.order.iter().position(|r| r == keep) {
            self.order.remove(pos);
            self.order.push_back(*keep);
        }
    }

    pub fn remove(&mut self, root: &Root) {
        if self.states.remove(root).is_some() {
            self.order.retain(|r| r != root);
        }
    }
}
