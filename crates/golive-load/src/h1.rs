//! The HTTP/1.1 hot path of the load generator: the request is serialised once, written as is
//! for every exchange, and the response is parsed in place with `httparse` from a buffer owned by
//! the connection — no allocation per request, one request in flight per connection (no
//! pipelining: the same semantics as wrk). Handles `Content-Length`, chunked and close-delimited
//! bodies, `Connection: close`, HTTP/1.0 and interim 1xx responses. HTTP/2 and the smoke runner
//! use hyper.

use crate::client::Failure;
use crate::stats::ErrorKind;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// Largest response head accepted.
const MAX_HEAD: usize = 64 * 1024;
const BUF: usize = 16 * 1024;

/// A plain or TLS byte stream.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// What one exchange gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exchange {
    pub status: u16,
    pub body_bytes: u64,
    /// False when the connection cannot carry another request.
    pub keep_alive: bool,
}

/// One HTTP/1.1 connection with its read buffer.
pub struct Conn {
    io: Stream,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
}

fn reset(what: &str) -> Failure {
    Failure {
        kind: ErrorKind::Reset,
        message: what.to_string(),
    }
}

fn protocol(what: String) -> Failure {
    Failure {
        kind: ErrorKind::Protocol,
        message: what,
    }
}

fn io_failure(e: io::Error, doing: &str) -> Failure {
    let kind = match e.kind() {
        io::ErrorKind::InvalidData => ErrorKind::Protocol,
        _ => ErrorKind::Reset,
    };
    Failure {
        kind,
        message: format!("{doing}: {e}"),
    }
}

impl Conn {
    pub fn new(io: Stream) -> Conn {
        Conn {
            io,
            buf: vec![0u8; BUF].into_boxed_slice(),
            start: 0,
            end: 0,
        }
    }

    /// Reads more bytes into the buffer; returns how many (0 at end of stream).
    async fn fill(&mut self) -> Result<usize, Failure> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_HEAD {
                return Err(protocol(format!(
                    "response head larger than {MAX_HEAD} bytes"
                )));
            }
            let mut bigger = vec![0u8; (self.buf.len() * 2).min(MAX_HEAD)].into_boxed_slice();
            bigger[..self.end].copy_from_slice(&self.buf[..self.end]);
            self.buf = bigger;
        }
        let n = self
            .io
            .read(&mut self.buf[self.end..])
            .await
            .map_err(|e| io_failure(e, "reading the response"))?;
        self.end += n;
        Ok(n)
    }

    /// Sends the prepared request and reads the whole response.
    pub async fn exchange(
        &mut self,
        request: &[u8],
        head_request: bool,
    ) -> Result<Exchange, Failure> {
        self.io
            .write_all(request)
            .await
            .map_err(|e| io_failure(e, "sending the request"))?;
        loop {
            // Read until the head is complete; it is parsed outside this async function, so
            // that the header slots are not part of the future's state.
            let head = loop {
                if self.start < self.end
                    && let Some(head) = parse_head(&self.buf[self.start..self.end])?
                {
                    break head;
                }
                if self.fill().await? == 0 {
                    return Err(reset(if self.start == self.end {
                        "the server closed the connection before answering"
                    } else {
                        "the server closed the connection in the middle of the response head"
                    }));
                }
            };
            let Head {
                status,
                consumed,
                framing,
                keep_alive,
            } = head;
            self.start += consumed;
            if (100..200).contains(&status) && status != 101 {
                continue; // interim response (100 Continue): the real one follows
            }
            let no_body =
                head_request || status == 204 || status == 304 || (100..200).contains(&status);
            let (body_bytes, keep_alive) = if no_body {
                (0, keep_alive)
            } else {
                match framing {
                    Framing::Length(n) => (self.skip(n).await?, keep_alive),
                    Framing::Chunked => (self.chunked().await?, keep_alive),
                    Framing::UntilClose => (self.until_close().await?, false),
                }
            };
            return Ok(Exchange {
                status,
                body_bytes,
                keep_alive,
            });
        }
    }

    /// Skips exactly `n` body bytes.
    async fn skip(&mut self, n: u64) -> Result<u64, Failure> {
        let mut left = n;
        loop {
            let avail = (self.end - self.start) as u64;
            let take = avail.min(left);
            self.start += take as usize;
            left -= take;
            if left == 0 {
                return Ok(n);
            }
            if self.fill().await? == 0 {
                return Err(reset(
                    "the server closed the connection in the middle of the body",
                ));
            }
        }
    }

    async fn until_close(&mut self) -> Result<u64, Failure> {
        let mut n = (self.end - self.start) as u64;
        self.start = self.end;
        loop {
            let got = self.fill().await?;
            if got == 0 {
                return Ok(n);
            }
            n += got as u64;
            self.start = self.end;
        }
    }

    /// Reads a line ending in CRLF (chunk sizes, trailers); returns its length without CRLF.
    async fn line(&mut self) -> Result<usize, Failure> {
        loop {
            if let Some(i) = self.buf[self.start..self.end]
                .windows(2)
                .position(|w| w == b"\r\n")
            {
                self.start += i + 2;
                return Ok(i);
            }
            if self.fill().await? == 0 {
                return Err(reset(
                    "the server closed the connection in the middle of a chunked body",
                ));
            }
        }
    }

    async fn chunked(&mut self) -> Result<u64, Failure> {
        let mut total = 0u64;
        loop {
            let size = loop {
                match httparse::parse_chunk_size(&self.buf[self.start..self.end]) {
                    Ok(httparse::Status::Complete((used, size))) => {
                        self.start += used;
                        break size;
                    }
                    Ok(httparse::Status::Partial) => {
                        if self.fill().await? == 0 {
                            return Err(reset(
                                "the server closed the connection in the middle of a chunked body",
                            ));
                        }
                    }
                    Err(_) => return Err(protocol("invalid chunk size in a chunked body".into())),
                }
            };
            if size == 0 {
                // Trailers, up to the empty line.
                while self.line().await? > 0 {}
                return Ok(total);
            }
            total += self.skip(size).await?;
            if self.line().await? != 0 {
                return Err(protocol("chunk not followed by CRLF".into()));
            }
        }
    }
}

