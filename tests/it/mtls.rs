//! Client certificates (mutual TLS) on wss://, end to end: `wsprobe run` and `wsprobe test`
//! against [`support::mtls::MtlsServer`], a real wss:// echo server that requires a client
//! certificate signed by the test CA; saved requests with a `<<secret>>` passphrase; and the
//! window's Settings rows.

use crate::cli::{Run, wsprobe};
use crate::scripts::{walk, wsprobe_test};
use crate::support;

use std::path::Path;

use serde_json::Value;
use support::mtls::{ClientFiles, KeyKind, MtlsServer, Pki, Seen};
use wsprobe::model::{ClientCertSource, ClientCertificate, Environment, SavedRequest, Variable};
use wsprobe::store::Store;

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The JSONL `connected` line of a run.
fn connected(run: &Run) -> Value {
    run.jsonl()
        .into_iter()
        .find(|l| l["kind"] == "connected")
        .unwrap_or_else(|| panic!("no connected line: {run:?}"))
}

/// The DER of a PEM certificate file.
fn cert_der(path: &Path) -> Vec<u8> {
    let pem = std::fs::read(path).unwrap();
    rustls_pemfile::certs(&mut pem.as_slice())
        .next()
        .unwrap()
        .unwrap()
        .as_ref()
        .to_vec()
}

/// The base64 body of a PEM key (what must never show), without its header lines.
fn key_body(client: &ClientFiles) -> String {
    client
        .key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .take(2)
        .collect()
}

/// [`echo_with`] offering the PEM files `cert` and `key`, trusting the CA file `ca`.
fn echo_pem(server: &MtlsServer, ca: &str, cert: &Path, key: &Path) -> Run {
    echo_with(
        &server.url(),
        &["--cacert", ca, "--cert", s(cert), "--key", s(key)],
    )
}

/// `wsprobe run URL --send hi --count 1 --output jsonl` plus `extra`: exit 0, the echo, and
/// the offered certificate in the `connected` line.
fn echo_with(url: &str, extra: &[&str]) -> Run {
    let mut args = vec![url, "--send", "hi", "--count", "1", "--output", "jsonl"];
    args.extend_from_slice(extra);
    wsprobe(&args)
}

fn assert_offered(run: &Run, client: &ClientFiles) {
    assert_eq!(run.code, 0, "{run:?}");
    let line = connected(run);
    let cert = &line["client_certificate"];
    assert_eq!(
        cert["subject"],
        format!("CN={}", client.subject_cn),
        "{run:?}"
    );
    assert_eq!(cert["issuer"], "CN=wsprobe mTLS test CA");
    assert!(cert["not_after"].as_str().unwrap().ends_with('Z'), "{cert}");
    assert!(
        run.jsonl()
            .iter()
            .any(|l| l["kind"] == "incoming" && l["text"] == "hi"),
        "{run:?}"
    );
    let body = key_body(client);
    assert!(!run.stdout.contains(&body) && !run.stderr.contains(&body));
}

#[test]
fn pem_keys_of_every_kind_and_form_are_offered_and_accepted() {
    let pki = Pki::new();
    let server = pki.server();
    let ca = s(&pki.ca_path).to_owned();
    for (name, kind, traditional) in [
        ("rsa-pkcs8", KeyKind::Rsa, false),
        ("rsa-pkcs1", KeyKind::Rsa, true),
        ("ecdsa-pkcs8", KeyKind::EcdsaP256, false),
        ("ecdsa-sec1", KeyKind::EcdsaP256, true),
        ("ed25519-pkcs8", KeyKind::Ed25519, false),
    ] {
        let client = pki.client(name, kind, false);
        let key = if traditional {
            let path = pki.traditional_key(&client);
            let text = std::fs::read_to_string(&path).unwrap();
            let header = match kind {
                KeyKind::Rsa => "-----BEGIN RSA PRIVATE KEY-----",
                _ => "-----BEGIN EC PRIVATE KEY-----",
            };
            assert!(text.starts_with(header), "{name}: {text}");
            path
        } else {
            client.key_path.clone()
        };
        let run = echo_pem(&server, &ca, &client.cert_path, &key);
        assert_offered(&run, &client);
        assert_eq!(
            server.next_seen(),
            Seen::Accepted(cert_der(&client.cert_path)),
            "{name}: the server saw this certificate"
        );
    }
    // Certificate and key in one file: no --key.
    let client = pki.client("combined", KeyKind::EcdsaP256, false);
    let combined = pki.path("combined.pem");
    let both = std::fs::read_to_string(&client.cert_path).unwrap() + &client.key_pem;
    std::fs::write(&combined, both).unwrap();
    let run = echo_with(&server.url(), &["--cacert", &ca, "--cert", s(&combined)]);
    assert_offered(&run, &client);
}

