//! The proto-array: the block tree as a flat list in insertion order, parents before
//! children, each node carrying its subtree's weight and a pointer to the head its
//! subtree leads to.
//!
//! Because a parent always precedes its children, one backwards pass over the list sees
//! every subtree complete before its root: vote changes are pushed up to the ancestors in
//! one pass, and the best child and best descendant of every node in a second, so head
//! finding costs O(blocks + changed votes) instead of re-weighing every vote on every
//! branch as the spec's `get_weight` does. Weights are only ever changed by deltas; the
//! votes themselves live in [`crate::votes`].

use crate::error::ForkChoiceError;
use etn_types::{Checkpoint, Epoch, GENESIS_EPOCH, Root, Slot};
use std::collections::HashMap;

/// One block of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProtoNode {
    pub root: Root,
    /// Index of the parent; `None` only for the tree's root (the anchor, or the
    /// finalized block after pruning).
    pub parent: Option<usize>,
    pub slot: Slot,
    /// `current_justified_checkpoint` of the block's post-state.
    pub justified: Checkpoint,
    /// `finalized_checkpoint` of the block's post-state.
    pub finalized: Checkpoint,
    /// The post-state's checkpoints pulled up to the end of the block's epoch.
    pub unrealized_justified: Checkpoint,
    pub unrealized_finalized: Checkpoint,
    /// Balance of the latest votes for this block and its descendants, plus the proposer
    /// boost if it lies in this subtree.
    pub weight: u64,
    /// The heaviest child whose subtree holds a viable head (as of the last `get_head`).
    pub best_child: Option<usize>,
    /// The head that this node's subtree leads to (as of the last `get_head`).
    pub best_descendant: Option<usize>,
    /// Validators slashed in the block's post-state: they weigh nothing while this block
    /// is the justified checkpoint's block.
    pub slashed: Vec<u64>,
}

/// The filter that decides which leaves may be the head: the spec's `filter_block_tree`,
/// evaluated against the store's checkpoints and the current epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Viability {
    pub current_epoch: Epoch,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
    pub slots_per_epoch: u64,
}

impl Viability {
    fn finalized_slot(&self) -> Slot {
        self.finalized.epoch.saturating_mul(self.slots_per_epoch)
    }

    /// A leaf's voting source: blocks from an earlier epoch would vote with their
    /// pulled-up justification, blocks of the current epoch with their realized one.
    fn voting_source(&self, node: &ProtoNode) -> Checkpoint {
        if self.current_epoch > node.slot / self.slots_per_epoch.max(1) {
            node.unrealized_justified
        } else {
            node.justified
        }
    }

    /// The leaf agrees with the store's justification, or its voting source is recent
    /// enough (at most two epochs old) that votes on it can still justify.
    fn correct_justified(&self, node: &ProtoNode) -> bool {
        if self.justified.epoch == GENESIS_EPOCH {
            return true;
        }
        let source = self.voting_source(node);
        source.epoch == self.justified.epoch || source.epoch.saturating_add(2) >= self.current_epoch
    }
}

/// What pruning did: the dropped roots, and each old index's new index (`None` for a
/// dropped node; empty when nothing was dropped).
#[derive(Debug, Default)]
pub(crate) struct Pruned {
    pub dropped: Vec<Root>,
    pub new_index: Vec<Option<usize>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ProtoArray {
    nodes: Vec<ProtoNode>,
    indices: HashMap<Root, usize>,
}

impl ProtoArray {
    pub fn with_root(node: ProtoNode) -> Self {
        let mut node = node;
        node.parent = None;
        node.best_child = None;
        node.best_descendant = None;
        let indices = HashMap::from([(node.root, 0)]);
        Self {
            nodes: vec![node],
            indices,
        }
    }