/// A parsed response head: what the exchange needs of it.
struct Head {
    status: u16,
    /// Bytes of the head, blank line included.
    consumed: usize,
    framing: Framing,
    keep_alive: bool,
}

/// Parses a response head at the start of `buf`: `None` while it is incomplete.
fn parse_head(buf: &[u8]) -> Result<Option<Head>, Failure> {
    // The header slots are left uninitialised: httparse writes the ones it uses, so no 2 KiB of
    // empty headers is cleared for every response.
    let mut headers = [const { std::mem::MaybeUninit::<httparse::Header>::uninit() }; 64];
    let mut resp = httparse::Response::new(&mut []);
    let consumed = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut resp,
        buf,
        &mut headers,
    ) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(protocol(format!("invalid response: {e}"))),
    };
    let mut keep_alive = resp.version != Some(0);
    let mut framing = Framing::UntilClose;
    for h in resp.headers.iter() {
        // Only three header names matter; their lengths tell them apart before any comparison
        // of bytes.
        match h.name.len() {
            14 if h.name.eq_ignore_ascii_case("content-length") => {
                let v =
                    parse_length(h.value).ok_or_else(|| protocol("bad Content-Length".into()))?;
                if !matches!(framing, Framing::Chunked) {
                    framing = Framing::Length(v);
                }
            }
            17 if h.name.eq_ignore_ascii_case("transfer-encoding")
                && contains_token(h.value, b"chunked") =>
            {
                framing = Framing::Chunked;
            }
            10 if h.name.eq_ignore_ascii_case("connection") => {
                if contains_token(h.value, b"close") {
                    keep_alive = false;
                } else if contains_token(h.value, b"keep-alive") {
                    keep_alive = true;
                }
            }
            _ => {}
        }
    }
    Ok(Some(Head {
        status: resp.code.unwrap_or(0),
        consumed,
        framing,
        keep_alive,
    }))
}

#[derive(Clone, Copy)]
enum Framing {
    Length(u64),
    Chunked,
    UntilClose,
}

/// A Content-Length value: ASCII digits, optionally surrounded by spaces or tabs.
fn parse_length(value: &[u8]) -> Option<u64> {
    let digits = value.trim_ascii();
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

fn contains_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|b| *b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token))
}

