//! A minimal HTTP/1.1 client for talking to nodes' APIs on loopback (the devnet's
//! status table, summaries, partition control, tests). One request per connection,
//! bounded by a timeout; enough for JSON on 127.0.0.1 without a client library.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot reach {0}: {1}")]
    Connect(SocketAddr, std::io::Error),
    #[error("request to {0} timed out")]
    Timeout(SocketAddr),
    #[error("i/o with {0}: {1}")]
    Io(SocketAddr, std::io::Error),
    #[error("malformed response from {0}")]
    Malformed(SocketAddr),
    #[error("{status} from {addr}{path}: {body}")]
    Status {
        addr: SocketAddr,
        path: String,
        status: u16,
        body: String,
    },
    #[error("invalid JSON from {0}: {1}")]
    Json(SocketAddr, serde_json::Error),
}

/// Largest response body read (a status or summary is a few kilobytes).
const MAX_RESPONSE: usize = 16 << 20;

async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    timeout: Duration,
) -> Result<(u16, Vec<u8>), HttpError> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|e| HttpError::Connect(addr, e))?;
        let body = body.unwrap_or("");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| HttpError::Io(addr, e))?;
        stream
            .write_all(body.as_bytes())
            .await
            .map_err(|e| HttpError::Io(addr, e))?;
        let mut response = Vec::new();
        stream
            .take(MAX_RESPONSE as u64)
            .read_to_end(&mut response)
            .await
            .map_err(|e| HttpError::Io(addr, e))?;
        parse(addr, &response)
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| HttpError::Timeout(addr))?
}

fn parse(addr: SocketAddr, response: &[u8]) -> Result<(u16, Vec<u8>), HttpError> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(HttpError::Malformed(addr))?;
    let head = std::str::from_utf8(&response[..split]).map_err(|_| HttpError::Malformed(addr))?;
    let status: u16 = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or(HttpError::Malformed(addr))?;
    let mut body = response[split + 4..].to_vec();
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:")
            && l.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        body = dechunk(&body).ok_or(HttpError::Malformed(addr))?;
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// GETs `path` and parses the JSON body; a non-2xx status is an error carrying the body.
pub async fn get_json(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> Result<serde_json::Value, HttpError> {
    let (status, body) = request(addr, "GET", path, None, timeout).await?;
    check(addr, path, status, &body)?;
    serde_json::from_slice(&body).map_err(|e| HttpError::Json(addr, e))
}

/// POSTs a JSON body to `path` and parses the JSON answer.
pub async fn post_json(
    addr: SocketAddr,
    path: &str,
    body: &serde_json::Value,
    timeout: Duration,
) -> Result<serde_json::Value, HttpError> {
    let text = body.to_string();
    let (status, body) = request(addr, "POST", path, Some(&text), timeout).await?;
    check(addr, path, status, &body)?;
    serde_json::from_slice(&body).map_err(|e| HttpError::Json(addr, e))
}

/// GETs `path` and returns the body as text (`/metrics`).
pub async fn get_text(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> Result<String, HttpError> {
    let (status, body) = request(addr, "GET", path, None, timeout).await?;
    check(addr, path, status, &body)?;
    String::from_utf8(body).map_err(|_| HttpError::Malformed(addr))
}

/// GETs `path` and returns only the status code.
pub async fn get_status(addr: SocketAddr, path: &str, timeout: Duration) -> Result<u16, HttpError> {
    Ok(request(addr, "GET", path, None, timeout).await?.0)
}

fn check(addr: SocketAddr, path: &str, status: u16, body: &[u8]) -> Result<(), HttpError> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(HttpError::Status {
            addr,
            path: path.to_string(),
            status,
            body: String::from_utf8_lossy(body).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse(addr, plain).unwrap(), (200, b"{}".to_vec()));
        let chunked = b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse(addr, chunked).unwrap(), (404, b"abcde".to_vec()));
        assert!(parse(addr, b"garbage").is_err());
        assert!(parse(addr, b"HTTP/1.1 2xx\r\n\r\n").is_err());
    }
}
