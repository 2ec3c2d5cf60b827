//! Client certificates for wss:// (mutual TLS): from the request's
//! [`ClientCertificate`] setting to a certificate chain and private key rustls can offer.
//!
//! The contract:
//! - **PEM** ([`ClientCertSource::Pem`]): the certificate file holds one or more
//!   `CERTIFICATE` blocks, the client's own first, then any intermediates. The key file holds
//!   one unencrypted private key: `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or
//!   `EC PRIVATE KEY` (SEC1); RSA, ECDSA (P-256, P-384) and Ed25519 keys load. No key file: the
//!   key is read from the certificate file. An encrypted PKCS#8 key (`ENCRYPTED PRIVATE KEY`,
//!   PBES2 as OpenSSL 3 writes it) is decrypted with the passphrase; a key in OpenSSL's older
//!   encrypted form (`Proc-Type: 4,ENCRYPTED`) is refused with how to convert it.
//! - **PKCS#12** ([`ClientCertSource::Pkcs12`]): a .p12/.pfx file opened with the passphrase,
//!   the modern kind (PBES2, PBKDF2 with AES-CBC, HMAC-SHA-256, as OpenSSL 3 writes) and the
//!   legacy one (3DES and RC2-40 with an SHA-1 MAC, as `openssl pkcs12 -legacy` and older tools
//!   write). Its first private key with its certificate (and the chain the file holds) is used.
//! - [`load`] reads everything and checks that the private key belongs to the certificate
//!   (their public keys are compared, rustls' `CertifiedKey::keys_match`). Every failure is a
//!   [`TlsFileError`] whose text names the file and what is wrong: "cannot read …", "no PEM
//!   certificate in …", "wrong passphrase for PKCS#12 file …", "the private key in … does not
//!   match the certificate in …". The CLI calls it before connecting (exit 2); the engine calls
//!   it on every connect to wss:// (a fatal error: no reconnects).
//! - Key material and the passphrase are never put in an error, an event, a log or an export:
//!   [`ClientIdentity`]'s `Debug` shows only the certificate's summary. What is shown of the
//!   offered certificate is [`ClientCertInfo`]: subject, issuer and expiry.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;

use crate::model::{ClientCertSource, ClientCertificate};

/// A problem with a file the TLS setup reads (client certificate, key, PKCS#12, CA file):
/// bad input that no reconnect can fix.
#[derive(Debug, thiserror::Error)]
#[error("{what}")]
pub struct TlsFileError {
    pub(crate) what: String,
    #[source]
    pub(crate) cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TlsFileError {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            cause: None,
        }
    }

    pub(crate) fn because(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }
}

/// What is shown of the client certificate that was offered (the timeline, JSONL
/// `client_certificate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertInfo {
    /// e.g. `CN=device-17, O=Acme`
    pub subject: String,
    pub issuer: String,
    /// The end of its validity, RFC 3339 UTC (`2027-01-31T12:00:00Z`).
    pub not_after: String,
    /// Whether `not_after` had passed when it was loaded.
    pub expired: bool,
}

impl ClientCertInfo {
    /// "the client certificate CN=x expired on 2021-01-01T00:00:00Z", when it has.
    pub fn expiry_warning(&self) -> Option<String> {
        self.expired.then(|| {
            format!(
                "the client certificate {} expired on {}",
                self.subject, self.not_after
            )
        })
    }
}

impl std::fmt::Display for ClientCertInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let until = if self.expired { "expired" } else { "expires" };
        write!(
            f,
            "{} (issued by {}, {until} {})",
            self.subject, self.issuer, self.not_after
        )
    }
}

/// A loaded client certificate: chain, key (checked to match) and what is shown of it.
#[derive(Clone)]
pub struct ClientIdentity {
    pub(crate) key: Arc<CertifiedKey>,
    pub info: ClientCertInfo,
}

