//! etn's consensus conformance vectors: the generator that writes `specs/tests/` from the
//! spec implementation, and the runner that replays the tree against the `state`,
//! `mechanism` and `fork_choice` crates.
//!
//! A second implementation of the execution-tickets spec checks itself by walking the same
//! tree (layout in `specs/tests/README.md`); ours is checked by `tests/vectors.rs` on every
//! test run. The two halves share [`files`] (how a case is written and read) and [`meta`]
//! (the case metadata and the names of the errors), so the format is defined once.
//!
//! Determinism is part of the contract: `etn spectest generate` on a clean checkout must
//! rewrite the committed tree byte for byte, so generators use no clock, no OS randomness
//! and no hash-map iteration order; every "random" value comes from [`rng::Rng`] with a
//! fixed seed, and BLS signatures are deterministic.

pub mod chain;
pub mod diff;
pub mod files;
pub mod generator;
pub mod meta;
pub mod rng;
pub mod run;
pub mod schema;

/// The only preset the committed tree holds (the `minimal` timing and committee values;
/// the mechanism fields vary per case and travel inside each state's `ChainConfig`).
pub const PRESET: &str = "minimal";

/// The runners of the tree, in the order they are generated and run.
pub const RUNNERS: &[&str] = &[
    "ssz_static",
    "genesis",
    "shuffling",
    "sampling",
    "operations",
    "epoch_processing",
    "slot_processing",
    "sanity",
    "fork_choice",
];

/// Files at the top of the tree that are documentation, not vectors.
pub const DOC_FILES: &[&str] = &["README.md", "MUTANTS.md"];
