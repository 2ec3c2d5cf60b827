//! Mutual TLS for the tests: a test CA (rcgen), client certificates it signs (RSA, ECDSA,
//! Ed25519; valid or expired) written as the files users have (PEM in PKCS#8, PKCS#1 or SEC1;
//! PKCS#12 from the `openssl` CLI or the p12-keystore crate), and [`MtlsServer`], a real wss://
//! echo server (tokio-rustls + tungstenite) that REQUIRES a client certificate signed by the
//! CA and refuses connections without one.
//!
//! RSA keys, the PKCS#1 and SEC1 forms and the `openssl pkcs12` files come from the `openssl`
//! CLI (ring, rcgen's backend, cannot generate RSA keys); a missing `openssl` fails the test
//! with what to install (`.ci/peers` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};
use tokio::net::TcpListener;

use super::runtime;

/// A key algorithm for a client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    EcdsaP256,
    Ed25519,
}

/// A test CA, with its PEM file, and the folder the test's files go in.
pub struct Pki {
    pub dir: tempfile::TempDir,
    ca: CertifiedIssuer<'static, KeyPair>,
    pub ca_path: PathBuf,
}

/// A client certificate's files.
pub struct ClientFiles {
    pub cert_path: PathBuf,
    /// The key as PKCS#8 PEM.
    pub key_path: PathBuf,
    /// The key's PEM text (to check it never shows anywhere).
    pub key_pem: String,
    pub subject_cn: String,
}

/// `openssl` with these arguments; fails the test with what to install when it is missing.
pub fn openssl(args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "the `openssl` command is needed to make the test's RSA keys and PKCS#12 files \
             ({err}); install it: apt-get install openssl (.ci/peers does)"
            )
        });
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

impl Pki {
    pub fn new() -> Self {
        Self::named("wsprobe mTLS test CA")
    }

    /// A CA called CN=`name`.
    pub fn named(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("ca key"))
            .expect("ca cert");
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_path = dir.path().join("ca.pem");
        std::fs::write(&ca_path, ca.pem()).expect("write ca.pem");
        Self { dir, ca, ca_path }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn key_pair(&self, kind: KeyKind, name: &str) -> KeyPair {
        match kind {
            KeyKind::EcdsaP256 => {
                KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("ecdsa key")
            }
            KeyKind::Ed25519 => KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("ed25519 key"),
            KeyKind::Rsa => {
                let path = self.path(&format!("{name}.rsa.pem"));
                openssl(&[
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-out",
                    path_str(&path),
                ]);
                let pem = std::fs::read_to_string(&path).expect("rsa key");
                KeyPair::from_pem(&pem).expect("rsa key pair")
            }
        }
    }

    /// A client certificate for CN=`name`, signed by the CA; `expired` makes one that ended
    /// in 2021.
    pub fn client(&self, name: &str, kind: KeyKind, expired: bool) -> ClientFiles {
        let key = self.key_pair(kind, name);
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("client params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params.signed_by(&key, &self.ca).expect("client cert");
        let cert_path = self.path(&format!("{name}.crt"));
        let key_path = self.path(&format!("{name}.key"));
        std::fs::write(&cert_path, cert.pem()).expect("write cert");
        let key_pem = key.serialize_pem();
        std::fs::write(&key_path, &key_pem).expect("write key");
        ClientFiles {
            cert_path,
            key_path,
            key_pem,
            subject_cn: name.to_owned(),
        }
    }

    /// The key of `client` in its traditional form: PKCS#1 (`RSA PRIVATE KEY`) for RSA,
    /// SEC1 (`EC PRIVATE KEY`) for ECDSA.
    pub fn traditional_key(&self, client: &ClientFiles) -> PathBuf {
        let out = self.path(&format!("{}.traditional.key", client.subject_cn));
        openssl(&[
            "pkey",
            "-in",
            path_str(&client.key_path),
            "-traditional",
            "-out",
            path_str(&out),
        ]);
        out
    }

    /// The key of `client` encrypted with `passphrase` (`ENCRYPTED PRIVATE KEY`).
    pub fn encrypted_key(&self, client: &ClientFiles, passphrase: &str) -> PathBuf {
        let out = self.path(&format!("{}.encrypted.key", client.subject_cn));
        let pass = format!("pass:{passphrase}");
        openssl(&[
            "pkey",
            "-in",
            path_str(&client.key_path),
            "-aes256",
            "-passout",
            &pass,
            "-out",
            path_str(&out),
        ]);
        out
    }

    /// `client` as a PKCS#12 file written by `openssl pkcs12 -export` (OpenSSL 3's defaults:
    /// PBES2/AES-256, or with `legacy` 3DES and RC2-40 with an SHA-1 MAC).
    pub fn openssl_p12(&self, client: &ClientFiles, passphrase: &str, legacy: bool) -> PathBuf {
        let out = self.path(&format!(
            "{}{}.p12",
            client.subject_cn,
            if legacy { ".legacy" } else { "" }
        ));
        let pass = format!("pass:{passphrase}");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            path_str(&client.cert_path),
            "-inkey",
            path_str(&client.key_path),
            "-out",
            path_str(&out),
            "-passout",
            &pass,
        ];
        if legacy {
            args.push("-legacy");
        }
        openssl(&args);
        out
    }