/// Only the summary: never the key.
impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Reads the client certificate `setting` names (already resolved: no `<<variables>>`);
/// `None` when it offers none.
pub fn load(
    setting: &ClientCertificate,
    provider: &CryptoProvider,
) -> Result<Option<ClientIdentity>, TlsFileError> {
    let (chain, key, key_file, cert_file) = match setting.source {
        ClientCertSource::None => return Ok(None),
        ClientCertSource::Pem => {
            let cert_path = setting.cert_path.trim();
            if cert_path.is_empty() {
                return Err(TlsFileError::new(
                    "client certificate: no certificate file is set (PEM files)",
                ));
            }
            let key_path = match setting.key_path.trim() {
                "" => cert_path,
                path => path,
            };
            let chain = pem_certificates(cert_path)?;
            let key = pem_private_key(key_path, &setting.passphrase)?;
            (chain, key, key_path.to_owned(), cert_path.to_owned())
        }
        ClientCertSource::Pkcs12 => {
            let path = setting.pkcs12_path.trim();
            if path.is_empty() {
                return Err(TlsFileError::new(
                    "client certificate: no PKCS#12 file is set",
                ));
            }
            let (chain, key) = pkcs12(path, &setting.passphrase)?;
            (chain, key, path.to_owned(), path.to_owned())
        }
    };
    let info = describe(&chain[0], &cert_file)?;
    let signing = provider.key_provider.load_private_key(key).map_err(|err| {
        TlsFileError::new(format!(
            "unsupported private key in {key_file} (RSA, ECDSA P-256/P-384 or Ed25519 expected)"
        ))
        .because(err)
    })?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) => {}
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            return Err(TlsFileError::new(if key_file == cert_file {
                format!("the private key in {key_file} does not match its certificate")
            } else {
                format!(
                    "the private key in {key_file} does not match the certificate in {cert_file}"
                )
            }));
        }
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(err) => {
            return Err(
                TlsFileError::new(format!("invalid client certificate in {cert_file}"))
                    .because(err),
            );
        }
    }
    Ok(Some(ClientIdentity {
        key: Arc::new(certified),
        info,
    }))
}

fn read(path: &str, what: &str) -> Result<Vec<u8>, TlsFileError> {
    std::fs::read(path)
        .map_err(|err| TlsFileError::new(format!("cannot read {what} {path}")).because(err))
}

/// The certificates of a PEM file, in order.
fn pem_certificates(path: &str) -> Result<Vec<CertificateDer<'static>>, TlsFileError> {
    let bytes = read(path, "client certificate file")?;
    let mut chain = Vec::new();
    for item in rustls_pemfile::read_all(&mut bytes.as_slice()) {
        match item {
            Ok(rustls_pemfile::Item::X509Certificate(cert)) => chain.push(cert),
            Ok(_) => {}
            Err(err) => {
                return Err(TlsFileError::new(format!(
                    "invalid PEM in client certificate file {path}"
                ))
                .because(err));
            }
        }
    }
    if chain.is_empty() {
        return Err(TlsFileError::new(format!(
            "no PEM certificate (-----BEGIN CERTIFICATE-----) in {path}"
        )));
    }
    Ok(chain)
}

/// The one private key of a PEM file (decrypted with `passphrase` when it is encrypted).
fn pem_private_key(path: &str, passphrase: &str) -> Result<PrivateKeyDer<'static>, TlsFileError> {
    let bytes = read(path, "private key file")?;
    let text = String::from_utf8_lossy(&bytes);
    if text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(TlsFileError::new(format!(
            "the private key in {path} uses OpenSSL's legacy encryption: convert it (openssl \
             pkcs8 -topk8 -in KEY -out NEW.key) or decrypt it (openssl pkey -in KEY -out PLAIN.key)"
        )));
    }
    if let Some(block) = pem_block(&text, "ENCRYPTED PRIVATE KEY") {
        return decrypt_pkcs8(block, path, passphrase);
    }
    let mut keys = Vec::new();
    for item in rustls_pemfile::read_all(&mut bytes.as_slice()) {
        match item {
            Ok(rustls_pemfile::Item::Pkcs8Key(key)) => keys.push(PrivateKeyDer::Pkcs8(key)),
            Ok(rustls_pemfile::Item::Pkcs1Key(key)) => keys.push(PrivateKeyDer::Pkcs1(key)),
            Ok(rustls_pemfile::Item::Sec1Key(key)) => keys.push(PrivateKeyDer::Sec1(key)),
            Ok(_) => {}
            Err(err) => {
                return Err(
                    TlsFileError::new(format!("invalid PEM in private key file {path}"))
                        .because(err),
                );
            }
        }
    }
    match keys.len() {
        1 => Ok(keys.remove(0)),
        0 => Err(TlsFileError::new(format!(
            "no PEM private key in {path} (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY expected)"
        ))),
        n => Err(TlsFileError::new(format!(
            "{path} holds {n} private keys; give a file with one"
        ))),
    }
}

/// The text of the first `label` PEM block of `text`, armour lines included.
fn pem_block<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = start + text[start..].find(&end)? + end.len();
    Some(&text[start..stop])
}

