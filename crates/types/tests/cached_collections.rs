//! `CachedList` / `CachedVector` against ssz_rs's uncached `List` / `Vector`.
//!
//! Random sequences of every kind of write (index, `set`, `get_mut`, `push`, `pop`,
//! `truncate`, `clear`, `iter_mut`, clones) are interleaved with roots; every cached root
//! must equal ssz_rs's root of the same elements, and a cold (freshly built) cache's.
//! Encodings must equal ssz_rs's, and decoding arbitrary bytes must never panic.

use etn_types::ssz::{CachedList, CachedVector, VarVector, decode, encode};
use etn_types::{Bytes32, TicketBid, TicketRound};
use proptest::prelude::*;
use ssz_rs::prelude::*;
use std::fmt::Debug;

/// A small fixed-size container: a composite element whose leaf is its own root.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, SimpleSerialize, serde::Serialize, serde::Deserialize,
)]
struct Item {
    a: u64,
    b: u8,
    c: Bytes32,
}

/// An element type the tests can generate and change in place.
trait Sample: SimpleSerialize + Clone + PartialEq + Debug {
    fn strategy() -> BoxedStrategy<Self>;
    /// Changes the value (or, for some `k`, leaves it as it was: writes that change
    /// nothing must not break the cache either).
    fn tweak(&mut self, k: u8);
}

impl Sample for u8 {
    fn strategy() -> BoxedStrategy<Self> {
        prop_oneof![0..4u8, any::<u8>()].boxed()
    }
    fn tweak(&mut self, k: u8) {
        *self = self.wrapping_add(k % 3);
    }
}

impl Sample for u16 {
    fn strategy() -> BoxedStrategy<Self> {
        prop_oneof![0..4u16, any::<u16>()].boxed()
    }
    fn tweak(&mut self, k: u8) {
        *self = self.wrapping_mul(u16::from(k % 3));
    }
}

impl Sample for u32 {
    fn strategy() -> BoxedStrategy<Self> {
        prop_oneof![0..4u32, any::<u32>()].boxed()
    }
    fn tweak(&mut self, k: u8) {
        *self ^= u32::from(k % 2) << 31;
    }
}

impl Sample for u64 {
    fn strategy() -> BoxedStrategy<Self> {
        prop_oneof![0..4u64, any::<u64>()].boxed()
    }
    fn tweak(&mut self, k: u8) {
        *self = self.wrapping_add(u64::from(k % 3));
    }
}

impl Sample for bool {
    fn strategy() -> BoxedStrategy<Self> {
        any::<bool>().boxed()
    }
    fn tweak(&mut self, k: u8) {
        *self ^= k % 2 == 1;
    }
}

impl Sample for Bytes32 {
    fn strategy() -> BoxedStrategy<Self> {
        (0..3u8).prop_map(|b| Bytes32([b; 32])).boxed()
    }
    fn tweak(&mut self, k: u8) {
        self.0[usize::from(k) % 32] ^= k % 2;
    }
}

impl Sample for Item {
    fn strategy() -> BoxedStrategy<Self> {
        (0..3u64, 0..2u8, 0..2u8)
            .prop_map(|(a, b, c)| Item {
                a,
                b,
                c: Bytes32([c; 32]),
            })
            .boxed()
    }
    fn tweak(&mut self, k: u8) {
        match k % 3 {
            0 => self.a = self.a.wrapping_add(1),
            1 => self.c.0[0] ^= 1,
            _ => {}
        }
    }
}

/// A variable-size element.
type Blob = List<u8, 16>;

impl Sample for Blob {
    fn strategy() -> BoxedStrategy<Self> {
        proptest::collection::vec(0..3u8, 0..17)
            .prop_map(|bytes| bytes.try_into().unwrap())
            .boxed()
    }
    fn tweak(&mut self, k: u8) {
        match k % 3 {
            0 if self.len() < 16 => self.push(k),
            1 if !self.is_empty() => self[0] ^= 1,
            _ => {}
        }
    }
}