/// Serialises a request once: request line, Host, User-Agent, the given headers, Content-Length
/// when there is a body (or the method usually carries one), then the body.
pub fn serialize(
    method: &http::Method,
    target: &str,
    host: &str,
    headers: &[(http::HeaderName, http::HeaderValue)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let has = |name: &http::HeaderName| headers.iter().any(|(n, _)| n == name);
    if !has(&http::header::HOST) {
        out.extend_from_slice(b"Host: ");
        out.extend_from_slice(host.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !has(&http::header::USER_AGENT) {
        out.extend_from_slice(
            concat!(
                "User-Agent: golive-load/",
                env!("CARGO_PKG_VERSION"),
                "\r\n"
            )
            .as_bytes(),
        );
    }
    for (n, v) in headers {
        out.extend_from_slice(n.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let needs_length = !body.is_empty()
        || matches!(
            *method,
            http::Method::POST | http::Method::PUT | http::Method::PATCH
        );
    if needs_length && !has(&http::header::CONTENT_LENGTH) {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;

    /// A server that writes `script` (in pieces) after reading the request head.
    async fn conn_with(script: Vec<&'static [u8]>) -> Conn {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = l.accept().await.unwrap();
            let mut b = [0u8; 1024];
            let _ = s.read(&mut b).await;
            for part in script {
                s.write_all(part).await.unwrap();
                s.flush().await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        });
        Conn::new(Stream::Plain(TcpStream::connect(addr).await.unwrap()))
    }

    #[tokio::test]
    async fn parses_length_chunked_close_and_interim() {
        let req = serialize(&http::Method::GET, "/", "x", &[], b"");
        assert!(req.starts_with(b"GET / HTTP/1.1\r\nHost: x\r\n"));
        let mut c = conn_with(vec![
            b"HTTP/1.1 200 OK\r\nContent-Le",
            b"ngth: 5\r\n\r\nhel",
            b"lo",
        ])
        .await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (200, 5, true));

        let mut c = conn_with(vec![
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab",
            b"cd\r\n3;ext=1\r\nxyz\r\n0\r\nX-Trailer: 1\r\n\r\n",
        ])
        .await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (201, 7, true));

        let mut c = conn_with(vec![b"HTTP/1.0 200 OK\r\n\r\nuntil close"]).await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (200, 11, false));

        let mut c = conn_with(vec![
            b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
        ])
        .await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (204, 0, false));
    }

    #[tokio::test]
    async fn broken_responses_are_classified() {
        let req = serialize(&http::Method::GET, "/", "x", &[], b"");
        let mut c = conn_with(vec![b"garbage\r\n\r\n"]).await;
        assert_eq!(
            c.exchange(&req, false).await.unwrap_err().kind,
            ErrorKind::Protocol
        );
        let mut c = conn_with(vec![]).await;
        assert_eq!(
            c.exchange(&req, false).await.unwrap_err().kind,
            ErrorKind::Reset
        );
        let mut c = conn_with(vec![b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"]).await;
        assert_eq!(
            c.exchange(&req, false).await.unwrap_err().kind,
            ErrorKind::Reset
        );
        let mut c = conn_with(vec![b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"]).await;
        assert_eq!(
            c.exchange(&req, false).await.unwrap_err().kind,
            ErrorKind::Protocol
        );
    }

    #[test]
    fn content_length_values() {
        assert_eq!(parse_length(b"0"), Some(0));
        assert_eq!(parse_length(b" 128\t"), Some(128));
        assert_eq!(
            parse_length(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        for bad in [
            &b""[..],
            b" ",
            b"-1",
            b"+1",
            b"1 2",
            b"12a",
            b"0x10",
            b"99999999999999999999",
        ] {
            assert_eq!(
                parse_length(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[tokio::test]
    async fn header_names_in_any_case_among_many() {
        let req = serialize(&http::Method::GET, "/", "x", &[], b"");
        let response = |pairs: usize| -> &'static [u8] {
            // unrelated headers, half of them with the length of "connection" and a "close"
            let mut head = String::from("HTTP/1.1 200 OK\r\n");
            for i in 0..pairs {
                head.push_str(&format!(
                    "x-padding-{i:04}: {i}\r\nx-conn-{i:03}: close\r\n"
                ));
            }
            head.push_str("CONTENT-length: 3\r\ncOnNeCtIoN: Keep-Alive\r\n\r\nabc");
            Box::leak(head.into_bytes().into_boxed_slice())
        };
        // 62 headers fit in the 64 slots
        let mut c = conn_with(vec![response(30)]).await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (200, 3, true));
        // 82 do not: a protocol error rather than a misparse
        let mut c = conn_with(vec![response(40)]).await;
        assert_eq!(
            c.exchange(&req, false).await.unwrap_err().kind,
            ErrorKind::Protocol
        );
        let mut c = conn_with(vec![
            b"HTTP/1.1 200 OK\r\nX-Connectio: close\r\nTRANSFER-ENCODING: gzip, Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        ])
        .await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (200, 2, true));
        let mut c = conn_with(vec![
            b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\nCONNECTION: close\r\n\r\nabc",
        ])
        .await;
        let e = c.exchange(&req, false).await.unwrap();
        assert_eq!((e.status, e.body_bytes, e.keep_alive), (200, 3, false));
    }

    #[test]
    fn post_gets_a_length() {
        let r = serialize(&http::Method::POST, "/a?b=1", "h:1", &[], b"{}");
        let t = String::from_utf8(r).unwrap();
        assert!(t.contains("Content-Length: 2\r\n\r\n{}"), "{t}");
    }
}