/// An `ENCRYPTED PRIVATE KEY` block, decrypted with `passphrase`.
fn decrypt_pkcs8(
    block: &str,
    path: &str,
    passphrase: &str,
) -> Result<PrivateKeyDer<'static>, TlsFileError> {
    use pkcs8::EncryptedPrivateKeyInfoRef;
    use pkcs8::pkcs5::Error as Pkcs5Error;
    if passphrase.is_empty() {
        return Err(TlsFileError::new(format!(
            "the private key in {path} is encrypted: give its passphrase (Settings → \
             Passphrase, or --key-password)"
        )));
    }
    let (_, der) = pkcs8::der::pem::decode_vec(block.as_bytes()).map_err(|err| {
        TlsFileError::new(format!("invalid PEM in private key file {path}")).because(err)
    })?;
    let info = EncryptedPrivateKeyInfoRef::try_from(der.as_slice()).map_err(|err| {
        TlsFileError::new(format!("invalid encrypted private key in {path}")).because(err)
    })?;
    let plain = info.decrypt(passphrase).map_err(|err| match err {
        pkcs8::Error::EncryptedPrivateKey(
            Pkcs5Error::UnsupportedAlgorithm { .. } | Pkcs5Error::NoPbes1CryptSupport,
        ) => TlsFileError::new(format!(
            "the private key in {path} is encrypted with an unsupported scheme (PBES2 with AES \
             expected: openssl pkcs8 -topk8 -v2 aes-256-cbc)"
        )),
        // A wrong passphrase fails the padding, or gives bytes that are no key.
        _ => TlsFileError::new(format!("wrong passphrase for the private key in {path}")),
    })?;
    Ok(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        plain.as_bytes().to_vec(),
    )))
}

/// The certificate chain and key of a PKCS#12 file.
fn pkcs12(
    path: &str,
    passphrase: &str,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsFileError> {
    use p12_keystore::error::Error as P12Error;
    let bytes = read(path, "PKCS#12 file")?;
    let store = p12_keystore::KeyStore::from_pkcs12(
        &bytes,
        passphrase,
        p12_keystore::Pkcs12ImportPolicy::Strict,
    )
    .map_err(|err| match err {
        // A wrong passphrase fails the MAC, or (without one) the decryption's padding.
        P12Error::MacError(_) | P12Error::UnpadError => TlsFileError::new(format!(
            "wrong passphrase for PKCS#12 file {path}{}",
            if passphrase.is_empty() {
                " (no passphrase was given)"
            } else {
                ""
            }
        )),
        other => TlsFileError::new(format!("invalid PKCS#12 file {path}")).because(other),
    })?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(TlsFileError::new(format!(
            "no private key with its certificate in PKCS#12 file {path}"
        )));
    };
    let certs: Vec<CertificateDer<'static>> = chain
        .certs()
        .iter()
        .map(|c| CertificateDer::from(c.as_der().to_vec()))
        .collect();
    if certs.is_empty() {
        return Err(TlsFileError::new(format!(
            "no certificate for the private key in PKCS#12 file {path}"
        )));
    }
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
    Ok((certs, key))
}

/// Subject, issuer and expiry of `cert`.
fn describe(cert: &CertificateDer<'_>, path: &str) -> Result<ClientCertInfo, TlsFileError> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .map_err(|err| TlsFileError::new(format!("invalid certificate in {path}")).because(err))?;
    let not_after = parsed.validity().not_after.timestamp();
    let now = chrono::Utc::now().timestamp();
    Ok(ClientCertInfo {
        subject: parsed.subject().to_string(),
        issuer: parsed.issuer().to_string(),
        not_after: chrono::DateTime::from_timestamp(not_after, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| not_after.to_string()),
        expired: not_after < now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn setting(source: ClientCertSource, path: &str) -> ClientCertificate {
        ClientCertificate {
            source,
            cert_path: path.to_owned(),
            pkcs12_path: path.to_owned(),
            passphrase: "pw".into(),
            ..Default::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever a file holds (random bytes, or PEM armour around them), loading it is an
        /// error, never a panic.
        #[test]
        fn any_file_content_is_an_error_not_a_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..600),
            armour in 0usize..4,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f");
            let mut content = Vec::new();
            let label = ["CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", ""][armour];
            if !label.is_empty() {
                content.extend_from_slice(format!("-----BEGIN {label}-----\n").as_bytes());
            }
            content.extend_from_slice(&bytes);
            if !label.is_empty() {
                content.extend_from_slice(format!("\n-----END {label}-----\n").as_bytes());
            }
            std::fs::write(&path, &content).unwrap();
            let path = path.to_str().unwrap();
            let provider = rustls::crypto::ring::default_provider();
            for source in [ClientCertSource::Pem, ClientCertSource::Pkcs12] {
                prop_assert!(load(&setting(source, path), &provider).is_err());
            }
        }
    }
}
