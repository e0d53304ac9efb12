//! Req/resp: the three request/response protocols, their messages and limits, and the
//! `ssz_snappy` wire codec (specs/p2p-interface.md, "The Req/Resp domain").

mod codec;
mod frames;

pub(crate) use codec::RpcCodec;

#[cfg(test)]
mod proptests;

use etn_types::{BlocksByRangeRequest, MAX_REQUEST_BLOCKS, Root, SignedBeaconBlock, StatusMessage};
use libp2p::StreamProtocol;

/// One req/resp method; each has its own protocol id (and libp2p behaviour), so a
/// request can never be negotiated onto another method's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Status,
    BlocksByRange,
    BlocksByRoot,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Status, Method::BlocksByRange, Method::BlocksByRoot];

    pub fn protocol_id(self) -> &'static str {
        match self {
            Method::Status => "/etn/req/status/1/ssz_snappy",
            Method::BlocksByRange => "/etn/req/blocks_by_range/1/ssz_snappy",
            Method::BlocksByRoot => "/etn/req/blocks_by_root/1/ssz_snappy",
        }
    }

    pub(crate) fn protocol(self) -> StreamProtocol {
        StreamProtocol::new(self.protocol_id())
    }

    /// Largest SSZ request body.
    pub(crate) fn max_request_size(self) -> usize {
        match self {
            Method::Status => STATUS_SIZE,
            Method::BlocksByRange => BLOCKS_BY_RANGE_SIZE,
            Method::BlocksByRoot => MAX_REQUEST_BLOCKS * 32,
        }
    }

    /// Largest SSZ body of one successful response chunk.
    pub(crate) fn max_chunk_size(self) -> usize {
        match self {
            Method::Status => STATUS_SIZE,
            Method::BlocksByRange | Method::BlocksByRoot => crate::topics::MAX_SIGNED_BEACON_BLOCK,
        }
    }

    /// Most successful chunks in one response.
    pub(crate) fn max_chunks(self) -> usize {
        match self {
            Method::Status => 1,
            Method::BlocksByRange | Method::BlocksByRoot => MAX_REQUEST_BLOCKS,
        }
    }
}

/// SSZ size of `StatusMessage` (4 + 32 + 8 + 32 + 8).
const STATUS_SIZE: usize = 84;
/// SSZ size of `BlocksByRangeRequest` (8 + 8).
const BLOCKS_BY_RANGE_SIZE: usize = 16;

/// A request, to send or as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Status(StatusMessage),
    /// At most `MAX_REQUEST_BLOCKS` blocks from `start_slot` on; `count` must be 1..=64.
    BlocksByRange(BlocksByRangeRequest),
    /// At most `MAX_REQUEST_BLOCKS` roots.
    BlocksByRoot(Vec<Root>),
}

impl Request {
    pub fn method(&self) -> Method {
        match self {
            Request::Status(_) => Method::Status,
            Request::BlocksByRange(_) => Method::BlocksByRange,
            Request::BlocksByRoot(_) => Method::BlocksByRoot,
        }
    }

    /// Checks the limits a peer would otherwise answer with `InvalidRequest`.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            Request::BlocksByRange(r) if r.count == 0 || r.count > MAX_REQUEST_BLOCKS as u64 => {
                Err(format!("count {} not in 1..={MAX_REQUEST_BLOCKS}", r.count))
            }
            Request::BlocksByRange(r) if r.start_slot.checked_add(r.count).is_none() => {
                Err("start_slot + count overflows".into())
            }
            Request::BlocksByRoot(roots) if roots.len() > MAX_REQUEST_BLOCKS => Err(format!(
                "{} roots, at most {MAX_REQUEST_BLOCKS}",
                roots.len()
            )),
            _ => Ok(()),
        }
    }
}

/// What travels in a request stream, as the codec sees it. Reading never fails on bytes
/// that break the format: they become `Malformed`, so the swarm task learns which peer
/// sent them, answers `InvalidRequest` and lowers its score. (A read error would close
/// the stream without telling anyone who was at fault.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireRequest {
    Valid(Request),
    /// The reason the bytes are not a request of the method (bad varint or snappy,
    /// too large, undecodable SSZ). Never written.
    Malformed(String),
}

/// A response: what the node answers, and (except `Error`, which the requester receives
/// as `RequestError::Remote`) what a requester receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Status(StatusMessage),
    /// For `blocks_by_range`: the canonical blocks of the range in slot order (empty
    /// slots skipped). For `blocks_by_root`: the blocks the node has, in request order.
    Blocks(Vec<SignedBeaconBlock>),
    Error {
        code: ResponseCode,
        message: String,
    },
}

/// The result byte of an error response chunk (0 is success).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseCode {
    /// The request broke the protocol's rules (1).
    InvalidRequest,
    /// The responder failed to answer a valid request (2).
    ServerError,
    /// The responder does not have what was asked for (3).
    ResourceUnavailable,
    /// Any other non-zero code (read, never written).
    Unknown(u8),
}

impl ResponseCode {
    pub(crate) fn to_byte(self) -> u8 {
        match self {
            ResponseCode::InvalidRequest => 1,
            ResponseCode::ServerError => 2,
            ResponseCode::ResourceUnavailable => 3,
            // 0 is success; never write it as an error.
            ResponseCode::Unknown(b) => b.max(2),
        }
    }

    pub(crate) fn from_byte(b: u8) -> Self {
        match b {
            1 => ResponseCode::InvalidRequest,
            2 => ResponseCode::ServerError,
            3 => ResponseCode::ResourceUnavailable,
            other => ResponseCode::Unknown(other),
        }
    }
}
