//! Turning a 32-byte seed into an exact uniform integer, and a weighted choice.
//!
//! `uniform_below(n, seed)` draws candidates of exactly `bit_length(n - 1)` bits from a
//! SHA-256 stream keyed by the seed and rejects those `>= n`. There is no modulo bias at
//! all, and each attempt succeeds with probability above 1/2.

use num_bigint::BigUint;
use sha2::{Digest, Sha256};

/// The `j`-th 32-byte block of attempt `attempt`: `sha256(seed || le64(attempt) || le64(j))`.
fn stream_block(seed: &[u8; 32], attempt: u64, block: u64) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(seed);
    hasher.update(attempt.to_le_bytes());
    hasher.update(block.to_le_bytes());
    hasher.finalize().into()
}

/// The first `len` bytes of attempt `attempt`'s stream.
fn attempt_bytes(seed: &[u8; 32], attempt: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len.next_multiple_of(32));
    let mut block = 0u64;
    while out.len() < len {
        out.extend_from_slice(&stream_block(seed, attempt, block));
        block += 1;
    }
    out.truncate(len);
    out
}

/// Uniform integer in `[0, n)`; `n` must be at least 1 (returns 0 for `n <= 1`).
pub fn uniform_below_u128(n: u128, seed: &[u8; 32]) -> u128 {
    if n <= 1 {
        return 0;
    }
    let bits = 128 - (n - 1).leading_zeros();
    let len = bits.div_ceil(8) as usize;
    let mask = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    let mut attempt = 0u64;
    loop {
        // Fewer than 17 bytes: one hash block per attempt.
        let block = stream_block(seed, attempt, 0);
        let mut word = [0u8; 16];
        word[..len].copy_from_slice(&block[..len]);
        let candidate = u128::from_le_bytes(word) & mask;
        if candidate < n {
            return candidate;
        }
        attempt = attempt.wrapping_add(1);
    }
}

/// Uniform integer in `[0, n)` for weights beyond 128 bits (Tullock weights).
/// Gives the same answer as [`uniform_below_u128`] whenever `n` fits in 128 bits.
pub fn uniform_below_big(n: &BigUint, seed: &[u8; 32]) -> BigUint {
    let one = BigUint::from(1u8);
    if *n <= one {
        return BigUint::default();
    }
    let bits = (n - &one).bits();
    let len = bits.div_ceil(8) as usize;
    let mask = (BigUint::from(1u8) << bits) - &one;
    let mut attempt = 0u64;
    loop {
        let candidate = BigUint::from_bytes_le(&attempt_bytes(seed, attempt, len)) & &mask;
        if candidate < *n {
            return candidate;
        }
        attempt = attempt.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_big_paths_agree() {
        for n in [
            2u128,
            3,
            7,
            255,
            256,
            257,
            1 << 40,
            (1 << 64) + 12345,
            u128::MAX,
        ] {
            for s in 0..20u8 {
                let seed = [s; 32];
                assert_eq!(
                    BigUint::from(uniform_below_u128(n, &seed)),
                    uniform_below_big(&BigUint::from(n), &seed),
                    "n = {n}"
                );
            }
        }
    }

    #[test]
    fn results_are_below_n() {
        for s in 0..200u8 {
            let seed = [s; 32];
            assert!(uniform_below_u128(3, &seed) < 3);
            let n = BigUint::from(3u8) << 300;
            assert!(uniform_below_big(&n, &seed) < n);
        }
        assert_eq!(uniform_below_u128(1, &[0; 32]), 0);
        assert_eq!(uniform_below_u128(0, &[0; 32]), 0);
    }

    #[test]
    fn first_attempt_is_the_masked_stream() {
        // n = 256: 8 bits, one byte, never rejected: the draw is the first stream byte.
        let seed = [42u8; 32];
        let expected = stream_block(&seed, 0, 0)[0] as u128;
        assert_eq!(uniform_below_u128(256, &seed), expected);
    }
}
