//! The libp2p request-response codec of one method: requests are one `ssz_snappy`
//! payload; responses are a sequence of chunks `result_byte || ssz_snappy payload`,
//! ended by the responder closing the stream.

use super::frames::{read_byte_or_eof, read_payload, write_payload};
use super::{Method, Request, Response, ResponseCode, WireRequest};
use etn_types::ssz::{decode, encode};
use etn_types::{BlocksByRootRequest, ErrorMessage, MAX_ERROR_MESSAGE_LENGTH};
use futures::{AsyncRead, AsyncWrite};
use libp2p::StreamProtocol;
use libp2p::request_response::Codec;
use std::io;

const SUCCESS: u8 = 0;

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn ssz_err(e: etn_types::SszError) -> io::Error {
    invalid(e.to_string())
}

/// Codec of one method. Each method has its own behaviour instance and codec, so the
/// codec knows which types to read without looking at the protocol string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RpcCodec {
    method: Method,
}

impl RpcCodec {
    pub(crate) fn new(method: Method) -> Self {
        Self { method }
    }

    fn encode_request(&self, request: &Request) -> io::Result<Vec<u8>> {
        if request.method() != self.method {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "request sent on another method's protocol",
            ));
        }
        match request {
            Request::Status(s) => encode(s),
            Request::BlocksByRange(r) => encode(r),
            Request::BlocksByRoot(roots) => {
                let list = BlocksByRootRequest::try_from(roots.clone())
                    .map_err(|_| invalid("too many roots"))?;
                encode(&list)
            }
        }
        .map_err(ssz_err)
    }

    fn decode_request(&self, ssz: &[u8]) -> io::Result<Request> {
        Ok(match self.method {
            Method::Status => Request::Status(decode(ssz).map_err(ssz_err)?),
            Method::BlocksByRange => Request::BlocksByRange(decode(ssz).map_err(ssz_err)?),
            Method::BlocksByRoot => {
                let list: BlocksByRootRequest = decode(ssz).map_err(ssz_err)?;
                Request::BlocksByRoot(list.iter().copied().collect())
            }
        })
    }

    /// Reads one response chunk: `Ok(None)` at a clean end of stream.
    async fn read_chunk<T: AsyncRead + Unpin + Send>(
        &self,
        io: &mut T,
    ) -> io::Result<Option<Result<Vec<u8>, (ResponseCode, String)>>> {
        let Some(result) = read_byte_or_eof(io).await? else {
            return Ok(None);
        };
        if result == SUCCESS {
            return Ok(Some(Ok(
                read_payload(io, self.method.max_chunk_size()).await?
            )));
        }
        let ssz = read_payload(io, MAX_ERROR_MESSAGE_LENGTH).await?;
        let message: ErrorMessage = decode(&ssz).map_err(ssz_err)?;
        let text = String::from_utf8_lossy(&message.iter().copied().collect::<Vec<u8>>()).into();
        Ok(Some(Err((ResponseCode::from_byte(result), text))))
    }
}

/// The SSZ `ErrorMessage` for `text`, cut to the limit at a character boundary.
fn error_message(text: &str) -> io::Result<Vec<u8>> {
    let mut end = text.len().min(MAX_ERROR_MESSAGE_LENGTH);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let message = ErrorMessage::try_from(text.as_bytes()[..end].to_vec())
        .map_err(|_| invalid("error message too long"))?;
    encode(&message).map_err(ssz_err)
}

