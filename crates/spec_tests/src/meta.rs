//! `meta.yaml`, present in every case, and the names by which cases refer to errors.

use etn_fork_choice::ForkChoiceError;
use etn_mechanism::consensus::MechanismError;
use etn_state::StateError;
use etn_types::ConfigError;
use serde::{Deserialize, Serialize};

/// The case involves no signature at all (SSZ, sampling, shuffling).
pub const BLS_NONE: u8 = 0;
/// Signatures are real and must be verified (Ethereum's `bls_setting: 1`).
pub const BLS_REQUIRED: u8 = 1;
/// Signatures are zero bytes and must not be verified (Ethereum's `bls_setting: 2`);
/// the case tests everything else, and runs without paying for pairings.
pub const BLS_IGNORED: u8 = 2;

/// The metadata of one case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// What the case checks, in one or two sentences.
    pub description: String,
    /// [`BLS_NONE`], [`BLS_REQUIRED`] or [`BLS_IGNORED`].
    pub bls_setting: u8,
    /// For a case without `post`: the error the input must be rejected with, as
    /// `Variant` or `Variant(SubVariant)` of the spec's Errors table (beacon-chain.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `sanity/blocks`: how many `blocks_<i>` files the case has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks_count: Option<u64>,
    /// For cases whose expected outcome was derived by hand from the spec text (not
    /// computed by the implementation): the derivation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derivation: Option<String>,
}

impl Meta {
    pub fn new(description: impl Into<String>, bls_setting: u8) -> Self {
        Self {
            description: description.into(),
            bls_setting,
            ..Default::default()
        }
    }

    pub fn rejecting(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }

    pub fn derived(mut self, derivation: impl Into<String>) -> Self {
        self.derivation = Some(derivation.into());
        self
    }
}

/// The spec name of a state-transition error: the variant, and for the variants that
/// wrap a kind, the kind (`InvalidSignature(BuyTickets)`, `Config(OutOfRange)`).
///
/// The match is exhaustive on purpose: a new `StateError` variant does not compile until
/// it has a name here, and the coverage test then demands a case (or a reason) for it.
pub fn state_error_name(error: &StateError) -> String {
    use StateError::*;
    let simple = match error {
        Config(inner) => return format!("Config({})", config_error_name(inner)),
        Mechanism(inner) => return format!("Mechanism({})", mechanism_error_name(inner)),
        InvalidSignature(kind) => return format!("InvalidSignature({kind:?})"),
        DuplicateOperation(kind) => return format!("DuplicateOperation({kind:?})"),
        MalformedState(_) => "MalformedState",
        Ssz(_) => "Ssz",
        Overflow(_) => "Overflow",
        SlotNotInFuture { .. } => "SlotNotInFuture",
        WrongSlot { .. } => "WrongSlot",
        BlockNotNewer { .. } => "BlockNotNewer",
        WrongProposer { .. } => "WrongProposer",
        WrongParent { .. } => "WrongParent",
        StateRootMismatch { .. } => "StateRootMismatch",
        InvalidRandaoReveal => "InvalidRandaoReveal",
        AttestationTargetEpoch { .. } => "AttestationTargetEpoch",
        AttestationTargetSlotMismatch { .. } => "AttestationTargetSlotMismatch",
        AttestationInclusionWindow { .. } => "AttestationInclusionWindow",
        CommitteeIndexOutOfRange { .. } => "CommitteeIndexOutOfRange",
        AggregationBitsLength { .. } => "AggregationBitsLength",
        AttestationWrongSource => "AttestationWrongSource",
        EmptyAttestation => "EmptyAttestation",
        NotSlashable => "NotSlashable",
        BadIndexedAttestation => "BadIndexedAttestation",
        NothingSlashed => "NothingSlashed",
        UnknownBuilder(_) => "UnknownBuilder",
        BadNonce { .. } => "BadNonce",
        ZeroTickets => "ZeroTickets",
        AmountOverflow => "AmountOverflow",
        PriceAboveLimit { .. } => "PriceAboveLimit",
        PriceBelowLimit { .. } => "PriceBelowLimit",
        OutsideWindow { .. } => "OutsideWindow",
        InsufficientBalance { .. } => "InsufficientBalance",
        RoundFull(_) => "RoundFull",
        InvalidRounds { .. } => "InvalidRounds",
        SellBackDisabled => "SellBackDisabled",
        NotEnoughTickets { .. } => "NotEnoughTickets",
        PayloadWithoutAssignment(_) => "PayloadWithoutAssignment",
        PayloadWrongSlot { .. } => "PayloadWrongSlot",
        PayloadFromUnassignedBuilder { .. } => "PayloadFromUnassignedBuilder",
        InflowAboveLimit { .. } => "InflowAboveLimit",
    };
    simple.to_string()
}

