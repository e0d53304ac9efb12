//! The on-disk layout: keys and value encodings, shared by every [`ChainStore`]
//! implementation so that they behave identically (the memory store holds the same bytes
//! the sled store does, and decodes them the same way).
//!
//! Keys live in one keyspace, distinguished by their first byte:
//!
//! | key                    | value                                          |
//! |------------------------|------------------------------------------------|
//! | `b` ++ block root      | snappy(SSZ(`SignedBeaconBlock`))               |
//! | `s` ++ block root      | snappy(SSZ(`BeaconState`)), the block's post-state |
//! | `B` ++ block root      | empty: index entry of a stored block           |
//! | `S` ++ block root      | empty: index entry of a stored state           |
//! | `~meta`                | SSZ(`ChainMeta`) (144 bytes, uncompressed)      |
//! | `~forkchoice`          | snappy(snapshot bytes, opaque to the store)     |
//! | `~schema`              | `"etn-store\0"` ++ u32-le [`SCHEMA_VERSION`]      |
//!
//! The index entries are written and deleted in the same batch as the value they mark,
//! so they exist exactly when it does. They make [`block_roots`] and [`state_roots`]
//! scans of tiny keys: sled's iterator materialises every value it passes, and listing
//! 10,000 stored blocks through their values took ~100 ms (states, which grow with the
//! registry, would be far worse).
//!
//! Values are compressed with raw snappy (no framing: sled already checksums its log, so
//! the frame CRC would buy nothing). States shrink most (zero balances, empty rounds and
//! participation bytes; even the random-filled benchmark state shrinks by 31%), blocks
//! less (signatures and roots do not compress: 14% for a block with 32 attestations and
//! 128 ticket purchases), but snappy costs microseconds and one rule for every large
//! value keeps the layout simple. Every decode failure is a [`StoreError::Corrupt`]
//! naming the key.
//!
//! [`ChainStore`]: crate::ChainStore
//! [`block_roots`]: crate::ChainStore::block_roots
//! [`state_roots`]: crate::ChainStore::state_roots

use crate::error::StoreError;
use crate::meta::ChainMeta;
use etn_types::{BeaconState, Root, SignedBeaconBlock, ssz};
use ssz_rs::SimpleSerialize;

/// First byte of a block key.
pub(crate) const BLOCK_PREFIX: u8 = b'b';
/// First byte of a state key.
pub(crate) const STATE_PREFIX: u8 = b's';
/// First byte of a block's index entry.
pub(crate) const BLOCK_INDEX_PREFIX: u8 = b'B';
/// First byte of a state's index entry.
pub(crate) const STATE_INDEX_PREFIX: u8 = b'S';
pub(crate) const META_KEY: &[u8] = b"~meta";
pub(crate) const FORK_CHOICE_KEY: &[u8] = b"~forkchoice";
pub(crate) const SCHEMA_KEY: &[u8] = b"~schema";

/// Identifies a database as etn's (a sled directory written by another program has no
/// such record, or another value in it).
pub(crate) const SCHEMA_MAGIC: &[u8] = b"etn-store\0";
/// Bumped on any change to the layout above; a store of another version is refused
/// rather than misread.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest value the store will decompress. A corrupted snappy header can claim up to
/// 4 GiB; this cap turns that into a `Corrupt` error instead of a giant allocation. A
/// state with a million validators and a million builders is ~150 MB, well below it.
const MAX_DECOMPRESSED_LEN: usize = 1 << 30;

/// Length of a block or state key.
pub(crate) const ROOT_KEY_LEN: usize = 1 + Root::LEN;

pub(crate) fn block_key(root: &Root) -> Vec<u8> {
    prefixed(BLOCK_PREFIX, root)
}

pub(crate) fn state_key(root: &Root) -> Vec<u8> {
    prefixed(STATE_PREFIX, root)
}

pub(crate) fn block_index_key(root: &Root) -> Vec<u8> {
    prefixed(BLOCK_INDEX_PREFIX, root)
}

pub(crate) fn state_index_key(root: &Root) -> Vec<u8> {
    prefixed(STATE_INDEX_PREFIX, root)
}

fn prefixed(prefix: u8, root: &Root) -> Vec<u8> {
    let mut key = Vec::with_capacity(ROOT_KEY_LEN);
    key.push(prefix);
    key.extend_from_slice(root.as_ref());
    key
}

/// The root in a key found by a prefix scan. A key of the wrong length under a root
/// prefix can only come from corruption (or another program's writes).
pub(crate) fn root_from_key(key: &[u8]) -> Result<Root, StoreError> {
    if key.len() == ROOT_KEY_LEN
        && let Some(root) = Root::from_slice(&key[1..])
    {
        return Ok(root);
    }
    Err(StoreError::Corrupt {
        what: format!("key {}", describe_key(key)),
        detail: format!(
            "expected a 1-byte prefix and a 32-byte root, got {} bytes",
            key.len()
        ),
    })
}

