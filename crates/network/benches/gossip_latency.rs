//! Publish-to-delivery latency of a ~25 KB SSZ block between 2 and 4 fully connected
//! nodes on loopback: the time from `publish` on one node until every other node has the
//! decoded block as a `NetworkEvent::Gossip` (receivers accept at once, as a node would
//! after validating). Run: `cargo bench -p etn-network --bench gossip_latency`.

use criterion::{Criterion, criterion_group, criterion_main};
use etn_network::{
    GossipKind, GossipMessage, NetworkConfig, NetworkEvent, NetworkHandle, Validation,
};
use etn_types::{SignedBeaconBlock, SignedExecutionPayload};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

/// A block of `size` bytes of mostly incompressible payload, unique per `nonce`.
fn block(nonce: u64, size: usize) -> GossipMessage {
    let mut seed = nonce.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut txs = Vec::new();
    let mut left = size;
    while left > 0 {
        let n = left.min(4096);
        let tx: Vec<u8> = (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 32) as u8
            })
            .collect();
        txs.push(tx.try_into().expect("tx fits"));
        left -= n;
    }
    let mut payload = SignedExecutionPayload::default();
    payload.message.transactions = txs.try_into().expect("txs fit");
    let mut block = SignedBeaconBlock::default();
    block.message.slot = nonce;
    block.message.body.execution_payload = vec![payload].try_into().expect("one payload");
    GossipMessage::Block(Box::new(block))
}

struct Net {
    publisher: NetworkHandle,
    all: Vec<NetworkHandle>,
    arrivals: mpsc::UnboundedReceiver<Instant>,
}

async fn devnet(n: usize) -> Net {
    let mut handles: Vec<NetworkHandle> = Vec::new();
    let (tx, arrivals) = mpsc::unbounded_channel();
    let mut publisher = None;
    for i in 0..n {
        let config = NetworkConfig {
            bootnodes: handles.iter().filter_map(|h| h.bootnode_addr()).collect(),
            ..NetworkConfig::default()
        };
        let (net, mut events) = etn_network::start(config).await.expect("start");
        if i == 0 {
            publisher = Some(net.clone());
            tokio::spawn(async move { while events.recv().await.is_some() {} });
        } else {
            let (tx, net) = (tx.clone(), net.clone());
            tokio::spawn(async move {
                while let Some(event) = events.recv().await {
                    if let NetworkEvent::Gossip { id, source, .. } = event {
                        let _ = tx.send(Instant::now());
                        net.report(id, source, Validation::Accept);
                    }
                }
            });
        }
        handles.push(net);
    }
    let publisher = publisher.expect("one node");
    // Wait until every node sees all others subscribed.
    for h in &handles {
        while h.topic_peers(GossipKind::BeaconBlock).await.len() < n - 1 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    Net {
        publisher,
        all: handles,
        arrivals,
    }
}

fn bench(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("gossip_block_25kb");
    group
        .sample_size(60)
        .measurement_time(Duration::from_secs(10));
    for n in [2usize, 4] {
        let mut net = rt.block_on(devnet(n));
        let mut nonce = 0u64;
        group.bench_function(format!("{n}_nodes"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    nonce += 1;
                    let message = block(nonce, 25_000);
                    total += rt.block_on(async {
                        let start = Instant::now();
                        net.publisher.publish(&message).expect("publish");
                        let mut last = start;
                        for _ in 1..n {
                            last = net.arrivals.recv().await.expect("delivered");
                        }
                        last - start
                    });
                }
                total
            })
        });
        rt.block_on(async {
            for h in &net.all {
                h.shutdown().await;
            }
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
