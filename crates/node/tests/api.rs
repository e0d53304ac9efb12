//! The HTTP API against a running chain service: Beacon-API shapes, the ticket views,
//! partition control, metrics, and clear 400/404 errors for bad requests.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use etn_node::api::{ApiContext, NetworkInfo, PeerSummary, SyncInfo, metrics::Metrics, router};
use etn_node::{LocalKeys, ManualClock, SlotClock};
use etn_state::{devnet_genesis_input, initialize_beacon_state};
use etn_store::MemoryStore;
use etn_types::*;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

#[derive(Default)]
struct FakeNetwork {
    blocked: Mutex<Vec<String>>,
}

impl NetworkInfo for FakeNetwork {
    fn peer_id(&self) -> String {
        "16Uiu2HAmFake".into()
    }
    fn listen_addresses(&self) -> Vec<String> {
        vec!["/ip4/127.0.0.1/tcp/9000".into()]
    }
    fn peers(&self) -> Vec<PeerSummary> {
        vec![PeerSummary {
            peer_id: "16Uiu2HAmOther".into(),
            address: "/ip4/127.0.0.1/tcp/9001".into(),
            direction: "outbound".into(),
            score: 0.0,
        }]
    }
    fn block_peer(&self, peer: &str) -> Result<(), String> {
        if !peer.starts_with("16U") {
            return Err(format!("invalid peer id `{peer}`"));
        }
        self.blocked.lock().unwrap().push(peer.to_string());
        Ok(())
    }
    fn unblock_peer(&self, peer: &str) -> Result<(), String> {
        self.blocked.lock().unwrap().retain(|p| p != peer);
        Ok(())
    }
    fn blocked_peers(&self) -> Vec<String> {
        self.blocked.lock().unwrap().clone()
    }
}

struct Synced;
impl SyncInfo for Synced {
    fn is_syncing(&self) -> bool {
        false
    }
}

async fn setup(slots: u64) -> axum::Router {
    let input = devnet_genesis_input(ChainConfig::minimal(), 100, 32, &[1_000_000, 1_000_000]);
    let genesis = initialize_beacon_state(&input).unwrap();
    let clock_at = SlotClock::new(100, genesis.config.seconds_per_slot);
    let clock = ManualClock::new(clock_at.slot_start_ms(0));
    let chain = etn_node::Chain::open(MemoryStore::new(), Some(genesis), clock_at.slot_start_ms(0))
        .unwrap();
    let (handle, _task) = etn_node::service::spawn(chain, LocalKeys::devnet(0..32), clock.clone());
    for slot in 1..=slots {
        clock.set(clock_at.slot_start_ms(slot) + 100);
        handle.tick().await.unwrap();
        handle.propose(slot, Bytes32::ZERO).await.unwrap().unwrap();
        clock.set(clock_at.slot_start_ms(slot) + 700);
        handle.attest(slot).await.unwrap().unwrap();
    }
    router(ApiContext {
        chain: handle,
        network: Arc::new(FakeNetwork::default()),
        sync: Arc::new(Synced),
        metrics: Arc::new(Metrics::new()),
    })
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, Value) {
    let response = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 24).await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn beacon_endpoints_have_beacon_api_shapes() {
    let app = setup(30).await;
    let (s, v) = get(&app, "/eth/v1/node/health").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = get(&app, "/eth/v1/beacon/genesis").await;
    assert_eq!(v["data"]["genesis_time"], "100");
    assert!(
        v["data"]["genesis_validators_root"]
            .as_str()
            .unwrap()
            .starts_with("0x")
    );
    let (s, head) = get(&app, "/eth/v1/beacon/headers/head").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(head["data"]["header"]["message"]["slot"], "30");
    assert_eq!(head["data"]["canonical"], true);
    let root = head["data"]["root"].as_str().unwrap().to_string();
    let (_, by_root) = get(&app, &format!("/eth/v1/beacon/headers/{root}")).await;
    assert_eq!(by_root["data"]["root"], root.as_str());
    let (_, by_slot) = get(&app, "/eth/v1/beacon/headers/30").await;
    assert_eq!(by_slot["data"]["root"], root.as_str());
    let (s, block) = get(&app, "/eth/v2/beacon/blocks/10").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(block["data"]["message"]["slot"], "10");
    let (_, fc) = get(&app, "/eth/v1/beacon/states/head/finality_checkpoints").await;
    let epoch = |v: &Value| v.as_str().unwrap().parse::<u64>().unwrap();
    assert!(
        epoch(&fc["data"]["current_justified"]["epoch"]) >= 1,
        "{fc}"
    );
    assert!(
        epoch(&fc["data"]["finalized"]["epoch"])
            <= epoch(&fc["data"]["current_justified"]["epoch"])
    );
    let (_, tree) = get(&app, "/eth/v1/debug/fork_choice").await;
    assert!(!tree["fork_choice_nodes"].as_array().unwrap().is_empty());
    let (_, peers) = get(&app, "/eth/v1/node/peers").await;
    assert_eq!(peers["meta"]["count"], "1");
    let (_, sync) = get(&app, "/eth/v1/node/syncing").await;
    assert_eq!(sync["data"]["is_syncing"], false);
}

