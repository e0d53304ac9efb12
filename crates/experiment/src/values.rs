//! Builders' values: fixed, or drawn afresh for every slot from a distribution.

use etn_mechanism::agents::SplitMix64;
use serde::{Deserialize, Deserializer, Serialize};

/// A builder's value for a slot, in value units. In YAML a number (`value: 4`) or a
/// distribution (`value: {uniform: {low: 2, high: 6}}`, `value: {exponential: {mean: 3}}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ValueSpec {
    Fixed(f64),
    Drawn(Distribution),
}

/// Distributions a value can be drawn from, independently per slot and builder.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Distribution {
    Uniform { low: f64, high: f64 },
    Exponential { mean: f64 },
}

/// The YAML shape of a distribution: a map with exactly one key. (serde_yaml_ng reads
/// enums out of an already parsed value only from YAML tags, hence this detour.)
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionMap {
    uniform: Option<UniformParams>,
    exponential: Option<ExponentialParams>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UniformParams {
    low: f64,
    high: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExponentialParams {
    mean: f64,
}

impl<'de> Deserialize<'de> for ValueSpec {
    /// A number or a distribution map, with the distribution's own error message
    /// (an untagged enum would only say that nothing matched).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_yaml_ng::Value::deserialize(d)?;
        if let Some(x) = value.as_f64() {
            return Ok(Self::Fixed(x));
        }
        let map = DistributionMap::deserialize(value).map_err(serde::de::Error::custom)?;
        match (map.uniform, map.exponential) {
            (Some(UniformParams { low, high }), None) => {
                Ok(Self::Drawn(Distribution::Uniform { low, high }))
            }
            (None, Some(ExponentialParams { mean })) => {
                Ok(Self::Drawn(Distribution::Exponential { mean }))
            }
            _ => Err(serde::de::Error::custom(
                "a value is a number or one distribution: {uniform: {low, high}} or \
                 {exponential: {mean}}",
            )),
        }
    }
}

impl ValueSpec {
    /// Checks the parameters: finite, non-negative, ordered.
    pub fn validate(&self) -> Result<(), String> {
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        match *self {
            Self::Fixed(v) if ok(v) => Ok(()),
            Self::Fixed(v) => Err(format!("value {v} must be a finite number >= 0")),
            Self::Drawn(Distribution::Uniform { low, high })
                if ok(low) && ok(high) && low <= high =>
            {
                Ok(())
            }
            Self::Drawn(Distribution::Uniform { low, high }) => Err(format!(
                "uniform value needs 0 <= low <= high (got {low}, {high})"
            )),
            Self::Drawn(Distribution::Exponential { mean }) if ok(mean) && mean > 0.0 => Ok(()),
            Self::Drawn(Distribution::Exponential { mean }) => {
                Err(format!("exponential value needs mean > 0 (got {mean})"))
            }
        }
    }

    /// One draw (a fixed value draws itself and consumes no randomness).
    pub fn draw(&self, rng: &mut SplitMix64) -> f64 {
        match *self {
            Self::Fixed(v) => v,
            Self::Drawn(Distribution::Uniform { low, high }) => low + (high - low) * rng.next_f64(),
            Self::Drawn(Distribution::Exponential { mean }) => -mean * (1.0 - rng.next_f64()).ln(),
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Self::Fixed(v) => v,
            Self::Drawn(Distribution::Uniform { low, high }) => (low + high) / 2.0,
            Self::Drawn(Distribution::Exponential { mean }) => mean,
        }
    }

    /// A value that draws exceed only rarely enough to ignore when sizing balances
    /// (the exponential's 1 - 1e-9 quantile).
    pub fn practical_max(&self) -> f64 {
        match *self {
            Self::Fixed(v) => v,
            Self::Drawn(Distribution::Uniform { high, .. }) => high,
            Self::Drawn(Distribution::Exponential { mean }) => mean * 1e9f64.ln(),
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Self::Fixed(_))
    }

    pub fn describe(&self) -> String {
        match *self {
            Self::Fixed(v) => format!("{v}"),
            Self::Drawn(Distribution::Uniform { low, high }) => format!("uniform({low}, {high})"),
            Self::Drawn(Distribution::Exponential { mean }) => format!("exponential(mean {mean})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_distributions() {
        let v: ValueSpec = serde_yaml_ng::from_str("4").unwrap();
        assert_eq!(v, ValueSpec::Fixed(4.0));
        let v: ValueSpec = serde_yaml_ng::from_str("{uniform: {low: 2, high: 6}}").unwrap();
        assert_eq!(
            v,
            ValueSpec::Drawn(Distribution::Uniform {
                low: 2.0,
                high: 6.0
            })
        );
        let err = serde_yaml_ng::from_str::<ValueSpec>("{uniform: {low: 2}}").unwrap_err();
        assert!(err.to_string().contains("high"), "{err}");
        assert!(serde_yaml_ng::from_str::<ValueSpec>("{gaussian: {mean: 1}}").is_err());
        assert!(
            serde_yaml_ng::from_str::<ValueSpec>(
                "{uniform: {low: 1, high: 2}, exponential: {mean: 1}}"
            )
            .is_err()
        );
        let v: ValueSpec = serde_yaml_ng::from_str("{exponential: {mean: 3}}").unwrap();
        assert_eq!(v, ValueSpec::Drawn(Distribution::Exponential { mean: 3.0 }));
    }

    #[test]
    fn draws_have_the_right_means() {
        let mut rng = SplitMix64::new(5);
        for spec in [
            ValueSpec::Drawn(Distribution::Uniform {
                low: 2.0,
                high: 6.0,
            }),
            ValueSpec::Drawn(Distribution::Exponential { mean: 3.0 }),
        ] {
            spec.validate().unwrap();
            let n = 100_000;
            let mean = (0..n).map(|_| spec.draw(&mut rng)).sum::<f64>() / n as f64;
            assert!((mean - spec.mean()).abs() < 0.05, "{spec:?} {mean}");
        }
        assert!(ValueSpec::Fixed(-1.0).validate().is_err());
        assert!(
            ValueSpec::Drawn(Distribution::Uniform {
                low: 3.0,
                high: 1.0
            })
            .validate()
            .is_err()
        );
    }
}
