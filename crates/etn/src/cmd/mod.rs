//! One module per `etn` subcommand.

pub mod debug;
pub mod genesis;
pub mod mechanism;
