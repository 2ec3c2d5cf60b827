//! The client certificate a request offers on wss:// (mutual TLS). Plain data: the engine's
//! `client_cert` room reads the files, checks the key against the certificate and hands them
//! to rustls.
//!
//! The contract:
//! - [`ClientCertSource::None`] (the default) offers no certificate.
//! - [`ClientCertSource::Pem`]: `cert_path` is a PEM certificate (its chain may follow it);
//!   `key_path` a PEM private key (PKCS#8, PKCS#1 or SEC1), decrypted with `passphrase` when
//!   it is an encrypted PKCS#8 key. An empty `key_path` reads the key from the certificate file.
//! - [`ClientCertSource::Pkcs12`]: `pkcs12_path` is a .p12/.pfx file, opened with `passphrase`.
//! - Every field may use `<<variables>>`. The passphrase is a secret: the store writes it to
//!   `.secrets.json`, never to the request file, unless it is nothing but one `<<variable>>`.
//! - The paths of the source not chosen are kept (switching back finds them again).
//! - A request that never set one writes nothing (`is_unset`), so its file does not change.

use serde::{Deserialize, Serialize};

/// Where the client certificate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientCertSource {
    #[default]
    None,
    Pem,
    Pkcs12,
}

impl ClientCertSource {
    pub const ALL: [ClientCertSource; 3] = [Self::None, Self::Pem, Self::Pkcs12];

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Pem => "PEM files",
            Self::Pkcs12 => "PKCS#12 file",
        }
    }
}

/// Settings → Client certificate, per request.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ClientCertificate {
    pub source: ClientCertSource,
    /// PEM: the certificate (chain) file.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert_path: String,
    /// PEM: the private key file; empty: the key is in `cert_path`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key_path: String,
    /// PKCS#12: the .p12/.pfx file.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pkcs12_path: String,
    /// The PKCS#12 file's passphrase, or an encrypted PEM key's (a secret; may be a
    /// `<<variable>>`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub passphrase: String,
}

impl ClientCertificate {
    /// Nothing chosen and nothing typed: not written to the request file.
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a certificate is to be offered.
    pub fn is_set(&self) -> bool {
        self.source != ClientCertSource::None
    }

    /// As exported: a typed passphrase is left out, a `<<variable>>` one stays.
    pub fn for_export(&self) -> Self {
        let mut public = self.clone();
        if !super::is_reference(&public.passphrase) {
            public.passphrase.clear();
        }
        public
    }

    /// The secret fields with their names in `.secrets.json`.
    pub fn secret_fields_mut(&mut self) -> Vec<(&'static str, &mut String)> {
        vec![("client_certificate.passphrase", &mut self.passphrase)]
    }
}

/// Never prints the passphrase.
impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("source", &self.source)
            .field("cert_path", &self.cert_path)
            .field("key_path", &self.key_path)
            .field("pkcs12_path", &self.pkcs12_path)
            .field(
                "passphrase",
                &if self.passphrase.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_writes_nothing_and_debug_hides_the_passphrase() {
        assert!(ClientCertificate::default().is_unset());
        let c = ClientCertificate {
            source: ClientCertSource::Pkcs12,
            pkcs12_path: "a.p12".into(),
            passphrase: "hunter2".into(),
            ..Default::default()
        };
        assert!(c.is_set() && !c.is_unset());
        assert!(!format!("{c:?}").contains("hunter2"));
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["source"], "pkcs12");
        assert!(json.get("cert_path").is_none());
        let back: ClientCertificate = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
        assert!(c.for_export().passphrase.is_empty());
        let by_var = ClientCertificate {
            passphrase: "<<p12_pass>>".into(),
            ..c
        };
        assert_eq!(by_var.for_export(), by_var);
    }
}
