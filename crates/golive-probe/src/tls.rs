//! TLS facts: is the chain valid for the host (verified with webpki against the Mozilla roots
//! plus any extra roots the user trusts), when does the leaf expire, and does the server still
//! accept TLS 1.0 / 1.1 (tested with a hand-built ClientHello, since rustls cannot speak them).

use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, RootCertStore};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The verdict on a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainVerdict {
    Valid,
    Expired,
    NotYetValid,
    WrongHost,
    /// Unknown issuer: self-signed, private CA, or an incomplete chain.
    Untrusted,
    Other(String),
}

impl ChainVerdict {
    pub fn describe(&self) -> String {
        match self {
            ChainVerdict::Valid => "valid for the host, chain complete and trusted".into(),
            ChainVerdict::Expired => "the certificate has expired".into(),
            ChainVerdict::NotYetValid => "the certificate is not valid yet".into(),
            ChainVerdict::WrongHost => "the certificate is not valid for this host name".into(),
            ChainVerdict::Untrusted => {
                "the chain does not lead to a trusted root (self-signed, private CA, or missing intermediate certificates)".into()
            }
            ChainVerdict::Other(m) => format!("the certificate was rejected: {m}"),
        }
    }
}

/// Builds the root store: Mozilla's roots (webpki-roots) plus `extra` DER certificates.
pub fn root_store(extra: &[CertificateDer<'static>]) -> RootCertStore {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for c in extra {
        let _ = roots.add(c.clone());
    }
    roots
}

/// Verifies `chain` (leaf first) for `host` at `now`.
pub fn verify_chain(
    chain: &[CertificateDer<'static>],
    host: &str,
    roots: RootCertStore,
    now: UnixTime,
) -> ChainVerdict {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return ChainVerdict::Other("the server sent no certificate".into());
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = match rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider,
    )
    .build()
    {
        Ok(v) => v,
        Err(e) => return ChainVerdict::Other(format!("cannot build a verifier: {e}")),
    };
    let name = match ServerName::try_from(host.to_string()) {
        Ok(n) => n,
        Err(e) => return ChainVerdict::Other(format!("`{host}` is not a server name: {e}")),
    };
    match verifier.verify_server_cert(leaf, intermediates, &name, &[], now) {
        Ok(_) => ChainVerdict::Valid,
        Err(rustls::Error::InvalidCertificate(e)) => match e {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                ChainVerdict::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                ChainVerdict::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                ChainVerdict::WrongHost
            }
            CertificateError::UnknownIssuer => ChainVerdict::Untrusted,
            other => ChainVerdict::Other(format!("{other:?}")),
        },
        Err(e) => ChainVerdict::Other(e.to_string()),
    }
}

/// Facts from the leaf certificate.
#[derive(Debug, Clone)]
pub struct LeafInfo {
    pub subject: String,
    pub issuer: String,
    /// Seconds since the Unix epoch.
    pub not_after: i64,
    pub not_after_text: String,
    pub self_signed: bool,
}

pub fn leaf_info(der: &CertificateDer<'_>) -> Result<LeafInfo, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|e| format!("cannot parse the server certificate: {e}"))?;
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    Ok(LeafInfo {
        self_signed: subject == issuer,
        subject,
        issuer,
        not_after: cert.validity().not_after.timestamp(),
        not_after_text: cert.validity().not_after.to_string(),
    })
}

/// What a server did with a legacy ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyReply {
    /// A ServerHello choosing that version: the protocol is accepted.
    Accepted,
    /// An alert, a close, or a ServerHello for another version: refused.
    Refused(String),
    /// No answer in time, or the port could not be reached.
    Unknown(String),
}

/// TLS 1.0 = 0x0301, TLS 1.1 = 0x0302.
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;

