//! Devnet mode: the same experiment on a running `etn devnet`, read through its HTTP API.
//!
//! In a devnet the builders are the nodes' own builder duties (`genesis.builders` of the
//! devnet config): they sign their purchases and payloads, gossip them, and the
//! validators include them, over the real network and clock. So this mode does not drive
//! the chain as fast mode does; it translates the experiment into a devnet config
//! ([`devnet_config`]), and then watches the chain ([`run_devnet`]): it polls
//! `/etn/v1/tickets` for the bids of every open round (a round's bids stay visible until
//! the block that closes it), `/etn/v1/accounting` for every slot's assignment (winner,
//! revenue, payload status, inflow) and `/etn/v1/summary` for the head, and turns what it
//! saw into the same [`Run`] as fast mode, so the statistics and the report are shared.
//!
//! Differences from fast mode, all stated in the report's notes: the devnet's builders
//! bid when a round opens (`round_window` slots before it closes), not in its last
//! block; their learners are seeded by player index, not by the experiment seed; every
//! block and operation is BLS-signed and verified; values must be fixed (a devnet builder
//! has one value); and balances are not reconciled round by round, because the builders
//! also bid in rounds before and after the measured ones.

use crate::chain::AccountingSnapshot;
use crate::driver::{RoundRecord, Run};
use crate::file::Experiment;
use crate::values::ValueSpec;
use crate::{Outcome, predict, progress, results};
use anyhow::{Context, Result, bail, ensure};
use etn_mechanism::agents::{Hedge, StrategySpec};
use etn_mechanism::consensus::payment::round_charges;
use etn_types::{AllocationRule, Gwei, Slot, TicketBid, TicketLifetime};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How the devnet an experiment runs on is laid out on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevnetLayout {
    pub nodes: usize,
    /// Node `i` listens for peers on `base_p2p_port + i`.
    pub base_p2p_port: u16,
    /// Node `i` serves its API on `base_api_port + i`; the experiment reads node 0.
    pub base_api_port: u16,
}

impl Default for DevnetLayout {
    /// Four nodes, on ports away from `etn devnet`'s defaults so that an experiment can
    /// run beside a devnet someone is watching.
    fn default() -> Self {
        Self {
            nodes: 4,
            base_p2p_port: 19300,
            base_api_port: 15352,
        }
    }
}

/// The strategy a devnet builder should run for `spec`: the same, with a Hedge learning
/// rate tuned to the experiment's length (the devnet would otherwise tune it to its own
/// default horizon).
fn devnet_strategy(spec: &StrategySpec, slots: u64) -> StrategySpec {
    match *spec {
        StrategySpec::Hedge {
            points,
            learning_rate: None,
        } => StrategySpec::Hedge {
            points,
            learning_rate: Some(Hedge::default_learning_rate(points, slots)),
        },
        ref other => other.clone(),
    }
}

/// The experiment's fixed values, one per player, or why a devnet cannot play it.
fn fixed_values(experiment: &Experiment) -> Result<Vec<f64>> {
    experiment
        .players
        .iter()
        .map(|p| match p.value {
            ValueSpec::Fixed(v) => Ok(v),
            ref drawn => bail!(
                "builder `{}` draws its value ({}): a devnet builder has one fixed value, \
                 so drawn values run in fast mode only",
                p.id,
                drawn.describe()
            ),
        })
        .collect()
}