/// A printable name for a raw key, used in errors.
pub(crate) fn describe_key(key: &[u8]) -> String {
    match (
        key.first(),
        Root::from_slice(key.get(1..).unwrap_or_default()),
    ) {
        (Some(&BLOCK_PREFIX), Some(root)) => format!("block {root}"),
        (Some(&STATE_PREFIX), Some(root)) => format!("state {root}"),
        (Some(&BLOCK_INDEX_PREFIX), Some(root)) => format!("block index entry {root}"),
        (Some(&STATE_INDEX_PREFIX), Some(root)) => format!("state index entry {root}"),
        _ if key == META_KEY => "chain meta".into(),
        _ if key == FORK_CHOICE_KEY => "fork-choice snapshot".into(),
        _ if key == SCHEMA_KEY => "schema record".into(),
        _ => format!("0x{}", hex(key)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- encoding (batch side) -------------------------------------------------------------

/// SSZ-encodes and compresses; `what` names the value for the error.
pub(crate) fn encode_compressed<T: SimpleSerialize>(
    what: impl Fn() -> String,
    value: &T,
) -> Result<Vec<u8>, StoreError> {
    let ssz = ssz::encode(value).map_err(|e| StoreError::Encode {
        what: what(),
        detail: e.to_string(),
    })?;
    compress(what, &ssz)
}

pub(crate) fn encode_meta(meta: &ChainMeta) -> Result<Vec<u8>, StoreError> {
    ssz::encode(meta).map_err(|e| StoreError::Encode {
        what: "chain meta".into(),
        detail: e.to_string(),
    })
}

/// Raw snappy; fails only for inputs over 4 GiB.
pub(crate) fn compress(what: impl Fn() -> String, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    snap::raw::Encoder::new()
        .compress_vec(bytes)
        .map_err(|e| StoreError::Encode {
            what: what(),
            detail: e.to_string(),
        })
}

// ---- decoding (read side) ----------------------------------------------------------------

pub(crate) fn decode_block(root: &Root, bytes: &[u8]) -> Result<SignedBeaconBlock, StoreError> {
    decode_compressed(|| format!("block {root}"), bytes)
}

pub(crate) fn decode_state(root: &Root, bytes: &[u8]) -> Result<BeaconState, StoreError> {
    decode_compressed(|| format!("state {root}"), bytes)
}

pub(crate) fn decode_meta(bytes: &[u8]) -> Result<ChainMeta, StoreError> {
    ssz::decode(bytes).map_err(|e| StoreError::Corrupt {
        what: "chain meta".into(),
        detail: e.to_string(),
    })
}

pub(crate) fn decode_fork_choice(bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    decompress(|| "fork-choice snapshot".into(), bytes)
}

fn decode_compressed<T: SimpleSerialize>(
    what: impl Fn() -> String,
    bytes: &[u8],
) -> Result<T, StoreError> {
    let ssz = decompress(&what, bytes)?;
    ssz::decode(&ssz).map_err(|e| StoreError::Corrupt {
        what: what(),
        detail: e.to_string(),
    })
}

fn decompress(what: impl Fn() -> String, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        what: what(),
        detail,
    };
    let len =
        snap::raw::decompress_len(bytes).map_err(|e| corrupt(format!("bad snappy header: {e}")))?;
    if len > MAX_DECOMPRESSED_LEN {
        return Err(corrupt(format!(
            "snappy header claims {len} bytes, more than the {MAX_DECOMPRESSED_LEN}-byte cap"
        )));
    }
    snap::raw::Decoder::new()
        .decompress_vec(bytes)
        .map_err(|e| corrupt(format!("bad snappy data: {e}")))
}

// ---- schema record -----------------------------------------------------------------------

pub(crate) fn schema_record() -> Vec<u8> {
    let mut value = SCHEMA_MAGIC.to_vec();
    value.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
    value
}

/// What a schema record says: `Ok(version)`, or `Err(reason)` if it is not etn's.
pub(crate) fn parse_schema_record(value: &[u8]) -> Result<u32, String> {
    let version = value
        .strip_prefix(SCHEMA_MAGIC)
        .and_then(|rest| <[u8; 4]>::try_from(rest).ok())
        .ok_or_else(|| format!("unrecognised schema record 0x{}", hex(value)))?;
    Ok(u32::from_le_bytes(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_key_names_every_kind_of_key() {
        let root = Root::from([7; 32]);
        assert!(describe_key(&block_key(&root)).starts_with("block 0x0707"));
        assert!(describe_key(&state_key(&root)).starts_with("state 0x0707"));
        assert_eq!(describe_key(META_KEY), "chain meta");
        assert_eq!(describe_key(b"\x01\x02"), "0x0102");
    }

    #[test]
    fn root_from_key_rejects_wrong_lengths() {
        let root = Root::from([9; 32]);
        assert_eq!(root_from_key(&block_key(&root)).unwrap(), root);
        assert!(matches!(
            root_from_key(b"b123"),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn decompress_refuses_a_huge_claimed_length() {
        // Varint 0xffffffff (4 GiB - 1) followed by nothing.
        let bytes = [0xff, 0xff, 0xff, 0xff, 0x0f];
        let err = decode_fork_choice(&bytes).unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt { what, detail }
                if what == "fork-choice snapshot" && detail.contains("cap")),
            "{err}"
        );
    }

    #[test]
    fn schema_record_round_trips_and_rejects_foreign_values() {
        assert_eq!(parse_schema_record(&schema_record()), Ok(SCHEMA_VERSION));
        assert!(parse_schema_record(b"something else").is_err());
        let mut v2 = SCHEMA_MAGIC.to_vec();
        v2.extend_from_slice(&2u32.to_le_bytes());
        assert_eq!(parse_schema_record(&v2), Ok(2));
    }
}
