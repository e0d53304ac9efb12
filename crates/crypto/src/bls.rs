//! BLS12-381 signatures in the Ethereum flavour: public keys in G1 (48 bytes),
//! signatures in G2 (96 bytes), proof-of-possession ciphersuite.
//!
//! The types here wrap `blst::min_pk` so that no other crate ever names blst,
//! and they keep one invariant that makes every verification cheaper: a
//! [`PublicKey`] or [`Signature`] value has always passed its subgroup check
//! (either it was decoded with [`PublicKey::from_bytes`] /
//! [`Signature::from_bytes`], or it was produced from values that had). Hence
//! verification never repeats the checks.

use std::fmt;
use std::hash::{Hash, Hasher};

use blst::BLST_ERROR;
use blst::min_pk as raw;

use crate::error::{CryptoError, Element};

/// Domain separation tag of the Ethereum ciphersuite
/// (`BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`). Using the
/// proof-of-possession tag is what makes same-message aggregation safe
/// against rogue-key attacks, provided keys are registered with a PoP.
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// Length of a serialized secret key (big-endian scalar).
pub const SECRET_KEY_BYTES_LEN: usize = 32;
/// Length of a compressed public key.
pub const PUBLIC_KEY_BYTES_LEN: usize = 48;
/// Length of a compressed signature.
pub const SIGNATURE_BYTES_LEN: usize = 96;

/// A BLS secret scalar in `[1, r)`.
///
/// `Debug` never prints the scalar, so keys cannot leak into logs by accident.
/// The underlying blst value is zeroized when dropped.
#[derive(Clone)]
pub struct SecretKey(raw::SecretKey);

impl SecretKey {
    /// Decodes a 32-byte big-endian scalar, rejecting zero and values `>= r`
    /// (the encoding used by Ethereum keystores and the BLS test vectors).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        check_len(Element::SecretKey, bytes, SECRET_KEY_BYTES_LEN)?;
        raw::SecretKey::from_bytes(bytes)
            .map(SecretKey)
            .map_err(|_| CryptoError::InvalidSecretKey)
    }

    /// The 32-byte big-endian encoding accepted by [`SecretKey::from_bytes`].
    pub fn to_bytes(&self) -> [u8; SECRET_KEY_BYTES_LEN] {
        self.0.to_bytes()
    }

    /// The matching public key (`sk * G1`).
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.sk_to_pk())
    }

    /// Signs `msg` under the Ethereum DST. Callers sign a 32-byte signing
    /// root (see [`compute_signing_root`](crate::compute_signing_root)), never
    /// a raw object, so that every signature is bound to a domain.
    pub fn sign(&self, msg: &[u8]) -> Signature {
        Signature {
            point: self.0.sign(msg, DST, &[]),
            subgroup_checked: true,
        }
    }

    pub(crate) fn from_raw(raw: raw::SecretKey) -> Self {
        SecretKey(raw)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A validated BLS public key: a G1 point in the prime-order subgroup, never
/// the point at infinity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(raw::PublicKey);

impl PublicKey {
    /// Decompresses and validates a 48-byte public key (the IETF KeyValidate
    /// check: on the curve, in the subgroup, not infinity). Keys arrive in
    /// deposits and builder registrations, so this is the one gate that lets
    /// everything downstream skip the checks.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        check_len(Element::PublicKey, bytes, PUBLIC_KEY_BYTES_LEN)?;
        let pk = raw::PublicKey::uncompress(bytes)
            .map_err(|e| CryptoError::from_blst(Element::PublicKey, e))?;
        pk.validate()
            .map_err(|e| CryptoError::from_blst(Element::PublicKey, e))?;
        Ok(PublicKey(pk))
    }

    /// The 48-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; PUBLIC_KEY_BYTES_LEN] {
        self.0.compress()
    }
}

impl Hash for PublicKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal points have equal compressed encodings, so this agrees with Eq.
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", Hex(&self.to_bytes()))
    }
}

/// A BLS signature: a G2 point in the prime-order subgroup.
///
/// The point at infinity decodes (it is in the subgroup, and Ethereum uses it
/// for empty aggregates) but it never verifies against a valid key.
///
/// The subgroup check is done either at decode ([`Signature::from_bytes`]) or,
/// for signatures that are decoded only to be verified, deferred into the
/// verification itself ([`Signature::from_bytes_deferred_check`]): a batch then
/// runs all its subgroup checks in parallel with the pairings instead of one by
/// one beforehand. Either way no signature outside the subgroup ever verifies.
#[derive(Clone, Copy)]
pub struct Signature {
    point: raw::Signature,
    subgroup_checked: bool,
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}