#[tokio::test]
async fn ticket_views_and_summary() {
    let app = setup(10).await;
    let (s, t) = get(&app, "/etn/v1/tickets").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(t["data"]["lifetime"], "round");
    assert_eq!(t["data"]["builders"].as_array().unwrap().len(), 2);
    let (_, l) = get(&app, "/etn/v1/lookahead").await;
    assert_eq!(
        l["data"].as_array().unwrap().len() as u64,
        ChainConfig::minimal().ticket_lookahead + 1
    );
    let (_, a) = get(&app, "/etn/v1/accounting").await;
    assert_eq!(a["data"]["identity"]["holds"], true);
    assert_eq!(
        a["data"]["identity"]["held"],
        a["data"]["identity"]["issued"]
    );
    let (_, summary) = get(&app, "/etn/v1/summary").await;
    for key in [
        "genesis_time",
        "head_slot",
        "head_root",
        "finalized_epoch",
        "finalized_root",
        "peers",
        "burned_gwei",
        "builder_wins",
    ] {
        assert!(summary.get(key).is_some(), "summary lacks {key}: {summary}");
    }
}

#[tokio::test]
async fn bad_requests_get_json_errors() {
    let app = setup(3).await;
    for (uri, status) in [
        ("/eth/v1/beacon/headers/yesterday", StatusCode::BAD_REQUEST),
        ("/eth/v1/beacon/headers/0x1234", StatusCode::BAD_REQUEST),
        ("/eth/v1/beacon/headers/999", StatusCode::NOT_FOUND),
        (
            "/eth/v2/beacon/blocks/0x0000000000000000000000000000000000000000000000000000000000000001",
            StatusCode::NOT_FOUND,
        ),
        (
            "/eth/v1/beacon/states/999/finality_checkpoints",
            StatusCode::NOT_FOUND,
        ),
        ("/eth/v1/events", StatusCode::BAD_REQUEST),
        ("/eth/v1/events?topics=head,gossip", StatusCode::BAD_REQUEST),
        ("/no/such/route", StatusCode::NOT_FOUND),
    ] {
        let (s, body) = get(&app, uri).await;
        assert_eq!(s, status, "{uri}: {body}");
        assert_eq!(body["code"], status.as_u16(), "{uri}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn partition_control_and_metrics() {
    let app = setup(3).await;
    let post = |body: &str| {
        Request::post("/etn/v1/admin/partition")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let response = app
        .clone()
        .oneshot(post(r#"{"block": ["16Uiu2HAmOther"]}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, blocked) = get(&app, "/etn/v1/admin/partition").await;
    assert_eq!(blocked["data"]["blocked"][0], "16Uiu2HAmOther");
    let response = app
        .clone()
        .oneshot(post(r#"{"block": ["not-a-peer"]}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = app.clone().oneshot(post("{not json")).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = app
        .clone()
        .oneshot(post(r#"{"unblock": ["16Uiu2HAmOther"]}"#))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let response = app
        .clone()
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(
        to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    for name in [
        "beacon_head_slot 3",
        "beacon_finalized_epoch",
        "beacon_current_justified_epoch",
        "beacon_previous_justified_epoch",
        "libp2p_peers 1",
        "etn_burned_gwei",
        "etn_missed_payloads",
        "etn_builder_slots_won",
    ] {
        assert!(text.contains(name), "metrics lack {name}:\n{text}");
    }
}