    /// `client` as a PKCS#12 file written by the p12-keystore crate (PBES2/AES-256).
    pub fn crate_p12(&self, client: &ClientFiles, passphrase: &str) -> PathBuf {
        let cert_pem = std::fs::read(&client.cert_path).expect("cert");
        let cert_der = rustls_pemfile::certs(&mut cert_pem.as_slice())
            .next()
            .expect("a cert")
            .expect("cert pem");
        let key_der = rustls_pemfile::private_key(&mut client.key_pem.as_bytes())
            .expect("key pem")
            .expect("a key");
        let cert = p12_keystore::Certificate::from_der(cert_der.as_ref()).expect("p12 cert");
        let key = p12_keystore::PrivateKey::from_der(key_der.secret_der()).expect("p12 key");
        let chain = p12_keystore::PrivateKeyChain::new(b"client-key".to_vec(), key, [cert]);
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            &client.subject_cn,
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
        );
        let bytes = store.writer(passphrase).write().expect("write p12");
        let out = self.path(&format!("{}.crate.p12", client.subject_cn));
        std::fs::write(&out, bytes).expect("write p12 file");
        out
    }

    /// A wss:// echo server whose certificate this CA signed, requiring a client
    /// certificate signed by it too.
    pub fn server(&self) -> MtlsServer {
        MtlsServer::start(self)
    }
}

/// What the server saw of one TLS connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// The TLS handshake succeeded with this client certificate (its DER).
    Accepted(Vec<u8>),
    /// The TLS handshake failed: rustls' error.
    Refused(String),
}

/// A real wss:// echo server that requires a client certificate.
pub struct MtlsServer {
    pub port: u16,
    seen: std::sync::Mutex<mpsc::Receiver<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MtlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MtlsServer {
    fn start(pki: &Pki) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server_key = KeyPair::generate().expect("server key");
        let server_cert =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .expect("server params")
                .signed_by(&server_key, &pki.ca)
                .expect("server cert");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca.der().clone()).expect("ca root");
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            roots.into(),
            provider.clone(),
        )
        .build()
        .expect("client verifier");
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("tls versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server_cert.der().clone()], key)
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let port = std_listener.local_addr().expect("addr").port();
        let (tx, rx) = mpsc::channel();
        let task = runtime().spawn(async move {
            let Ok(listener) = TcpListener::from_std(std_listener) else {
                return;
            };
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let tls = match acceptor.accept(tcp).await {
                        Ok(tls) => tls,
                        Err(err) => {
                            let _ = tx.send(Seen::Refused(err.to_string()));
                            return;
                        }
                    };
                    let client = tls
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|certs| certs.first())
                        .map(|cert| cert.as_ref().to_vec())
                        .unwrap_or_default();
                    let _ = tx.send(Seen::Accepted(client));
                    let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                        return;
                    };
                    while let Some(Ok(message)) = ws.next().await {
                        if (message.is_text() || message.is_binary())
                            && ws.send(message).await.is_err()
                        {
                            break;
                        }
                    }
                });
            }
        });
        Self {
            port,
            seen: std::sync::Mutex::new(rx),
            task,
        }
    }

    /// `wss://localhost:PORT/`
    pub fn url(&self) -> String {
        format!("wss://localhost:{}/", self.port)
    }

    /// What the server saw of the next TLS connection (waits up to 10 s).
    pub fn next_seen(&self) -> Seen {
        self.seen
            .lock()
            .expect("seen")
            .recv_timeout(Duration::from_secs(10))
            .expect("the server saw no TLS connection within 10 s")
    }
}
