//! The TLS setup for wss:// (rustls with the `ring` provider), and the naming of TLS alerts.
//!
//! The contract:
//! - [`setup`] builds one [`Tls`] per connect from the request's settings: the server is
//!   checked against the webpki roots plus the PEM roots of `ca_cert_path` (or not at all with
//!   `accept_invalid_certs`), and the client certificate of `client_certificate` is offered
//!   when the server asks for one ([`super::client_cert`]). A file that cannot be used is a
//!   [`TlsFileError`]: bad input, no reconnects.
//! - [`check_files`] does the same reading without connecting: the CLI calls it first, so a
//!   bad file is exit 2 with nothing sent.
//! - [`alert_in`] finds the TLS alert a server ended the connection with, wherever in an
//!   error's chain it is, and [`rejected`] says it in words, with what was offered:
//!   `the server ended TLS with alert "certificate required": it requires a client
//!   certificate, and none was offered`.

use std::io::BufReader;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_rustls::TlsConnector;

use super::client_cert::{self, ClientCertInfo, TlsFileError};
use crate::model::ConnectionSettings;

/// A connector for wss://, and the client certificate it offers.
#[derive(Clone)]
pub(crate) struct Tls {
    pub connector: TlsConnector,
    pub offered: Option<ClientCertInfo>,
}

/// The TLS setup for wss://: webpki roots plus a CA file, or no verification at all; and the
/// client certificate, if any.
pub(crate) fn setup(settings: &ConnectionSettings) -> Result<Tls, TlsFileError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let identity = client_cert::load(&settings.client_certificate, &provider)?;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| TlsFileError::new("TLS setup failed").because(err))?;
    let builder = if settings.accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
    } else {
        builder.with_root_certificates(roots(settings.ca_cert_path.as_deref())?)
    };
    let (config, offered) = match identity {
        None => (builder.with_no_client_auth(), None),
        Some(identity) => {
            let resolver = rustls::sign::SingleCertAndKey::from(identity.key);
            (
                builder.with_client_cert_resolver(Arc::new(resolver)),
                Some(identity.info),
            )
        }
    };
    Ok(Tls {
        connector: TlsConnector::from(Arc::new(config)),
        offered,
    })
}

/// Reads the CA file and the client certificate the settings name, as [`setup`] would:
/// returns the certificate that would be offered.
pub fn check_files(settings: &ConnectionSettings) -> Result<Option<ClientCertInfo>, TlsFileError> {
    setup(settings).map(|tls| tls.offered)
}

fn roots(ca_cert_path: Option<&str>) -> Result<RootCertStore, TlsFileError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_cert_path.filter(|p| !p.trim().is_empty()) {
        add_pem_roots(&mut roots, path)?;
    }
    Ok(roots)
}

fn add_pem_roots(roots: &mut RootCertStore, path: &str) -> Result<(), TlsFileError> {
    let file = std::fs::File::open(path).map_err(|err| {
        TlsFileError::new(format!("cannot read CA certificate file {path}")).because(err)
    })?;
    let mut added = 0;
    for cert in rustls_pemfile::certs(&mut BufReader::new(file)) {
        let cert = cert.map_err(|err| {
            TlsFileError::new(format!("invalid CA certificate file {path}")).because(err)
        })?;
        roots.add(cert).map_err(|err| {
            TlsFileError::new(format!("invalid CA certificate in {path}")).because(err)
        })?;
        added += 1;
    }
    if added == 0 {
        return Err(TlsFileError::new(format!(
            "invalid CA certificate file {path}: no PEM certificate found"
        )));
    }
    Ok(())
}

/// The TLS alert the peer sent, found anywhere in `err`'s chain (also inside an `io::Error`,
/// whose `source` skips the error it wraps).
pub(crate) fn alert_in(err: &(dyn std::error::Error + 'static)) -> Option<AlertDescription> {
    let mut next = Some(err);
    while let Some(err) = next {
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::AlertReceived(alert)) = tls {
            return Some(*alert);
        }
        next = err.source();
    }
    None
}

/// An alert's name in words: `CertificateRequired` → "certificate required", `UnknownCA` →
/// "unknown ca".
pub(crate) fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut name = String::with_capacity(debug.len() + 4);
    let mut previous_lower = false;
    for c in debug.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push(' ');
        }
        previous_lower = c.is_ascii_lowercase();
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// Says that the server ended TLS with `alert`, and what that means for the client
/// certificate `offered`.
pub(crate) fn rejected(alert: AlertDescription, offered: Option<&ClientCertInfo>) -> String {
    let name = alert_name(alert);
    let about_certificate = matches!(
        alert,
        AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied
            | AlertDescription::HandshakeFailure
            | AlertDescription::DecryptError
    );
    let meaning = match (alert, offered) {
        (AlertDescription::CertificateRequired, None) => {
            ": it requires a client certificate, and none was offered (Settings → Client \
             certificate; --cert and --key, or --pkcs12)"
                .to_owned()
        }
        (AlertDescription::CertificateRequired, Some(cert)) => {
            format!(
                ": it requires a client certificate; {} was offered",
                cert.subject
            )
        }
        (_, Some(cert)) if about_certificate => {
            format!(": it rejected the client certificate {cert}")
        }
        _ => String::new(),
    };
    format!("the server ended TLS with alert \"{name}\"{meaning}")
}

/// `accept_invalid_certs`: any certificate is taken, signatures are still checked for form.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_read_as_words_and_are_found_inside_io_errors() {
        assert_eq!(
            alert_name(AlertDescription::CertificateRequired),
            "certificate required"
        );
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown ca");
        assert_eq!(
            alert_name(AlertDescription::BadCertificate),
            "bad certificate"
        );
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(AlertDescription::CertificateExpired),
        );
        assert_eq!(alert_in(&io), Some(AlertDescription::CertificateExpired));
        let plain = std::io::Error::other("reset");
        assert_eq!(alert_in(&plain), None);
        assert!(rejected(AlertDescription::CertificateRequired, None).contains("none was offered"));
    }
}
