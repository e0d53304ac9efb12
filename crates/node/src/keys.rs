//! The secret keys a node signs with: its validators' (and later its builders').

use etn_crypto::SecretKey;
use std::collections::HashMap;

#[derive(Clone, Default)]
pub struct LocalKeys {
    validators: HashMap<u64, SecretKey>,
}

impl LocalKeys {
    /// The deterministic devnet keys of validators `indices`.
    pub fn devnet(indices: impl IntoIterator<Item = u64>) -> Self {
        Self {
            validators: indices
                .into_iter()
                .map(|i| (i, etn_crypto::devnet_validator_secret_key(i)))
                .collect(),
        }
    }

    pub fn validator(&self, index: u64) -> Option<SecretKey> {
        self.validators.get(&index).cloned()
    }

    pub fn validator_indices(&self) -> impl Iterator<Item = u64> + '_ {
        self.validators.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.validators.len()
    }

    pub fn is_empty(&self) -> bool {
        self.validators.is_empty()
    }
}