/// The state's variable-size element.
impl Sample for TicketRound {
    fn strategy() -> BoxedStrategy<Self> {
        (0..4u64, proptest::collection::vec((0..3u64, 0..3u64), 0..4))
            .prop_map(|(slot, bids)| TicketRound {
                slot,
                bids: bids
                    .into_iter()
                    .map(|(builder_index, tickets)| TicketBid {
                        builder_index,
                        tickets,
                        paid: tickets,
                    })
                    .collect::<Vec<_>>()
                    .try_into()
                    .unwrap(),
            })
            .boxed()
    }
    fn tweak(&mut self, k: u8) {
        match k % 3 {
            0 => self.slot += 1,
            1 => self.bids.push(TicketBid::default()),
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
enum Op<T> {
    /// `collection[i] = value` (index taken modulo the length).
    Index(usize, T),
    /// `collection.set(i, value)`, `i` possibly out of bounds.
    Set(usize, T),
    /// `collection.get_mut(i)` then an in-place change.
    GetMut(usize, u8),
    /// `iter_mut()` changing every third element.
    IterMut(u8),
    Push(T),
    Pop,
    Truncate(usize),
    Clear,
    /// Compare the root now.
    Root,
    /// Carry on with a clone (which carries the cache and its pending writes).
    Clone,
}

fn list_ops<T: Sample + 'static>() -> impl Strategy<Value = Vec<Op<T>>> {
    let op = prop_oneof![
        3 => (any::<usize>(), T::strategy()).prop_map(|(i, v)| Op::Index(i, v)),
        2 => (0..40usize, T::strategy()).prop_map(|(i, v)| Op::Set(i, v)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, k)| Op::GetMut(i, k)),
        1 => any::<u8>().prop_map(Op::IterMut),
        5 => T::strategy().prop_map(Op::Push),
        1 => Just(Op::Pop),
        1 => any::<usize>().prop_map(Op::Truncate),
        1 => Just(Op::Clear),
        4 => Just(Op::Root),
        1 => Just(Op::Clone),
    ];
    proptest::collection::vec(op, 0..80)
}

fn vector_ops<T: Sample + 'static>() -> impl Strategy<Value = Vec<Op<T>>> {
    let op = prop_oneof![
        3 => (any::<usize>(), T::strategy()).prop_map(|(i, v)| Op::Index(i, v)),
        2 => (0..80usize, T::strategy()).prop_map(|(i, v)| Op::Set(i, v)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, k)| Op::GetMut(i, k)),
        1 => any::<u8>().prop_map(Op::IterMut),
        3 => Just(Op::Root),
        1 => Just(Op::Clone),
    ];
    proptest::collection::vec(op, 0..60)
}

fn node(root: Node) -> [u8; 32] {
    root.as_ref().try_into().unwrap()
}

fn check_list_root<T: Sample, const N: usize>(ours: &mut CachedList<T, N>, model: &[T]) {
    let mut reference: List<T, N> = model.to_vec().try_into().unwrap();
    let expected = node(reference.hash_tree_root().unwrap());
    assert_eq!(node(ours.hash_tree_root().unwrap()), expected, "warm root");
    // A second root without writes reuses the tree as it is.
    assert_eq!(
        node(ours.hash_tree_root().unwrap()),
        expected,
        "repeat root"
    );
    let mut cold: CachedList<T, N> = model.to_vec().try_into().unwrap();
    assert_eq!(node(cold.hash_tree_root().unwrap()), expected, "cold root");
}

fn check_vector_root<T: Sample, const N: usize>(ours: &mut CachedVector<T, N>, model: &[T]) {
    let mut reference: Vector<T, N> = model.to_vec().try_into().unwrap();
    let expected = node(reference.hash_tree_root().unwrap());
    assert_eq!(node(ours.hash_tree_root().unwrap()), expected, "warm root");
    assert_eq!(
        node(ours.hash_tree_root().unwrap()),
        expected,
        "repeat root"
    );
    let mut cold: CachedVector<T, N> = model.to_vec().try_into().unwrap();
    assert_eq!(node(cold.hash_tree_root().unwrap()), expected, "cold root");
}