    /// Rebuilds an array from decoded nodes, refusing any that break the invariants the
    /// passes rely on (parents first, unique roots, pointers in range).
    pub fn from_nodes(nodes: Vec<ProtoNode>) -> Result<Self, ForkChoiceError> {
        let bad = ForkChoiceError::InvalidSnapshot;
        if nodes.is_empty() {
            return Err(bad("no nodes"));
        }
        let mut indices = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if indices.insert(node.root, i).is_some() {
                return Err(bad("duplicate node root"));
            }
            match node.parent {
                None if i != 0 => return Err(bad("a node other than the first has no parent")),
                Some(p) if p >= i => return Err(bad("a parent does not precede its child")),
                Some(p) if nodes[p].slot >= node.slot => {
                    return Err(bad("a node is not after its parent"));
                }
                _ => {}
            }
            if let Some(c) = node.best_child
                && (c >= nodes.len() || nodes[c].parent != Some(i))
            {
                return Err(bad("best child is not a child"));
            }
            if let Some(d) = node.best_descendant
                && (d < i || d >= nodes.len())
            {
                return Err(bad("best descendant out of range"));
            }
        }
        Ok(Self { nodes, indices })
    }

    pub fn nodes(&self) -> &[ProtoNode] {
        &self.nodes
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn index_of(&self, root: &Root) -> Option<usize> {
        self.indices.get(root).copied()
    }

    pub fn node(&self, index: usize) -> Option<&ProtoNode> {
        self.nodes.get(index)
    }

    pub fn get(&self, root: &Root) -> Option<&ProtoNode> {
        self.node(self.index_of(root)?)
    }

    /// Appends a block whose parent is already in the tree (so parents stay first).
    pub fn insert(&mut self, mut node: ProtoNode) -> Result<usize, ForkChoiceError> {
        let parent =
            node.parent
                .filter(|p| *p < self.nodes.len())
                .ok_or(ForkChoiceError::Inconsistent(
                    "inserted node has no known parent",
                ))?;
        if self.indices.contains_key(&node.root) {
            return Err(ForkChoiceError::Inconsistent("node inserted twice"));
        }
        if self.nodes.len() >= u32::MAX as usize {
            return Err(ForkChoiceError::Overflow("fork-choice tree size"));
        }
        node.parent = Some(parent);
        node.best_child = None;
        node.best_descendant = None;
        let index = self.nodes.len();
        self.indices.insert(node.root, index);
        self.nodes.push(node);
        Ok(index)
    }

    /// The block at or before `slot` on the chain of `index`, or `None` when that chain
    /// leaves the tree (the slot is older than the tree's root).
    pub fn ancestor_at_slot(&self, mut index: usize, slot: Slot) -> Option<usize> {
        loop {
            let node = self.nodes.get(index)?;
            if node.slot <= slot {
                return Some(index);
            }
            index = node.parent?;
        }
    }

    /// The spec's `get_checkpoint_block` for a checkpoint starting at `epoch_start`: the
    /// ancestor at that slot, or the tree's root when the chain reaches it first (an
    /// anchor later than its epoch's first slot is its own checkpoint block).
    pub fn checkpoint_block(&self, mut index: usize, epoch_start: Slot) -> Option<usize> {
        loop {
            let node = self.nodes.get(index)?;
            match node.parent {
                Some(parent) if node.slot > epoch_start => index = parent,
                _ => return Some(index),
            }
        }
    }

    /// Node weights after adding `deltas` (one per node) to each node and all its
    /// ancestors, in one backwards pass. Pure: the caller commits with [`set_weights`].
    ///
    /// [`set_weights`]: Self::set_weights
    pub fn weights_after(&self, mut deltas: Vec<i64>) -> Result<Vec<u64>, ForkChoiceError> {
        if deltas.len() != self.nodes.len() {
            return Err(ForkChoiceError::Inconsistent("one delta per node"));
        }
        let mut weights: Vec<u64> = self.nodes.iter().map(|n| n.weight).collect();
        for i in (0..self.nodes.len()).rev() {
            let delta = deltas[i];
            weights[i] = weights[i]
                .checked_add_signed(delta)
                .ok_or(ForkChoiceError::Inconsistent("node weight out of range"))?;
            if let Some(parent) = self.nodes[i].parent {
                deltas[parent] = deltas[parent]
                    .checked_add(delta)
                    .ok_or(ForkChoiceError::Overflow("weight delta"))?;
            }
        }
        Ok(weights)
    }

    pub fn set_weights(&mut self, weights: &[u64]) {
        for (node, weight) in self.nodes.iter_mut().zip(weights) {
            node.weight = *weight;
        }
    }

    /// Recomputes every node's best child and best descendant under `rules`.
    ///
    /// Viability depends on the clock and the store's checkpoints, which change without
    /// any vote changing, so nothing from the last pass is trusted: pointers are cleared
    /// and rebuilt in one backwards pass, where every child is final before its parent
    /// looks at it. A node leads to a head when it is a viable leaf or has a child that
    /// leads to one (the spec judges viability at the leaves only); among such children
    /// the heaviest wins, ties going to the larger root.
    pub fn update_best(&mut self, rules: &Viability) {
        let n = self.nodes.len();
        let finalized_ok = self.finalized_consistency(rules);
        for node in &mut self.nodes {
            node.best_child = None;
            node.best_descendant = None;
        }
        let mut has_child = vec![false; n];
        for i in (0..n).rev() {
            let leads = if has_child[i] {
                self.nodes[i].best_child.is_some()
            } else {
                finalized_ok[i] && rules.correct_justified(&self.nodes[i])
            };
            if leads {
                let best = match self.nodes[i].best_child {
                    Some(child) => self.nodes[child].best_descendant.unwrap_or(child),
                    None => i,
                };
                self.nodes[i].best_descendant = Some(best);
            }
            let Some(parent) = self.nodes[i].parent else {
                continue;
            };
            has_child[parent] = true;
            if !leads {
                continue;
            }
            let better = match self.nodes[parent].best_child {
                None => true,
                Some(current) => {
                    let (a, b) = (&self.nodes[i], &self.nodes[current]);
                    (a.weight, a.root) > (b.weight, b.root)
                }
            };
            if better {
                self.nodes[parent].best_child = Some(i);
            }
        }
    }

    /// For every node, whether its chain passes through the finalized checkpoint (its
    /// checkpoint block at the finalized epoch is the finalized root), in one forward
    /// pass: a node after the finalized slot inherits its parent's answer.
    fn finalized_consistency(&self, rules: &Viability) -> Vec<bool> {
        let n = self.nodes.len();
        if rules.finalized.epoch == GENESIS_EPOCH {
            return vec![true; n];
        }
        let finalized_slot = rules.finalized_slot();
        let mut ok = vec![false; n];
        for i in 0..n {
            let node = &self.nodes[i];
            ok[i] = match node.parent {
                Some(parent) if node.slot > finalized_slot => ok[parent],
                _ => node.root == rules.finalized.root,
            };
        }
        ok
    }

    /// The head reached from `index` (itself when no viable head lies below it, as the
    /// spec's `get_head` stops at the justified root when the filtered tree is empty).
    pub fn head_from(&self, index: usize) -> usize {
        self.nodes
            .get(index)
            .and_then(|n| n.best_descendant)
            .unwrap_or(index)
    }

    /// Keeps the finalized block and the descendants that agree with the finalized
    /// checkpoint; drops everything else and returns the dropped roots (in tree order).
    ///
    /// A dropped subtree hanging below a kept node had its votes counted in that node's
    /// ancestors; their weight is taken back so that the kept weights stay the sums of
    /// the votes they can still see.
    pub fn prune(&mut self, finalized: &Checkpoint, slots_per_epoch: u64) -> Pruned {
        let Some(finalized_index) = self.index_of(&finalized.root) else {
            return Pruned::default();
        };
        let finalized_slot = finalized.epoch.saturating_mul(slots_per_epoch);
        let n = self.nodes.len();
        let mut keep = vec![false; n];
        keep[finalized_index] = true;
        for i in finalized_index + 1..n {
            let node = &self.nodes[i];
            keep[i] = node.slot > finalized_slot && node.parent.is_some_and(|p| keep[p]);
        }
        if keep.iter().all(|k| *k) {
            return Pruned::default();
        }
        for i in 0..n {
            let Some(parent) = self.nodes[i].parent else {
                continue;
            };
            if keep[i] || !keep[parent] {
                continue;
            }
            let lost = self.nodes[i].weight;
            let mut ancestor = Some(parent);
            while let Some(a) = ancestor {
                self.nodes[a].weight = self.nodes[a].weight.saturating_sub(lost);
                ancestor = self.nodes[a].parent;
            }
        }
        let mut new_index = vec![None; n];
        let mut next = 0usize;
        for (i, kept) in keep.iter().enumerate() {
            if *kept {
                new_index[i] = Some(next);
                next += 1;
            }
        }
        let remap = |index: Option<usize>| index.and_then(|i| new_index[i]);
        let mut dropped = Vec::new();
        let mut kept_nodes = Vec::with_capacity(next);
        for (i, mut node) in std::mem::take(&mut self.nodes).into_iter().enumerate() {
            if !keep[i] {
                dropped.push(node.root);
                continue;
            }
            node.parent = remap(node.parent);
            node.best_child = remap(node.best_child);
            node.best_descendant = remap(node.best_descendant);
            kept_nodes.push(node);
        }
        self.indices = kept_nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.root, i))
            .collect();
        self.nodes = kept_nodes;
        Pruned { dropped, new_index }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPE: u64 = 8;

