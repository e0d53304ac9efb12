//! SSZ plumbing shared by every container: fixed byte strings, the checked list of
//! variable-size elements, the Merkle-cached collections of the state, Merkle helpers,
//! and encode/decode/root entry points that turn ssz_rs's errors into one typed error.

mod bytes;
mod cached;
pub mod merkle;
mod var_list;

pub use bytes::{Bytes4, Bytes32, Bytes48, Bytes96};
pub use cached::{CachedList, CachedVector};
pub use var_list::{VarList, VarVector};

use ssz_rs::prelude::*;

/// Why an SSZ value could not be encoded, decoded or hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SszError {
    #[error("malformed SSZ: {0}")]
    Decode(String),
    #[error("value cannot be SSZ-encoded: {0}")]
    Encode(String),
    #[error("value cannot be merkleized: {0}")]
    Merkle(String),
}

/// SSZ-encodes `value`. Fails only for a list that was grown past its limit.
pub fn encode<T: SimpleSerialize>(value: &T) -> Result<Vec<u8>, SszError> {
    let mut out = Vec::new();
    value
        .serialize(&mut out)
        .map_err(|e| SszError::Encode(e.to_string()))?;
    Ok(out)
}

/// Decodes SSZ bytes from anywhere outside the process (gossip, disk, test vectors).
/// Malformed input is an error, never a panic (see the property tests per container).
pub fn decode<T: SimpleSerialize>(bytes: &[u8]) -> Result<T, SszError> {
    T::deserialize(bytes).map_err(|e| SszError::Decode(e.to_string()))
}

/// `hash_tree_root(value)` as a `Root`.
///
/// ssz_rs needs `&mut` to hash (so that types may cache); containers that are hashed by
/// shared reference are cloned first, which is cheap for everything but the state, and
/// the state is always hashed through `&mut`.
pub fn hash_tree_root<T: SimpleSerialize + Clone>(value: &T) -> Result<Bytes32, SszError> {
    hash_tree_root_mut(&mut value.clone())
}

/// `hash_tree_root` of a value the caller can lend mutably (no clone).
pub fn hash_tree_root_mut<T: SimpleSerialize>(value: &mut T) -> Result<Bytes32, SszError> {
    let node = value
        .hash_tree_root()
        .map_err(|e| SszError::Merkle(e.to_string()))?;
    Bytes32::from_slice(node.as_ref())
        .ok_or_else(|| SszError::Merkle("root is not 32 bytes".into()))
}
