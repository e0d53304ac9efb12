//! The swap-or-not shuffle of the phase0 spec, one index at a time and for a whole list.

use crate::math::hash_concat;

/// `compute_shuffled_index(index, index_count, seed)` exactly as in phase0.
pub fn compute_shuffled_index(
    mut index: usize,
    count: usize,
    seed: &[u8; 32],
    rounds: u8,
) -> usize {
    if count <= 1 {
        return 0;
    }
    for round in 0..rounds {
        let pivot = pivot(seed, round, count);
        let flip = (pivot + count - index) % count;
        let position = index.max(flip);
        let source = source_block(seed, round, position / 256);
        if bit_at(&source, position) {
            index = flip;
        }
    }
    index
}

/// `shuffled[i] == compute_shuffled_index(i, n, seed)` for every `i`, computed with one
/// hash per 256 positions per round instead of one per index per round.
pub fn shuffled_positions(count: usize, seed: &[u8; 32], rounds: u8) -> Vec<usize> {
    let mut current: Vec<usize> = (0..count).collect();
    if count <= 1 {
        return vec![0; count];
    }
    let blocks = count.div_ceil(256);
    for round in 0..rounds {
        let pivot = pivot(seed, round, count);
        let sources: Vec<[u8; 32]> = (0..blocks).map(|b| source_block(seed, round, b)).collect();
        for index in current.iter_mut() {
            let flip = (pivot + count - *index) % count;
            let position = (*index).max(flip);
            if bit_at(&sources[position / 256], position) {
                *index = flip;
            }
        }
    }
    current
}

fn pivot(seed: &[u8; 32], round: u8, count: usize) -> usize {
    let digest = hash_concat(&[seed, &[round]]);
    let mut word = [0u8; 8];
    word.copy_from_slice(&digest[..8]);
    (u64::from_le_bytes(word) % count as u64) as usize
}

fn source_block(seed: &[u8; 32], round: u8, block: usize) -> [u8; 32] {
    hash_concat(&[seed, &[round], &(block as u32).to_le_bytes()])
}

fn bit_at(source: &[u8; 32], position: usize) -> bool {
    (source[(position % 256) / 8] >> (position % 8)) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_list_matches_per_index() {
        for count in [1usize, 2, 3, 10, 255, 256, 257, 600] {
            let seed = [count as u8; 32];
            let list = shuffled_positions(count, &seed, 10);
            for (i, got) in list.iter().enumerate() {
                assert_eq!(*got, compute_shuffled_index(i, count, &seed, 10));
            }
            let mut sorted = list.clone();
            sorted.sort();
            assert_eq!(sorted, (0..count).collect::<Vec<_>>(), "a permutation");
        }
    }

    #[test]
    fn matches_the_phase0_pseudocode_written_out_literally() {
        // The phase0 pseudo-code transcribed line by line with u64 arithmetic, as an
        // independent reading of the rule the optimised versions must agree with.
        fn reference(mut index: u64, count: u64, seed: &[u8; 32], rounds: u8) -> u64 {
            for r in 0..rounds {
                let h = hash_concat(&[seed, &[r]]);
                let pivot = u64::from_le_bytes(h[..8].try_into().unwrap()) % count;
                let flip = (pivot + count - index) % count;
                let position = index.max(flip);
                let source = hash_concat(&[seed, &[r], &((position / 256) as u32).to_le_bytes()]);
                let byte = source[((position % 256) / 8) as usize];
                if (byte >> (position % 8)) % 2 == 1 {
                    index = flip;
                }
            }
            index
        }
        let seed = [0x4f; 32];
        for i in 0..100u64 {
            assert_eq!(
                compute_shuffled_index(i as usize, 100, &seed, 10) as u64,
                reference(i, 100, &seed, 10)
            );
        }
    }
}