#[test]
fn pkcs12_files_from_openssl_modern_and_legacy_and_from_the_crate_connect() {
    let pki = Pki::new();
    let server = pki.server();
    let ca = s(&pki.ca_path).to_owned();
    let client = pki.client("p12-device", KeyKind::EcdsaP256, false);
    let rsa = pki.client("p12-rsa", KeyKind::Rsa, false);
    let pass = "correct horse 7";
    for (what, path, who) in [
        (
            "openssl (AES)",
            pki.openssl_p12(&client, pass, false),
            &client,
        ),
        (
            "openssl -legacy (3DES/RC2)",
            pki.openssl_p12(&rsa, pass, true),
            &rsa,
        ),
        ("p12-keystore", pki.crate_p12(&client, pass), &client),
    ] {
        let run = echo_with(
            &server.url(),
            &[
                "--cacert",
                &ca,
                "--pkcs12",
                s(&path),
                "--pkcs12-password",
                pass,
            ],
        );
        assert_offered(&run, who);
        assert!(
            !run.stdout.contains(pass) && !run.stderr.contains(pass),
            "{what}"
        );
        assert_eq!(server.next_seen(), Seen::Accepted(cert_der(&who.cert_path)));
    }
}

/// Bad input: exit 2, one line on stderr, and nothing reaches the server (the next connection
/// it sees is a later good run's).
#[test]
fn a_wrong_passphrase_a_mismatched_key_or_an_unreadable_file_is_exit_2_with_nothing_sent() {
    let pki = Pki::new();
    let server = pki.server();
    let ca = s(&pki.ca_path).to_owned();
    let client = pki.client("device", KeyKind::EcdsaP256, false);
    let other = pki.client("other", KeyKind::EcdsaP256, false);
    let p12 = pki.openssl_p12(&client, "right", false);
    let legacy = pki.openssl_p12(&client, "right", true);
    let missing = pki.path("missing.crt");
    let encrypted = pki.encrypted_key(&client, "right");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--pkcs12", s(&p12), "--pkcs12-password", "wrong"],
            format!("wrong passphrase for PKCS#12 file {}", s(&p12)),
        ),
        (
            vec!["--pkcs12", s(&legacy), "--pkcs12-password", "wrong"],
            "wrong passphrase".to_owned(),
        ),
        (
            vec!["--pkcs12", s(&p12)],
            "wrong passphrase for PKCS#12 file".to_owned(),
        ),
        (
            vec!["--cert", s(&client.cert_path), "--key", s(&other.key_path)],
            format!(
                "the private key in {} does not match the certificate in {}",
                s(&other.key_path),
                s(&client.cert_path)
            ),
        ),
        (
            vec!["--cert", s(&missing), "--key", s(&client.key_path)],
            format!("cannot read client certificate file {}", s(&missing)),
        ),
        (
            vec!["--cert", s(&client.cert_path), "--key", s(&missing)],
            format!("cannot read private key file {}", s(&missing)),
        ),
        (
            vec!["--cert", s(&client.key_path), "--key", s(&client.key_path)],
            "no PEM certificate".to_owned(),
        ),
        (
            vec!["--cert", s(&client.cert_path), "--key", s(&encrypted)],
            format!(
                "the private key in {} is encrypted: give its passphrase",
                s(&encrypted)
            ),
        ),
        (
            vec![
                "--cert",
                s(&client.cert_path),
                "--key",
                s(&encrypted),
                "--key-password",
                "wrong",
            ],
            format!("wrong passphrase for the private key in {}", s(&encrypted)),
        ),
        (
            vec!["--cacert", s(&missing)],
            format!("cannot read CA certificate file {}", s(&missing)),
        ),
    ];
    for (flags, wanted) in &cases {
        let mut extra = flags.clone();
        if !extra.contains(&"--cacert") {
            extra.extend(["--cacert", ca.as_str()]);
        }
        let run = echo_with(&server.url(), &extra);
        assert_eq!(run.code, 2, "{flags:?}: {run:?}");
        assert!(
            run.stderr.contains(wanted.as_str()),
            "{flags:?} wanted `{wanted}`: {run:?}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(
            !run.stderr.contains("right"),
            "no passphrase in errors: {run:?}"
        );
    }
    let run = echo_with(
        &server.url(),
        &[
            "--cacert",
            &ca,
            "--pkcs12",
            s(&p12),
            "--pkcs12-password",
            "right",
        ],
    );
    assert_offered(&run, &client);
    // The encrypted PEM key with its passphrase.
    let run = echo_with(
        &server.url(),
        &[
            "--cacert",
            &ca,
            "--cert",
            s(&client.cert_path),
            "--key",
            s(&encrypted),
            "--key-password",
            "right",
        ],
    );
    assert_offered(&run, &client);
    assert_eq!(
        server.next_seen(),
        Seen::Accepted(cert_der(&client.cert_path)),
        "the first connection the server saw is the good run's"
    );
}

