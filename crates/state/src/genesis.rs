//! Genesis: the first state of a chain, from a config, validator keys and builders.

use crate::error::StateError;
use crate::math::add;
use etn_types::ssz::hash_tree_root;
use etn_types::*;

/// Everything that determines a genesis state.
#[derive(Debug, Clone)]
pub struct GenesisInput {
    pub genesis_time: u64,
    pub config: ChainConfig,
    /// `(pubkey, balance)` per validator, in index order.
    pub validators: Vec<(BlsPubkey, Gwei)>,
    /// `(pubkey, balance)` per builder, in index order.
    pub builders: Vec<(BlsPubkey, Gwei)>,
    /// Initial value of every RANDAO mix.
    pub randao_seed: Bytes32,
}

pub fn initialize_beacon_state(input: &GenesisInput) -> Result<BeaconState, StateError> {
    input.config.mechanism()?;
    if input.validators.is_empty() {
        return Err(StateError::MalformedState(
            "genesis needs at least one validator",
        ));
    }
    // Every committee must fit an aggregation bitlist.
    let config = &input.config;
    let n = input.validators.len() as u64;
    let spe = config.slots_per_epoch.max(1);
    let per_slot = (n / spe / config.target_committee_size.max(1))
        .clamp(1, config.max_committees_per_slot.max(1));
    let largest_committee = n.div_ceil(spe.saturating_mul(per_slot));
    if largest_committee > MAX_VALIDATORS_PER_COMMITTEE as u64 {
        return Err(StateError::MalformedState(
            "committees would exceed MAX_VALIDATORS_PER_COMMITTEE members",
        ));
    }
    if input
        .validators
        .iter()
        .any(|(_, balance)| *balance < MAX_EFFECTIVE_BALANCE)
    {
        return Err(StateError::MalformedState(
            "every genesis validator needs at least MAX_EFFECTIVE_BALANCE",
        ));
    }
    if input.validators.len() > VALIDATOR_REGISTRY_LIMIT
        || input.builders.len() > BUILDER_REGISTRY_LIMIT
    {
        return Err(StateError::MalformedState("registry exceeds its limit"));
    }
    let mut state = BeaconState {
        genesis_time: input.genesis_time,
        fork: Fork {
            previous_version: GENESIS_FORK_VERSION,
            current_version: GENESIS_FORK_VERSION,
            epoch: GENESIS_EPOCH,
        },
        config: input.config.clone(),
        latest_block_header: BeaconBlockHeader {
            body_root: hash_tree_root(&BeaconBlockBody::default())?,
            ..Default::default()
        },
        ticket_price: input.config.base_ticket_price,
        ..Default::default()
    };
    // The limits were checked above, so no push below can be refused.
    const FULL: StateError = StateError::MalformedState("registry exceeds its limit");
    let mut supply = 0u64;
    for (pubkey, balance) in &input.validators {
        state
            .validators
            .push(Validator {
                pubkey: *pubkey,
                effective_balance: MAX_EFFECTIVE_BALANCE,
                slashed: false,
            })
            .map_err(|_| FULL)?;
        state.balances.push(*balance).map_err(|_| FULL)?;
        state
            .previous_epoch_participation
            .push(0)
            .map_err(|_| FULL)?;
        state
            .current_epoch_participation
            .push(0)
            .map_err(|_| FULL)?;
        supply = add(supply, *balance, "genesis supply")?;
    }
    for (pubkey, balance) in &input.builders {
        state
            .builders
            .push(Builder {
                pubkey: *pubkey,
                balance: *balance,
                ..Default::default()
            })
            .map_err(|_| FULL)?;
        supply = add(supply, *balance, "genesis supply")?;
    }
    for mix in state.randao_mixes.iter_mut() {
        *mix = input.randao_seed;
    }
    for (i, entry) in state.builder_assignments.iter_mut().enumerate() {
        *entry = BuilderAssignment {
            slot: i as u64,
            builder_index: NO_BUILDER,
            ..Default::default()
        };
    }
    state.accounting.genesis_supply = supply;
    state.genesis_validators_root = hash_tree_root(&state.validators)?;
    Ok(state)
}

/// A devnet genesis from deterministic keys: `validators` validators of 32 ETH each and
/// one builder per entry of `builder_balances`.
pub fn devnet_genesis_input(
    config: ChainConfig,
    genesis_time: u64,
    validators: u64,
    builder_balances: &[Gwei],
) -> GenesisInput {
    let validator_keys = (0..validators)
        .map(|i| {
            let pk = etn_crypto::devnet_validator_secret_key(i)
                .public_key()
                .to_bytes();
            (Bytes48(pk), MAX_EFFECTIVE_BALANCE)
        })
        .collect();
    let builders = builder_balances
        .iter()
        .enumerate()
        .map(|(i, balance)| {
            let pk = etn_crypto::devnet_builder_secret_key(i as u64)
                .public_key()
                .to_bytes();
            (Bytes48(pk), *balance)
        })
        .collect();
    GenesisInput {
        genesis_time,
        config,
        validators: validator_keys,
        builders,
        randao_seed: Bytes32(crate::math::hash_concat(&[
            b"etn-genesis",
            &genesis_time.to_le_bytes(),
        ])),
    }
}
