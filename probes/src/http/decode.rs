//! Probe stage, HTTP: undoing a `Content-Encoding` the server applied although none was
//! asked for, so the verdict stage reads the page and not its compressed bytes. Bounded: the
//! decoded body stops at the same cap as a plain one, so a gzip bomb costs at most the cap.

use std::io::Read;

use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};

/// A body after decoding.
pub(crate) struct Decoded {
    pub bytes: Vec<u8>,
    /// The decoded body went on past the cap.
    pub truncated: bool,
    /// Why the body could not be decoded (it is then kept as it came).
    pub problem: Option<String>,
}

/// Decode `bytes` sent with `encoding`, keeping at most `cap` decoded bytes. An encoding this
/// probe does not know, or `identity`, leaves the body as it is.
pub(crate) fn decode(encoding: Option<&str>, bytes: Vec<u8>, cap: usize) -> Decoded {
    let kept = |bytes, problem| Decoded {
        bytes,
        truncated: false,
        problem,
    };
    let Some(encoding) = encoding.map(|e| e.trim().to_ascii_lowercase()) else {
        return kept(bytes, None);
    };
    let reader: Box<dyn Read + '_> = match encoding.as_str() {
        "gzip" | "x-gzip" => Box::new(GzDecoder::new(bytes.as_slice())),
        // `deflate` is meant to be zlib-wrapped, but some servers send it raw.
        "deflate" if bytes.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(ZlibDecoder::new(bytes.as_slice()))
        }
        "deflate" => Box::new(DeflateDecoder::new(bytes.as_slice())),
        "" | "identity" => return kept(bytes, None),
        other => {
            let problem = format!("body in an unknown Content-Encoding {other:?}, read as sent");
            return kept(bytes, Some(problem));
        }
    };
    let mut decoded = Vec::new();
    // One byte past the cap tells a body that ends at the cap from one that goes on.
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let result = reader.take(limit).read_to_end(&mut decoded);
    match result {
        Ok(_) => {
            let truncated = decoded.len() > cap;
            decoded.truncate(cap);
            Decoded {
                bytes: decoded,
                truncated,
                problem: None,
            }
        }
        Err(e) => {
            let problem = format!("{encoding} body could not be decoded: {e}");
            kept(bytes, Some(problem))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn known_encodings_are_decoded() {
        let page = b"<script src=//cdn.example/x.js></script>";
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(page).unwrap();
        let mut raw = DeflateEncoder::new(Vec::new(), Compression::default());
        raw.write_all(page).unwrap();
        let cases = [
            ("gzip", gzip(page)),
            ("X-GZIP", gzip(page)),
            ("deflate", zlib.finish().unwrap()),
            ("deflate", raw.finish().unwrap()),
        ];
        for (encoding, body) in cases {
            let out = decode(Some(encoding), body, 1024);
            assert_eq!(out.bytes, page, "{encoding}");
            assert!(!out.truncated && out.problem.is_none(), "{encoding}");
        }
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![0u8; 20 * 1024 * 1024]);
        assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
        let out = decode(Some("gzip"), bomb, 64 * 1024);
        assert_eq!(out.bytes.len(), 64 * 1024);
        assert!(out.truncated);
    }

    #[test]
    fn exactly_the_cap_is_not_truncated() {
        let out = decode(Some("gzip"), gzip(&[7u8; 100]), 100);
        assert_eq!(out.bytes.len(), 100);
        assert!(!out.truncated);
    }

    #[test]
    fn plain_unknown_and_broken_bodies_are_kept_as_sent() {
        let out = decode(None, b"plain".to_vec(), 3);
        assert_eq!(out.bytes, b"plain");
        let out = decode(Some("identity"), b"plain".to_vec(), 100);
        assert!(out.problem.is_none());
        let out = decode(Some("br"), b"\x0b\x02".to_vec(), 100);
        assert_eq!(out.bytes, b"\x0b\x02");
        assert!(out.problem.unwrap().contains("unknown"));
        let out = decode(Some("gzip"), b"not gzip at all".to_vec(), 100);
        assert_eq!(out.bytes, b"not gzip at all");
        assert!(out.problem.unwrap().contains("could not be decoded"));
    }
}