    fn root(n: u8) -> Root {
        Root::from([n; 32])
    }

    fn cp(epoch: Epoch, n: u8) -> Checkpoint {
        Checkpoint {
            epoch,
            root: root(n),
        }
    }

    fn node(n: u8, parent: Option<usize>, slot: Slot) -> ProtoNode {
        ProtoNode {
            root: root(n),
            parent,
            slot,
            justified: cp(0, 0),
            finalized: cp(0, 0),
            unrealized_justified: cp(0, 0),
            unrealized_finalized: cp(0, 0),
            weight: 0,
            best_child: None,
            best_descendant: None,
            slashed: Vec::new(),
        }
    }

    fn genesis_rules() -> Viability {
        Viability {
            current_epoch: 0,
            justified: cp(0, 0),
            finalized: cp(0, 0),
            slots_per_epoch: SPE,
        }
    }

    /// 0 ── 1 ── 2
    ///      └─── 3 ── 4
    fn fork() -> ProtoArray {
        let mut a = ProtoArray::with_root(node(0, None, 0));
        a.insert(node(1, Some(0), 1)).unwrap();
        a.insert(node(2, Some(1), 2)).unwrap();
        a.insert(node(3, Some(1), 3)).unwrap();
        a.insert(node(4, Some(3), 4)).unwrap();
        a
    }

