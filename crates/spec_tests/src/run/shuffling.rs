//! `shuffling/core/shuffle/<case>/mapping.yaml`: the swap-or-not shuffle, index by index
//! (`compute_shuffled_index`) and for a whole list at once (the committee computation).

use crate::files::CaseReader;
use crate::meta::{BLS_NONE, Meta};
use crate::schema::Mapping;
use anyhow::{Context, Result, bail};
use etn_state::shuffle::{compute_shuffled_index, shuffled_positions};

pub fn run(case: &CaseReader, meta: &Meta) -> Result<()> {
    if meta.bls_setting != BLS_NONE {
        bail!("shuffling cases involve no signatures (bls_setting must be 0)");
    }
    let data: Mapping = case.yaml("mapping")?;
    let count = usize::try_from(data.count).context("count")?;
    let rounds = u8::try_from(data.rounds).context("rounds must fit shuffle_round_count")?;
    if data.mapping.len() != count {
        bail!(
            "mapping has {} entries for count {count}",
            data.mapping.len()
        );
    }
    let seed = data.seed.0;
    for (index, expected) in data.mapping.iter().enumerate() {
        let got = compute_shuffled_index(index, count, &seed, rounds) as u64;
        if got != *expected {
            bail!("compute_shuffled_index({index}) = {got}, expected {expected}");
        }
    }
    let whole: Vec<u64> = shuffled_positions(count, &seed, rounds)
        .into_iter()
        .map(|i| i as u64)
        .collect();
    if whole != data.mapping {
        bail!("the whole-list shuffle differs from the index-by-index mapping");
    }
    Ok(())
}