/// The devnet config (YAML, as `etn devnet --config` reads it) that plays `experiment`:
/// its chain, validators, and one `genesis.builders` entry per player with the
/// player's balance, value, strategy and identities.
pub fn devnet_config(experiment: &Experiment, layout: &DevnetLayout) -> Result<String> {
    let values = fixed_values(experiment)?;
    ensure!(
        experiment.order_rounds == 1,
        "order_rounds is a fast-mode setting: a devnet's builders place one purchase per round"
    );
    ensure!(layout.nodes >= 1, "a devnet needs at least one node");
    ensure!(
        layout.nodes as u64 <= experiment.validators,
        "{} nodes but {} validators: every node needs one",
        layout.nodes,
        experiment.validators
    );
    let c = &experiment.config;
    let m = experiment.mechanism();
    let mut chain = json!({
        "seconds_per_slot": c.seconds_per_slot,
        "slots_per_epoch": c.slots_per_epoch,
        "allocation": m.allocation.name(),
        "payment": m.payment.name(),
        "lifetime": m.lifetime.name(),
        "pricing": m.pricing.name(),
        "destination": m.destination.name(),
        "ticket_lookahead": c.ticket_lookahead,
        "round_window": c.round_window,
        "base_ticket_price": c.base_ticket_price,
        "target_tickets_per_slot": c.target_tickets_per_slot,
        "price_adjustment_quotient": c.price_adjustment_quotient,
        "max_execution_inflow_per_slot": c.max_execution_inflow_per_slot,
    });
    if let AllocationRule::Tullock {
        numerator,
        denominator,
    } = m.allocation
    {
        chain["alpha"] = json!(format!("{numerator}/{denominator}"));
    }
    let builders: Vec<Value> = experiment
        .players
        .iter()
        .zip(&values)
        .map(|(p, value)| {
            Ok(json!({
                "balance": p.balance,
                "value": value,
                "strategy": serde_json::to_value(devnet_strategy(&p.strategy, experiment.slots))?,
                "identities": p.identities,
            }))
        })
        .collect::<Result<_>>()?;
    let file = json!({
        "preset": experiment.preset,
        "chain": chain,
        "genesis": {
            "validators": experiment.validators,
            "builders": builders,
        },
        "devnet": {
            "nodes": layout.nodes,
            "base_p2p_port": layout.base_p2p_port,
            "base_api_port": layout.base_api_port,
            "value_unit_gwei": experiment.value_unit_gwei,
        },
    });
    let header = format!(
        "# Written by `etn experiment --mode devnet` for experiment `{}`: the devnet that \
         plays it.\n",
        experiment.name
    );
    Ok(header + &serde_yaml_ng::to_string(&file)?)
}

/// Slots a devnet must run to play every measured round and settle the last payload,
/// in epochs (for `etn devnet --epochs`).
pub fn devnet_epochs(experiment: &Experiment) -> u64 {
    let (_, last) = measured_rounds(experiment, 0);
    (last + 3).div_ceil(experiment.config.slots_per_epoch.max(1)) + 1
}

/// The measured rounds `[first, last]` when observation starts at slot `from`: the
/// first round whose whole purchase window lies after `from` (so every bid placed for
/// it is seen), then `experiment.slots` of them.
fn measured_rounds(experiment: &Experiment, from: Slot) -> (Slot, Slot) {
    let c = &experiment.config;
    let first = from + c.ticket_lookahead + c.round_window + 2;
    (first, first + experiment.slots - 1)
}

/// The node API the observer reads (node 0 of the devnet).
pub trait DevnetApi {
    /// GETs `path` and returns its JSON, with a top-level `data` member unwrapped.
    fn get(&mut self, path: &str) -> Result<Value>;
    /// Waits before the next poll.
    fn sleep(&mut self, duration: Duration);
}

/// How to watch a devnet.
#[derive(Debug, Clone, Copy)]
pub struct DevnetOptions {
    /// The devnet was running before the experiment: measure from the rounds that open
    /// after the current slot, instead of from genesis.
    pub attach: bool,
    /// Show a progress bar (only if stdout is a terminal).
    pub progress: bool,
    /// How long to wait for the API to answer at all.
    pub ready_timeout: Duration,
    /// Give up if the head does not move for this long.
    pub stall_timeout: Duration,
}

impl Default for DevnetOptions {
    fn default() -> Self {
        Self {
            attach: false,
            progress: false,
            ready_timeout: Duration::from_secs(180),
            stall_timeout: Duration::from_secs(120),
        }
    }
}