    fn apply(a: &mut ProtoArray, deltas: &[(usize, i64)]) {
        let mut d = vec![0; a.len()];
        for (i, x) in deltas {
            d[*i] += x;
        }
        let w = a.weights_after(d).unwrap();
        a.set_weights(&w);
        a.update_best(&genesis_rules());
    }

    fn head(a: &ProtoArray) -> u8 {
        a.nodes()[a.head_from(0)].root.0[0]
    }

    #[test]
    fn deltas_reach_every_ancestor_in_one_pass() {
        let mut a = fork();
        apply(&mut a, &[(2, 5), (4, 7)]);
        let w: Vec<u64> = a.nodes().iter().map(|n| n.weight).collect();
        assert_eq!(w, vec![12, 12, 5, 7, 7]);
        assert_eq!(head(&a), 4);
        apply(&mut a, &[(4, -7), (2, 3)]);
        let w: Vec<u64> = a.nodes().iter().map(|n| n.weight).collect();
        assert_eq!(w, vec![8, 8, 8, 0, 0]);
        assert_eq!(head(&a), 2);
    }

    #[test]
    fn a_weight_cannot_go_negative() {
        let a = fork();
        let mut d = vec![0; a.len()];
        d[2] = -1;
        assert!(matches!(
            a.weights_after(d),
            Err(ForkChoiceError::Inconsistent(_))
        ));
        assert!(a.weights_after(vec![0; 2]).is_err(), "one delta per node");
    }

