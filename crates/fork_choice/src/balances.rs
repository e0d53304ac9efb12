//! The stake that votes and the proposer boost weigh with.
//!
//! etn's validator set and effective balances are fixed at genesis, so the only thing a
//! justified state changes about vote weights is which validators it has slashed (they
//! weigh nothing, as in the spec's `get_weight`). The store therefore keeps the genesis
//! effective balances once and, per block, the few indices its post-state has slashed.

use crate::error::ForkChoiceError;
use etn_types::{BeaconState, Gwei};

/// Proposer boost, in percent of one slot's committee weight.
pub const PROPOSER_SCORE_BOOST: u64 = 40;

/// Effective balance of every validator, in index order.
pub(crate) fn effective_balances(state: &BeaconState) -> Vec<Gwei> {
    state
        .validators
        .iter()
        .map(|v| v.effective_balance)
        .collect()
}

/// Indices of the validators `state` has slashed, in increasing order.
pub(crate) fn slashed_indices(state: &BeaconState) -> Vec<u64> {
    state
        .validators
        .iter()
        .enumerate()
        .filter(|(_, v)| v.slashed)
        .map(|(i, _)| i as u64)
        .collect()
}

/// Vote weights under a justified state that slashed `slashed`.
pub(crate) fn justified_balances(effective: &[Gwei], slashed: &[u64]) -> Vec<Gwei> {
    let mut balances = effective.to_vec();
    for index in slashed {
        if let Some(balance) = usize::try_from(*index)
            .ok()
            .and_then(|i| balances.get_mut(i))
        {
            *balance = 0;
        }
    }
    balances
}

/// Sum of effective balances (every etn validator is active), checked.
pub(crate) fn total_balance(effective: &[Gwei]) -> Result<Gwei, ForkChoiceError> {
    effective.iter().try_fold(0u64, |acc, b| {
        acc.checked_add(*b)
            .ok_or(ForkChoiceError::Overflow("total active balance"))
    })
}

/// `get_proposer_score`: `PROPOSER_SCORE_BOOST` percent of the average committee weight
/// of one slot (`total_active_balance // slots_per_epoch`).
pub(crate) fn proposer_score(total_active_balance: Gwei, slots_per_epoch: u64) -> Gwei {
    let committee_weight = total_active_balance / slots_per_epoch.max(1);
    // committee_weight * 40 fits in u128; the result is at most committee_weight.
    (u128::from(committee_weight) * u128::from(PROPOSER_SCORE_BOOST) / 100) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashed_validators_weigh_nothing() {
        assert_eq!(justified_balances(&[5, 6, 7], &[1, 9]), vec![5, 0, 7]);
    }

    #[test]
    fn boost_is_forty_percent_of_a_slot_committee() {
        // 64 validators of 32 ETH over 8 slots: 256 ETH per slot, 102.4 ETH boost.
        assert_eq!(proposer_score(64 * 32_000_000_000, 8), 102_400_000_000);
        assert_eq!(proposer_score(u64::MAX, 1), u64::MAX / 100 * 40 + 6);
    }

    #[test]
    fn totals_are_checked() {
        assert_eq!(total_balance(&[1, 2]), Ok(3));
        assert!(total_balance(&[u64::MAX, 1]).is_err());
    }
}
