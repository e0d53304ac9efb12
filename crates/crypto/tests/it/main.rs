//! Integration tests of the public API of etn-crypto, one module per concern.

mod batch;
mod bls;
mod devnet_keys;
mod fuzz;
mod known_answers;
mod util;