/// Builds a ClientHello that offers only `version` and classic CBC suites.
pub fn legacy_client_hello(version: u16, host: Option<&str>) -> Vec<u8> {
    let mut body: Vec<u8> = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    // Random: not security relevant for a probe that never completes the handshake; vary it a
    // little per call anyway so that no server caches it.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for i in 0..32u8 {
        body.push((seed >> ((i % 16) * 8)) as u8 ^ i.wrapping_mul(37));
    }
    body.push(0); // session id length
    let suites: [u16; 8] = [
        0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a, 0x0033,
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext: Vec<u8> = Vec::new();
    if let Some(h) = host.filter(|h| h.parse::<std::net::IpAddr>().is_err()) {
        let name = h.as_bytes();
        let mut sni = Vec::new();
        sni.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        ext.extend_from_slice(&0u16.to_be_bytes());
        ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        ext.extend_from_slice(&sni);
    }
    // supported_groups: x25519, secp256r1, secp384r1
    ext.extend_from_slice(&[
        0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
    ]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // renegotiation_info (empty)
    ext.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut hs = vec![1u8]; // ClientHello
    let len = body.len() as u32;
    hs.extend_from_slice(&len.to_be_bytes()[1..]);
    hs.extend_from_slice(&body);

    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

/// Classifies the first bytes a server sends back after a legacy ClientHello.
pub fn classify_reply(reply: &[u8], version: u16) -> LegacyReply {
    if reply.is_empty() {
        return LegacyReply::Refused("the server closed the connection".into());
    }
    match reply[0] {
        0x15 => {
            let desc = reply.get(6).copied().unwrap_or(0);
            LegacyReply::Refused(format!(
                "the server answered with a TLS alert ({})",
                alert_name(desc)
            ))
        }
        0x16 => {
            // record header (5) + handshake type (1) + length (3) + server_version (2)
            if reply.len() < 11 {
                return LegacyReply::Unknown("truncated handshake reply".into());
            }
            if reply[5] != 2 {
                return LegacyReply::Refused(format!(
                    "the server answered with handshake message type {} instead of a ServerHello",
                    reply[5]
                ));
            }
            let chosen = u16::from_be_bytes([reply[9], reply[10]]);
            if chosen == version {
                LegacyReply::Accepted
            } else {
                LegacyReply::Refused(format!(
                    "the server chose version 0x{chosen:04x} instead of 0x{version:04x}"
                ))
            }
        }
        b'H' => LegacyReply::Unknown("the port speaks plain HTTP, not TLS".into()),
        other => LegacyReply::Refused(format!("unexpected reply (record type {other})")),
    }
}

fn alert_name(code: u8) -> String {
    match code {
        40 => "handshake_failure".into(),
        47 => "illegal_parameter".into(),
        70 => "protocol_version".into(),
        71 => "insufficient_security".into(),
        80 => "internal_error".into(),
        112 => "unrecognized_name".into(),
        c => format!("code {c}"),
    }
}

/// Sends a legacy ClientHello to `addr` and classifies the answer.
pub async fn probe_legacy(
    stream: TcpStream,
    version: u16,
    host: &str,
    wait: Duration,
) -> LegacyReply {
    let mut stream = stream;
    let hello = legacy_client_hello(version, Some(host));
    let run = async {
        if let Err(e) = stream.write_all(&hello).await {
            return LegacyReply::Refused(format!("the server closed the connection ({e})"));
        }
        let mut buf = [0u8; 64];
        let mut got = 0usize;
        while got < 11 {
            match stream.read(&mut buf[got..]).await {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => {
                    if got == 0 {
                        return LegacyReply::Refused(format!(
                            "the server reset the connection ({e})"
                        ));
                    }
                    break;
                }
            }
            if buf[0] == 0x15 && got >= 7 {
                break;
            }
        }
        classify_reply(&buf[..got], version)
    };
    match tokio::time::timeout(wait, run).await {
        Ok(r) => r,
        Err(_) => LegacyReply::Unknown(format!("no answer within {}ms", wait.as_millis())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_well_formed() {
        let h = legacy_client_hello(TLS10, Some("example.com"));
        assert_eq!(h[0], 0x16);
        let rec_len = u16::from_be_bytes([h[3], h[4]]) as usize;
        assert_eq!(rec_len, h.len() - 5);
        assert_eq!(h[5], 1);
        let hs_len = u32::from_be_bytes([0, h[6], h[7], h[8]]) as usize;
        assert_eq!(hs_len, h.len() - 9);
        assert_eq!(&h[9..11], &[0x03, 0x01]);
        assert!(h.windows(11).any(|w| w == b"example.com"));
        // No SNI for an IP address.
        let h = legacy_client_hello(TLS11, Some("127.0.0.1"));
        assert!(!h.windows(9).any(|w| w == b"127.0.0.1"));
    }

    #[test]
    fn replies_are_classified() {
        let server_hello = [
            0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01,
        ];
        assert_eq!(classify_reply(&server_hello, TLS10), LegacyReply::Accepted);
        assert!(matches!(
            classify_reply(&server_hello, TLS11),
            LegacyReply::Refused(_)
        ));
        let alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 70];
        match classify_reply(&alert, TLS10) {
            LegacyReply::Refused(m) => assert!(m.contains("protocol_version"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify_reply(&[], TLS10),
            LegacyReply::Refused(_)
        ));
        assert!(matches!(
            classify_reply(b"HTTP/1.1 400 Bad Request", TLS10),
            LegacyReply::Unknown(_)
        ));
    }
}
