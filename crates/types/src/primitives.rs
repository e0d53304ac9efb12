//! The spec's custom types. Integers are plain aliases (arithmetic stays readable and
//! checked at the call site); byte strings are the fixed newtypes of `ssz`.

use crate::ssz::{Bytes4, Bytes32, Bytes48, Bytes96};

pub type Slot = u64;
pub type Epoch = u64;
pub type CommitteeIndex = u64;
pub type ValidatorIndex = u64;
pub type BuilderIndex = u64;
/// Amounts of the chain's currency, in Gwei.
pub type Gwei = u64;
pub type ParticipationFlags = u8;

pub type Root = Bytes32;
pub type Hash32 = Bytes32;
pub type Version = Bytes4;
pub type DomainType = Bytes4;
pub type ForkDigest = Bytes4;
pub type Domain = Bytes32;
pub type BlsPubkey = Bytes48;
pub type BlsSignature = Bytes96;