pub fn config_error_name(error: &ConfigError) -> &'static str {
    match error {
        ConfigError::OutOfRange { .. } => "OutOfRange",
        ConfigError::UnknownCode { .. } => "UnknownCode",
        ConfigError::UnknownName { .. } => "UnknownName",
        ConfigError::InvalidAlpha { .. } => "InvalidAlpha",
        ConfigError::SellBackNeedsPool => "SellBackNeedsPool",
        ConfigError::SellBackNeedsBurn => "SellBackNeedsBurn",
        ConfigError::AlphaWithoutTullock => "AlphaWithoutTullock",
    }
}

pub fn mechanism_error_name(error: &MechanismError) -> &'static str {
    match error {
        MechanismError::Overflow(_) => "Overflow",
        MechanismError::IndexOutOfRange { .. } => "IndexOutOfRange",
        MechanismError::NotEnoughTickets { .. } => "NotEnoughTickets",
    }
}

/// Every error name a state-transition case may expect, with the sub-variants spelled
/// out. The coverage test requires each to be either named by some case or listed in
/// [`UNREACHABLE`] with the reason no block, slot advance or operation can raise it.
pub const STATE_ERROR_NAMES: &[&str] = &[
    "Config(OutOfRange)",
    "Config(UnknownCode)",
    "Config(InvalidAlpha)",
    "Config(SellBackNeedsPool)",
    "Config(SellBackNeedsBurn)",
    "Config(UnknownName)",
    "MalformedState",
    "Ssz",
    "Mechanism(Overflow)",
    "Mechanism(IndexOutOfRange)",
    "Mechanism(NotEnoughTickets)",
    "Overflow",
    "SlotNotInFuture",
    "WrongSlot",
    "BlockNotNewer",
    "WrongProposer",
    "WrongParent",
    "StateRootMismatch",
    "InvalidSignature(BlockProposal)",
    "InvalidSignature(RandaoReveal)",
    "InvalidSignature(Attestation)",
    "InvalidSignature(AttesterSlashing)",
    "InvalidSignature(BuyTickets)",
    "InvalidSignature(SellTickets)",
    "InvalidSignature(ExecutionPayload)",
    "InvalidRandaoReveal",
    "DuplicateOperation(AttesterSlashing)",
    "DuplicateOperation(Attestation)",
    "DuplicateOperation(TicketPurchase)",
    "DuplicateOperation(TicketSale)",
    "AttestationTargetEpoch",
    "AttestationTargetSlotMismatch",
    "AttestationInclusionWindow",
    "CommitteeIndexOutOfRange",
    "AggregationBitsLength",
    "AttestationWrongSource",
    "EmptyAttestation",
    "NotSlashable",
    "BadIndexedAttestation",
    "NothingSlashed",
    "UnknownBuilder",
    "BadNonce",
    "ZeroTickets",
    "AmountOverflow",
    "PriceAboveLimit",
    "PriceBelowLimit",
    "OutsideWindow",
    "InsufficientBalance",
    "RoundFull",
    "InvalidRounds",
    "SellBackDisabled",
    "NotEnoughTickets",
    "PayloadWithoutAssignment",
    "PayloadWrongSlot",
    "PayloadFromUnassignedBuilder",
    "InflowAboveLimit",
];

/// Error names no case can expect, and why.
pub const UNREACHABLE: &[(&str, &str)] = &[
    (
        "Config(UnknownName)",
        "raised only when a config is parsed from text (CLI, YAML files); a state's \
         config is numeric",
    ),
    (
        "Ssz",
        "encoding or hashing of well-formed values cannot fail (beacon-chain.md, Errors)",
    ),
    (
        "Mechanism(IndexOutOfRange)",
        "the winner is a position of the bid list it was drawn from",
    ),
    (
        "Mechanism(NotEnoughTickets)",
        "a pool draw charges one ticket of a holder that was drawn because it holds one",
    ),
    (
        "InvalidSignature(RandaoReveal)",
        "a bad reveal is reported as InvalidRandaoReveal",
    ),
];

/// The name of a fork-choice refusal, for messages.
pub fn fork_choice_error_name(error: &ForkChoiceError) -> String {
    format!("{error:?}")
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_string()
}