/// Applies a write common to lists and vectors to both `ours` and `model`.
fn apply_write<T: Sample, C>(
    op: Op<T>,
    ours: &mut C,
    model: &mut [T],
    get_mut: impl Fn(&mut C, usize) -> Option<&mut T>,
    set: impl Fn(&mut C, usize, T) -> Result<T, T>,
    iter_mut: impl Fn(&mut C) -> std::slice::IterMut<'_, T>,
) where
    C: std::ops::IndexMut<usize, Output = T>,
{
    match op {
        Op::Index(i, value) => {
            if !model.is_empty() {
                let i = i % model.len();
                ours[i] = value.clone();
                model[i] = value;
            }
        }
        Op::Set(i, value) => match set(ours, i, value.clone()) {
            Ok(old) => {
                assert_eq!(old, model[i]);
                model[i] = value;
            }
            Err(back) => {
                assert!(i >= model.len());
                assert_eq!(back, value);
            }
        },
        Op::GetMut(i, k) => {
            if !model.is_empty() {
                let i = i % model.len();
                get_mut(ours, i).unwrap().tweak(k);
                model[i].tweak(k);
            }
            assert!(get_mut(ours, model.len()).is_none());
        }
        Op::IterMut(k) => {
            for (i, value) in iter_mut(ours).enumerate() {
                if (i + usize::from(k)) % 3 == 0 {
                    value.tweak(k);
                }
            }
            for (i, value) in model.iter_mut().enumerate() {
                if (i + usize::from(k)) % 3 == 0 {
                    value.tweak(k);
                }
            }
        }
        _ => unreachable!("not a common write"),
    }
}

fn run_list<T: Sample, const N: usize>(ops: Vec<Op<T>>) {
    let mut ours: CachedList<T, N> = CachedList::new();
    let mut model: Vec<T> = Vec::new();
    for op in ops {
        match op {
            Op::Push(value) => {
                let pushed = ours.push(value.clone());
                if model.len() < N {
                    assert_eq!(pushed, Ok(()));
                    model.push(value);
                } else {
                    assert_eq!(pushed, Err(value));
                }
            }
            Op::Pop => assert_eq!(ours.pop(), model.pop()),
            Op::Truncate(len) => {
                let len = len % (model.len() + 2);
                ours.truncate(len);
                model.truncate(len);
            }
            Op::Clear => {
                ours.clear();
                model.clear();
            }
            Op::Root => check_list_root(&mut ours, &model),
            Op::Clone => ours = ours.clone(),
            write => apply_write(
                write,
                &mut ours,
                &mut model,
                |c, i| c.get_mut(i),
                |c, i, v| c.set(i, v),
                |c| c.iter_mut(),
            ),
        }
        assert_eq!(ours.as_slice(), &model[..]);
        assert!(ours.len() <= N);
    }
    check_list_root(&mut ours, &model);
}

fn run_vector<T: Sample, const N: usize>(initial: Vec<T>, ops: Vec<Op<T>>) {
    let mut ours: CachedVector<T, N> = initial.clone().try_into().unwrap();
    let mut model = initial;
    check_vector_root(&mut ours, &model);
    for op in ops {
        match op {
            Op::Root => check_vector_root(&mut ours, &model),
            Op::Clone => ours = ours.clone(),
            write => apply_write(
                write,
                &mut ours,
                &mut model,
                |c, i| c.get_mut(i),
                |c, i, v| c.set(i, v),
                |c| c.iter_mut(),
            ),
        }
        assert_eq!(ours.as_slice(), &model[..]);
    }
    check_vector_root(&mut ours, &model);
}