impl Codec for RpcCodec {
    type Protocol = StreamProtocol;
    type Request = WireRequest;
    type Response = Response;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<WireRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let read = read_payload(io, self.method.max_request_size())
            .await
            .and_then(|ssz| self.decode_request(&ssz));
        match read {
            Ok(request) => Ok(WireRequest::Valid(request)),
            // Broken format: hand it up so the sender is answered and penalised.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                Ok(WireRequest::Malformed(e.to_string()))
            }
            // The stream ended or failed: nobody to answer.
            Err(e) => Err(e),
        }
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Response>
    where
        T: AsyncRead + Unpin + Send,
    {
        let mut blocks = Vec::new();
        loop {
            let chunk = match self.read_chunk(io).await? {
                None => break,
                Some(Err((code, message))) => return Ok(Response::Error { code, message }),
                Some(Ok(ssz)) => ssz,
            };
            if self.method == Method::Status {
                // Exactly one chunk; anything after it is ignored with the stream.
                return Ok(Response::Status(decode(&chunk).map_err(ssz_err)?));
            }
            if blocks.len() == self.method.max_chunks() {
                return Err(invalid("more response chunks than the protocol allows"));
            }
            blocks.push(decode(&chunk).map_err(ssz_err)?);
        }
        match self.method {
            Method::Status => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "status stream closed without a response",
            )),
            _ => Ok(Response::Blocks(blocks)),
        }
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: WireRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let WireRequest::Valid(request) = request else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a malformed request is never sent",
            ));
        };
        let ssz = self.encode_request(&request)?;
        write_payload(io, &ssz).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Response,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        use futures::AsyncWriteExt;
        match (self.method, response) {
            (Method::Status, Response::Status(status)) => {
                io.write_all(&[SUCCESS]).await?;
                write_payload(io, &encode(&status).map_err(ssz_err)?).await
            }
            (Method::BlocksByRange | Method::BlocksByRoot, Response::Blocks(blocks)) => {
                for block in &blocks {
                    io.write_all(&[SUCCESS]).await?;
                    write_payload(io, &encode(block).map_err(ssz_err)?).await?;
                }
                Ok(())
            }
            (_, Response::Error { code, message }) => {
                io.write_all(&[code.to_byte()]).await?;
                write_payload(io, &error_message(&message)?).await
            }
            (method, _) => {
                // The swarm task checks this before sending; answer something valid.
                io.write_all(&[ResponseCode::ServerError.to_byte()]).await?;
                let text = format!("server error: wrong response type for {method:?}");
                write_payload(io, &error_message(&text)?).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etn_types::{BlocksByRangeRequest, SignedBeaconBlock, StatusMessage};
    use futures::executor::block_on;
    use futures::io::Cursor;

    fn proto() -> StreamProtocol {
        StreamProtocol::new("/test")
    }

    fn write_resp(method: Method, response: Response) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        block_on(RpcCodec::new(method).write_response(&proto(), &mut out, response)).unwrap();
        out.into_inner()
    }

    fn read_resp(method: Method, wire: Vec<u8>) -> io::Result<Response> {
        block_on(RpcCodec::new(method).read_response(&proto(), &mut Cursor::new(wire)))
    }

    fn block(slot: u64) -> SignedBeaconBlock {
        let mut b = SignedBeaconBlock::default();
        b.message.slot = slot;
        b
    }

    #[test]
    fn requests_round_trip() {
        let requests = [
            Request::Status(StatusMessage {
                head_slot: 9,
                ..Default::default()
            }),
            Request::BlocksByRange(BlocksByRangeRequest {
                start_slot: 3,
                count: 64,
            }),
            Request::BlocksByRoot(vec![etn_types::Root::ZERO; 64]),
            Request::BlocksByRoot(vec![]),
        ];
        for request in requests {
            let mut codec = RpcCodec::new(request.method());
            let mut wire = Cursor::new(Vec::new());
            let valid = WireRequest::Valid(request);
            block_on(codec.write_request(&proto(), &mut wire, valid.clone())).unwrap();
            let mut wire = Cursor::new(wire.into_inner());
            assert_eq!(
                block_on(codec.read_request(&proto(), &mut wire)).unwrap(),
                valid
            );
        }
    }

    #[test]
    fn responses_round_trip() {
        let blocks = Response::Blocks((0..5).map(block).collect());
        let wire = write_resp(Method::BlocksByRange, blocks.clone());
        assert_eq!(read_resp(Method::BlocksByRange, wire).unwrap(), blocks);
        let empty = Response::Blocks(vec![]);
        let wire = write_resp(Method::BlocksByRoot, empty.clone());
        assert_eq!(read_resp(Method::BlocksByRoot, wire).unwrap(), empty);
        let status = Response::Status(StatusMessage::default());
        let wire = write_resp(Method::Status, status.clone());
        assert_eq!(read_resp(Method::Status, wire).unwrap(), status);
        let error = Response::Error {
            code: ResponseCode::ResourceUnavailable,
            message: "é".repeat(200),
        };
        let wire = write_resp(Method::BlocksByRoot, error);
        match read_resp(Method::BlocksByRoot, wire).unwrap() {
            Response::Error { code, message } => {
                assert_eq!(code, ResponseCode::ResourceUnavailable);
                assert_eq!(message, "é".repeat(128));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn too_many_chunks_are_refused() {
        let wire = write_resp(
            Method::BlocksByRange,
            Response::Blocks((0..65).map(block).collect()),
        );
        assert!(read_resp(Method::BlocksByRange, wire).is_err());
    }

    #[test]
    fn oversized_chunks_are_refused() {
        // A "status" chunk declaring a block-sized payload.
        let wire = write_resp(Method::BlocksByRange, Response::Blocks(vec![block(1)]));
        assert!(read_resp(Method::Status, wire).is_err());
        // A status request declaring more than the 84-byte limit: malformed, not a
        // stream error, so the sender can be answered and penalised.
        let wire = super::super::frames::encode_payload(&[0u8; 100]).unwrap();
        let mut codec = RpcCodec::new(Method::Status);
        let read = block_on(codec.read_request(&proto(), &mut Cursor::new(wire))).unwrap();
        assert!(matches!(read, WireRequest::Malformed(_)), "{read:?}");
    }

    #[test]
    fn malformed_requests_are_reported_not_failed() {
        let frames = super::super::frames::encode_payload;
        let cases: Vec<(Method, Vec<u8>)> = vec![
            // Not snappy after a plausible length.
            (
                Method::BlocksByRange,
                b"\x10garbage garbage garbage".to_vec(),
            ),
            // Valid framing around SSZ of the wrong length.
            (Method::Status, frames(&[1, 2, 3]).unwrap()),
            // 65 roots: one over the list limit (and over the size limit).
            (Method::BlocksByRoot, frames(&[0u8; 65 * 32]).unwrap()),
            // Roots that do not fill a whole root.
            (Method::BlocksByRoot, frames(&[0u8; 33]).unwrap()),
            // An overlong varint.
            (Method::Status, vec![0xff; 11]),
        ];
        for (method, wire) in cases {
            let mut codec = RpcCodec::new(method);
            let read = block_on(codec.read_request(&proto(), &mut Cursor::new(wire.clone())));
            assert!(
                matches!(read, Ok(WireRequest::Malformed(_))),
                "{method:?} {wire:?}: {read:?}"
            );
        }
        // A stream that ends early is an I/O failure, not a malformed request.
        let mut codec = RpcCodec::new(Method::Status);
        let read = block_on(codec.read_request(&proto(), &mut Cursor::new(vec![84, 0xff])));
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        // Malformed requests are never written.
        let mut out = Cursor::new(Vec::new());
        let malformed = WireRequest::Malformed("x".into());
        assert!(block_on(codec.write_request(&proto(), &mut out, malformed)).is_err());
        assert!(out.into_inner().is_empty());
    }

    #[test]
    fn empty_status_stream_is_an_error() {
        assert!(read_resp(Method::Status, vec![]).is_err());
    }

    #[test]
    fn undecodable_chunk_is_an_error() {
        let mut wire = vec![SUCCESS];
        wire.extend(super::super::frames::encode_payload(&[1, 2, 3]).unwrap());
        assert!(read_resp(Method::BlocksByRange, wire).is_err());
    }
}
