//! One module per `etn` subcommand.

pub mod genesis;
pub mod mechanism;
