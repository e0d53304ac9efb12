//! The tests share the crate's chain harness.
#![allow(unused_imports)]

pub use etn_state::harness::Harness;