impl Eq for Signature {}

impl Signature {
    /// Decompresses a 96-byte signature and checks it lies in the G2
    /// subgroup; a point outside it could make distinct byte strings verify
    /// as the same signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let sig = Self::from_bytes_deferred_check(bytes)?;
        sig.point
            .validate(false)
            .map_err(|e| CryptoError::from_blst(Element::Signature, e))?;
        Ok(Signature {
            point: sig.point,
            subgroup_checked: true,
        })
    }

    /// Decompresses a 96-byte signature (on-curve checked) and leaves the
    /// subgroup check to whichever verification uses it. For signatures read
    /// from blocks, which are decoded only to be verified.
    pub fn from_bytes_deferred_check(bytes: &[u8]) -> Result<Self, CryptoError> {
        check_len(Element::Signature, bytes, SIGNATURE_BYTES_LEN)?;
        let point = raw::Signature::uncompress(bytes)
            .map_err(|e| CryptoError::from_blst(Element::Signature, e))?;
        Ok(Signature {
            point,
            subgroup_checked: false,
        })
    }

    /// Whether verification still has to check the subgroup.
    pub(crate) fn needs_subgroup_check(&self) -> bool {
        !self.subgroup_checked
    }

    /// The 96-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; SIGNATURE_BYTES_LEN] {
        self.point.compress()
    }

    /// Checks that `pk` signed `msg`. Returns a plain bool because a failed
    /// verification has no further cause worth reporting.
    pub fn verify(&self, pk: &PublicKey, msg: &[u8]) -> bool {
        // Keys were group-checked when built; the signature if not yet.
        self.point
            .verify(self.needs_subgroup_check(), msg, DST, &[], &pk.0, false)
            == BLST_ERROR::BLST_SUCCESS
    }

    /// Checks that all of `pks` signed the same `msg` (an attestation or a
    /// committee signature), by aggregating the keys and doing one pairing
    /// check. Safe only because keys carry a proof of possession. False for
    /// an empty key list.
    pub fn fast_aggregate_verify(&self, msg: &[u8], pks: &[&PublicKey]) -> bool {
        match aggregate_raw_public_keys(pks.iter().copied()) {
            Some(agg) => self.verify_raw(&agg, msg),
            None => false,
        }
    }

    /// Checks an aggregate of signatures by `pks[i]` over `msgs[i]`, e.g.
    /// several different operations signed by different keys. Under the
    /// proof-of-possession ciphersuite the messages need not be distinct.
    /// False when the lists are empty or differ in length.
    pub fn aggregate_verify(&self, msgs: &[&[u8]], pks: &[&PublicKey]) -> bool {
        if msgs.is_empty() || msgs.len() != pks.len() {
            return false;
        }
        let raw_pks: Vec<&raw::PublicKey> = pks.iter().map(|pk| &pk.0).collect();
        self.point
            .aggregate_verify(self.needs_subgroup_check(), msgs, DST, &raw_pks, false)
            == BLST_ERROR::BLST_SUCCESS
    }

    /// Verifies against an already aggregated raw key. The pairing rejects
    /// an infinity key, so an aggregate that cancelled out fails here.
    pub(crate) fn verify_raw(&self, pk: &raw::PublicKey, msg: &[u8]) -> bool {
        self.point
            .verify(self.needs_subgroup_check(), msg, DST, &[], pk, false)
            == BLST_ERROR::BLST_SUCCESS
    }

    pub(crate) fn raw(&self) -> &raw::Signature {
        &self.point
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", Hex(&self.to_bytes()))
    }
}

/// Adds signatures into one, so a block can carry one signature for many
/// signers. Errors on an empty list, which has no aggregate.
pub fn aggregate_signatures(sigs: &[&Signature]) -> Result<Signature, CryptoError> {
    let (first, rest) = sigs
        .split_first()
        .ok_or(CryptoError::EmptyAggregate(Element::Signature))?;
    if first.needs_subgroup_check() {
        first
            .point
            .validate(false)
            .map_err(|e| CryptoError::from_blst(Element::Signature, e))?;
    }
    let mut agg = raw::AggregateSignature::from_signature(&first.point);
    for sig in rest {
        agg.add_signature(&sig.point, sig.needs_subgroup_check())
            .map_err(|e| CryptoError::from_blst(Element::Signature, e))?;
    }
    Ok(Signature {
        point: agg.to_signature(),
        subgroup_checked: true,
    })
}

