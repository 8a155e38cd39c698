//! What the load generators share: randomness for places and times, RFC
//! 3339 times, and one keep-alive HTTP/1.1 connection.

/// Times as the service writes them (RFC 3339, UTC).
pub(crate) use deconflict_server::time::format as rfc3339;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// xorshift64*: enough randomness for places and times.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One keep-alive HTTP/1.1 connection: a request, then its whole answer.
pub(crate) struct Client {
    addr: String,
    read: BufReader<OwnedReadHalf>,
    write: OwnedWriteHalf,
}

impl Client {
    pub(crate) async fn connect(addr: &str) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (read, write) = stream.into_split();
        Ok(Client {
            addr: addr.to_owned(),
            read: BufReader::new(read),
            write,
        })
    }

    /// Sends a request and reads its answer: the status and the body.
    pub(crate) async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        self.call_with_headers(method, path, token, "", body).await
    }

    /// [`Client::call`] with further header lines (each ending in CRLF).
    pub(crate) async fn call_with_headers(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        headers: &str,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        self.write.write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.read.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.read.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut answer = vec![0u8; length];
        self.read.read_exact(&mut answer).await?;
        Ok((status, String::from_utf8_lossy(&answer).into_owned()))
    }
}
