//! Proxies end to end, against real ones started here: tinyproxy (HTTP CONNECT, with and
//! without BasicAuth) and microsocks (SOCKS5, with and without -u/-P). That traffic went
//! through them is proven by authentication only the proxy checks, and by tinyproxy's log.

use crate::support;

use std::time::Duration;

use crate::hostile::errors;
use support::proxies::{microsocks, tinyproxy};
use support::*;
use wsprobe::engine::{EventKind, Outgoing, SessionId};
use wsprobe::model::ProxyChoice;

const WAIT: Duration = Duration::from_secs(10);

/// Connects to `url` through `proxy`; returns the engine, events, session and the first
/// Connected or Closed event.
fn through(
    url: &str,
    proxy: ProxyChoice,
) -> (wsprobe::engine::Engine, Events, SessionId, EventKind) {
    let (engine, mut events) = engine();
    let mut request = request(url);
    request.settings.proxy = proxy;
    let session = engine.connect(request);
    let first = events
        .wait(session, WAIT, |k| {
            matches!(k, EventKind::Connected(_) | EventKind::Closed { .. })
        })
        .kind;
    (engine, events, session, first)
}

fn custom(url: String) -> ProxyChoice {
    ProxyChoice::Custom { url }
}

fn echo_through(engine: &wsprobe::engine::Engine, events: &mut Events, session: SessionId) {
    engine.send(session, Outgoing::Text("through the tunnel".into()));
    let echo = events.wait_incoming(session, WAIT);
    assert!(matches!(
        &echo.kind,
        EventKind::Message { payload, .. } if &payload[..] == b"through the tunnel"
    ));
    engine.disconnect(session);
    events.wait_closed(session, WAIT);
}

#[test]
fn http_connect_through_tinyproxy_for_ws_and_wss() {
    let proxy = tinyproxy(None);
    let server = echo_server();
    let (engine, mut events, session, first) = through(&server.url(), custom(proxy.url(None)));
    let EventKind::Connected(info) = first else {
        panic!("{:#?}", events.kinds(session))
    };
    let hop = info.proxy.expect("the proxy hop");
    assert_eq!(hop.proxy, proxy.url(None));
    assert!(hop.answer.contains(" 200 "), "{}", hop.answer);
    echo_through(&engine, &mut events, session);
    assert!(
        proxy
            .log()
            .contains(&format!("127.0.0.1:{}", server.port())),
        "tinyproxy's log: {}",
        proxy.log()
    );

    // wss://: TLS runs inside the tunnel, to the target's name.
    let tls = TestServer::start_with(ServerOptions {
        tls: true,
        ..ServerOptions::new(Behavior::Echo)
    });
    let (engine, mut events) = support::engine();
    let mut request = request(&tls.url());
    request.settings.ca_cert_path = tls.ca_cert_path();
    request.settings.proxy = custom(proxy.url(None));
    let session = engine.connect(request);
    events.wait_connected(session, WAIT);
    echo_through(&engine, &mut events, session);
    assert!(
        proxy.log().contains(&format!("localhost:{}", tls.port())),
        "{}",
        proxy.log()
    );
}

#[test]
fn tinyproxy_basic_auth_407_wrong_and_right_credentials() {
    let proxy = tinyproxy(Some(("alice", "s3cret")));
    let server = echo_server();

    let (_engine, events, session, first) = through(&server.url(), custom(proxy.url(None)));
    assert!(
        matches!(first, EventKind::Closed { code: 1006, .. }),
        "{first:?}"
    );
    let error = errors(&events, session).join("\n");
    assert!(error.contains("requires authentication"), "{error}");
    assert!(error.contains("407"), "{error}");
    assert!(error.contains("Proxy-Authenticate: Basic"), "{error}");
    assert!(error.contains(&proxy.url(None)), "names the proxy: {error}");

    let wrong = proxy.url(Some(("alice", "nope")));
    let (_engine, events, session, _) = through(&server.url(), custom(wrong));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("rejected the credentials"), "{error}");
    assert!(!error.contains("nope"), "the password is masked: {error}");
    assert!(error.contains("alice:***@"), "{error}");

    let right = proxy.url(Some(("alice", "s3cret")));
    let (engine, mut events, session, first) = through(&server.url(), custom(right));
    assert!(
        matches!(first, EventKind::Connected(_)),
        "{:#?}",
        events.kinds(session)
    );
    // The credentials went to the proxy only: the server saw no proxy header.
    let seen = server.requests();
    assert!(
        seen.iter()
            .all(|r| r.header("proxy-authorization").is_none())
    );
    echo_through(&engine, &mut events, session);
}