/// Adds public keys into one, e.g. to cache a committee's aggregate key.
///
/// Errors on an empty list, and when the keys cancel out to the point at
/// infinity (possible only with adversarial keys such as `pk` and `-pk`):
/// such an aggregate can never verify, and keeping it out preserves the
/// invariant that a [`PublicKey`] is never infinity.
pub fn aggregate_public_keys(pks: &[&PublicKey]) -> Result<PublicKey, CryptoError> {
    let agg = aggregate_raw_public_keys(pks.iter().copied())
        .ok_or(CryptoError::EmptyAggregate(Element::PublicKey))?;
    if is_infinity_encoding(&agg.compress()) {
        return Err(CryptoError::InfinityPublicKey);
    }
    Ok(PublicKey(agg))
}

/// Sums keys without any check; `None` for an empty iterator. The result may
/// be infinity, which blst's pairing rejects when it is used.
pub(crate) fn aggregate_raw_public_keys<'a>(
    mut pks: impl Iterator<Item = &'a PublicKey>,
) -> Option<raw::PublicKey> {
    let first = pks.next()?;
    let mut agg = raw::AggregatePublicKey::from_public_key(&first.0);
    for pk in pks {
        // With validation off, blst cannot fail here; the result is ignored
        // rather than unwrapped so that no path can panic.
        let _ = agg.add_public_key(&pk.0, false);
    }
    Some(agg.to_public_key())
}

/// The compressed encoding of the identity has the compression and
/// infinity flags (0b11 in the top bits) set.
fn is_infinity_encoding(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|b| b & 0x40 != 0)
}

fn check_len(element: Element, bytes: &[u8], expected: usize) -> Result<(), CryptoError> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength {
            element,
            expected,
            got: bytes.len(),
        })
    }
}

/// Lower-case hex with a `0x` prefix, for Debug output without a dependency.
struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sk(i: u8) -> SecretKey {
        let mut bytes = [0u8; 32];
        bytes[31] = i;
        bytes[0] = 0x11;
        SecretKey::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn secret_key_round_trips_and_debug_is_redacted() {
        let key = sk(7);
        assert_eq!(
            SecretKey::from_bytes(&key.to_bytes()).unwrap().to_bytes(),
            key.to_bytes()
        );
        assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn secret_key_rejects_zero_too_large_and_bad_length() {
        assert_eq!(
            SecretKey::from_bytes(&[0u8; 32]).unwrap_err(),
            CryptoError::InvalidSecretKey
        );
        assert_eq!(
            SecretKey::from_bytes(&[0xff; 32]).unwrap_err(),
            CryptoError::InvalidSecretKey
        );
        // r itself is not a valid scalar.
        let r = [
            0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1,
            0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff,
            0x00, 0x00, 0x00, 0x01,
        ];
        assert_eq!(
            SecretKey::from_bytes(&r).unwrap_err(),
            CryptoError::InvalidSecretKey
        );
        assert_eq!(
            SecretKey::from_bytes(&[1u8; 31]).unwrap_err(),
            CryptoError::InvalidLength {
                element: Element::SecretKey,
                expected: 32,
                got: 31
            }
        );
    }

    #[test]
    fn public_key_and_signature_round_trip() {
        let key = sk(1);
        let pk = key.public_key();
        assert_eq!(PublicKey::from_bytes(&pk.to_bytes()).unwrap(), pk);
        let sig = key.sign(b"msg");
        assert_eq!(Signature::from_bytes(&sig.to_bytes()).unwrap(), sig);
    }

    #[test]
    fn debug_prints_hex() {
        let pk = sk(1).public_key();
        let text = format!("{pk:?}");
        assert!(text.starts_with("PublicKey(0x"));
        assert_eq!(text.len(), "PublicKey(0x)".len() + 96);
    }

    #[test]
    fn infinity_detection_matches_encoding() {
        let mut inf = [0u8; 48];
        inf[0] = 0xc0;
        assert!(is_infinity_encoding(&inf));
        assert!(!is_infinity_encoding(&sk(3).public_key().to_bytes()));
    }
}