#[test]
fn the_server_rejecting_the_certificate_is_exit_1_naming_the_alert() {
    let pki = Pki::new();
    let server = pki.server();
    let ca = s(&pki.ca_path).to_owned();

    // No certificate at all; reconnecting would be refused the same way, so none follows.
    let run = echo_with(
        &server.url(),
        &[
            "--cacert",
            &ca,
            "--reconnect-attempts",
            "3",
            "--reconnect-interval",
            "10",
        ],
    );
    assert!(
        !run.jsonl().iter().any(|l| l["kind"] == "reconnecting"),
        "{run:?}"
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("alert \"certificate required\"")
            && run.stderr.contains("none was offered"),
        "{run:?}"
    );
    let error = run
        .jsonl()
        .into_iter()
        .find(|l| l["kind"] == "error")
        .expect("an error line");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("certificate required")
    );
    assert!(matches!(server.next_seen(), Seen::Refused(_)));

    // An expired one: refused by the server, and we said so before connecting.
    let expired = pki.client("old-device", KeyKind::EcdsaP256, true);
    let run = echo_pem(&server, &ca, &expired.cert_path, &expired.key_path);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("alert \"certificate expired\"")
            && run.stderr.contains("CN=old-device")
            && run
                .stderr
                .contains("warning: the client certificate CN=old-device expired on 2021-01-01"),
        "{run:?}"
    );
    assert!(matches!(server.next_seen(), Seen::Refused(e) if e.to_lowercase().contains("expired")));

    // One from another CA: "unknown ca".
    let other_ca = Pki::named("another CA");
    let stranger = other_ca.client("stranger", KeyKind::Ed25519, false);
    let run = echo_pem(&server, &ca, &stranger.cert_path, &stranger.key_path);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("alert \"unknown ca\""), "{run:?}");
}

#[test]
fn without_cacert_the_test_servers_certificate_is_not_trusted() {
    let pki = Pki::new();
    let server = pki.server();
    let client = pki.client("device", KeyKind::EcdsaP256, false);
    let run = echo_with(
        &server.url(),
        &["--cert", s(&client.cert_path), "--key", s(&client.key_path)],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("TLS handshake with localhost"),
        "{run:?}"
    );
}

/// A workspace with one saved request "Device feed" using `cert`, and an environment
/// "Local" with `variables`.
fn workspace_with(
    dir: &Path,
    url: &str,
    ca: &Path,
    cert: ClientCertificate,
    variables: Vec<Variable>,
) -> String {
    let (mut store, mut ws, _) = Store::open(dir).unwrap();
    let mut request = SavedRequest::new("Device feed", url);
    request.settings.ca_cert_path = Some(s(ca).to_owned());
    request.settings.client_certificate = cert;
    request.draft.body = "hello".into();
    let id = request.id.clone();
    ws.requests.push(request);
    let mut env = Environment::new("Local");
    env.variables = variables;
    ws.active_environment = Some(env.id.clone());
    ws.environments.push(env);
    store.save(&ws).unwrap();
    id
}

/// Every file of the workspace but `.secrets.json`, concatenated.
fn tracked_files(dir: &Path) -> String {
    let mut all = String::new();
    for entry in walk(dir) {
        if entry.file_name().is_some_and(|n| n != ".secrets.json") {
            all.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
        }
    }
    all
}

