//! etn's protocol types: SSZ containers, constants, domains and the chain configuration.
//!
//! Pure data: no I/O and no cryptography. Every container derives SSZ encoding and
//! `hash_tree_root`; all decoding of outside bytes goes through [`ssz::decode`].

pub mod chain_section;
pub mod config;
pub mod constants;
pub mod containers;
pub mod primitives;
pub mod ssz;

pub use chain_section::ChainSection;
pub use config::*;
pub use constants::*;
pub use containers::*;
pub use primitives::*;
pub use ssz::{
    Bytes4, Bytes32, Bytes48, Bytes96, CachedList, CachedVector, SszError, VarList, VarVector,
};
