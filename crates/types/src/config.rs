//! Chain configuration: the preset values and the execution-ticket mechanism choices.
//!
//! The configuration is part of the state (`BeaconState.config`), fixed at genesis, so
//! every state carries the rules it must be advanced with: a state root commits to the
//! mechanism, and a conformance vector needs no side files to be replayed.

use crate::constants::{
    ASSIGNMENT_HISTORY, MAX_ALPHA, MAX_ALPHA_DENOMINATOR, SLOTS_PER_HISTORICAL_ROOT,
    TICKET_ROUND_SLOTS,
};
use crate::primitives::Gwei;
use ssz_rs::prelude::*;
use std::fmt;
use std::str::FromStr;

#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
pub struct ChainConfig {
    // -- preset: timing and committees --
    pub slots_per_epoch: u64,
    /// Wall-clock length of a slot; read by nodes, never by the state transition.
    pub seconds_per_slot: u64,
    pub target_committee_size: u64,
    pub max_committees_per_slot: u64,
    pub shuffle_round_count: u64,
    // -- execution tickets --
    pub allocation_rule: u8,
    pub alpha_numerator: u64,
    pub alpha_denominator: u64,
    pub payment_rule: u8,
    pub ticket_lifetime: u8,
    pub sell_back: bool,
    pub pricing_rule: u8,
    pub payment_destination: u8,
    /// Slots between a round's close (or a pool draw) and the slot it assigns.
    pub ticket_lookahead: u64,
    /// Number of future rounds open for purchase at once (round lifetime), or how far
    /// ahead a pool purchase may set its expiry (pool lifetime).
    pub round_window: u64,
    /// The posted price under `fixed` pricing; the start and floor under `eip1559`.
    pub base_ticket_price: Gwei,
    pub target_tickets_per_slot: u64,
    pub price_adjustment_quotient: u64,
    /// Largest execution inflow a payload may declare (keeps the economy closed).
    pub max_execution_inflow_per_slot: Gwei,
}

/// Named presets. They differ in timing and committee values only; the mechanism
/// defaults are the article's model (proportional, all-pay, per-slot rounds, burn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Minimal,
    Mainnet,
}

impl FromStr for Preset {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s {
            "minimal" => Ok(Self::Minimal),
            "mainnet" => Ok(Self::Mainnet),
            other => Err(ConfigError::UnknownName {
                what: "preset",
                name: other.to_string(),
                expected: "minimal, mainnet",
            }),
        }
    }
}

impl ChainConfig {
    pub fn preset(preset: Preset) -> Self {
        let base = Self {
            slots_per_epoch: 8,
            seconds_per_slot: 2,
            target_committee_size: 4,
            max_committees_per_slot: 4,
            shuffle_round_count: 10,
            allocation_rule: AllocationRule::Proportional.encode().0,
            alpha_numerator: 0,
            alpha_denominator: 0,
            payment_rule: PaymentRule::AllPay.code(),
            ticket_lifetime: TicketLifetime::Round.code(),
            sell_back: false,
            pricing_rule: PricingRule::Fixed.code(),
            payment_destination: PaymentDestination::Burn.code(),
            ticket_lookahead: 4,
            round_window: 8,
            base_ticket_price: 1,
            target_tickets_per_slot: 1_000_000,
            price_adjustment_quotient: 8,
            max_execution_inflow_per_slot: 100_000_000_000,
        };
        match preset {
            Preset::Minimal => base,
            Preset::Mainnet => Self {
                slots_per_epoch: 32,
                seconds_per_slot: 12,
                target_committee_size: 128,
                max_committees_per_slot: 64,
                shuffle_round_count: 90,
                ticket_lookahead: 32,
                round_window: 32,
                ..base
            },
        }
    }

    pub fn minimal() -> Self {
        Self::preset(Preset::Minimal)
    }

    pub fn mainnet() -> Self {
        Self::preset(Preset::Mainnet)
    }

    /// Sets the allocation rule, keeping the alpha fields canonical for it.
    pub fn with_allocation(mut self, rule: AllocationRule) -> Self {
        let (code, num, den) = rule.encode();
        self.allocation_rule = code;
        self.alpha_numerator = num;
        self.alpha_denominator = den;
        self
    }