/// A number the API wrote as a decimal string (Beacon-API style) or as a JSON number.
fn num(v: &Value, key: &str) -> Result<u64> {
    let field = v
        .get(key)
        .with_context(|| format!("API answer without `{key}`"))?;
    match field {
        Value::String(s) => s
            .parse()
            .with_context(|| format!("`{key}` is not a number: {s:?}")),
        other => other
            .as_u64()
            .with_context(|| format!("`{key}` is not a number: {other}")),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("API answer without the string `{key}`"))
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>> {
    v.get(key)
        .and_then(Value::as_array)
        .with_context(|| format!("API answer without the list `{key}`"))
}

/// One slot's assignment as `/etn/v1/accounting` lists it.
#[derive(Debug, Clone, PartialEq)]
struct Assignment {
    builder: u64,
    revenue: Gwei,
    status: String,
    inflow: Gwei,
}

/// Everything seen so far.
#[derive(Debug, Default)]
struct Observed {
    /// Latest bids seen per measured round (a round's bids only grow until it closes).
    bids: BTreeMap<Slot, Vec<TicketBid>>,
    assignments: BTreeMap<Slot, Assignment>,
    balances: Vec<Gwei>,
    accounting: Value,
    head: Slot,
    finalized_epoch: u64,
}

impl Observed {
    fn tickets(&mut self, v: &Value, first: Slot, last: Slot) -> Result<()> {
        for round in array(v, "rounds")? {
            let slot = num(round, "slot")?;
            if !(first..=last).contains(&slot) {
                continue;
            }
            let bids = array(round, "bids")?
                .iter()
                .map(|b| {
                    Ok(TicketBid {
                        builder_index: num(b, "builder_index")?,
                        tickets: num(b, "tickets")?,
                        paid: num(b, "paid")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            self.bids.insert(slot, bids);
        }
        self.balances = array(v, "builders")?
            .iter()
            .map(|b| num(b, "balance"))
            .collect::<Result<_>>()?;
        Ok(())
    }

    fn accounting(&mut self, v: &Value, first: Slot, last: Slot) -> Result<()> {
        for a in array(v, "assignments")? {
            let slot = num(a, "slot")?;
            if (first..=last).contains(&slot) {
                self.assignments.insert(
                    slot,
                    Assignment {
                        builder: num(a, "builder_index")?,
                        revenue: num(a, "revenue")?,
                        status: text(a, "payload_status")?.to_string(),
                        inflow: num(a, "inflow")?,
                    },
                );
            }
        }
        self.accounting = v.clone();
        Ok(())
    }

    /// Whether every measured slot's payload has been decided.
    fn settled(&self, first: Slot, last: Slot) -> bool {
        self.head > last
            && (first..=last).all(|s| {
                // A slot nobody won has no assignment entry, and nothing to wait for.
                self.assignments
                    .get(&s)
                    .is_none_or(|a| a.status != "pending")
            })
    }
}

/// Watches the devnet behind `api` play `experiment`, and compares it with the theory.
pub fn run_devnet(
    experiment: Experiment,
    api: &mut dyn DevnetApi,
    options: &DevnetOptions,
) -> Result<Outcome> {
    let started = Instant::now();
    let values = fixed_values(&experiment)?;
    let config = experiment.config.clone();
    let mechanism = experiment.mechanism();
    let poll = Duration::from_millis((config.seconds_per_slot * 1000 / 4).max(100));

    // The API answers once the node runs (before genesis, if the devnet waits for it).
    let summary = loop {
        match api.get("/etn/v1/summary") {
            Ok(v) => break v,
            Err(e) if started.elapsed() > options.ready_timeout => {
                return Err(e.context("the devnet's API never answered"));
            }
            Err(_) => api.sleep(Duration::from_millis(500)),
        }
    };
    let tickets = api.get("/etn/v1/tickets")?;
    let (allocation, payment, lifetime) = (
        text(&tickets, "allocation")?,
        text(&tickets, "payment")?,
        text(&tickets, "lifetime")?,
    );
    let expected = mechanism.allocation.to_string();
    ensure!(
        allocation == expected
            && payment == mechanism.payment.name()
            && lifetime == TicketLifetime::Round.name(),
        "the devnet runs {allocation}/{payment}/{lifetime}, the experiment needs \
         {expected}/{}/round",
        mechanism.payment.name()
    );
    let identities = experiment.builder_balances().len();
    let on_chain = array(&tickets, "builders")?.len();
    ensure!(
        on_chain == identities,
        "the devnet has {on_chain} builders, the experiment's players bid through {identities}"
    );
    let from = if options.attach {
        num(&summary, "head_slot")?.max(num(&summary, "current_slot")?)
    } else {
        0
    };
    let (first, last) = measured_rounds(&experiment, from);

    let bar = progress::bar(last + 1, options.progress);
    bar.set_message(format!("{} (devnet)", experiment.name));
    let mut seen = Observed::default();
    let mut moved = Instant::now();
    loop {
        let summary = api.get("/etn/v1/summary")?;
        let head = num(&summary, "head_slot")?;
        seen.finalized_epoch = num(&summary, "finalized_epoch")?;
        seen.tickets(&api.get("/etn/v1/tickets")?, first, last)?;
        if head != seen.head || seen.accounting.is_null() {
            seen.accounting(&api.get("/etn/v1/accounting")?, first, last)?;
            seen.head = head;
            moved = Instant::now();
            bar.set_position(head.min(last + 1));
        }
        // A payload still pending two slots after its own is not coming.
        if seen.settled(first, last) || head > last + 2 {
            break;
        }
        if moved.elapsed() > options.stall_timeout {
            bail!(
                "the devnet's head stayed at slot {head} for {:?}; measured rounds are \
                 {first}..={last}",
                options.stall_timeout
            );
        }
        api.sleep(poll);
    }
    bar.finish_and_clear();

    let owners = experiment.owners();
    let players = experiment.players.len();
    let mut rounds = Vec::with_capacity(experiment.slots as usize);
    let mut incomplete = 0;
    for slot in first..=last {
        let bids = seen.bids.get(&slot).cloned().unwrap_or_default();
        let assignment = seen.assignments.get(&slot);
        let winner_index = assignment.map(|a| a.builder);
        let position = winner_index.and_then(|w| bids.iter().position(|b| b.builder_index == w));
        let charges = round_charges(mechanism.allocation, mechanism.payment, &bids, position)
            .map_err(|e| anyhow::anyhow!("round {slot}: {e}"))?;
        let revenue = assignment.map_or(0, |a| a.revenue);
        if charges.iter().sum::<u64>() != revenue || (winner_index.is_some() && position.is_none())
        {
            incomplete += 1;
        }
        let mut record = RoundRecord {
            slot,
            values: values.clone(),
            tickets: vec![0; players],
            identity_tickets: vec![0; owners.len()],
            paid: vec![0; players],
            charged: vec![0; players],
            winner: None,
            revenue,
            delivered: assignment.is_some_and(|a| a.status == "delivered"),
            inflow: assignment.map_or(0, |a| a.inflow),
        };
        for (bid, charge) in bids.iter().zip(&charges) {
            let Some(&p) = owners.get(bid.builder_index as usize) else {
                bail!(
                    "round {slot}: a bid by unknown builder {}",
                    bid.builder_index
                );
            };
            record.tickets[p] += bid.tickets;
            record.identity_tickets[bid.builder_index as usize] = bid.tickets;
            record.paid[p] += bid.paid;
            record.charged[p] += charge;
        }
        record.winner = winner_index.and_then(|w| owners.get(w as usize).copied());
        rounds.push(record);
    }

    let a = &seen.accounting;
    let accounting = AccountingSnapshot {
        slot: num(a, "slot")?,
        total_burned: num(a, "total_burned")?,
        smoothing_pool: num(a, "smoothing_pool")?,
        total_smoothed: num(a, "total_smoothed")?,
        total_refunded: num(a, "total_refunded")?,
        total_execution_inflow: num(a, "total_execution_inflow")?,
        genesis_supply: num(a, "genesis_supply")?,
        delivered_payloads: num(a, "delivered_payloads")?,
        missed_payloads: num(a, "missed_payloads")?,
        finalized_epoch: seen.finalized_epoch,
        identity_holds: a
            .get("identity")
            .and_then(|i| i.get("holds"))
            .and_then(Value::as_bool)
            .context("API answer without `identity.holds`")?,
    };
    let strategies = experiment
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| {
            devnet_strategy(&p.strategy, experiment.slots)
                .build(i as u64, experiment.slots)
                .map(|s| s.describe())
                .map_err(anyhow::Error::from)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut notes = vec![format!(
        "devnet mode: rounds {first}..={last} of a devnet read through node 0's API; its \
         builders bid when a round opens ({} slots before it closes), learners are seeded \
         by player index",
        config.round_window
    )];
    if incomplete > 0 {
        notes.push(format!(
            "{incomplete} of {} rounds: the bids seen do not add up to the revenue the chain \
             recorded (a purchase landed between two polls of the API)",
            rounds.len()
        ));
    }
    let run = Run {
        rounds,
        strategies,
        mode: "devnet",
        bls: true,
        blocks: seen.head,
        elapsed: started.elapsed(),
        accounting,
        initial_balances: experiment.builder_balances(),
        final_balances: seen.balances.clone(),
        settled: false,
        notes,
    };
    let prediction = predict(&experiment, &run.rounds);
    let results = results(&experiment, &run, &prediction);
    Ok(Outcome {
        experiment,
        run,
        prediction,
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "
slots: 6
bls: true
chain: {allocation: proportional, payment: all-pay, seconds_per_slot: 1}
builders:
  - {id: v4, value: 4}
  - {id: v2, value: 2, strategy: hedge, identities: 2}
";

    /// A devnet as its API shows it: both players bid their equilibrium (888,889 and
    /// 444,444 tickets at 1 Gwei, the second split over two identities) when a round
    /// opens; builder 0 wins every slot whose number is even, the last identity the rest;
    /// every payload lands. Each `sleep` moves the head one slot on.
    struct Scripted {
        head: Slot,
        polls: usize,
    }

    impl Scripted {
        const L: u64 = 4;
        const W: u64 = 8;
        fn bids() -> Vec<Value> {
            [(0, 888_889), (1, 222_222), (2, 222_222)]
                .iter()
                .map(|(b, t)| json!({"builder_index": b.to_string(), "tickets": t.to_string(), "paid": t.to_string()}))
                .collect()
        }
        fn winner(slot: Slot) -> u64 {
            if slot.is_multiple_of(2) { 0 } else { 2 }
        }
    }

    impl DevnetApi for Scripted {
        fn get(&mut self, path: &str) -> Result<Value> {
            self.polls += 1;
            let head = self.head;
            Ok(match path {
                "/etn/v1/summary" => {
                    json!({"head_slot": head, "current_slot": head, "finalized_epoch": head / 8})
                }
                "/etn/v1/tickets" => json!({
                    "slot": head.to_string(),
                    "allocation": "proportional",
                    "payment": "all-pay",
                    "lifetime": "round",
                    "rounds": (head + Self::L + 1..=head + Self::L + Self::W)
                        .map(|s| json!({"slot": s.to_string(), "bids": Self::bids()}))
                        .collect::<Vec<_>>(),
                    "builders": (0..3).map(|i| json!({"index": i.to_string(), "balance": "1000"})).collect::<Vec<_>>(),
                }),
                "/etn/v1/accounting" => json!({
                    "slot": head.to_string(),
                    "genesis_supply": "10", "total_burned": "5", "smoothing_pool": "0",
                    "total_smoothed": "0", "total_refunded": "0",
                    "total_execution_inflow": "7", "delivered_payloads": head.to_string(),
                    "missed_payloads": "0",
                    "identity": {"held": "1", "issued": "1", "holds": true},
                    "assignments": (head.saturating_sub(63)..=head + Self::L)
                        .map(|s| json!({
                            "slot": s.to_string(),
                            "builder_index": Self::winner(s).to_string(),
                            "revenue": "1333333",
                            "payload_status": if s <= head { "delivered" } else { "pending" },
                            "inflow": if s > head { "0".to_string() } else if Self::winner(s) == 0 { "4000000".to_string() } else { "2000000".to_string() },
                        }))
                        .collect::<Vec<_>>(),
                }),
                other => bail!("unexpected path {other}"),
            })
        }
        fn sleep(&mut self, _: Duration) {
            self.head += 1;
        }
    }

    #[test]
    fn observes_rounds_from_the_api() {
        let experiment = Experiment::from_yaml(YAML, "devnet").unwrap();
        let mut api = Scripted { head: 0, polls: 0 };
        let outcome = run_devnet(experiment, &mut api, &DevnetOptions::default()).unwrap();
        let r = &outcome.results;
        assert_eq!(r.mode, "devnet");
        assert!(r.bls);
        assert_eq!(r.slots, 6);
        let slots: Vec<Slot> = outcome.run.rounds.iter().map(|r| r.slot).collect();
        assert_eq!(slots, (14..=19).collect::<Vec<_>>());
        assert_eq!((r.builders[0].wins, r.builders[1].wins), (3, 3));
        assert!((r.burn_per_slot - 1.333_333).abs() < 1e-9);
        assert_eq!(outcome.run.rounds[0].tickets, vec![888_889, 444_444]);
        assert_eq!(
            outcome.run.rounds[0].identity_tickets,
            vec![888_889, 222_222, 222_222]
        );
        // All-pay: everyone is charged its whole bid.
        assert_eq!(outcome.run.rounds[1].charged, vec![888_889, 444_444]);
        assert!(outcome.run.rounds.iter().all(|r| r.delivered));
        assert_eq!(r.balances_reconcile, None);
        assert!(r.identity_holds);
        assert!(
            r.notes.iter().any(|n| n.starts_with("devnet mode")),
            "{:?}",
            r.notes
        );
        assert!(
            !r.notes.iter().any(|n| n.contains("do not add up")),
            "{:?}",
            r.notes
        );
        assert!(r.builders[1].strategy.starts_with("hedge"));
        // It stopped once the last round's payload was decided, not later.
        assert_eq!(outcome.run.blocks, 20);
    }

    #[test]
    fn a_mismatched_devnet_is_refused() {
        let yaml = YAML
            .replace("proportional", "winner-take-all")
            .replace("all-pay", "winner-pay");
        let experiment = Experiment::from_yaml(&yaml, "devnet").unwrap();
        let err = run_devnet(
            experiment,
            &mut Scripted { head: 0, polls: 0 },
            &DevnetOptions::default(),
        )
        .err()
        .unwrap();
        assert!(
            err.to_string().contains("the devnet runs proportional"),
            "{err}"
        );
    }

    #[test]
    fn config_carries_the_players() {
        let mut experiment = Experiment::from_yaml(YAML, "devnet").unwrap();
        experiment.order_rounds = 2;
        let refused = devnet_config(&experiment, &DevnetLayout::default()).unwrap_err();
        assert!(refused.to_string().contains("order_rounds"), "{refused}");
        experiment.order_rounds = 1;
        let text = devnet_config(&experiment, &DevnetLayout::default()).unwrap();
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(v["chain"]["allocation"].as_str(), Some("proportional"));
        assert_eq!(v["chain"]["seconds_per_slot"].as_u64(), Some(1));
        assert_eq!(v["genesis"]["validators"].as_u64(), Some(64));
        let builders = v["genesis"]["builders"].as_sequence().unwrap();
        assert_eq!(builders.len(), 2);
        assert_eq!(builders[1]["identities"].as_u64(), Some(2));
        assert_eq!(builders[1]["strategy"]["kind"].as_str(), Some("hedge"));
        // The learning rate is tuned to the experiment's 6 rounds.
        let rate = builders[1]["strategy"]["learning_rate"].as_f64().unwrap();
        assert!((rate - Hedge::default_learning_rate(201, 6)).abs() < 1e-12);
        assert_eq!(v["devnet"]["value_unit_gwei"].as_u64(), Some(1_000_000));

        let drawn = YAML.replace("value: 4", "value: {uniform: {low: 1, high: 5}}");
        let experiment = Experiment::from_yaml(&drawn, "devnet").unwrap();
        let err = devnet_config(&experiment, &DevnetLayout::default()).unwrap_err();
        assert!(err.to_string().contains("fast mode only"), "{err}");
        let tullock = YAML.replace(
            "allocation: proportional",
            "allocation: tullock, alpha: '3/2'",
        );
        let experiment = Experiment::from_yaml(&tullock, "devnet").unwrap();
        let text = devnet_config(&experiment, &DevnetLayout::default()).unwrap();
        assert!(text.contains("alpha: 3/2"), "{text}");
    }
}