    #[test]
    fn equal_weights_go_to_the_larger_root() {
        let mut a = fork();
        apply(&mut a, &[(2, 5), (4, 5)]);
        assert_eq!(head(&a), 4, "root 3 > root 2 at the fork");
        apply(&mut a, &[(2, 1)]);
        assert_eq!(head(&a), 2);
    }

    #[test]
    fn best_descendant_follows_the_heaviest_path_from_any_node() {
        let mut a = fork();
        apply(&mut a, &[(2, 5), (4, 7)]);
        assert_eq!(a.head_from(3), 4);
        assert_eq!(a.head_from(2), 2);
        assert_eq!(a.nodes()[1].best_child, Some(3));
    }

    #[test]
    fn a_branch_with_no_viable_leaf_is_skipped_whatever_its_weight() {
        let mut a = fork();
        // Store justified at epoch 3 in epoch 5; leaf 4 (epoch 0, so judged by its
        // pulled-up source) has source epoch 1: too old and not the store's.
        for (i, n) in a.nodes.iter_mut().enumerate() {
            n.unrealized_justified = cp(if i == 4 { 1 } else { 3 }, 0);
        }
        let mut d = vec![0; a.len()];
        d[4] = 100;
        d[2] = 1;
        let w = a.weights_after(d).unwrap();
        a.set_weights(&w);
        let rules = Viability {
            current_epoch: 5,
            justified: cp(3, 0),
            finalized: cp(0, 0),
            slots_per_epoch: SPE,
        };
        a.update_best(&rules);
        assert_eq!(a.head_from(0), 2);
        assert_eq!(a.nodes()[3].best_descendant, None, "3 leads nowhere");
        // A voting source two epochs old is still good enough.
        let rules = Viability {
            current_epoch: 3,
            ..rules
        };
        a.update_best(&rules);
        assert_eq!(a.head_from(0), 4);
    }

    #[test]
    fn a_viable_inner_node_with_only_unviable_children_is_not_a_head() {
        // The spec judges leaves only: node 3 itself would pass, its only child does not.
        let mut a = fork();
        for (i, n) in a.nodes.iter_mut().enumerate() {
            n.unrealized_justified = cp(if i == 4 { 1 } else { 3 }, 0);
        }
        let mut d = vec![0; a.len()];
        d[3] = 100;
        let w = a.weights_after(d).unwrap();
        a.set_weights(&w);
        a.update_best(&Viability {
            current_epoch: 5,
            justified: cp(3, 0),
            finalized: cp(0, 0),
            slots_per_epoch: SPE,
        });
        assert_eq!(a.head_from(0), 2);
    }

    #[test]
    fn nothing_viable_leaves_the_justified_root_as_head() {
        let mut a = fork();
        for n in a.nodes.iter_mut() {
            n.unrealized_justified = cp(1, 0);
        }
        a.update_best(&Viability {
            current_epoch: 9,
            justified: cp(3, 1),
            finalized: cp(0, 0),
            slots_per_epoch: SPE,
        });
        assert_eq!(a.head_from(1), 1);
    }

    #[test]
    fn leaves_off_the_finalized_checkpoint_are_not_viable() {
        // Finalized checkpoint (epoch 1, root 4): block 4 is at slot 4 <= 8.
        // Leaf 2 branches off below it.
        let mut a = fork();
        let mut d = vec![0; a.len()];
        d[2] = 50;
        let w = a.weights_after(d).unwrap();
        a.set_weights(&w);
        a.update_best(&Viability {
            current_epoch: 2,
            justified: cp(0, 0),
            finalized: cp(1, 4),
            slots_per_epoch: SPE,
        });
        assert_eq!(a.head_from(0), 4);
        // A block between the checkpoint root and the epoch start conflicts with it too.
        a.insert(node(5, Some(4), 6)).unwrap();
        a.insert(node(6, Some(5), 9)).unwrap();
        a.insert(node(7, Some(4), 10)).unwrap();
        let mut d = vec![0; a.len()];
        d[6] = 80;
        d[7] = 1;
        let w = a.weights_after(d).unwrap();
        a.set_weights(&w);
        a.update_best(&Viability {
            current_epoch: 2,
            justified: cp(0, 0),
            finalized: cp(1, 4),
            slots_per_epoch: SPE,
        });
        assert_eq!(a.head_from(0), 7, "the heavier 6 sits on the conflicting 5");
    }