    /// Checks every field and returns the typed mechanism. The state transition calls
    /// this first, so a state carrying a nonsensical config is rejected, not run.
    pub fn mechanism(&self) -> Result<Mechanism, ConfigError> {
        let spe = self.slots_per_epoch;
        if spe < 2 || spe.saturating_mul(2) > SLOTS_PER_HISTORICAL_ROOT as u64 {
            return Err(ConfigError::OutOfRange {
                field: "slots_per_epoch",
                value: spe,
                range: "2..=32 (two epochs must fit the root history)",
            });
        }
        if self.seconds_per_slot == 0 {
            return Err(ConfigError::OutOfRange {
                field: "seconds_per_slot",
                value: 0,
                range: ">= 1",
            });
        }
        if self.target_committee_size == 0 {
            return Err(ConfigError::OutOfRange {
                field: "target_committee_size",
                value: 0,
                range: ">= 1",
            });
        }
        if self.max_committees_per_slot == 0 || self.max_committees_per_slot > 64 {
            return Err(ConfigError::OutOfRange {
                field: "max_committees_per_slot",
                value: self.max_committees_per_slot,
                range: "1..=64",
            });
        }
        if self.shuffle_round_count > 255 {
            return Err(ConfigError::OutOfRange {
                field: "shuffle_round_count",
                value: self.shuffle_round_count,
                range: "0..=255",
            });
        }
        let allocation = AllocationRule::decode(
            self.allocation_rule,
            self.alpha_numerator,
            self.alpha_denominator,
        )?;
        let payment = PaymentRule::from_code(self.payment_rule)?;
        let lifetime = TicketLifetime::from_code(self.ticket_lifetime)?;
        let pricing = PricingRule::from_code(self.pricing_rule)?;
        let destination = PaymentDestination::from_code(self.payment_destination)?;
        if self.sell_back && lifetime != TicketLifetime::Pool {
            return Err(ConfigError::SellBackNeedsPool);
        }
        // Under all-pay a sell-back is paid by new issuance. With `burn` that only undoes
        // part of a burn; with `smooth` the purchase price has already gone to validators,
        // so buying and selling back would mint money for them.
        if self.sell_back
            && payment == PaymentRule::AllPay
            && destination == PaymentDestination::Smooth
        {
            return Err(ConfigError::SellBackNeedsBurn);
        }
        if self.ticket_lookahead == 0 || self.ticket_lookahead >= ASSIGNMENT_HISTORY as u64 {
            return Err(ConfigError::OutOfRange {
                field: "ticket_lookahead",
                value: self.ticket_lookahead,
                range: "1..=63",
            });
        }
        // The rounds open for purchase must fit the ring (a block closes its round before
        // applying its purchases, so at most `round_window` rounds hold bids at once).
        if self.round_window == 0 || self.round_window > TICKET_ROUND_SLOTS as u64 {
            return Err(ConfigError::OutOfRange {
                field: "round_window",
                value: self.round_window,
                range: "1..=64",
            });
        }
        if self.base_ticket_price == 0 {
            return Err(ConfigError::OutOfRange {
                field: "base_ticket_price",
                value: 0,
                range: ">= 1",
            });
        }
        if pricing == PricingRule::Eip1559 {
            if self.target_tickets_per_slot == 0 {
                return Err(ConfigError::OutOfRange {
                    field: "target_tickets_per_slot",
                    value: 0,
                    range: ">= 1",
                });
            }
            if self.price_adjustment_quotient == 0 {
                return Err(ConfigError::OutOfRange {
                    field: "price_adjustment_quotient",
                    value: 0,
                    range: ">= 1",
                });
            }
        }
        Ok(Mechanism {
            allocation,
            payment,
            lifetime,
            pricing,
            destination,
            sell_back: self.sell_back,
        })
    }
}

/// The validated, typed reading of the mechanism fields of a `ChainConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mechanism {
    pub allocation: AllocationRule,
    pub payment: PaymentRule,
    pub lifetime: TicketLifetime,
    pub pricing: PricingRule,
    pub destination: PaymentDestination,
    pub sell_back: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{field} = {value} is out of range ({range})")]
    OutOfRange {
        field: &'static str,
        value: u64,
        range: &'static str,
    },
    #[error("unknown {what} code {code}")]
    UnknownCode { what: &'static str, code: u8 },
    #[error("unknown {what} `{name}` (expected one of: {expected})")]
    UnknownName {
        what: &'static str,
        name: String,
        expected: &'static str,
    },
    #[error("invalid alpha {numerator}/{denominator}: {reason}")]
    InvalidAlpha {
        numerator: u64,
        denominator: u64,
        reason: &'static str,
    },
    #[error("`alpha` is only meaningful with `allocation: tullock`")]
    AlphaWithoutTullock,
    #[error("sell-back is only defined for the pool ticket lifetime")]
    SellBackNeedsPool,
    #[error("all-pay sell-back needs the burn destination (with smooth it would mint money)")]
    SellBackNeedsBurn,
}