#[test]
fn socks5_through_microsocks_with_and_without_auth_and_remote_dns() {
    let open = microsocks(None);
    let server = echo_server();
    let (engine, mut events, session, first) = through(&server.url(), custom(open.url(None)));
    let EventKind::Connected(info) = first else {
        panic!("{:#?}", events.kinds(session))
    };
    let hop = info.proxy.expect("the proxy hop");
    assert!(
        hop.answer.starts_with("SOCKS5 reply 0 (succeeded)"),
        "{}",
        hop.answer
    );
    echo_through(&engine, &mut events, session);
    // socks5h: the proxy resolves `localhost`.
    let by_name = server.url().replace("127.0.0.1", "localhost");
    let (engine, mut events, session, first) =
        through(&by_name, custom(open.url_with("socks5h", None)));
    assert!(
        matches!(first, EventKind::Connected(_)),
        "{:#?}",
        events.kinds(session)
    );
    echo_through(&engine, &mut events, session);

    let guarded = microsocks(Some(("bob", "pw")));
    let (_engine, events, session, _) = through(&server.url(), custom(guarded.url(None)));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("requires authentication"), "{error}");
    let (_engine, events, session, _) =
        through(&server.url(), custom(guarded.url(Some(("bob", "wrong")))));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("SOCKS authentication failed"), "{error}");
    assert!(!error.contains("wrong"), "{error}");
    let (engine, mut events, session, first) =
        through(&server.url(), custom(guarded.url(Some(("bob", "pw")))));
    assert!(
        matches!(first, EventKind::Connected(_)),
        "{:#?}",
        events.kinds(session)
    );
    echo_through(&engine, &mut events, session);
}

#[test]
fn an_unreachable_proxy_is_not_an_unreachable_target() {
    let nothing = SilentListener::start();
    let free = support::peers::free_port();
    let server = echo_server();
    let (_engine, events, session, _) =
        through(&server.url(), custom(format!("http://127.0.0.1:{free}")));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("could not connect to the proxy"), "{error}");
    assert!(error.contains("proxy unreachable"), "{error}");
    drop(nothing);

    // The proxy is there; the target is not.
    let socks = microsocks(None);
    let (_engine, events, session, _) =
        through(&format!("ws://127.0.0.1:{free}/"), custom(socks.url(None)));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("could not reach 127.0.0.1:"), "{error}");
    assert!(error.contains("SOCKS5 reply"), "{error}");
    assert!(!error.contains("proxy unreachable"), "{error}");
    let http = tinyproxy(None);
    let (_engine, events, session, _) =
        through(&format!("ws://127.0.0.1:{free}/"), custom(http.url(None)));
    let error = errors(&events, session).join("\n");
    assert!(error.contains("refused the tunnel"), "{error}");
}

/// `wsprobe run ARGS` with these environment variables.
fn run_with_env(args: &[&str], vars: &[(&str, String)]) -> crate::cli::Run {
    let (mut cmd, _home) = crate::cli::command(args);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    crate::cli::finish(cmd.spawn().expect("start wsprobe"))
}

fn connected_line(run: &crate::cli::Run) -> serde_json::Value {
    run.jsonl()
        .into_iter()
        .find(|l| l["kind"] == "connected")
        .unwrap_or_else(|| panic!("no connected line: {run:?}"))
}

