//! Fixed-length byte strings (`Bytes4`, `Bytes32`, `Bytes48`, `Bytes96`) as SSZ basic vectors.
//!
//! ssz_rs only implements arrays up to 32 elements and stores `Vector<u8, N>` on the heap;
//! roots, keys and signatures are copied around constantly, so they get a `Copy` newtype
//! over `[u8; N]` with the SSZ encoding of `Vector[byte, N]` and hex in JSON/YAML.

use super::merkle::merkleize_packed_bytes;
use ssz_rs::prelude::*;

macro_rules! fixed_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Number of bytes in the encoding.
            pub const LEN: usize = $len;

            /// The all-zero value (what SSZ `Default` gives).
            pub const ZERO: Self = Self([0u8; $len]);

            /// Copies `bytes` if it has exactly `LEN` bytes.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                <[u8; $len]>::try_from(bytes).ok().map(Self)
            }

            pub fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            pub fn is_zero(&self) -> bool {
                self.0.iter().all(|b| *b == 0)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::ZERO
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "0x{}", hex::encode(self.0))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let digits = s.strip_prefix("0x").unwrap_or(s);
                let bytes = hex::decode(digits).map_err(|e| format!("invalid hex: {e}"))?;
                Self::from_slice(&bytes)
                    .ok_or_else(|| format!("expected {} bytes, got {}", $len, bytes.len()))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl ssz_rs::Sized for $name {
            fn is_variable_size() -> bool {
                false
            }
            fn size_hint() -> usize {
                $len
            }
        }

        impl ssz_rs::Serialize for $name {
            fn serialize(&self, buffer: &mut Vec<u8>) -> Result<usize, SerializeError> {
                buffer.extend_from_slice(&self.0);
                Ok($len)
            }
        }

        impl ssz_rs::Deserialize for $name {
            fn deserialize(encoding: &[u8]) -> Result<Self, DeserializeError> {
                if encoding.len() < $len {
                    return Err(DeserializeError::ExpectedFurtherInput {
                        provided: encoding.len(),
                        expected: $len,
                    });
                }
                if encoding.len() > $len {
                    return Err(DeserializeError::AdditionalInput {
                        provided: encoding.len(),
                        expected: $len,
                    });
                }
                let mut out = [0u8; $len];
                out.copy_from_slice(encoding);
                Ok(Self(out))
            }
        }

        impl ssz_rs::Merkleized for $name {
            fn hash_tree_root(&mut self) -> Result<Node, MerkleizationError> {
                Ok(Node::try_from(&merkleize_packed_bytes(&self.0)[..])
                    .expect("a merkle root is 32 bytes"))
            }
        }

        impl ssz_rs::SimpleSerialize for $name {}
    };
}

fixed_bytes!(
    /// Four bytes: fork versions, domain types and fork digests.
    Bytes4,
    4
);
fixed_bytes!(
    /// A 32-byte hash or Merkle root.
    Bytes32,
    32
);
fixed_bytes!(
    /// A compressed BLS12-381 G1 public key.
    Bytes48,
    48
);
fixed_bytes!(
    /// A compressed BLS12-381 G2 signature.
    Bytes96,
    96
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_of_byte_vectors_follow_ssz_packing() {
        // A 32-byte vector is a single chunk: its root is itself.
        let mut root = Bytes32([7u8; 32]);
        assert_eq!(root.hash_tree_root().unwrap().as_ref(), &[7u8; 32]);
        // A 4-byte vector is right-padded into one chunk.
        let mut version = Bytes4([1, 2, 3, 4]);
        let mut expected = [0u8; 32];
        expected[..4].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(version.hash_tree_root().unwrap().as_ref(), &expected);
    }

    #[test]
    fn decode_rejects_wrong_lengths() {
        assert!(Bytes48::deserialize(&[0u8; 47]).is_err());
        assert!(Bytes48::deserialize(&[0u8; 49]).is_err());
        assert!(Bytes48::deserialize(&[0u8; 48]).is_ok());
    }

    #[test]
    fn hex_round_trip() {
        let value = Bytes4([0xde, 0xad, 0xbe, 0xef]);
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, "\"0xdeadbeef\"");
        assert_eq!(serde_json::from_str::<Bytes4>(&text).unwrap(), value);
        assert!("0xdead".parse::<Bytes4>().is_err());
    }
}
