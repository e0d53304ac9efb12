//! The proto-array against the spec's pseudo-code: on random trees, votes, balances,
//! boosts, checkpoints and clocks, the incremental head must be the head that
//! `get_weight` and `filter_block_tree` (written out naively below) give.

use crate::proto_array::{ProtoArray, ProtoNode, Viability};
use crate::votes::Votes;
use etn_types::{Checkpoint, Root};
use proptest::prelude::*;

const SPE: u64 = 8;

#[derive(Debug, Clone)]
struct Case {
    /// Per node after the first: (parent choice, slot gap, justified, unrealized extra,
    /// root byte).
    nodes: Vec<(usize, u64, u64, u64, u8)>,
    votes: Vec<(Option<usize>, u64)>,
    boost: Option<(usize, u64)>,
    extra_epochs: u64,
    justified: (usize, u64),
    finalized: (usize, u64),
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(
            (any::<usize>(), 1..4u64, any::<u64>(), 0..3u64, any::<u8>()),
            0..24,
        ),
        proptest::collection::vec((proptest::option::of(any::<usize>()), 0..100u64), 0..24),
        proptest::option::of((any::<usize>(), 0..150u64)),
        0..4u64,
        (any::<usize>(), any::<u64>()),
        (any::<usize>(), any::<u64>()),
    )
        .prop_map(
            |(nodes, votes, boost, extra_epochs, justified, finalized)| Case {
                nodes,
                votes,
                boost,
                extra_epochs,
                justified,
                finalized,
            },
        )
}

fn checkpoint(epoch: u64, root: Root) -> Checkpoint {
    Checkpoint { epoch, root }
}

fn build(case: &Case) -> (Vec<ProtoNode>, Viability) {
    let root = |i: usize, byte: u8| {
        let mut r = [0u8; 32];
        r[0] = byte;
        r[1..9].copy_from_slice(&(i as u64).to_le_bytes());
        Root::from(r)
    };
    let mut nodes = vec![ProtoNode {
        root: root(0, 0),
        parent: None,
        slot: 0,
        justified: checkpoint(0, Root::ZERO),
        finalized: checkpoint(0, Root::ZERO),
        unrealized_justified: checkpoint(0, Root::ZERO),
        unrealized_finalized: checkpoint(0, Root::ZERO),
        weight: 0,
        best_child: None,
        best_descendant: None,
        slashed: Vec::new(),
    }];
    for (i, (parent, gap, justified, extra, byte)) in case.nodes.iter().enumerate() {
        let i = i + 1;
        let parent = parent % i;
        let slot = nodes[parent].slot + gap;
        let epoch = slot / SPE;
        let justified = justified % (epoch + 1);
        let unrealized = (justified + extra).min(epoch);
        nodes.push(ProtoNode {
            root: root(i, *byte),
            parent: Some(parent),
            slot,
            justified: checkpoint(justified, Root::ZERO),
            unrealized_justified: checkpoint(unrealized, Root::ZERO),
            ..nodes[0].clone()
        });
    }
    let max_epoch = nodes.iter().map(|n| n.slot / SPE).max().unwrap_or(0);
    let current_epoch = max_epoch + case.extra_epochs;
    let justified_epoch = case.justified.1 % (current_epoch + 1);
    let finalized_epoch = case.finalized.1 % (justified_epoch + 1);
    let rules = Viability {
        current_epoch,
        justified: checkpoint(justified_epoch, nodes[case.justified.0 % nodes.len()].root),
        finalized: checkpoint(finalized_epoch, nodes[case.finalized.0 % nodes.len()].root),
        slots_per_epoch: SPE,
    };
    (nodes, rules)
}

/// `get_ancestor`, on the node list.
fn ancestor(nodes: &[ProtoNode], mut i: usize, slot: u64) -> usize {
    while nodes[i].slot > slot {
        i = nodes[i].parent.expect("node 0 is at slot 0");
    }
    i
}

