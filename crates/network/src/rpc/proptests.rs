//! Property tests of the req/resp wire format: everything written reads back the same,
//! and no input, however hostile, makes a reader panic or return more than its limit.

use super::codec::RpcCodec;
use super::frames::{encode_payload, read_payload};
use super::{Method, Request, Response, ResponseCode, WireRequest};
use etn_types::{BlocksByRangeRequest, Bytes32, MAX_REQUEST_BLOCKS, StatusMessage};
use futures::executor::block_on;
use futures::io::Cursor;
use libp2p::StreamProtocol;
use libp2p::request_response::Codec;
use proptest::prelude::*;

fn proto() -> StreamProtocol {
    StreamProtocol::new("/test")
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Status),
        Just(Method::BlocksByRange),
        Just(Method::BlocksByRoot)
    ]
}

fn root() -> impl Strategy<Value = Bytes32> {
    any::<[u8; 32]>().prop_map(Bytes32::from)
}

fn status() -> impl Strategy<Value = StatusMessage> {
    (any::<[u8; 4]>(), root(), any::<u64>(), root(), any::<u64>()).prop_map(
        |(fork_digest, finalized_root, finalized_epoch, head_root, head_slot)| StatusMessage {
            fork_digest: fork_digest.into(),
            finalized_root,
            finalized_epoch,
            head_root,
            head_slot,
        },
    )
}

fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        status().prop_map(Request::Status),
        (any::<u64>(), any::<u64>()).prop_map(|(start_slot, count)| Request::BlocksByRange(
            BlocksByRangeRequest { start_slot, count }
        )),
        proptest::collection::vec(root(), 0..=MAX_REQUEST_BLOCKS).prop_map(Request::BlocksByRoot),
    ]
}

/// A byte string that is often close to valid: a real encoding with some bytes flipped,
/// cut short or extended, or plain noise.
fn hostile(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = valid.len().max(1);
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (
            proptest::collection::vec((0..len, any::<u8>()), 1..4),
            Just(valid.clone())
        )
            .prop_map(|(flips, mut bytes)| {
                for (i, x) in flips {
                    if let Some(b) = bytes.get_mut(i) {
                        *b ^= x | 1;
                    }
                }
                bytes
            }),
        (0..len, Just(valid.clone())).prop_map(|(cut, mut bytes)| {
            bytes.truncate(cut);
            bytes
        }),
        proptest::collection::vec(any::<u8>(), 1..64).prop_map(move |tail| {
            let mut bytes = valid.clone();
            bytes.extend(tail);
            bytes
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn payloads_round_trip(data in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let wire = encode_payload(&data).unwrap();
        let read = block_on(read_payload(&mut Cursor::new(wire), data.len())).unwrap();
        prop_assert_eq!(read, data);
    }

    #[test]
    fn payload_reader_never_panics_nor_exceeds_its_limit(
        bytes in hostile(encode_payload(&[0x5a; 700]).unwrap()),
        limit in 0usize..2000,
    ) {
        if let Ok(out) = block_on(read_payload(&mut Cursor::new(bytes), limit)) {
            prop_assert!(out.len() <= limit);
        }
    }

    #[test]
    fn requests_round_trip(request in request()) {
        let mut codec = RpcCodec::new(request.method());
        let mut wire = Cursor::new(Vec::new());
        let valid = WireRequest::Valid(request);
        block_on(codec.write_request(&proto(), &mut wire, valid.clone())).unwrap();
        let read = block_on(codec.read_request(&proto(), &mut Cursor::new(wire.into_inner())));
        prop_assert_eq!(read.unwrap(), valid);
    }

    #[test]
    fn request_reader_never_panics(method in method(), bytes in hostile(
        encode_payload(&[7u8; 84]).unwrap()
    )) {
        let mut codec = RpcCodec::new(method);
        let read = block_on(codec.read_request(&proto(), &mut Cursor::new(bytes)));
        if let Ok(WireRequest::Valid(request)) = read {
            prop_assert_eq!(request.method(), method);
        }
    }

    #[test]
    fn status_responses_round_trip(status in status()) {
        let mut codec = RpcCodec::new(Method::Status);
        let mut wire = Cursor::new(Vec::new());
        let response = Response::Status(status);
        block_on(codec.write_response(&proto(), &mut wire, response.clone())).unwrap();
        let read = block_on(codec.read_response(&proto(), &mut Cursor::new(wire.into_inner())));
        prop_assert_eq!(read.unwrap(), response);
    }

    #[test]
    fn error_responses_round_trip(code in 1u8..=255, message in "\\PC{0,300}") {
        let mut codec = RpcCodec::new(Method::BlocksByRoot);
        let mut wire = Cursor::new(Vec::new());
        let response = Response::Error { code: ResponseCode::from_byte(code), message };
        block_on(codec.write_response(&proto(), &mut wire, response.clone())).unwrap();
        let read = block_on(codec.read_response(&proto(), &mut Cursor::new(wire.into_inner())));
        match (read.unwrap(), response) {
            (
                Response::Error { code: got, message: read },
                Response::Error { code: sent, message: full },
            ) => {
                prop_assert_eq!(got, sent);
                // Cut to the limit at a character boundary, never altered otherwise.
                prop_assert!(full.starts_with(&read));
                prop_assert!(read.len() <= etn_types::MAX_ERROR_MESSAGE_LENGTH);
                if full.len() <= etn_types::MAX_ERROR_MESSAGE_LENGTH {
                    prop_assert_eq!(read.len(), full.len());
                }
            }
            (other, _) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn response_reader_never_panics(method in method(), bytes in hostile({
        let mut wire = vec![0u8];
        wire.extend(encode_payload(&[3u8; 84]).unwrap());
        wire.push(3);
        wire.extend(encode_payload(&[4, 0, 0, 0, b'n', b'o', b'p', b'e']).unwrap());
        wire
    })) {
        let mut codec = RpcCodec::new(method);
        match block_on(codec.read_response(&proto(), &mut Cursor::new(bytes))) {
            Ok(Response::Blocks(blocks)) => {
                prop_assert!(method != Method::Status);
                prop_assert!(blocks.len() <= MAX_REQUEST_BLOCKS);
            }
            Ok(Response::Status(_)) => prop_assert_eq!(method, Method::Status),
            Ok(Response::Error { code, message }) => {
                prop_assert_ne!(code.to_byte(), 0);
                prop_assert!(message.len() <= 4 * etn_types::MAX_ERROR_MESSAGE_LENGTH);
            }
            Err(_) => {}
        }
    }
}
