//! `WeightIndex`: a Fenwick (binary indexed) tree over holders' weights.
//!
//! The spec defines a weighted draw as "the first holder whose running sum of weights
//! exceeds `r`", scanning holders in index order. This tree answers exactly that question
//! in O(log n), and updates one holder's weight in O(log n), so drawing among millions
//! of tickets costs a few microseconds.

use super::error::MechanismError;
use super::sampling::{uniform_below_big, uniform_below_u128};
use num_bigint::BigUint;
use num_traits::Zero;

/// Integers a [`WeightIndex`] can sum: `u128` for small rules, `BigUint` for Tullock.
pub trait IndexWeight: Clone + Ord + std::fmt::Debug {
    fn zero() -> Self;
    fn checked_add(&self, other: &Self) -> Option<Self>;
    /// `self - other`; callers guarantee `other <= self`.
    fn minus(&self, other: &Self) -> Self;
    fn is_zero(&self) -> bool;
    /// A uniform draw in `[0, self)`.
    fn uniform_below(&self, seed: &[u8; 32]) -> Self;
}

impl IndexWeight for u128 {
    fn zero() -> Self {
        0
    }
    fn checked_add(&self, other: &Self) -> Option<Self> {
        u128::checked_add(*self, *other)
    }
    fn minus(&self, other: &Self) -> Self {
        self.saturating_sub(*other)
    }
    fn is_zero(&self) -> bool {
        *self == 0
    }
    fn uniform_below(&self, seed: &[u8; 32]) -> Self {
        uniform_below_u128(*self, seed)
    }
}

impl IndexWeight for BigUint {
    fn zero() -> Self {
        Zero::zero()
    }
    fn checked_add(&self, other: &Self) -> Option<Self> {
        Some(self + other)
    }
    fn minus(&self, other: &Self) -> Self {
        if other > self {
            Zero::zero()
        } else {
            self - other
        }
    }
    fn is_zero(&self) -> bool {
        Zero::is_zero(self)
    }
    fn uniform_below(&self, seed: &[u8; 32]) -> Self {
        uniform_below_big(self, seed)
    }
}

#[derive(Debug, Clone)]
pub struct WeightIndex<W: IndexWeight> {
    /// 1-based Fenwick array: `tree[i]` sums the weights of `(i - lowbit(i), i]`.
    tree: Vec<W>,
    weights: Vec<W>,
    total: W,
}

impl<W: IndexWeight> WeightIndex<W> {
    /// Builds the index in O(n).
    pub fn new(weights: Vec<W>) -> Result<Self, MechanismError> {
        let n = weights.len();
        let mut tree = Vec::with_capacity(n + 1);
        tree.push(W::zero());
        tree.extend(weights.iter().cloned());
        for i in 1..=n {
            let parent = i + (i & i.wrapping_neg());
            if parent <= n {
                let sum = tree[parent]
                    .checked_add(&tree[i])
                    .ok_or(MechanismError::Overflow("weight index"))?;
                tree[parent] = sum;
            }
        }
        let mut total = W::zero();
        for w in &weights {
            total = total
                .checked_add(w)
                .ok_or(MechanismError::Overflow("weight total"))?;
        }
        Ok(Self {
            tree,
            weights,
            total,
        })
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    pub fn total(&self) -> &W {
        &self.total
    }

    pub fn weight(&self, index: usize) -> Option<&W> {
        self.weights.get(index)
    }

    /// Replaces one holder's weight in O(log n).
    pub fn set(&mut self, index: usize, weight: W) -> Result<(), MechanismError> {
        let len = self.weights.len();
        let old = self
            .weights
            .get(index)
            .cloned()
            .ok_or(MechanismError::IndexOutOfRange { index, len })?;
        let increase = weight >= old;
        let delta = if increase {
            weight.minus(&old)
        } else {
            old.minus(&weight)
        };
        let new_total = if increase {
            self.total
                .checked_add(&delta)
                .ok_or(MechanismError::Overflow("weight total"))?
        } else {
            self.total.minus(&delta)
        };
        let mut i = index + 1;
        while i <= len {
            self.tree[i] = if increase {
                self.tree[i]
                    .checked_add(&delta)
                    .ok_or(MechanismError::Overflow("weight index"))?
            } else {
                self.tree[i].minus(&delta)
            };
            i += i & i.wrapping_neg();
        }
        self.weights[index] = weight;
        self.total = new_total;
        Ok(())
    }

    /// The first holder whose running sum of weights exceeds `r` (requires `r < total`).
    pub fn find(&self, r: &W) -> Option<usize> {
        if *r >= self.total {
            return None;
        }
        let n = self.weights.len();
        let mut step = if n == 0 {
            0
        } else {
            1usize << (usize::BITS - 1 - n.leading_zeros())
        };
        let mut pos = 0usize;
        let mut remaining = r.clone();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= remaining {
                remaining = remaining.minus(&self.tree[next]);
                pos = next;
            }
            step >>= 1;
        }
        // `pos` holders have a running sum <= r; the next one is the first to exceed it.
        Some(pos)
    }