/// Who wins a round (or a pool draw), given each builder's tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AllocationRule {
    /// P(i) = b_i / sum b_j — a Tullock contest with alpha = 1.
    Proportional,
    /// P(i) proportional to b_i^(numerator/denominator), computed exactly (allocation.md).
    Tullock { numerator: u64, denominator: u64 },
    /// Highest bid wins; ties go to the lower builder index.
    WinnerTakeAll,
    /// Highest bid wins and is charged the runner-up's bid.
    SecondPrice,
    /// Every bidder equally likely — a Tullock contest with alpha = 0.
    Uniform,
}

impl AllocationRule {
    pub const NAMES: &'static str = "proportional, tullock, winner-take-all, second-price, uniform";

    /// `(allocation_rule, alpha_numerator, alpha_denominator)` as stored in the config.
    pub fn encode(self) -> (u8, u64, u64) {
        match self {
            Self::Proportional => (0, 0, 0),
            Self::Tullock {
                numerator,
                denominator,
            } => (1, numerator, denominator),
            Self::WinnerTakeAll => (2, 0, 0),
            Self::SecondPrice => (3, 0, 0),
            Self::Uniform => (4, 0, 0),
        }
    }

    pub fn decode(code: u8, numerator: u64, denominator: u64) -> Result<Self, ConfigError> {
        let rule = match code {
            0 => Self::Proportional,
            1 => {
                check_alpha(numerator, denominator)?;
                return Ok(Self::Tullock {
                    numerator,
                    denominator,
                });
            }
            2 => Self::WinnerTakeAll,
            3 => Self::SecondPrice,
            4 => Self::Uniform,
            code => {
                return Err(ConfigError::UnknownCode {
                    what: "allocation rule",
                    code,
                });
            }
        };
        if numerator != 0 || denominator != 0 {
            return Err(ConfigError::InvalidAlpha {
                numerator,
                denominator,
                reason: "alpha must be 0/0 for rules other than tullock",
            });
        }
        Ok(rule)
    }

    /// Parses `proportional`, `uniform`, `winner-take-all`, `second-price`, or
    /// `tullock` with an alpha given separately as `p/q` or a decimal like `1.5`.
    pub fn parse(name: &str, alpha: Option<&str>) -> Result<Self, ConfigError> {
        let rule = match name {
            "proportional" => Self::Proportional,
            "uniform" => Self::Uniform,
            "winner-take-all" => Self::WinnerTakeAll,
            "second-price" => Self::SecondPrice,
            "tullock" => {
                let text = alpha.unwrap_or("1");
                let (numerator, denominator) = parse_alpha(text)?;
                check_alpha(numerator, denominator)?;
                return Ok(Self::Tullock {
                    numerator,
                    denominator,
                });
            }
            other => {
                return Err(ConfigError::UnknownName {
                    what: "allocation rule",
                    name: other.to_string(),
                    expected: Self::NAMES,
                });
            }
        };
        Ok(rule)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Proportional => "proportional",
            Self::Tullock { .. } => "tullock",
            Self::WinnerTakeAll => "winner-take-all",
            Self::SecondPrice => "second-price",
            Self::Uniform => "uniform",
        }
    }
}

impl fmt::Display for AllocationRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tullock {
                numerator,
                denominator,
            } => write!(f, "tullock({numerator}/{denominator})"),
            other => f.write_str(other.name()),
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn check_alpha(numerator: u64, denominator: u64) -> Result<(), ConfigError> {
    let bad = |reason| ConfigError::InvalidAlpha {
        numerator,
        denominator,
        reason,
    };
    if denominator == 0 || denominator > MAX_ALPHA_DENOMINATOR {
        return Err(bad("denominator must be in 1..=16"));
    }
    if numerator > MAX_ALPHA * denominator {
        return Err(bad("alpha must be at most 8"));
    }
    if gcd(numerator, denominator) != 1 {
        return Err(bad("the fraction must be in lowest terms"));
    }
    Ok(())
}

