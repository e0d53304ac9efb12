//! `genesis/initialization` and `genesis/devnet`: `initialize_beacon_state` from explicit
//! inputs (every input check, both sides of each bound) and from the deterministic devnet
//! keys (including the spec's check values).

use super::Ctx;
use crate::chain::config;
use crate::files::CaseWriter;
use crate::meta::{BLS_NONE, Meta, state_error_name};
use crate::schema::{Account, DevnetData, GenesisData};
use anyhow::{Result, bail};
use etn_state::{GenesisInput, devnet_genesis_input, initialize_beacon_state};
use etn_types::ssz::hash_tree_root;
use etn_types::*;

fn write_initialization(
    ctx: &mut Ctx,
    name: &str,
    description: &str,
    data: GenesisData,
    expect: Option<&str>,
) -> Result<()> {
    let input = GenesisInput {
        genesis_time: data.genesis_time,
        config: data.config.clone(),
        validators: data
            .validators
            .iter()
            .map(|a| (a.pubkey, a.balance))
            .collect(),
        builders: data
            .builders
            .iter()
            .map(|a| (a.pubkey, a.balance))
            .collect(),
        randao_seed: data.randao_seed,
    };
    let result = initialize_beacon_state(&input);
    let mut meta = Meta::new(description, BLS_NONE);
    match (&result, expect) {
        (Ok(_), None) => {}
        (Err(e), Some(n)) if state_error_name(e) == n => meta.error = Some(n.into()),
        (r, e) => bail!(
            "genesis/initialization/{name}: got {:?}, built for {e:?}",
            r.as_ref().err()
        ),
    }
    let w = CaseWriter::create(&ctx.out, "genesis", "initialization", name)?;
    w.yaml("meta", &meta)?;
    w.yaml("input", &data)?;
    if let Ok(state) = result {
        w.ssz("state", &state)?;
    }
    ctx.count("genesis", "initialization");
    Ok(())
}

fn write_devnet(
    ctx: &mut Ctx,
    name: &str,
    description: &str,
    config: ChainConfig,
    time: u64,
    validators: u64,
    builders: &[Gwei],
) -> Result<()> {
    let input = devnet_genesis_input(config.clone(), time, validators, builders);
    let state = initialize_beacon_state(&input)?;
    let data = DevnetData {
        genesis_time: time,
        config,
        validator_count: validators,
        builder_balances: builders.to_vec(),
        state_root: hash_tree_root(&state)?,
    };
    let w = CaseWriter::create(&ctx.out, "genesis", "devnet", name)?;
    w.yaml("meta", &Meta::new(description, BLS_NONE))?;
    w.yaml("devnet", &data)?;
    w.ssz("state", &state)?;
    ctx.count("genesis", "devnet");
    Ok(())
}

pub fn generate(ctx: &mut Ctx) -> Result<()> {
    let base = devnet_genesis_input(ChainConfig::minimal(), 5, 8, &[700, 0, 12]);
    let account = |(pubkey, balance): &(BlsPubkey, Gwei)| Account {
        pubkey: *pubkey,
        balance: *balance,
    };
    let data = GenesisData {
        genesis_time: base.genesis_time,
        config: base.config.clone(),
        validators: base.validators.iter().map(account).collect(),
        builders: base.builders.iter().map(account).collect(),
        randao_seed: base.randao_seed,
    };
    let ok = |ctx: &mut Ctx, name: &str, d: &str, data: GenesisData| {
        write_initialization(ctx, name, d, data, None)
    };
    let bad = |ctx: &mut Ctx, name: &str, d: &str, data: GenesisData, e: &str| {
        write_initialization(ctx, name, d, data, Some(e))
    };
    ok(
        ctx,
        "eight_validators_three_builders",
        "8 validators of 32 ETH and builders of 700, 0 and 12 Gwei",
        data.clone(),
    )?;
    let mut d = data.clone();
    d.builders.clear();
    ok(ctx, "no_builders", "a chain without builders", d)?;
    let mut d = data.clone();
    d.validators[2].balance = MAX_EFFECTIVE_BALANCE + 1;
    ok(
        ctx,
        "validator_above_max",
        "a validator with more than 32 ETH: the excess is held, the effective balance stays 32 ETH",
        d,
    )?;
    let mut d = data.clone();
    d.validators[2].balance = MAX_EFFECTIVE_BALANCE - 1;
    bad(
        ctx,
        "validator_below_max",
        "a validator with one Gwei less than 32 ETH",
        d,
        "MalformedState",
    )?;
    let mut d = data.clone();
    d.validators.clear();
    bad(
        ctx,
        "no_validators",
        "an empty validator set",
        d,
        "MalformedState",
    )?;
    let mut d = data.clone();
    d.config.ticket_lookahead = 0;
    bad(
        ctx,
        "invalid_config",
        "a config with ticket_lookahead 0 (checked first)",
        d,
        "Config(OutOfRange)",
    )?;
    let mut d = data.clone();
    d.config.ticket_lookahead = 0;
    d.validators.clear();
    bad(
        ctx,
        "invalid_config_before_validators",
        "an invalid config and no validators: the config is checked first",
        d,
        "Config(OutOfRange)",
    )?;
    let mut d = data.clone();
    d.validators[0].balance = u64::MAX - MAX_EFFECTIVE_BALANCE * 7;
    ok(
        ctx,
        "supply_at_max",
        "balances summing to 2**64 - 1 less the builders' (the supply just fits)",
        {
            d.builders.clear();
            d
        },
    )?;
    let mut d = data.clone();
    d.validators[0].balance = u64::MAX;
    bad(
        ctx,
        "supply_overflow_validators",
        "validator balances summing past 2**64 - 1",
        d,
        "Overflow",
    )?;
    let mut d = data.clone();
    d.builders[0].balance = u64::MAX - 100;
    bad(
        ctx,
        "supply_overflow_builders",
        "builder balances pushing the supply past 2**64 - 1",
        d,
        "Overflow",
    )?;
    let mut d = data.clone();
    d.config = config(
        AllocationRule::Tullock {
            numerator: 3,
            denominator: 2,
        },
        PaymentRule::WinnerPay,
        TicketLifetime::Pool,
        PaymentDestination::Smooth,
        PricingRule::Eip1559,
    );
    d.config.sell_back = true;
    d.config.base_ticket_price = 17;
    ok(
        ctx,
        "pool_mechanism",
        "a pool, winner-pay, smooth, eip1559 chain with sell-back: the genesis price is the base price",
        d,
    )?;
    // Devnet inputs, with the spec's check values.
    write_devnet(
        ctx,
        "spec_check_values",
        "beacon-chain.md check values: minimal, time 0, 64 validators, 4 builders of 10**12 (state root 0x1ce538f0...)",
        ChainConfig::minimal(),
        0,
        64,
        &[1_000_000_000_000; 4],
    )?;
    write_devnet(
        ctx,
        "mainnet_preset",
        "the mainnet preset, time 1700000000, 16 validators, 2 builders",
        ChainConfig::mainnet(),
        1_700_000_000,
        16,
        &[5, 6],
    )?;
    Ok(())
}