#[test]
fn a_saved_request_with_a_secret_passphrase_variable_runs_and_no_secret_is_written() {
    let pki = Pki::new();
    let server = pki.server();
    let client = pki.client("saved-device", KeyKind::Rsa, false);
    let secret = "p12-S3cret!";
    let p12 = pki.openssl_p12(&client, secret, false);
    let dir = tempfile::tempdir().unwrap();
    let mut var = Variable::new("p12_pass", secret);
    var.secret = true;
    workspace_with(
        dir.path(),
        &server.url(),
        &pki.ca_path,
        pkcs12_setting(&p12, "<<p12_pass>>"),
        vec![var],
    );
    let tracked = tracked_files(dir.path());
    assert!(
        tracked.contains("<<p12_pass>>") && !tracked.contains(secret),
        "{tracked}"
    );

    let run = run_saved(dir.path(), &[]);
    assert_offered_saved(&run, &client);
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    // --reveal-secrets shows secret values, never key material.
    let run = run_saved(dir.path(), &["--reveal-secrets"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains(&key_body(&client)));

    // `wsprobe test` runs the saved request the same way.
    let script = pki.path("t.js");
    std::fs::write(
        &script,
        "ws.on('open', () => ws.send('hello'));\n\
         ws.on('message', (m) => { test('echo', () => expect(m.text).toBe('hello')); ws.close(1000); });",
    )
    .unwrap();
    let run = wsprobe_test(
        dir.path(),
        &["Device feed", "--script", s(&script), "--timeout", "10"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("1 passed, 0 failed"), "{run:?}");
    // A wrong passphrase given on the command line replaces the saved one: exit 2.
    let run = run_saved(dir.path(), &["--pkcs12-password", "nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("wrong passphrase"), "{run:?}");
}

/// Settings → Client certificate: this PKCS#12 file with this passphrase.
fn pkcs12_setting(path: &Path, passphrase: &str) -> ClientCertificate {
    ClientCertificate {
        source: ClientCertSource::Pkcs12,
        pkcs12_path: s(path).to_owned(),
        passphrase: passphrase.to_owned(),
        ..Default::default()
    }
}

/// `wsprobe run "Device feed" --workspace DIR --count 1 --output jsonl` plus `extra`.
fn run_saved(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "Device feed",
        "--workspace",
        s(dir),
        "--count",
        "1",
        "--output",
        "jsonl",
    ];
    args.extend_from_slice(extra);
    wsprobe(&args)
}

fn assert_offered_saved(run: &Run, client: &ClientFiles) {
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        connected(run)["client_certificate"]["subject"],
        format!("CN={}", client.subject_cn)
    );
    assert!(
        run.jsonl()
            .iter()
            .any(|l| l["kind"] == "incoming" && l["text"] == "hello")
    );
}

#[test]
fn a_typed_passphrase_goes_to_secrets_json_and_never_into_the_request_file_or_an_export() {
    let pki = Pki::new();
    let server = pki.server();
    let client = pki.client("typed", KeyKind::Ed25519, false);
    let secret = "typed-passphrase-42";
    let p12 = pki.crate_p12(&client, secret);
    let dir = tempfile::tempdir().unwrap();
    let id = workspace_with(
        dir.path(),
        &server.url(),
        &pki.ca_path,
        pkcs12_setting(&p12, secret),
        Vec::new(),
    );
    assert!(!tracked_files(dir.path()).contains(secret));
    let secrets = std::fs::read_to_string(dir.path().join(".secrets.json")).unwrap();
    assert!(secrets.contains("client_certificate.passphrase") && secrets.contains(secret));
    // Loaded back with it, it connects.
    let (_, ws, _) = Store::open(dir.path()).unwrap();
    let saved = ws.request(&id).unwrap();
    assert_eq!(saved.settings.client_certificate.passphrase, secret);
    let export = wsprobe::import::export_requests(&ws, std::slice::from_ref(&id)).to_json();
    assert!(
        export.contains(s(&p12)) && !export.contains(secret),
        "{export}"
    );
    let run = run_saved(dir.path(), &[]);
    assert_offered_saved(&run, &client);
}

#[test]
fn wsprobe_test_takes_the_certificate_flags_for_a_url() {
    let pki = Pki::new();
    let server = pki.server();
    let client = pki.client("ci-runner", KeyKind::EcdsaP256, false);
    let script = pki.path("t.js");
    std::fs::write(
        &script,
        "ws.on('open', () => ws.send('ping me'));\n\
         ws.on('message', (m) => { test('echoed', () => expect(m.text).toBe('ping me')); ws.close(1000); });",
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let test_with_key = |key: &Path| {
        wsprobe_test(
            home.path(),
            &[
                &server.url(),
                "--script",
                s(&script),
                "--cacert",
                s(&pki.ca_path),
                "--cert",
                s(&client.cert_path),
                "--key",
                s(key),
            ],
        )
    };
    let run = test_with_key(&client.key_path);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("1 passed, 0 failed"), "{run:?}");
    // A mismatched key: exit 2 before anything connects.
    let other = pki.client("other", KeyKind::EcdsaP256, false);
    let run = test_with_key(&other.key_path);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("does not match the certificate"),
        "{run:?}"
    );
    assert_eq!(
        server.next_seen(),
        Seen::Accepted(cert_der(&client.cert_path))
    );
}

mod window {
    use super::*;
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable as _;
    use support::gui::*;

    #[test]
    fn settings_show_the_client_certificate_rows_and_a_bad_file_is_a_clear_error() {
        let pki = Pki::new();
        let server = pki.server();
        let client = pki.client("window-device", KeyKind::EcdsaP256, false);
        let dir = tempfile::tempdir().unwrap();
        // Tall enough that Settings shows its client certificate rows without scrolling.
        let mut h = open_sized(dir.path(), egui::vec2(1300.0, 1500.0));
        add_request(&mut h);
        let id = selected_id(&h);
        set_url(&mut h, &server.url());
        h.get_by_label("Settings").click();
        h.run();
        h.get_by_label("CA file")
            .set_text_value_accesskit(s(&pki.ca_path));
        h.run();
        assert!(h.query_by_label("Passphrase").is_none());
        h.get_by_role_and_label(Role::ComboBox, "Client certificate")
            .click();
        h.run();
        h.get_by_label("PKCS#12 file").click();
        h.run();
        assert!(
            h.query_by_label("Passphrase").is_some(),
            "PKCS#12 shows the passphrase"
        );
        assert!(h.query_by_label("Certificate file").is_none());
        let missing = pki.path("nowhere.p12");
        h.get_by_label("PKCS#12 file")
            .set_text_value_accesskit(s(&missing));
        h.get_by_label("Passphrase").set_text_value_accesskit("pw");
        h.run();
        let cert = &h
            .state()
            .workspace()
            .request(&id)
            .unwrap()
            .settings
            .client_certificate;
        assert_eq!(cert.source, ClientCertSource::Pkcs12);
        assert_eq!(cert.passphrase, "pw");
        assert!(!has_label_containing(&h, "pw"), "the passphrase is masked");

        h.get_by_role_and_label(Role::Button, "Connect").click();
        let wanted = format!("cannot read PKCS#12 file {}", s(&missing));
        run_until(&mut h, "the error", |h| has_label_containing(h, &wanted));

        // PEM files: certificate and key rows; a good pair connects and the timeline shows it.
        h.get_by_label("Settings").click();
        h.run();
        h.get_by_role_and_label(Role::ComboBox, "Client certificate")
            .click();
        h.run();
        h.get_by_label("PEM files").click();
        h.run();
        assert!(h.query_by_label("Key file").is_some());
        h.get_by_label("Passphrase").set_text_value_accesskit("");
        h.get_by_label("Certificate file")
            .set_text_value_accesskit(s(&client.cert_path));
        h.get_by_label("Key file")
            .set_text_value_accesskit(s(&client.key_path));
        h.run();
        h.get_by_role_and_label(Role::Button, "Connect").click();
        run_until(&mut h, "Connected", |h| rows(h, '•', "Connected to") == 1);
        click_row(&mut h, '•', "Connected to");
        assert!(has_label_containing(
            &h,
            "CN=window-device (issued by CN=wsprobe mTLS test CA, expires"
        ));
        h.get_by_role_and_label(Role::Button, "Disconnect").click();
        run_until(&mut h, "Disconnected", |h| {
            state_of(h) == wsprobe::ui::widgets::ConnState::Disconnected
        });
    }
}