/// Reads `p/q`, an integer, or a decimal with at most 4 fractional digits, as a
/// fraction in lowest terms.
fn parse_alpha(text: &str) -> Result<(u64, u64), ConfigError> {
    let bad = || ConfigError::UnknownName {
        what: "alpha",
        name: text.to_string(),
        expected: "a non-negative fraction p/q or a decimal such as 1.5",
    };
    let (numerator, denominator) = if let Some((p, q)) = text.split_once('/') {
        (
            p.trim().parse::<u64>().map_err(|_| bad())?,
            q.trim().parse::<u64>().map_err(|_| bad())?,
        )
    } else if let Some((whole, frac)) = text.split_once('.') {
        if frac.is_empty() || frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let scale = 10u64.pow(frac.len() as u32);
        let whole = if whole.is_empty() {
            0
        } else {
            whole.parse::<u64>().map_err(|_| bad())?
        };
        let frac = frac.parse::<u64>().map_err(|_| bad())?;
        let numerator = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        (numerator, scale)
    } else {
        (text.trim().parse::<u64>().map_err(|_| bad())?, 1)
    };
    if denominator == 0 {
        return Err(bad());
    }
    let g = gcd(numerator, denominator).max(1);
    Ok((numerator / g, denominator / g))
}

macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, [$($variant:ident = $code:literal, $text:literal);+ $(;)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> u8 {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: u8) -> Result<Self, ConfigError> {
                match code {
                    $($code => Ok($name::$variant),)+
                    code => Err(ConfigError::UnknownCode { what: $what, code }),
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = ConfigError;
            fn from_str(s: &str) -> Result<Self, ConfigError> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(ConfigError::UnknownName {
                        what: $what,
                        name: other.to_string(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }
    };
}

coded_enum!(
    /// Who pays when a round closes: every bidder (`all-pay`) or only the winner.
    PaymentRule, "payment rule", [AllPay = 0, "all-pay"; WinnerPay = 1, "winner-pay"]
);
coded_enum!(
    /// How long a ticket lives: one round for one named slot, or in a pool until drawn.
    TicketLifetime, "ticket lifetime", [Round = 0, "round"; Pool = 1, "pool"]
);
coded_enum!(
    /// How the ticket price is set.
    PricingRule, "pricing rule", [Fixed = 0, "fixed"; Eip1559 = 1, "eip1559"]
);
coded_enum!(
    /// Where payments go: removed from supply, or pooled and shared among validators.
    PaymentDestination, "payment destination", [Burn = 0, "burn"; Smooth = 1, "smooth"]
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid() {
        ChainConfig::minimal().mechanism().unwrap();
        ChainConfig::mainnet().mechanism().unwrap();
    }

    #[test]
    fn alpha_parsing() {
        assert_eq!(parse_alpha("3/2").unwrap(), (3, 2));
        assert_eq!(parse_alpha("1.5").unwrap(), (3, 2));
        assert_eq!(parse_alpha("2").unwrap(), (2, 1));
        assert_eq!(parse_alpha("0.25").unwrap(), (1, 4));
        assert_eq!(parse_alpha("4/2").unwrap(), (2, 1));
        assert!(parse_alpha("-1").is_err());
        assert!(parse_alpha("x").is_err());
        assert!(parse_alpha("1/0").is_err());
        assert!(AllocationRule::parse("tullock", Some("9")).is_err());
        assert!(AllocationRule::parse("tullock", Some("1/17")).is_err());
        assert_eq!(
            AllocationRule::parse("tullock", Some("1.2")).unwrap(),
            AllocationRule::Tullock {
                numerator: 6,
                denominator: 5
            }
        );
    }

    #[test]
    fn config_rejects_bad_fields() {
        let mut c = ChainConfig::minimal();
        c.slots_per_epoch = 0;
        assert!(c.mechanism().is_err());
        let mut c = ChainConfig::minimal();
        c.allocation_rule = 9;
        assert!(c.mechanism().is_err());
        let mut c = ChainConfig::minimal();
        c.sell_back = true;
        assert_eq!(c.mechanism(), Err(ConfigError::SellBackNeedsPool));
        let mut c = ChainConfig::minimal();
        c.ticket_lifetime = TicketLifetime::Pool.code();
        c.sell_back = true;
        c.payment_destination = PaymentDestination::Smooth.code();
        assert_eq!(c.mechanism(), Err(ConfigError::SellBackNeedsBurn));
        c.payment_rule = PaymentRule::WinnerPay.code();
        assert!(
            c.mechanism().is_ok(),
            "winner-pay sell-back refunds escrow: no issuance"
        );
        let mut c = ChainConfig::minimal();
        c.alpha_numerator = 1;
        assert!(c.mechanism().is_err());
        let c = ChainConfig::minimal().with_allocation(AllocationRule::Tullock {
            numerator: 2,
            denominator: 4,
        });
        assert!(c.mechanism().is_err());
    }

    #[test]
    fn names_round_trip() {
        for rule in PaymentRule::ALL {
            assert_eq!(rule.name().parse::<PaymentRule>().unwrap(), *rule);
        }
        assert!("pay-all".parse::<PaymentRule>().is_err());
    }
}