#[test]
fn wsprobe_run_proxy_flags_environment_no_proxy_and_exit_codes() {
    let proxy = tinyproxy(Some(("alice", "s3cret")));
    let server = echo_server();
    let url = server.url();
    let base = ["--send", "hi", "--count", "1", "--output", "jsonl"];
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut all = vec![url.clone()];
        all.extend(base.iter().map(|s| s.to_string()));
        all.extend(extra.iter().map(|s| s.to_string()));
        all
    };
    let strs = |v: &Vec<String>| {
        v.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\u{1}")
    };
    let call = |v: Vec<String>, vars: &[(&str, String)]| {
        let joined = strs(&v);
        let refs: Vec<&str> = joined.split('\u{1}').collect();
        run_with_env(&refs, vars)
    };
    let good = proxy.url(Some(("alice", "s3cret")));

    // --proxy: through it, the password masked in the output.
    let mut with_flag = args(&[]);
    with_flag.extend(["--proxy".to_owned(), good.clone()]);
    let run = call(with_flag, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let hop = &connected_line(&run)["proxy"];
    assert_eq!(hop["url"], proxy.url(Some(("alice", "***"))));
    assert!(hop["answer"].as_str().unwrap().contains(" 200 "), "{hop}");
    assert!(!run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"));

    // The environment, as curl reads it; NO_PROXY and --no-proxy go direct.
    let run = call(args(&[]), &[("http_proxy", good.clone())]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(connected_line(&run)["proxy"].is_object());
    let run = call(args(&[]), &[("ALL_PROXY", good.clone())]);
    assert!(connected_line(&run)["proxy"].is_object(), "{run:?}");
    let run = call(
        args(&[]),
        &[
            ("HTTP_PROXY", good.clone()),
            ("NO_PROXY", "127.0.0.1".into()),
        ],
    );
    assert!(connected_line(&run)["proxy"].is_null(), "{run:?}");
    let run = call(args(&["--no-proxy"]), &[("HTTP_PROXY", good.clone())]);
    assert!(connected_line(&run)["proxy"].is_null(), "{run:?}");
    // HTTPS_PROXY is for wss://, not ws://.
    let run = call(args(&[]), &[("HTTPS_PROXY", "http://127.0.0.1:1".into())]);
    assert_eq!(run.code, 0, "{run:?}");

    // The proxy refuses: exit 1, naming the proxy and its answer.
    let mut refused = args(&[]);
    refused.extend(["--proxy".to_owned(), proxy.url(None)]);
    let run = call(refused, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("requires authentication")
            || run.stderr.contains("requires authentication"),
        "{run:?}"
    );
    // A proxy URL that cannot work: exit 2, nothing sent.
    let mut bad = args(&[]);
    bad.extend([
        "--proxy".to_owned(),
        "ftp://u:topsecret@127.0.0.1:1".to_owned(),
    ]);
    let run = call(bad, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("unsupported proxy scheme"), "{run:?}");
    assert!(!run.stderr.contains("topsecret"), "{run:?}");
}

#[test]
fn the_window_uses_the_workspace_proxy_or_the_request_s_own() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable as _;
    use support::gui::*;

    let proxy = tinyproxy(Some(("alice", "s3cret")));
    let server = echo_server();
    let dir = tempfile::tempdir().unwrap();
    // Tall enough that Settings → Proxy is on screen.
    let mut h = open_sized(dir.path(), egui::vec2(1300.0, 1500.0));
    add_request(&mut h);
    // The workspace proxy, with the password in a variable.
    h.get_by_label("Manage environments").click();
    h.run();
    h.get_by_label("+ Add variable").click();
    h.run();
    h.get_by_label("variable 1 name")
        .set_text_value_accesskit("proxy_pass");
    h.get_by_label("variable 1 value")
        .set_text_value_accesskit("s3cret");
    h.run();
    let workspace_proxy = format!("http://alice:<<proxy_pass>>@127.0.0.1:{}", proxy.peer.port);
    h.get_by_label("Workspace proxy")
        .set_text_value_accesskit(&workspace_proxy);
    h.run();
    assert_eq!(h.state().workspace().proxy, workspace_proxy);
    h.get_by_label("Close window").click();
    h.run();

    set_url(&mut h, &server.url());
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "Connected", |h| rows(h, '•', "Connected to") == 1);
    click_row(&mut h, '•', "Connected to");
    assert!(has_label_containing(
        &h,
        &format!(
            "http://alice:***@127.0.0.1:{} · HTTP/1.0 200",
            proxy.peer.port
        )
    ));
    h.get_by_role_and_label(Role::Button, "Disconnect").click();
    run_until(&mut h, "Disconnected", |h| {
        state_of(h) == wsprobe::ui::widgets::ConnState::Disconnected
    });

    // The request's own: a custom proxy without credentials is refused by this one.
    h.get_by_label("Settings").click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Proxy").click();
    h.run();
    h.get_by_label("Custom").click();
    h.run();
    h.get_by_label("Proxy URL")
        .set_text_value_accesskit(&proxy.url(None));
    h.run();
    let id = selected_id(&h);
    assert_eq!(
        h.state().workspace().request(&id).unwrap().settings.proxy,
        ProxyChoice::Custom {
            url: proxy.url(None)
        }
    );
    h.get_by_role_and_label(Role::Button, "Connect").click();
    run_until(&mut h, "the proxy's refusal", |h| {
        has_label_containing(h, "requires authentication")
    });
}
