//! `wsprobe serve` routes, talked to by a real WebSocket client.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::{Error, Message};

async fn start() -> String {
    let (listener, addr) = wsprobe::serve::bind("127.0.0.1", 0).await.unwrap();
    tokio::spawn(wsprobe::serve::serve(listener));
    format!("ws://{addr}")
}

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn echo_returns_text_and_binary() {
    let base = start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/echo"))
        .await
        .unwrap();
    ws.send(Message::text("hello")).await.unwrap();
    ws.send(Message::binary(vec![0u8, 159, 255])).await.unwrap();
    let first = tokio::time::timeout(LIMIT, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let second = tokio::time::timeout(LIMIT, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first, Message::text("hello"));
    assert_eq!(second, Message::binary(vec![0u8, 159, 255]));
}

#[tokio::test]
async fn tick_sends_deconz_like_events() {
    let base = start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/tick?ms=5"))
        .await
        .unwrap();
    for _ in 0..3 {
        let msg = tokio::time::timeout(LIMIT, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        assert_eq!(v["t"], "event");
        assert!(v["r"] == "sensors" || v["r"] == "lights", "{v}");
    }
}

#[tokio::test]
async fn flood_sends_exactly_n_messages_then_closes_normally() {
    let base = start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/flood?n=5000&size=300"))
        .await
        .unwrap();
    let mut count = 0;
    let close = loop {
        match tokio::time::timeout(LIMIT, ws.next()).await.unwrap() {
            Some(Ok(Message::Text(t))) => {
                assert_eq!(t.len(), 300);
                assert!(t.starts_with("abcdefghijklmnopqrstuvwxyzabc"));
                count += 1;
            }
            Some(Ok(Message::Close(frame))) => break frame,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(count, 5000);
    let frame = close.expect("a close frame");
    assert_eq!(u16::from(frame.code), 1000);
    assert_eq!(frame.reason.as_str(), "flood done");
}

#[tokio::test]
async fn unknown_path_is_refused_with_404() {
    let base = start().await;
    let err = tokio_tungstenite::connect_async(format!("{base}/nope"))
        .await
        .unwrap_err();
    match err {
        Error::Http(response) => assert_eq!(response.status().as_u16(), 404),
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_paced_endless_flood_answers_the_clients_close() {
    let base = start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{base}/flood?rate=20000&size=10"))
        .await
        .unwrap();
    for _ in 0..500 {
        let msg = tokio::time::timeout(LIMIT, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(msg, Message::text("abcdefghij"));
    }
    ws.close(None).await.unwrap();
    // What was in flight still arrives, then the server's close reply and the end.
    let mut closed = false;
    while let Some(msg) = tokio::time::timeout(LIMIT, ws.next()).await.unwrap() {
        match msg {
            Ok(Message::Close(_)) => closed = true,
            Ok(Message::Text(_)) => assert!(!closed, "text after the close reply"),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(Error::ConnectionClosed) => break,
            Err(err) => panic!("{err}"),
        }
    }
    assert!(closed, "the server answered the close");
}
