//! Checked arithmetic for balances and counters: overflow is a typed error, never a wrap.

use crate::error::StateError;

pub fn add(a: u64, b: u64, what: &'static str) -> Result<u64, StateError> {
    a.checked_add(b).ok_or(StateError::Overflow(what))
}

pub fn sub(a: u64, b: u64, what: &'static str) -> Result<u64, StateError> {
    a.checked_sub(b).ok_or(StateError::Overflow(what))
}

/// `x` as a little-endian 8-byte string (the spec's `uint_to_bytes(uint64(x))`).
pub fn le64(x: u64) -> [u8; 8] {
    x.to_le_bytes()
}

/// `sha256` of the concatenation of `parts`.
pub fn hash_concat(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}
