//! `ssz_static/<Container>/<case>/`: `value.yaml`, `serialized.ssz_snappy`, `roots.yaml`.
//! The serialized bytes must decode to the YAML value, re-encode to the same bytes, and
//! hash to the root; for `ForkData` and `SigningData` the root must also be what the
//! crypto crate's `compute_fork_data_root` / `compute_signing_root` compute.

use crate::files::{CaseReader, decompress};
use crate::meta::{BLS_NONE, Meta};
use crate::schema::{ForkData, Roots, SigningData};
use anyhow::{Result, bail};
use etn_types::ssz::{decode, encode, hash_tree_root};
use etn_types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ssz_rs::SimpleSerialize;

/// Calls `$m!(Name)` for every container of the spec, so the list exists once.
#[macro_export]
macro_rules! for_each_container {
    ($m:ident) => {
        $m!(
            Fork,
            ForkData,
            Checkpoint,
            Validator,
            AttestationData,
            IndexedAttestation,
            BeaconBlockHeader,
            SigningData,
            ChainConfig,
            Builder,
            TicketBid,
            TicketRound,
            BuilderAssignment,
            TicketAccounting,
            Attestation,
            AttesterSlashing,
            BuyTickets,
            SignedBuyTickets,
            SellTickets,
            SignedSellTickets,
            ExecutionPayload,
            SignedExecutionPayload,
            BeaconBlockBody,
            BeaconBlock,
            SignedBeaconBlock,
            BeaconState,
            AggregateAndProof,
            SignedAggregateAndProof,
            StatusMessage,
            BlocksByRangeRequest
        )
    };
}

macro_rules! names {
    ($($name:ident),*) => {
        &[$(stringify!($name)),*]
    };
}

/// Every container name (the `ssz_static` handlers).
pub const CONTAINERS: &[&str] = for_each_container!(names);

pub fn run(handler: &str, case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting != BLS_NONE {
        bail!("ssz_static cases involve no signatures (bls_setting must be 0)");
    }
    macro_rules! dispatch {
        ($($name:ident),*) => {
            match handler {
                $(stringify!($name) => check::<$name>(case).map(|_| ()),)*
                other => bail!("unknown container {other}"),
            }
        };
    }
    for_each_container!(dispatch)?;
    match handler {
        "ForkData" => {
            let value: ForkData = check(case)?;
            let computed = etn_crypto::compute_fork_data_root(
                value.current_version.0,
                value.genesis_validators_root.0,
            );
            let root: Roots = case.yaml("roots")?;
            if computed != root.root.0 {
                bail!("compute_fork_data_root gives 0x{}", hex(&computed));
            }
        }
        "SigningData" => {
            let value: SigningData = check(case)?;
            let computed = etn_crypto::compute_signing_root(value.object_root.0, value.domain.0);
            let root: Roots = case.yaml("roots")?;
            if computed != root.root.0 {
                bail!("compute_signing_root gives 0x{}", hex(&computed));
            }
        }
        _ => {}
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check<T>(case: &CaseReader) -> Result<T>
where
    T: SimpleSerialize + Serialize + DeserializeOwned + PartialEq + Clone + std::fmt::Debug,
{
    let bytes = decompress(&case.raw("serialized.ssz_snappy")?)?;
    let decoded: T = decode(&bytes)?;
    let value: T = case.yaml("value")?;
    if decoded != value {
        bail!(
            "serialized bytes decode to a different value: {}",
            crate::diff::describe(&value, &decoded)
        );
    }
    if encode(&decoded)? != bytes {
        bail!("re-encoding the decoded value gives different bytes");
    }
    let root: Roots = case.yaml("roots")?;
    let computed = hash_tree_root(&decoded)?;
    if computed != root.root {
        bail!("hash_tree_root is {computed}, expected {}", root.root);
    }
    Ok(decoded)
}
