//! The chain section of etn's YAML files (`testnet/devnet.yaml`, experiment files): the
//! mechanism and timing in readable names, each field optional over a preset.
//!
//! One reader serves the devnet and the experiments, so the same words mean the same
//! chain wherever they are written, and a bad value fails at load time with the
//! consensus rule's own [`ConfigError`].

use crate::config::*;
use crate::primitives::Gwei;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSection {
    pub seconds_per_slot: Option<u64>,
    pub slots_per_epoch: Option<u64>,
    /// proportional | tullock | winner-take-all | second-price | uniform
    pub allocation: Option<String>,
    /// Tullock exponent, as `p/q` or a decimal (`1.5`).
    pub alpha: Option<String>,
    /// all-pay | winner-pay
    pub payment: Option<String>,
    /// round | pool
    pub lifetime: Option<String>,
    /// fixed | eip1559
    pub pricing: Option<String>,
    /// burn | smooth
    pub destination: Option<String>,
    pub sell_back: Option<bool>,
    pub ticket_lookahead: Option<u64>,
    pub round_window: Option<u64>,
    pub base_ticket_price: Option<Gwei>,
    pub target_tickets_per_slot: Option<u64>,
    pub price_adjustment_quotient: Option<u64>,
    pub max_execution_inflow_per_slot: Option<Gwei>,
}

impl ChainSection {
    /// The `preset` (`minimal` when absent) with every field given here applied, checked
    /// as the state transition checks a genesis config.
    pub fn chain_config(&self, preset: Option<&str>) -> Result<ChainConfig, ConfigError> {
        let preset: Preset = preset.unwrap_or("minimal").parse()?;
        let mut config = ChainConfig::preset(preset);
        match (&self.allocation, &self.alpha) {
            (Some(name), alpha) => {
                config = config.with_allocation(AllocationRule::parse(name, alpha.as_deref())?);
            }
            (None, Some(_)) => return Err(ConfigError::AlphaWithoutTullock),
            (None, None) => {}
        }
        if let Some(v) = &self.payment {
            config.payment_rule = v.parse::<PaymentRule>()?.code();
        }
        if let Some(v) = &self.lifetime {
            config.ticket_lifetime = v.parse::<TicketLifetime>()?.code();
        }
        if let Some(v) = &self.pricing {
            config.pricing_rule = v.parse::<PricingRule>()?.code();
        }
        if let Some(v) = &self.destination {
            config.payment_destination = v.parse::<PaymentDestination>()?.code();
        }
        if let Some(v) = self.sell_back {
            config.sell_back = v;
        }
        let numbers = [
            (&mut config.seconds_per_slot, self.seconds_per_slot),
            (&mut config.slots_per_epoch, self.slots_per_epoch),
            (&mut config.ticket_lookahead, self.ticket_lookahead),
            (&mut config.round_window, self.round_window),
            (&mut config.base_ticket_price, self.base_ticket_price),
            (
                &mut config.target_tickets_per_slot,
                self.target_tickets_per_slot,
            ),
            (
                &mut config.price_adjustment_quotient,
                self.price_adjustment_quotient,
            ),
            (
                &mut config.max_execution_inflow_per_slot,
                self.max_execution_inflow_per_slot,
            ),
        ];
        for (field, value) in numbers {
            if let Some(v) = value {
                *field = v;
            }
        }
        config.mechanism()?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_section_is_the_preset() {
        let minimal = ChainSection::default().chain_config(None).unwrap();
        assert_eq!(minimal, ChainConfig::preset(Preset::Minimal));
        let mainnet = ChainSection::default()
            .chain_config(Some("mainnet"))
            .unwrap();
        assert_eq!(mainnet, ChainConfig::preset(Preset::Mainnet));
    }

    #[test]
    fn named_fields_reach_the_config() {
        let section = ChainSection {
            allocation: Some("tullock".into()),
            alpha: Some("3/2".into()),
            payment: Some("winner-pay".into()),
            destination: Some("smooth".into()),
            round_window: Some(4),
            seconds_per_slot: Some(3),
            ..Default::default()
        };
        let config = section.chain_config(None).unwrap();
        let mechanism = config.mechanism().unwrap();
        assert_eq!(
            mechanism.allocation,
            AllocationRule::Tullock {
                numerator: 3,
                denominator: 2
            }
        );
        assert_eq!(mechanism.payment, PaymentRule::WinnerPay);
        assert_eq!(mechanism.destination, PaymentDestination::Smooth);
        assert_eq!((config.round_window, config.seconds_per_slot), (4, 3));
    }

    #[test]
    fn bad_values_are_config_errors() {
        let bad = |section: ChainSection| section.chain_config(None).unwrap_err();
        assert_eq!(
            bad(ChainSection {
                alpha: Some("2".into()),
                ..Default::default()
            }),
            ConfigError::AlphaWithoutTullock
        );
        assert!(matches!(
            bad(ChainSection {
                payment: Some("sometimes".into()),
                ..Default::default()
            }),
            ConfigError::UnknownName { .. }
        ));
        assert!(matches!(
            bad(ChainSection {
                seconds_per_slot: Some(0),
                ..Default::default()
            }),
            ConfigError::OutOfRange {
                field: "seconds_per_slot",
                ..
            }
        ));
        assert_eq!(
            bad(ChainSection {
                sell_back: Some(true),
                ..Default::default()
            }),
            ConfigError::SellBackNeedsPool
        );
        assert!(matches!(
            ChainSection::default().chain_config(Some("testnet")),
            Err(ConfigError::UnknownName { .. })
        ));
    }
}