fn reference_weight(nodes: &[ProtoNode], case: &Case, i: usize) -> u64 {
    let n = nodes.len();
    let slot = nodes[i].slot;
    let votes: u64 = case
        .votes
        .iter()
        .filter_map(|(node, balance)| node.map(|v| (v % n, balance)))
        .filter(|(v, _)| ancestor(nodes, *v, slot) == i)
        .map(|(_, balance)| balance)
        .sum();
    let boost = case
        .boost
        .filter(|(b, _)| ancestor(nodes, b % n, slot) == i)
        .map_or(0, |(_, score)| score);
    votes + boost
}

fn leaf_viable(nodes: &[ProtoNode], rules: &Viability, i: usize) -> bool {
    let node = &nodes[i];
    let source = if rules.current_epoch > node.slot / SPE {
        node.unrealized_justified
    } else {
        node.justified
    };
    let correct_justified = rules.justified.epoch == 0
        || source.epoch == rules.justified.epoch
        || source.epoch + 2 >= rules.current_epoch;
    let correct_finalized = rules.finalized.epoch == 0
        || nodes[ancestor(nodes, i, rules.finalized.epoch * SPE)].root == rules.finalized.root;
    correct_justified && correct_finalized
}

fn filter(nodes: &[ProtoNode], rules: &Viability, i: usize, kept: &mut Vec<bool>) -> bool {
    let children: Vec<usize> = (0..nodes.len())
        .filter(|c| nodes[*c].parent == Some(i))
        .collect();
    let keep = if children.is_empty() {
        leaf_viable(nodes, rules, i)
    } else {
        let results: Vec<bool> = children
            .iter()
            .map(|c| filter(nodes, rules, *c, kept))
            .collect();
        results.into_iter().any(|r| r)
    };
    kept[i] = keep;
    keep
}

fn reference_head(nodes: &[ProtoNode], rules: &Viability, case: &Case) -> Root {
    let start = nodes
        .iter()
        .position(|n| n.root == rules.justified.root)
        .unwrap();
    let mut kept = vec![false; nodes.len()];
    filter(nodes, rules, start, &mut kept);
    let mut head = start;
    loop {
        let best = (0..nodes.len())
            .filter(|c| nodes[*c].parent == Some(head) && kept[*c])
            .max_by_key(|c| (reference_weight(nodes, case, *c), nodes[*c].root));
        match best {
            Some(child) => head = child,
            None => return nodes[head].root,
        }
    }
}

fn proto_head(nodes: Vec<ProtoNode>, rules: &Viability, case: &Case) -> Root {
    let n = nodes.len();
    let mut array = ProtoArray::from_nodes(nodes).unwrap();
    // Votes arrive in two rounds, so that moves (not only first votes) are exercised.
    let mut votes = Votes::new(case.votes.len());
    let balances: Vec<u64> = case.votes.iter().map(|(_, b)| *b).collect();
    for (v, (node, _)) in case.votes.iter().enumerate() {
        votes.record(v, ((v * 7) % n) as u32, 0);
        if let Some(node) = node {
            votes.record(v, (node % n) as u32, 1);
        } else {
            votes.mark_equivocating(v);
        }
    }
    let mut first = Votes::new(case.votes.len());
    for v in 0..case.votes.len() {
        first.record(v, ((v * 7) % n) as u32, 0);
    }
    let deltas = first
        .deltas(n, &vec![0; balances.len()], &balances)
        .unwrap();
    array.set_weights(&array.weights_after(deltas).unwrap());
    votes
        .votes
        .iter_mut()
        .zip(&first.votes)
        .for_each(|(v, f)| v.current = f.next);
    let mut deltas = votes.deltas(n, &balances, &balances).unwrap();
    if let Some((b, score)) = case.boost {
        deltas[b % n] += score as i64;
    }
    array.set_weights(&array.weights_after(deltas).unwrap());
    array.update_best(rules);
    let start = array.index_of(&rules.justified.root).unwrap();
    array.nodes()[array.head_from(start)].root
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn proto_array_head_is_the_spec_head(case in case()) {
        let (nodes, rules) = build(&case);
        let expected = reference_head(&nodes, &rules, &case);
        prop_assert_eq!(proto_head(nodes, &rules, &case), expected);
    }
}
