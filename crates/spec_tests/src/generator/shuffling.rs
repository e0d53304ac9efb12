//! `shuffling/core/shuffle`: the swap-or-not permutation for list sizes around the
//! 256-position block boundary of the source hashes, for the minimal and mainnet round
//! counts and for zero rounds (the identity).

use super::Ctx;
use crate::files::CaseWriter;
use crate::meta::{BLS_NONE, Meta};
use crate::rng::Rng;
use crate::schema::Mapping;
use anyhow::Result;
use etn_state::shuffle::compute_shuffled_index;
use etn_types::Bytes32;

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let mut rng = Rng::new(0x5_4f0f);
    let counts = [0u64, 1, 2, 3, 5, 10, 24, 100, 255, 256, 257, 300];
    for rounds in [0u64, 10, 90] {
        for count in counts {
            if rounds == 0 && count > 10 {
                continue;
            }
            let seed = Bytes32(rng.bytes());
            let mapping = (0..count)
                .map(|i| {
                    compute_shuffled_index(i as usize, count as usize, &seed.0, rounds as u8) as u64
                })
                .collect();
            let case = format!("shuffle_{count}_rounds_{rounds}");
            let w = CaseWriter::create(&ctx.out, "shuffling", "core/shuffle", &case)?;
            w.yaml(
                "meta",
                &Meta::new(
                    format!("compute_shuffled_index over {count} indices, {rounds} rounds"),
                    BLS_NONE,
                ),
            )?;
            w.yaml(
                "mapping",
                &Mapping {
                    seed,
                    count,
                    rounds,
                    mapping,
                },
            )?;
            ctx.count("shuffling", "core");
        }
    }
    Ok(())
}
