//! The etn node: the chain (fork choice + store + state transition), and the tokio
//! wiring that feeds it.

pub mod api;
pub mod chain;
pub mod clock;
pub mod config;
pub mod devnet;
pub mod duties;
pub mod http;
pub mod keys;
pub mod runtime;
pub mod service;

pub use chain::{Chain, ChainError, Changes, Head, ImportOutcome};
pub use clock::{Clock, ManualClock, SlotClock, SystemClock};
pub use keys::LocalKeys;
pub use service::{ChainEvent, ChainHandle, ChainStatus, ServiceStopped};
