//! The crate's error types: what can go wrong starting the network, using the handle,
//! and with an outbound request.

use crate::rpc::ResponseCode;

/// Why the network could not start or could not take a command.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("invalid network configuration: {0}")]
    Config(String),
    #[error("transport setup failed: {0}")]
    Transport(String),
    #[error("cannot listen on the configured address: {0}")]
    Listen(String),
    #[error("cannot SSZ-encode the message: {0}")]
    Encode(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The swarm task has stopped (after `shutdown`, or it failed); the handle is dead.
    #[error("the network task has stopped")]
    Stopped,
}

/// Why an outbound request produced no usable response. Delivered to the node in
/// `NetworkEvent::OutboundResponse`; never a panic, whatever the peer sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("no response within the request timeout")]
    Timeout,
    #[error("could not reach the peer")]
    DialFailure,
    #[error("the connection closed before the response arrived")]
    ConnectionClosed,
    #[error("the peer does not support the protocol")]
    UnsupportedProtocol,
    /// The peer is blocked or banned, so the request was not sent.
    #[error("the peer is blocked")]
    Blocked,
    /// The response broke the wire format or its limits (size, chunk count, slots
    /// outside the requested range, undecodable SSZ or snappy). Counted as a req/resp
    /// fault against the peer's score.
    #[error("invalid response: {0}")]
    InvalidResponse(String),
    /// The peer answered with an error response.
    #[error("peer answered {code:?}: {message}")]
    Remote { code: ResponseCode, message: String },
    #[error("stream error: {0}")]
    Io(String),
}
