//! Issue 18 item 6: a failed handshake is a failure, not a disconnect. A real server on
//! 127.0.0.1 refuses the upgrade with 401 (a `WWW-Authenticate` header and a body), or never
//! answers; the engine reports `HandshakeFailed` with the response, `wsprobe run` keeps its
//! jsonl fields and exit code and adds the response, and the window shows a red Failed badge,
//! the row "Handshake failed: 401 Unauthorized" and the response in the attempt's timeline.

use super::*;

use tokio::io::AsyncWriteExt as _;
use wsprobe::engine::{EventKind, REFUSAL_BODY_BYTES};

const REALM: &str = "Bearer realm=\"feeds\", error=\"invalid_token\"";

/// A server that answers every upgrade with 401, a `WWW-Authenticate` header and `body`.
fn refusing(body: String) -> RawServer {
    let reply = format!(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {REALM}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    RawServer::start(move |mut tcp| {
        let reply = reply.clone();
        async move {
            let _ = read_upgrade_request(&mut tcp).await;
            let _ = tcp.write_all(reply.as_bytes()).await;
            let _ = tcp.shutdown().await;
        }
    })
}

const BODY: &str = r#"{"error":"invalid_token","hint":"log in again"}"#;

#[test]
fn the_engine_reports_the_refusal_with_its_response() {
    // 3000 bytes: more than the kept KiB.
    let long_body = format!("{{\"pad\":\"{}\"}}", "x".repeat(2990));
    let server = refusing(long_body.clone());
    let (engine, mut events) = engine();
    let session = engine.connect(request(&server.url()));
    events.wait_closed(session, WAIT);
    assert_eq!(events.names(session), ["connecting", "error", "closed"]);
    let EventKind::HandshakeFailed(failed) = &events.kinds(session)[1] else {
        panic!("not a failed handshake: {:?}", events.kinds(session));
    };
    assert!(
        failed
            .message
            .starts_with("server refused the upgrade: 401 Unauthorized: {\"pad\""),
        "{}",
        failed.message
    );
    assert_eq!(failed.summary(), "401 Unauthorized");
    let refused = failed.response.as_ref().expect("the response is kept");
    assert_eq!(refused.info.status, 401);
    assert_eq!(refused.reason, "Unauthorized");
    assert_eq!(refused.info.request_line, "GET / HTTP/1.1");
    assert!(
        refused
            .info
            .response_headers
            .contains(&("WWW-Authenticate".to_owned(), REALM.to_owned())),
        "{:?}",
        refused.info.response_headers
    );
    assert_eq!(refused.body.len(), REFUSAL_BODY_BYTES);
    assert_eq!(
        &refused.body[..],
        &long_body.as_bytes()[..REFUSAL_BODY_BYTES]
    );
    assert!(refused.body_truncated);
}

#[test]
fn a_timeout_is_a_failed_handshake_in_seconds() {
    let server = SilentListener::start();
    let (engine, mut events) = engine();
    let mut req = request(&server.url());
    req.settings.handshake_timeout_ms = 1000;
    let session = engine.connect(req);
    events.wait_closed(session, WAIT);
    let EventKind::HandshakeFailed(failed) = &events.kinds(session)[1] else {
        panic!("not a failed handshake: {:?}", events.kinds(session));
    };
    assert_eq!(failed.message, "handshake timed out after 1 s");
    assert_eq!(failed.summary(), "timed out after 1 s");
    assert!(failed.response.is_none());
}

#[test]
fn the_jsonl_error_line_keeps_its_fields_and_adds_the_response() {
    let server = refusing(BODY.to_owned());
    let (code, stdout, stderr) = crate::hostile::cli(
        &server.url(),
        &[
            "--output",
            "jsonl",
            "-H",
            "Authorization: Bearer s3cret-token",
        ],
    );
    assert_eq!(code, 1, "a failed handshake still exits 1: {stderr}");
    let error: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["kind"] == "error")
        .unwrap_or_else(|| panic!("an error line in {stdout}"));
    assert_eq!(
        error["message"],
        format!("server refused the upgrade: 401 Unauthorized: {BODY}")
    );
    assert_eq!(error["handshake_failed"], true);
    let response = &error["response"];
    assert_eq!(response["status"], 401);
    assert_eq!(response["reason"], "Unauthorized");
    assert_eq!(response["text"], BODY);
    assert_eq!(response["body_truncated"], false);
    assert!(
        response["response_headers"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["WWW-Authenticate", REALM])),
        "{response}"
    );
    assert!(
        !stdout.contains("s3cret-token"),
        "the request's credentials are masked: {stdout}"
    );
    assert!(stderr.contains("401 Unauthorized"), "{stderr}");
}

#[test]
fn a_refused_handshake_shows_failed_and_the_response() {
    let server = refusing(BODY.to_owned());
    let (_dir, mut h) = fresh();
    set_url(&mut h, &format!("{}feed", server.url()));
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the Failed badge", |h| {
        state_of(h) == ConnState::Failed
    });
    assert!(
        has_label_containing(&h, "● Failed"),
        "the badge says Failed"
    );
    assert_eq!(rows(&h, '•', "Handshake failed: 401 Unauthorized"), 1);

    // The reason on hover.
    let shown = h
        .query_all_by_label_contains("Handshake failed: 401 Unauthorized")
        .count();
    h.get_by_label_contains("● Failed").hover();
    // The tooltip waits for its delay (frames of simulated time).
    run_until(&mut h, "the badge's tooltip giving the reason", |h| {
        h.query_all_by_label_contains("Handshake failed: 401 Unauthorized")
            .count()
            == shown + 1
    });

    // The attempt's timeline: the request, the response's status, headers and body.
    click_row(&mut h, '•', "Handshake failed");
    assert!(has_label_containing(&h, "GET /feed HTTP/1.1"));
    assert!(has_label_containing(&h, "HTTP/1.1 401 Unauthorized"));
    assert!(has_label_containing(
        &h,
        &format!("WWW-Authenticate: {REALM}")
    ));
    assert!(has_label_containing(&h, BODY), "the body is shown");

    // Failed until the next Connect, which is offered.
    h.get_by_role_and_label(Role::Button, "Connect").click();
    h.step();
    assert_ne!(state_of(&h), ConnState::Failed);
    run_until(&mut h, "Failed again", |h| state_of(h) == ConnState::Failed);
    assert_eq!(rows(&h, '•', "Handshake failed: 401 Unauthorized"), 2);
}

#[test]
fn a_handshake_timeout_shows_failed_with_the_reason() {
    let server = SilentListener::start();
    let (_dir, mut h) = fresh();
    let id = selected_id(&h);
    h.state_mut()
        .workspace_mut()
        .requests
        .iter_mut()
        .find(|r| r.id == id)
        .unwrap()
        .settings
        .handshake_timeout_ms = 1000;
    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the Failed badge", |h| {
        state_of(h) == ConnState::Failed
    });
    assert_eq!(rows(&h, '•', "Handshake failed: timed out after 1 s"), 1);
    let id = selected_id(&h);
    assert_eq!(
        h.state().session(&id).unwrap().failure.as_deref(),
        Some("Handshake failed: timed out after 1 s")
    );
}
