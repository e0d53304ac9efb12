//! Req/resp between real nodes: round trips through a responder, the requester's checks
//! on what comes back, timeouts, and a raw peer that breaks the wire format.

mod common;

use common::raw::RawPeer;
use common::*;
use etn_network::{
    Method, NetworkConfig, NetworkError, NetworkEvent, Request, RequestError, Response,
    ResponseCode, scoring,
};
use etn_types::{BlocksByRangeRequest, Bytes32, MAX_REQUEST_BLOCKS, StatusMessage};
use std::time::Duration;

async fn pair() -> (Node, Node) {
    pair_with(config(vec![])).await
}

/// `a` started with `config`, `b` with `a` as its bootnode; both see each other.
async fn pair_with(config_a: NetworkConfig) -> (Node, Node) {
    let a = node_with(config_a).await;
    let b = node(vec![a.addr()]).await;
    let (ida, idb) = (a.id(), b.id());
    eventually("connected", || async {
        a.net.peers().await.iter().any(|p| p.peer_id == idb)
            && b.net.peers().await.iter().any(|p| p.peer_id == ida)
    })
    .await;
    (a, b)
}

fn status(head_slot: u64) -> StatusMessage {
    StatusMessage {
        fork_digest: FORK.into(),
        finalized_root: Bytes32::from([1; 32]),
        finalized_epoch: 2,
        head_root: Bytes32::from([2; 32]),
        head_slot,
    }
}

fn range(start_slot: u64, count: u64) -> Request {
    Request::BlocksByRange(BlocksByRangeRequest { start_slot, count })
}

