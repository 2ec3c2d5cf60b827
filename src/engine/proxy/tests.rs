//! The proxy room's pure parts: URLs, the environment convention, NO_PROXY, and the reply
//! parsers (with properties on random bytes).

use super::*;
use proptest::prelude::*;

#[test]
fn proxy_urls_parse_and_mask_their_password() {
    let p = parse("http://user:p%40ss@127.0.0.1:3128").unwrap();
    assert_eq!(p.kind, Kind::Http);
    assert_eq!(p.credentials, Some(("user".into(), "p@ss".into())));
    assert_eq!(p.shown(), "http://user:***@127.0.0.1:3128");
    assert_eq!(parse("proxy.test").unwrap().shown(), "http://proxy.test:80");
    assert_eq!(
        parse("socks5h://h:1").unwrap().kind,
        Kind::Socks5 { remote_dns: true }
    );
    assert_eq!(parse("socks5://h").unwrap().port, 1080);
    assert!(
        parse("https://h:1")
            .unwrap_err()
            .contains("unsupported proxy scheme")
    );
    assert!(parse("  ").unwrap_err().contains("empty"));
    let err = parse("http://u:secret@[::1").unwrap_err();
    assert!(!err.contains("secret"), "{err}");
}

#[test]
fn the_environment_is_read_like_curl() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let ws = Url::parse("ws://api.example.test:80/").unwrap();
    let wss = Url::parse("wss://api.example.test/").unwrap();
    let vars = env(&[
        ("HTTP_PROXY", "http://plain:1"),
        ("https_proxy", "http://lower:2"),
        ("HTTPS_PROXY", "http://upper:3"),
    ]);
    assert_eq!(from_env(&ws, vars).unwrap().unwrap().host, "plain");
    assert_eq!(from_env(&wss, vars).unwrap().unwrap().host, "lower");
    let all = env(&[("ALL_PROXY", "socks5h://all:4")]);
    assert_eq!(from_env(&wss, all).unwrap().unwrap().host, "all");
    assert_eq!(from_env(&ws, env(&[])).unwrap(), None);
    let exempted = env(&[
        ("ALL_PROXY", "http://all:4"),
        ("no_proxy", "localhost, .example.test"),
    ]);
    assert_eq!(from_env(&ws, exempted).unwrap(), None);
    let bad = env(&[("ALL_PROXY", "ftp://x")]);
    assert!(
        from_env(&ws, bad)
            .unwrap_err()
            .contains("from the environment")
    );
}

#[test]
fn no_proxy_matches_suffixes_ips_and_star() {
    assert!(exempt("*", "anything"));
    assert!(exempt("example.test", "example.test"));
    assert!(exempt("example.test", "a.b.example.test"));
    assert!(exempt(".example.test", "a.example.test"));
    assert!(!exempt("example.test", "badexample.test"));
    assert!(exempt("10.0.0.1, ::1", "[::1]"));
    assert!(exempt("10.0.0.1", "10.0.0.1"));
    assert!(!exempt("10.0.0.1", "10.0.0.2"));
    assert!(!exempt("", "host"));
}

#[test]
fn connect_replies_parse() {
    let ok = parse_connect_reply(b"HTTP/1.0 200 Connection established\r\n\r\n").unwrap();
    assert_eq!(
        ok.unwrap().status_line,
        "HTTP/1.0 200 Connection established"
    );
    let auth = parse_connect_reply(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n\r\n",
    )
    .unwrap()
    .unwrap();
    assert_eq!(auth.status, 407);
    assert_eq!(
        auth.proxy_authenticate,
        vec!["Basic realm=\"p\"".to_owned()]
    );
    assert_eq!(parse_connect_reply(b"HTTP/1.1 200 OK\r\n").unwrap(), None);
    assert!(parse_connect_reply(b"SSH-2.0\r\n\r\n").is_err());
}

#[test]
fn socks_replies_parse() {
    let v4 = [5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90];
    assert_eq!(
        parse_socks_reply(&v4).unwrap().unwrap(),
        SocksReply {
            code: 0,
            bound: "127.0.0.1:8080".into()
        }
    );
    assert_eq!(parse_socks_reply(&v4[..9]).unwrap(), None);
    let name = [5, 1, 0, 3, 1, b'h', 0, 1];
    assert_eq!(parse_socks_reply(&name).unwrap().unwrap().bound, "h:1");
    assert!(parse_socks_reply(&[4, 0, 0, 1, 0]).is_err());
    assert!(parse_socks_reply(&[5, 0, 0, 9, 0]).is_err());
    assert_eq!(socks_meaning(1), "general SOCKS server failure");
}

proptest! {
    #[test]
    fn reply_parsers_never_panic_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for end in 0..=bytes.len() {
            let _ = parse_connect_reply(&bytes[..end]);
            if let Ok(Some(len)) = socks_reply_len(&bytes[..end]) {
                prop_assert!(len <= 4 + 256 + 2);
            }
            let _ = parse_socks_reply(&bytes[..end]);
        }
    }

    #[test]
    fn proxy_urls_and_no_proxy_never_panic(text in "\\PC{0,60}", host in "[a-z0-9.:\\[\\]*-]{0,30}") {
        let _ = parse(&text);
        let _ = exempt(&text, &host);
    }
}