fn vector_of<T: Sample + 'static, const N: usize>() -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(T::strategy(), N)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn list_of_containers_near_its_limit(ops in list_ops::<Item>()) {
        run_list::<Item, 6>(ops);
    }

    #[test]
    fn list_of_containers_under_a_large_limit(ops in list_ops::<Item>()) {
        run_list::<Item, { 1 << 20 }>(ops);
    }

    #[test]
    fn list_of_u64(ops in list_ops::<u64>()) {
        run_list::<u64, 9>(ops);
    }

    #[test]
    fn list_of_u64_under_a_large_limit(ops in list_ops::<u64>()) {
        run_list::<u64, { 1 << 20 }>(ops);
    }

    #[test]
    fn list_of_u8(ops in list_ops::<u8>()) {
        run_list::<u8, 70>(ops);
    }

    #[test]
    fn list_of_u8_exactly_one_chunk(ops in list_ops::<u8>()) {
        run_list::<u8, 32>(ops);
    }

    #[test]
    fn list_of_u8_under_a_large_limit(ops in list_ops::<u8>()) {
        run_list::<u8, { 1 << 20 }>(ops);
    }

    #[test]
    fn list_of_u16(ops in list_ops::<u16>()) {
        run_list::<u16, 33>(ops);
    }

    #[test]
    fn list_of_u32(ops in list_ops::<u32>()) {
        run_list::<u32, 17>(ops);
    }

    #[test]
    fn list_of_bool(ops in list_ops::<bool>()) {
        run_list::<bool, 40>(ops);
    }

    #[test]
    fn list_of_root_bytes(ops in list_ops::<Bytes32>()) {
        run_list::<Bytes32, 12>(ops);
    }

    #[test]
    fn list_with_limit_one(ops in list_ops::<u64>()) {
        run_list::<u64, 1>(ops);
    }

    #[test]
    fn list_with_limit_zero_stays_empty(ops in list_ops::<Item>()) {
        run_list::<Item, 0>(ops);
    }

    #[test]
    fn list_of_variable_size_elements(ops in list_ops::<Blob>()) {
        run_list::<Blob, 7>(ops);
    }

    #[test]
    fn vector_of_containers(initial in vector_of::<Item, 7>(), ops in vector_ops::<Item>()) {
        run_vector::<Item, 7>(initial, ops);
    }

    #[test]
    fn vector_of_one_container(initial in vector_of::<Item, 1>(), ops in vector_ops::<Item>()) {
        run_vector::<Item, 1>(initial, ops);
    }

    #[test]
    fn vector_of_u64(initial in vector_of::<u64, 5>(), ops in vector_ops::<u64>()) {
        run_vector::<u64, 5>(initial, ops);
    }

    #[test]
    fn vector_of_u64_like_slot_revenue(initial in vector_of::<u64, 64>(), ops in vector_ops::<u64>()) {
        run_vector::<u64, 64>(initial, ops);
    }

    #[test]
    fn vector_of_u8(initial in vector_of::<u8, 33>(), ops in vector_ops::<u8>()) {
        run_vector::<u8, 33>(initial, ops);
    }

    #[test]
    fn vector_of_roots(initial in vector_of::<Bytes32, 64>(), ops in vector_ops::<Bytes32>()) {
        run_vector::<Bytes32, 64>(initial, ops);
    }

    #[test]
    fn var_vector_of_blobs(initial in vector_of::<Blob, 5>(), ops in vector_ops::<Blob>()) {
        run_vector::<Blob, 5>(initial, ops);
    }

    #[test]
    fn var_vector_of_ticket_rounds(
        initial in vector_of::<TicketRound, 6>(),
        ops in vector_ops::<TicketRound>(),
    ) {
        run_vector::<TicketRound, 6>(initial, ops);
    }
}

// ---- encodings -------------------------------------------------------------------------

fn list_round_trip<T: Sample + serde::Serialize + serde::de::DeserializeOwned, const N: usize>(
    items: Vec<T>,
) {
    let ours: CachedList<T, N> = items.clone().try_into().unwrap();
    let reference: List<T, N> = items.try_into().unwrap();
    let bytes = encode(&ours).unwrap();
    assert_eq!(bytes, encode(&reference).unwrap());
    let mut back: CachedList<T, N> = decode(&bytes).unwrap();
    assert_eq!(back, ours);
    let mut reference = reference;
    assert_eq!(
        node(back.hash_tree_root().unwrap()),
        node(reference.hash_tree_root().unwrap())
    );
    let json = serde_json::to_string(&ours).unwrap();
    assert_eq!(json, serde_json::to_string(&reference).unwrap());
    assert_eq!(
        serde_json::from_str::<CachedList<T, N>>(&json).unwrap(),
        ours
    );
}

fn vector_round_trip<T: Sample + serde::Serialize + serde::de::DeserializeOwned, const N: usize>(
    items: Vec<T>,
) {
    let ours: CachedVector<T, N> = items.clone().try_into().unwrap();
    let reference: Vector<T, N> = items.try_into().unwrap();
    let bytes = encode(&ours).unwrap();
    assert_eq!(bytes, encode(&reference).unwrap());
    let mut back: CachedVector<T, N> = decode(&bytes).unwrap();
    assert_eq!(back, ours);
    let mut reference = reference;
    assert_eq!(
        node(back.hash_tree_root().unwrap()),
        node(reference.hash_tree_root().unwrap())
    );
    let json = serde_json::to_string(&ours).unwrap();
    assert_eq!(json, serde_json::to_string(&reference).unwrap());
    assert_eq!(
        serde_json::from_str::<CachedVector<T, N>>(&json).unwrap(),
        ours
    );
}

