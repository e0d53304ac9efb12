//! A bare libp2p peer that speaks gossipsub and req/resp without any of etn's rules, to
//! send what an honest node never would: garbage gossip, oversized responses.

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::gossipsub::{self, IdentTopic, MessageAuthenticity, ValidationMode};
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, SwarmBuilder, noise, tcp, yamux};
use sha2::{Digest, Sha256};
use std::io;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Sends and reads raw bytes: no framing, no limits beyond 4 MB.
#[derive(Clone, Default)]
pub struct RawCodec;

impl request_response::Codec for RawCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Vec<u8>;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        io.take(4 << 20).read_to_end(&mut buf).await?;
        Ok(buf)
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        p: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Vec<u8>> {
        self.read_request(p, io).await
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Vec<u8>,
    ) -> io::Result<()> {
        io.write_all(&req).await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Vec<u8>,
    ) -> io::Result<()> {
        io.write_all(&res).await
    }
}

#[derive(NetworkBehaviour)]
pub struct RawBehaviour {
    pub gossipsub: gossipsub::Behaviour,
    pub rpc: request_response::Behaviour<RawCodec>,
}

type Job = Box<dyn FnOnce(&mut Swarm<RawBehaviour>) + Send>;

/// A raw peer running in its own task; `with` runs a closure on its swarm.
pub struct RawPeer {
    jobs: mpsc::UnboundedSender<Job>,
    /// Outcomes of the raw peer's own requests: the response bytes, or the failure.
    responses: tokio::sync::Mutex<mpsc::UnboundedReceiver<Result<Vec<u8>, String>>>,
    pub peer_id: PeerId,
}

impl RawPeer {
    /// Starts a raw peer that answers every request on `protocols` with `response`.
    pub fn start(protocols: &[&'static str], response: Vec<u8>) -> RawPeer {
        let protocols: Vec<_> = protocols
            .iter()
            .map(|p| (StreamProtocol::new(p), ProtocolSupport::Full))
            .collect();
        let mut swarm = SwarmBuilder::with_new_identity()
            .with_tokio()
            .with_tcp(
                tcp::Config::default().nodelay(true),
                noise::Config::new,
                yamux::Config::default,
            )
            .expect("tcp")
            .with_behaviour(|_| {
                let config = gossipsub::ConfigBuilder::default()
                    .validation_mode(ValidationMode::Anonymous)
                    .heartbeat_interval(Duration::from_millis(100))
                    .message_id_fn(|m: &gossipsub::Message| {
                        gossipsub::MessageId::new(&Sha256::digest(&m.data)[..20])
                    })
                    .max_transmit_size(4 << 20)
                    .build()
                    .expect("config");
                RawBehaviour {
                    gossipsub: gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, config)
                        .expect("gossipsub"),
                    rpc: request_response::Behaviour::with_codec(
                        RawCodec,
                        protocols,
                        request_response::Config::default(),
                    ),
                }
            })
            .expect("behaviour")
            .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
            .build();
        let peer_id = *swarm.local_peer_id();
        let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
        let (responses_tx, responses) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            use request_response::{Event, Message};
            loop {
                tokio::select! {
                    event = swarm.select_next_some() => match event {
                        SwarmEvent::Behaviour(RawBehaviourEvent::Rpc(Event::Message {
                            message: Message::Request { channel, .. },
                            ..
                        })) => {
                            let _ = swarm.behaviour_mut().rpc.send_response(channel, response.clone());
                        }
                        SwarmEvent::Behaviour(RawBehaviourEvent::Rpc(Event::Message {
                            message: Message::Response { response, .. },
                            ..
                        })) => {
                            let _ = responses_tx.send(Ok(response));
                        }
                        SwarmEvent::Behaviour(RawBehaviourEvent::Rpc(
                            Event::OutboundFailure { error, .. },
                        )) => {
                            let _ = responses_tx.send(Err(error.to_string()));
                        }
                        _ => {}
                    },
                    job = rx.recv() => match job {
                        Some(job) => job(&mut swarm),
                        None => break,
                    },
                }
            }
        });
        RawPeer {
            jobs,
            responses: tokio::sync::Mutex::new(responses),
            peer_id,
        }
    }

    pub async fn with<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Swarm<RawBehaviour>) -> R + Send + 'static,
    ) -> R {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |swarm| {
                let _ = tx.send(f(swarm));
            }))
            .expect("raw peer running");
        rx.await.expect("raw peer answered")
    }

    pub async fn dial(&self, addr: Multiaddr) {
        self.with(move |s| s.dial(addr).expect("dial")).await;
    }

    pub async fn subscribe(&self, topic: String) {
        self.with(move |s| {
            s.behaviour_mut()
                .gossipsub
                .subscribe(&IdentTopic::new(topic))
                .expect("subscribe")
        })
        .await;
    }

    /// Publishes raw bytes (no compression) on `topic`.
    pub async fn publish(&self, topic: String, data: Vec<u8>) -> bool {
        self.with(move |s| {
            s.behaviour_mut()
                .gossipsub
                .publish(IdentTopic::new(topic), data)
                .is_ok()
        })
        .await
    }

    /// Whether `peer` is known to be subscribed to `topic`.
    pub async fn sees_subscribed(&self, peer: PeerId, topic: String) -> bool {
        self.with(move |s| {
            let hash = IdentTopic::new(topic).hash();
            s.behaviour()
                .gossipsub
                .all_peers()
                .any(|(p, topics)| *p == peer && topics.contains(&&hash))
        })
        .await
    }

    /// Sends `bytes` as a request (on the first of the peer's protocols `peer`
    /// supports) and returns the raw response bytes, or why there were none.
    pub async fn request(&self, peer: PeerId, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
        self.with(move |s| {
            s.behaviour_mut().rpc.send_request(&peer, bytes);
        })
        .await;
        let mut responses = self.responses.lock().await;
        match tokio::time::timeout(Duration::from_secs(10), responses.recv()).await {
            Ok(Some(outcome)) => outcome,
            Ok(None) => Err("raw peer stopped".into()),
            Err(_) => Err("no outcome within 10 s".into()),
        }
    }

    pub async fn is_connected(&self, peer: PeerId) -> bool {
        self.with(move |s| s.is_connected(&peer)).await
    }
}
