//! The `ssz_snappy` payload encoding of req/resp: `uvarint(ssz_length)` followed by the
//! SSZ bytes in the snappy *framing* format (Ethereum's req/resp encoding).
//!
//! Reading is incremental and bounded: the declared length is checked against the
//! caller's limit before anything else is read, frames are read one at a time, the
//! compressed bytes may not exceed snappy's worst case for the declared length, and
//! reading stops as soon as the frames account for the declared length. So a peer can
//! make us buffer at most about one maximal message per stream, whatever it sends.

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io::{self, Read, Write};

/// Largest uncompressed chunk the framing format allows.
const MAX_FRAME_DATA: usize = 65_536;
const STREAM_IDENTIFIER: &[u8] = b"sNaPpY";

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Appends `value` as an unsigned LEB128 varint.
fn put_uvarint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads an unsigned LEB128 varint of at most 10 bytes.
pub(super) async fn read_uvarint<R: AsyncRead + Unpin>(io: &mut R) -> io::Result<u64> {
    let mut value: u64 = 0;
    for i in 0..10 {
        let mut byte = [0u8; 1];
        io.read_exact(&mut byte).await?;
        let low = u64::from(byte[0] & 0x7f);
        if i == 9 && low > 1 {
            return Err(invalid("varint overflows u64"));
        }
        value |= low << (7 * i);
        if byte[0] & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(invalid("varint longer than 10 bytes"))
}

/// Reads one byte, or `None` at a clean end of stream.
pub(super) async fn read_byte_or_eof<R: AsyncRead + Unpin>(io: &mut R) -> io::Result<Option<u8>> {
    let mut byte = [0u8; 1];
    loop {
        match io.read(&mut byte).await {
            Ok(0) => return Ok(None),
            Ok(_) => return Ok(Some(byte[0])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Encodes `ssz` as `uvarint(len) || snappy frames` (no frames for an empty payload).
pub(super) fn encode_payload(ssz: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(ssz.len() / 2 + 32);
    put_uvarint(&mut out, ssz.len() as u64);
    if !ssz.is_empty() {
        let mut encoder = snap::write::FrameEncoder::new(out);
        encoder.write_all(ssz)?;
        out = encoder
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    Ok(out)
}

/// Writes `uvarint(len) || snappy frames`.
pub(super) async fn write_payload<W: AsyncWrite + Unpin>(io: &mut W, ssz: &[u8]) -> io::Result<()> {
    io.write_all(&encode_payload(ssz)?).await
}

/// Most framed bytes an honest encoder produces for `len` payload bytes: the stream
/// identifier, then per frame a 4-byte header, a 4-byte checksum and snappy's worst case
/// for up to 64 KiB of data.
fn max_framed_len(len: usize) -> usize {
    let frames = len.div_ceil(MAX_FRAME_DATA).max(1);
    10 + frames * (8 + 32) + len + len / 6
}

/// Reads `uvarint(len) || snappy frames` with `len <= limit` and returns the payload.
pub(super) async fn read_payload<R: AsyncRead + Unpin>(
    io: &mut R,
    limit: usize,
) -> io::Result<Vec<u8>> {
    let len = read_uvarint(io).await?;
    if len > limit as u64 {
        return Err(invalid(format!("payload of {len} bytes, limit {limit}")));
    }
    read_frames(io, len as usize).await
}

/// Reads snappy frames until they hold exactly `len` bytes, then checks and
/// decompresses them.
async fn read_frames<R: AsyncRead + Unpin>(io: &mut R, len: usize) -> io::Result<Vec<u8>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let budget = max_framed_len(len);
    let mut framed = Vec::new();
    let mut produced = 0usize;
    while produced < len {
        let mut header = [0u8; 4];
        io.read_exact(&mut header).await?;
        let body_len =
            usize::from(header[1]) | usize::from(header[2]) << 8 | usize::from(header[3]) << 16;
        if framed.len() + 4 + body_len > budget {
            return Err(invalid(
                "snappy frames larger than the declared length allows",
            ));
        }
        let start = framed.len();
        framed.extend_from_slice(&header);
        framed.resize(start + 4 + body_len, 0);
        io.read_exact(&mut framed[start + 4..]).await?;
        let body = &framed[start + 4..];
        match header[0] {
            0xff if start == 0 && body == STREAM_IDENTIFIER => {}
            0xff => return Err(invalid("misplaced or bad snappy stream identifier")),
            _ if start == 0 => return Err(invalid("snappy frames without stream identifier")),
            0x00 if body_len >= 4 => {
                let n = snap::raw::decompress_len(&body[4..])
                    .map_err(|e| invalid(format!("snappy: {e}")))?;
                if n > MAX_FRAME_DATA {
                    return Err(invalid("snappy frame over 64 KiB"));
                }
                produced += n;
            }
            0x01 if body_len >= 4 && body_len - 4 <= MAX_FRAME_DATA => produced += body_len - 4,
            0x00 | 0x01 => return Err(invalid("malformed snappy data frame")),
            0x80..=0xfe => {}
            other => return Err(invalid(format!("reserved snappy frame type {other:#x}"))),
        }
        if produced > len {
            return Err(invalid("snappy frames longer than the declared length"));
        }
    }
    let mut out = Vec::with_capacity(len);
    snap::read::FrameDecoder::new(&framed[..])
        .read_to_end(&mut out)
        .map_err(|e| invalid(format!("snappy: {e}")))?;
    if out.len() != len {
        return Err(invalid("snappy frames do not match the declared length"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::io::Cursor;

    fn roundtrip(data: &[u8], limit: usize) -> io::Result<Vec<u8>> {
        let encoded = encode_payload(data)?;
        block_on(read_payload(&mut Cursor::new(encoded), limit))
    }

    #[test]
    fn payloads_round_trip() {
        for len in [0usize, 1, 84, 65_535, 65_536, 65_537, 300_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            assert_eq!(roundtrip(&data, len).unwrap(), data, "len {len}");
        }
    }

    #[test]
    fn incompressible_payload_fits_the_budget() {
        // A xorshift stream: snappy stores it in uncompressed frames.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let data: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert_eq!(roundtrip(&data, data.len()).unwrap(), data);
    }

    #[test]
    fn declared_length_over_limit_is_refused_before_reading_frames() {
        let mut wire = Vec::new();
        put_uvarint(&mut wire, 1_000_000);
        // No frames follow: the limit check must fire first.
        let err = block_on(read_payload(&mut Cursor::new(wire), 1000)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn frames_longer_than_declared_are_refused() {
        let data = vec![7u8; 1000];
        let mut wire = encode_payload(&data).unwrap();
        // Claim 10 bytes but send frames for 1000.
        wire[0] = 10;
        wire.remove(1);
        assert!(block_on(read_payload(&mut Cursor::new(wire), 2000)).is_err());
    }

    #[test]
    fn truncated_and_garbage_input_are_errors() {
        let wire = encode_payload(&[1u8; 5000]).unwrap();
        for cut in [0, 1, 3, 12, wire.len() - 1] {
            assert!(block_on(read_payload(&mut Cursor::new(&wire[..cut]), 10_000)).is_err());
        }
        // Flip a bit of the first data frame's checksum (after the 2-byte varint, the
        // 10-byte stream identifier and the 4-byte frame header).
        let mut corrupt = wire.clone();
        corrupt[2 + 10 + 4] ^= 0x01;
        assert!(block_on(read_payload(&mut Cursor::new(corrupt), 10_000)).is_err());
        let mut garbage = vec![0x90, 0x4e];
        garbage.extend((0..500).map(|i| (i * 31 % 256) as u8));
        assert!(block_on(read_payload(&mut Cursor::new(garbage), 10_000)).is_err());
    }

    #[test]
    fn varints_round_trip_and_overlong_ones_fail() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut buf = Vec::new();
            put_uvarint(&mut buf, v);
            assert_eq!(block_on(read_uvarint(&mut Cursor::new(buf))).unwrap(), v);
        }
        let overlong = vec![0xffu8; 11];
        assert!(block_on(read_uvarint(&mut Cursor::new(overlong))).is_err());
    }
}