    #[test]
    fn ancestors_and_checkpoint_blocks() {
        let a = fork();
        assert_eq!(a.ancestor_at_slot(4, 4), Some(4));
        assert_eq!(
            a.ancestor_at_slot(4, 2),
            Some(1),
            "slot 2 was skipped on 4's chain"
        );
        assert_eq!(a.ancestor_at_slot(4, 0), Some(0));
        assert_eq!(a.ancestor_at_slot(99, 0), None);
        let mut late = ProtoArray::with_root(node(7, None, 10));
        late.insert(node(8, Some(0), 12)).unwrap();
        assert_eq!(late.ancestor_at_slot(1, 8), None, "older than the tree");
        assert_eq!(
            late.checkpoint_block(1, 8),
            Some(0),
            "the anchor is its own"
        );
        assert_eq!(late.checkpoint_block(1, 16), Some(1));
    }

    #[test]
    fn pruning_keeps_the_finalized_subtree_and_its_weights_honest() {
        let mut a = fork();
        a.insert(node(5, Some(4), 6)).unwrap(); // conflicts with (1, 4): between 4 and 8
        a.insert(node(6, Some(4), 9)).unwrap();
        apply(&mut a, &[(2, 5), (5, 3), (6, 4)]);
        assert_eq!(a.nodes()[4].weight, 7);
        let pruned = a.prune(&cp(1, 4), SPE);
        assert_eq!(
            pruned.dropped,
            vec![root(0), root(1), root(2), root(3), root(5)]
        );
        assert_eq!(
            pruned.new_index,
            vec![None, None, None, None, Some(0), None, Some(1)]
        );
        let roots: Vec<u8> = a.nodes().iter().map(|n| n.root.0[0]).collect();
        assert_eq!(roots, vec![4, 6]);
        assert_eq!(a.nodes()[0].parent, None);
        assert_eq!(a.nodes()[1].parent, Some(0));
        assert_eq!(a.nodes()[0].weight, 4, "block 5's 3 taken back");
        assert_eq!(a.nodes()[0].best_child, Some(1), "pointers remapped");
        assert_eq!(a.index_of(&root(6)), Some(1));
        assert_eq!(a.index_of(&root(2)), None);
        assert!(a.prune(&cp(1, 4), SPE).dropped.is_empty(), "nothing more");
        assert!(a.prune(&cp(2, 99), SPE).dropped.is_empty(), "unknown root");
    }

    #[test]
    fn inserting_needs_a_known_parent_and_a_new_root() {
        let mut a = fork();
        assert!(matches!(
            a.insert(node(9, Some(42), 9)),
            Err(ForkChoiceError::Inconsistent(_))
        ));
        assert!(matches!(
            a.insert(node(9, None, 9)),
            Err(ForkChoiceError::Inconsistent(_))
        ));
        assert!(matches!(
            a.insert(node(2, Some(1), 9)),
            Err(ForkChoiceError::Inconsistent(_))
        ));
        assert_eq!(a.len(), 5, "nothing was added");
    }

    #[test]
    fn decoded_nodes_must_keep_the_invariants() {
        let good = fork().nodes().to_vec();
        assert!(ProtoArray::from_nodes(good.clone()).is_ok());
        assert!(ProtoArray::from_nodes(Vec::new()).is_err());
        let mut bad = good.clone();
        bad[2].parent = Some(3);
        assert!(ProtoArray::from_nodes(bad).is_err());
        let mut bad = good.clone();
        bad[4].root = bad[1].root;
        assert!(ProtoArray::from_nodes(bad).is_err());
        let mut bad = good.clone();
        bad[1].best_child = Some(4);
        assert!(ProtoArray::from_nodes(bad).is_err());
        let mut bad = good.clone();
        bad[3].best_descendant = Some(2);
        assert!(ProtoArray::from_nodes(bad).is_err());
        let mut bad = good;
        bad[2].slot = 1;
        assert!(ProtoArray::from_nodes(bad).is_err());
    }
}