/// For fixed-size elements ssz_rs's decoders are safe, so ours must accept exactly the
/// same inputs and produce the same elements.
fn list_decodes_like_ssz_rs<T: Sample, const N: usize>(bytes: &[u8]) {
    let ours = decode::<CachedList<T, N>>(bytes).ok();
    let reference = decode::<List<T, N>>(bytes).ok();
    assert_eq!(ours.as_deref(), reference.as_ref().map(|r| &r[..]));
    if let Some(mut value) = ours {
        assert_eq!(encode(&value).unwrap(), bytes);
        assert_eq!(
            node(value.hash_tree_root().unwrap()),
            node(reference.unwrap().hash_tree_root().unwrap())
        );
    }
}

fn vector_decodes_like_ssz_rs<T: Sample, const N: usize>(bytes: &[u8]) {
    let ours = decode::<CachedVector<T, N>>(bytes).ok();
    let reference = decode::<Vector<T, N>>(bytes).ok();
    assert_eq!(ours.as_deref(), reference.as_ref().map(|r| &r[..]));
    if let Some(value) = ours {
        assert_eq!(encode(&value).unwrap(), bytes);
    }
}

/// For variable-size elements ssz_rs's decoder can panic on hostile offsets, so ours is
/// only required to be total and to round-trip what it accepts.
fn decode_is_total<T: SimpleSerialize + Clone + PartialEq + Debug>(bytes: &[u8]) {
    if let Ok(mut value) = decode::<T>(bytes) {
        let again = encode(&value).unwrap();
        assert_eq!(decode::<T>(&again).unwrap(), value);
        value.hash_tree_root().unwrap();
    }
}

fn elements<T: Sample + 'static>(max: usize) -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(T::strategy(), 0..=max)
}

