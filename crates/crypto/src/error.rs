//! Typed errors for everything in this crate that can reject its input.
//!
//! Keys and signatures arrive from the network and from disk, so decoding must
//! never panic: every way bytes can be wrong has its own variant, which lets
//! callers (gossip validation, the state transition) turn a rejection into the
//! right peer score or block-invalid reason without string matching.

use std::fmt;

use thiserror::Error;

/// Which kind of BLS object a [`CryptoError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Element {
    /// A 32-byte secret scalar.
    SecretKey,
    /// A 48-byte compressed G1 point.
    PublicKey,
    /// A 96-byte compressed G2 point.
    Signature,
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Element::SecretKey => "secret key",
            Element::PublicKey => "public key",
            Element::Signature => "signature",
        })
    }
}

/// Why a key, a signature or an aggregation was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// The byte string has the wrong length for its element.
    #[error("{element} must be {expected} bytes, got {got}")]
    InvalidLength {
        /// What was being decoded.
        element: Element,
        /// The only accepted length.
        expected: usize,
        /// The length that was given.
        got: usize,
    },
    /// The secret scalar is zero or not below the curve order `r`.
    #[error("secret key is zero or not below the curve order")]
    InvalidSecretKey,
    /// The compression flags or the field element are malformed
    /// (e.g. the compression bit is clear, or x is not below the field modulus).
    #[error("{0} is not a valid compressed encoding")]
    BadEncoding(Element),
    /// The encoded x coordinate has no point on the curve.
    #[error("{0} is not on the curve")]
    NotOnCurve(Element),
    /// The point is on the curve but outside the prime-order subgroup, which
    /// would let an attacker forge or malleate signatures.
    #[error("{0} is not in the prime-order subgroup")]
    NotInSubgroup(Element),
    /// The public key is the identity point, which verifies nothing
    /// (KeyValidate in the IETF BLS draft rejects it).
    #[error("public key is the point at infinity")]
    InfinityPublicKey,
    /// Aggregation of an empty list has no meaningful result.
    #[error("cannot aggregate an empty list of {0}s")]
    EmptyAggregate(Element),
}

impl CryptoError {
    /// Maps a blst error for a point of kind `element` to our typed error.
    pub(crate) fn from_blst(element: Element, err: blst::BLST_ERROR) -> Self {
        use blst::BLST_ERROR as B;
        match err {
            B::BLST_POINT_NOT_ON_CURVE => CryptoError::NotOnCurve(element),
            B::BLST_POINT_NOT_IN_GROUP => CryptoError::NotInSubgroup(element),
            B::BLST_PK_IS_INFINITY if element == Element::PublicKey => {
                CryptoError::InfinityPublicKey
            }
            B::BLST_AGGR_TYPE_MISMATCH => CryptoError::EmptyAggregate(element),
            _ if element == Element::SecretKey => CryptoError::InvalidSecretKey,
            _ => CryptoError::BadEncoding(element),
        }
    }
}

/// Why a batch of [`SignatureSet`](crate::SignatureSet)s failed to verify.
///
/// The index is the position in the slice given to
/// [`verify_signature_sets`](crate::verify_signature_sets), so a block
/// processor can name the exact operation that carried a bad signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum BatchVerifyError {
    /// The set at `index` has no signing keys, so it cannot verify anything.
    #[error("signature set {index} has no public keys")]
    NoKeys {
        /// Position of the offending set.
        index: usize,
    },
    /// The set at `index` is the first one whose signature does not verify.
    #[error("signature set {index} does not verify")]
    InvalidSignature {
        /// Position of the first failing set.
        index: usize,
    },
}
