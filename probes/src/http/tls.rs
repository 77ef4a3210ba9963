//! Probe stage, HTTP: the one TLS client configuration of a prober.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

use crate::SetupError;

/// Trust the webpki roots, the system's roots and, if given, the certificates of a PEM file.
/// Reads files: call once, at start-up.
pub(crate) fn tls_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, SetupError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // Unreadable system certificates are skipped: the webpki roots remain.
    let native = rustls_native_certs::load_native_certs();
    let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
    if let Some(path) = extra_ca {
        add_pem_file(&mut roots, path)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SetupError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn add_pem_file(roots: &mut RootCertStore, path: &Path) -> Result<(), SetupError> {
    let bytes = std::fs::read(path).map_err(|source| SetupError::CaFileUnreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |detail: Option<String>| SetupError::CaFileInvalid {
        path: path.to_path_buf(),
        detail,
    };
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|e| invalid(Some(e.to_string())))?;
        roots.add(cert).map_err(|e| invalid(Some(e.to_string())))?;
        added += 1;
    }
    if added == 0 {
        return Err(invalid(None));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_extra_ca_files_are_setup_errors() {
        let dir = std::env::temp_dir().join(format!("v6watch-tls-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let broken = dir.join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let missing = dir.join("missing.pem");
        assert!(matches!(
            tls_config(Some(&empty)),
            Err(SetupError::CaFileInvalid { .. })
        ));
        assert!(matches!(
            tls_config(Some(&broken)),
            Err(SetupError::CaFileInvalid { .. })
        ));
        assert!(matches!(
            tls_config(Some(&missing)),
            Err(SetupError::CaFileUnreadable { .. })
        ));
        assert!(tls_config(None).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