/// `a` asks `b`; `b` answers with `answer`; returns what `a` gets.
async fn ask(
    a: &mut Node,
    b: &mut Node,
    request: Request,
    answer: Response,
) -> Result<Response, RequestError> {
    let id = a.net.request(b.id(), request.clone()).unwrap();
    let (peer, got, respond) = b.next_request(WAIT).await.expect("request arrives");
    assert_eq!((peer, &got), (a.id(), &request));
    assert_eq!(respond.method(), request.method());
    b.net.respond(respond, answer);
    let (got_id, response) = a.next_response(WAIT).await.expect("response arrives");
    assert_eq!(got_id, id);
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_round_trip_through_the_responder() {
    bounded(60, async {
        let (mut a, mut b) = pair().await;
        let answer = Response::Status(status(40));
        let got = ask(&mut a, &mut b, Request::Status(status(7)), answer.clone()).await;
        assert_eq!(got, Ok(answer));

        let blocks = vec![block(10, 25_000), block(12, 0), block(14, 300)];
        let answer = Response::Blocks(blocks.clone());
        assert_eq!(
            ask(&mut a, &mut b, range(10, 5), answer.clone()).await,
            Ok(answer)
        );

        let full: Vec<_> = (0..MAX_REQUEST_BLOCKS as u64)
            .map(|s| block(s, 100))
            .collect();
        let answer = Response::Blocks(full);
        let got = ask(
            &mut a,
            &mut b,
            range(0, MAX_REQUEST_BLOCKS as u64),
            answer.clone(),
        )
        .await;
        assert_eq!(got, Ok(answer));

        let roots = vec![Bytes32::from([9; 32]), Bytes32::from([8; 32])];
        let answer = Response::Blocks(vec![block(5, 1000)]);
        let got = ask(&mut a, &mut b, Request::BlocksByRoot(roots), answer.clone()).await;
        assert_eq!(got, Ok(answer));

        let answer = Response::Blocks(vec![]);
        let got = ask(
            &mut a,
            &mut b,
            Request::BlocksByRoot(vec![]),
            answer.clone(),
        )
        .await;
        assert_eq!(got, Ok(answer));

        let error = Response::Error {
            code: ResponseCode::ResourceUnavailable,
            message: "pruned".into(),
        };
        let got = ask(&mut a, &mut b, range(1, 1), error).await;
        assert_eq!(
            got,
            Err(RequestError::Remote {
                code: ResponseCode::ResourceUnavailable,
                message: "pruned".into()
            })
        );
        let stats = a.net.stats();
        assert_eq!((stats.requests_sent, stats.request_failures), (6, 1));
        assert_eq!(b.net.stats().requests_received, 6);
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_that_break_the_request_are_errors() {
    bounded(60, async {
        // Bans off: each broken response is a fault against b, and b must stay
        // connected for the next case.
        let (mut a, mut b) = pair_with(NetworkConfig {
            ban_duration: None,
            ..config(vec![])
        })
        .await;
        let invalid = |r: Result<Response, RequestError>| {
            assert!(matches!(r, Err(RequestError::InvalidResponse(_))), "{r:?}")
        };
        // More blocks than asked for; a slot outside the range; slots out of order.
        let three = Response::Blocks(vec![block(1, 0), block(2, 0), block(3, 0)]);
        invalid(ask(&mut a, &mut b, range(1, 2), three).await);
        let outside = Response::Blocks(vec![block(9, 0)]);
        invalid(ask(&mut a, &mut b, range(1, 2), outside).await);
        let unordered = Response::Blocks(vec![block(2, 0), block(1, 0)]);
        invalid(ask(&mut a, &mut b, range(1, 2), unordered).await);
        let too_many = Response::Blocks(vec![block(1, 0), block(1, 0)]);
        invalid(
            ask(
                &mut a,
                &mut b,
                Request::BlocksByRoot(vec![Bytes32::ZERO]),
                too_many,
            )
            .await,
        );
        // Four faults: b's score is graylisted (still connected, bans being off).
        assert_eq!(a.net.stats().rpc_faults, 4);
        let score = a.net.peers().await[0].gossip_score;
        assert!(score < scoring::GRAYLIST_THRESHOLD, "score {score}");
        // A status answer to a block request is replaced by a server error.
        let got = ask(&mut a, &mut b, range(1, 2), Response::Status(status(1))).await;
        assert!(matches!(
            got,
            Err(RequestError::Remote {
                code: ResponseCode::ServerError,
                ..
            })
        ));

        // Requests beyond the limits never leave the node.
        for bad in [
            range(0, 0),
            range(0, MAX_REQUEST_BLOCKS as u64 + 1),
            range(u64::MAX, 2),
            Request::BlocksByRoot(vec![Bytes32::ZERO; MAX_REQUEST_BLOCKS + 1]),
        ] {
            assert!(matches!(
                a.net.request(b.id(), bad),
                Err(NetworkError::InvalidRequest(_))
            ));
        }
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_requests_time_out_and_dropped_handles_close_the_stream() {
    bounded(60, async {
        let mut a = node_with(NetworkConfig {
            request_timeout: Duration::from_millis(800),
            ..config(vec![])
        })
        .await;
        let mut b = node(vec![a.addr()]).await;
        eventually("connected", || async { a.net.peer_count() == 1 }).await;

        let id = a.net.request(b.id(), Request::Status(status(1))).unwrap();
        let (_, _, held) = b.next_request(WAIT).await.unwrap();
        let started = std::time::Instant::now();
        let (got_id, response) = a.next_response(WAIT).await.unwrap();
        assert_eq!((got_id, response), (id, Err(RequestError::Timeout)));
        assert!(started.elapsed() < Duration::from_secs(3));
        // Answering after the timeout is harmless.
        b.net.respond(held, Response::Status(status(2)));

        // A dropped handle: no status is an error, no blocks is an empty answer.
        a.net.request(b.id(), Request::Status(status(1))).unwrap();
        drop(b.next_request(WAIT).await.unwrap());
        let (_, response) = a.next_response(WAIT).await.unwrap();
        assert!(response.is_err(), "{response:?}");
        a.net.request(b.id(), range(0, 4)).unwrap();
        drop(b.next_request(WAIT).await.unwrap());
        let (_, response) = a.next_response(WAIT).await.unwrap();
        assert_eq!(response, Ok(Response::Blocks(vec![])));
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_responses_are_errors() {
    bounded(60, async {
        let mut a = node(vec![]).await;
        // Success chunk declaring 1 MB for an 84-byte status.
        let mut oversized_status = vec![0u8];
        oversized_status.extend([0x80, 0x89, 0x7a]); // uvarint(2_000_000)
        oversized_status.extend([0u8; 64]);
        // Success chunk declaring a block larger than any block can be.
        let mut oversized_block = vec![0u8, 0x80, 0x80, 0x80, 0x01]; // uvarint(2^21)
        oversized_block.extend([0u8; 64]);
        let cases = [
            (Method::Status, oversized_status),
            (Method::BlocksByRange, oversized_block),
            (
                Method::BlocksByRoot,
                b"\x00garbage that is not snappy".to_vec(),
            ),
            (Method::Status, vec![]),
        ];
        for (method, wire) in cases {
            let raw = RawPeer::start(&[method.protocol_id()], wire.clone());
            raw.dial(a.addr()).await;
            // Both sides: a request to a peer `a` does not know yet would be a dial.
            eventually("raw peer connected", || async {
                raw.is_connected(a.id()).await
                    && a.net.peers().await.iter().any(|p| p.peer_id == raw.peer_id)
            })
            .await;
            let request = match method {
                Method::Status => Request::Status(status(1)),
                Method::BlocksByRange => range(0, 8),
                Method::BlocksByRoot => Request::BlocksByRoot(vec![Bytes32::ZERO]),
            };
            a.net.request(raw.peer_id, request).unwrap();
            let (_, response) = a.next_response(WAIT).await.expect("an answer, not a hang");
            assert!(response.is_err(), "{method:?} {wire:?}: {response:?}");
        }
        // Each broken format is a fault of its sender; a closed stream is not.
        assert_eq!(a.net.stats().rpc_faults, 3);
        a.net.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_blocked_peers_are_refused() {
    bounded(30, async {
        let (mut a, b) = pair().await;
        a.net.block_peer(b.id());
        a.net.request(b.id(), Request::Status(status(1))).unwrap();
        let (_, response) = a.next_response(WAIT).await.unwrap();
        assert_eq!(response, Err(RequestError::Blocked));
        a.net.shutdown().await;
        b.net.shutdown().await;
    })
    .await;
}

/// `uvarint(len) || snappy frames(ssz)`: a well-framed request body.
fn framed(ssz: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut len = ssz.len() as u64;
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    let mut encoder = snap::write::FrameEncoder::new(out);
    encoder.write_all(ssz).unwrap();
    encoder.into_inner().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_requests_are_answered_invalid_and_get_the_sender_banned() {
    bounded(60, async {
        let mut a = node(vec![]).await;
        let mut zero_count = Vec::new();
        zero_count.extend(5u64.to_le_bytes());
        zero_count.extend(0u64.to_le_bytes());
        // Three faults per method, each a different way to break the format or limits.
        let cases: [(Method, [Vec<u8>; 3]); 3] = [
            (
                Method::Status,
                [
                    b"\x54 declares 84 bytes, then no snappy".to_vec(),
                    framed(&[1, 2, 3]),
                    vec![0xff; 11],
                ],
            ),
            (
                Method::BlocksByRange,
                [framed(&zero_count), framed(&[0; 15]), b"garbage".to_vec()],
            ),
            (
                Method::BlocksByRoot,
                [
                    framed(&[0; 33]),
                    framed(&[0; 65 * 32]),
                    // Noise (its first byte is not 0, which would declare an empty list).
                    (1..=200u32).map(|i| (i * 37 % 256) as u8).collect(),
                ],
            ),
        ];
        for (i, (method, garbage)) in cases.into_iter().enumerate() {
            let raw = RawPeer::start(&[method.protocol_id()], vec![]);
            raw.dial(a.addr()).await;
            eventually("raw peer connected", || async {
                raw.is_connected(a.id()).await
            })
            .await;
            let [first, second, third] = garbage;
            for bytes in [first, second] {
                let answer = raw.request(a.id(), bytes).await.expect("an answer");
                assert_eq!(answer.first(), Some(&1), "{method:?}: InvalidRequest");
            }
            assert_eq!(a.net.stats().peers_banned, i as u64);
            // The third fault graylists the sender: banned and dropped, maybe before the
            // answer is written.
            let _ = raw.request(a.id(), third).await;
            eventually("banned", || async {
                a.net.stats().peers_banned == i as u64 + 1
            })
            .await;
            eventually("disconnected", || async { !raw.is_connected(a.id()).await }).await;
        }
        let stats = a.net.stats();
        assert_eq!((stats.rpc_faults, stats.requests_received), (9, 9));
        while let Ok(event) = a.events.try_recv() {
            assert!(
                !matches!(event, NetworkEvent::InboundRequest { .. }),
                "garbage reached the node: {event:?}"
            );
        }
        a.net.shutdown().await;
    })
    .await;
}