/// A valid encoding with a few bytes overwritten, cut or appended.
fn corrupted(valid: Vec<u8>, edits: Vec<(usize, u8)>, cut: usize, extra: Vec<u8>) -> Vec<u8> {
    let mut bytes = valid;
    for (at, byte) in edits {
        if !bytes.is_empty() {
            let len = bytes.len();
            bytes[at % len] = byte;
        }
    }
    if cut.is_multiple_of(3) {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    bytes.extend(extra);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn list_encodings_match_ssz_rs(
        items in elements::<Item>(6),
        words in elements::<u64>(9),
        bytes in elements::<u8>(70),
        blobs in elements::<Blob>(7),
    ) {
        list_round_trip::<Item, 6>(items);
        list_round_trip::<u64, 9>(words);
        list_round_trip::<u8, 70>(bytes);
        list_round_trip::<Blob, 7>(blobs);
    }

    #[test]
    fn vector_encodings_match_ssz_rs(
        items in vector_of::<Item, 7>(),
        words in vector_of::<u64, 5>(),
        bytes in vector_of::<u8, 33>(),
        blobs in vector_of::<Blob, 5>(),
        rounds in vector_of::<TicketRound, 6>(),
    ) {
        vector_round_trip::<Item, 7>(items);
        vector_round_trip::<u64, 5>(words);
        vector_round_trip::<u8, 33>(bytes);
        vector_round_trip::<Blob, 5>(blobs);
        vector_round_trip::<TicketRound, 6>(rounds);
    }

    #[test]
    fn arbitrary_bytes_decode_like_ssz_rs(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        list_decodes_like_ssz_rs::<Item, 6>(&bytes);
        list_decodes_like_ssz_rs::<u64, 9>(&bytes);
        list_decodes_like_ssz_rs::<u8, 70>(&bytes);
        list_decodes_like_ssz_rs::<bool, 40>(&bytes);
        list_decodes_like_ssz_rs::<Item, 0>(&bytes);
        vector_decodes_like_ssz_rs::<Item, 1>(&bytes);
        vector_decodes_like_ssz_rs::<u64, 5>(&bytes);
        vector_decodes_like_ssz_rs::<u8, 33>(&bytes);
        vector_decodes_like_ssz_rs::<bool, 9>(&bytes);
        decode_is_total::<CachedList<Blob, 7>>(&bytes);
        decode_is_total::<VarVector<Blob, 5>>(&bytes);
        decode_is_total::<VarVector<TicketRound, 6>>(&bytes);
    }

    #[test]
    fn corrupted_encodings_never_panic(
        items in elements::<Item>(6),
        words in elements::<u64>(9),
        blobs in elements::<Blob>(7),
        rounds in vector_of::<TicketRound, 6>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
        extra in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let list: CachedList<Item, 6> = items.try_into().unwrap();
        let bytes = corrupted(encode(&list).unwrap(), edits.clone(), cut, extra.clone());
        list_decodes_like_ssz_rs::<Item, 6>(&bytes);
        let list: CachedList<u64, 9> = words.try_into().unwrap();
        let bytes = corrupted(encode(&list).unwrap(), edits.clone(), cut, extra.clone());
        list_decodes_like_ssz_rs::<u64, 9>(&bytes);
        let list: CachedList<Blob, 7> = blobs.try_into().unwrap();
        let bytes = corrupted(encode(&list).unwrap(), edits.clone(), cut, extra.clone());
        decode_is_total::<CachedList<Blob, 7>>(&bytes);
        let vector: VarVector<TicketRound, 6> = rounds.try_into().unwrap();
        let bytes = corrupted(encode(&vector).unwrap(), edits, cut, extra);
        decode_is_total::<VarVector<TicketRound, 6>>(&bytes);
    }
}

#[test]
fn conversions_and_serde_enforce_the_bounds() {
    assert!(CachedList::<u64, 2>::try_from(vec![1, 2, 3]).is_err());
    assert!(CachedVector::<u64, 2>::try_from(vec![1]).is_err());
    assert!(serde_json::from_str::<CachedList<u64, 2>>("[1,2,3]").is_err());
    assert!(serde_json::from_str::<CachedVector<u64, 2>>("[1]").is_err());
    assert!(serde_json::from_str::<CachedVector<u64, 2>>("[1,2]").is_ok());
}

#[test]
fn hostile_offsets_in_a_var_vector_are_errors() {
    // Two elements whose second offset points past the end.
    let bad = [8u8, 0, 0, 0, 200, 0, 0, 0, 1];
    assert!(decode::<VarVector<Blob, 2>>(&bad).is_err());
    // Decreasing offsets.
    let bad = [8u8, 0, 0, 0, 4, 0, 0, 0];
    assert!(decode::<VarVector<Blob, 2>>(&bad).is_err());
    // Wrong element count for the vector.
    let bad = [4u8, 0, 0, 0];
    assert!(decode::<VarVector<Blob, 2>>(&bad).is_err());
}

#[test]
fn a_clone_keeps_a_valid_cache_independent_of_the_original() {
    let items: Vec<u64> = (0..100).collect();
    let mut original: CachedList<u64, 1024> = items.clone().try_into().unwrap();
    original.hash_tree_root().unwrap();
    let mut copy = original.clone();
    copy[7] = 1_000;
    original[8] = 2_000;
    let mut expected_copy = items.clone();
    expected_copy[7] = 1_000;
    let mut expected_original = items;
    expected_original[8] = 2_000;
    let mut reference: List<u64, 1024> = expected_copy.try_into().unwrap();
    assert_eq!(
        copy.hash_tree_root().unwrap(),
        reference.hash_tree_root().unwrap()
    );
    let mut reference: List<u64, 1024> = expected_original.try_into().unwrap();
    assert_eq!(
        original.hash_tree_root().unwrap(),
        reference.hash_tree_root().unwrap()
    );
}

#[test]
fn many_writes_to_one_element_do_not_grow_without_bound() {
    // Exercises the switch from recorded indices to "recompute every leaf".
    let mut list: CachedList<u64, 1024> = (0..10u64).collect::<Vec<_>>().try_into().unwrap();
    list.hash_tree_root().unwrap();
    for round in 0..10_000u64 {
        list[3] = round;
    }
    let mut reference: List<u64, 1024> = list.to_vec().try_into().unwrap();
    assert_eq!(
        list.hash_tree_root().unwrap(),
        reference.hash_tree_root().unwrap()
    );
}