    /// A weighted draw with the spec's seed-to-integer rule; `None` if all weights are 0.
    pub fn sample(&self, seed: &[u8; 32]) -> Option<usize> {
        if self.total.is_zero() {
            return None;
        }
        self.find(&self.total.uniform_below(seed))
    }
}

/// The spec's reference draw, a linear scan: used by tests and for tiny rounds.
pub fn select_by_linear_scan<W: IndexWeight>(weights: &[W], seed: &[u8; 32]) -> Option<usize> {
    let mut total = W::zero();
    for w in weights {
        total = total.checked_add(w)?;
    }
    if total.is_zero() {
        return None;
    }
    let r = total.uniform_below(seed);
    let mut running = W::zero();
    for (i, w) in weights.iter().enumerate() {
        running = running.checked_add(w)?;
        if r < running {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn tree_agrees_with_linear_scan(
            weights in proptest::collection::vec(0u128..50, 1..200),
            seeds in proptest::collection::vec(any::<[u8; 32]>(), 1..8),
        ) {
            let index = WeightIndex::new(weights.clone()).unwrap();
            for seed in &seeds {
                prop_assert_eq!(index.sample(seed), select_by_linear_scan(&weights, seed));
            }
        }

        #[test]
        fn updates_keep_tree_exact(
            weights in proptest::collection::vec(0u128..50, 1..100),
            updates in proptest::collection::vec((any::<usize>(), 0u128..80), 0..40),
            seed in any::<[u8; 32]>(),
        ) {
            let mut index = WeightIndex::new(weights.clone()).unwrap();
            let mut plain = weights;
            for (i, w) in updates {
                let i = i % plain.len();
                index.set(i, w).unwrap();
                plain[i] = w;
            }
            prop_assert_eq!(*index.total(), plain.iter().sum::<u128>());
            prop_assert_eq!(index.sample(&seed), select_by_linear_scan(&plain, &seed));
            // every r maps to the holder whose interval contains it
            let mut running = 0u128;
            for (i, w) in plain.iter().enumerate() {
                for r in running..running + w {
                    prop_assert_eq!(index.find(&r), Some(i));
                }
                running += w;
            }
        }
    }

    #[test]
    fn empty_and_zero_weights_draw_nothing() {
        assert_eq!(
            WeightIndex::<u128>::new(vec![]).unwrap().sample(&[1; 32]),
            None
        );
        assert_eq!(
            WeightIndex::new(vec![0u128, 0]).unwrap().sample(&[1; 32]),
            None
        );
        assert!(WeightIndex::new(vec![0u128, 1]).unwrap().set(5, 1).is_err());
    }

    #[test]
    fn overflow_is_an_error() {
        assert!(WeightIndex::new(vec![u128::MAX, 1]).is_err());
    }
}
