//! `wsprobe serve`: a small local demo server, so the app can be tried without a server of
//! one's own, and a fast source for throughput measurements.
//!
//! - `/echo` echoes every text and binary message.
//! - `/tick?ms=1000` sends a deCONZ-like JSON event every `ms` milliseconds.
//! - `/flood?n=N&size=B` sends `n` text messages of `size` bytes as fast as the socket takes
//!   them (frames are encoded once and written in large batches, so the server is not the
//!   bottleneck), then closes with 1000. With `json=1` each message is a JSON object like the
//!   deCONZ events, padded to `size` bytes (`{"t":"event","e":"changed","r":"sensors",...}`).
//!   With `deflate=1` the messages are JSON-like text, compressed once with permessage-deflate
//!   and `server_no_context_takeover` (so the same frame can be replayed): a compressed flood to
//!   measure inflating clients with. The client must offer permessage-deflate (a 400 says so
//!   otherwise).

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Options of `wsprobe serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Address to listen on. Loopback by default: the demo server is for this machine.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

/// The routes the server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Echo,
    Tick {
        interval: Duration,
    },
    /// `rate` messages per second (0: as fast as possible).
    Flood {
        count: u64,
        size: usize,
        rate: u64,
        json: bool,
        deflate: bool,
    },
}

const MAX_FLOOD_SIZE: usize = 16 * 1024 * 1024;

fn route(path_and_query: &str) -> Result<Route, String> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    };
    let number = |name: &str, default: u64| -> Result<u64, String> {
        match param(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("`{name}` must be a whole number, not `{v}`")),
        }
    };
    match path.trim_end_matches('/') {
        "/echo" | "" => Ok(Route::Echo),
        "/tick" => Ok(Route::Tick {
            interval: Duration::from_millis(number("ms", 1000)?.max(1)),
        }),
        "/flood" => {
            let size = number("size", 100)? as usize;
            if size > MAX_FLOOD_SIZE {
                return Err(format!("`size` is at most {MAX_FLOOD_SIZE} bytes"));
            }
            let rate = number("rate", 0)?;
            // With a rate and no count, the feed goes on until the client leaves.
            let default_count = if rate > 0 { u64::MAX } else { 1_000_000 };
            Ok(Route::Flood {
                count: number("n", default_count)?,
                size,
                rate,
                json: number("json", 0)? != 0,
                deflate: number("deflate", 0)? != 0,
            })
        }
        other => Err(format!(
            "no route `{other}`: try /echo, /tick?ms=1000, /flood?n=1000000&size=100, /flood?rate=100000 or /flood?deflate=1"
        )),
    }
}

/// Binds the listener; returns it with the address it got (useful with port 0).
pub async fn bind(host: &str, port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// Accepts connections forever, each on its own task.
pub async fn serve(listener: TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(handle(stream));
            }
            Err(err) => {
                eprintln!("wsprobe serve: accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Runs `wsprobe serve` until Ctrl+C; returns the exit code.
pub fn run(args: ServeArgs) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("wsprobe serve: cannot start the runtime: {err}");
            return 1;
        }
    };
    runtime.block_on(async {
        let (listener, addr) = match bind(&args.host, args.port).await {
            Ok(bound) => bound,
            Err(err) => {
                eprintln!("wsprobe serve: cannot listen on {}:{}: {err}", args.host, args.port);
                return 1;
            }
        };
        println!(
            "wsprobe serve: listening on ws://{addr}  (/echo, /tick?ms=1000, /flood?n=1000000&size=100, /flood?rate=100000, /flood?deflate=1); Ctrl+C stops"
        );
        tokio::select! {
            () = serve(listener) => 0,
            _ = tokio::signal::ctrl_c() => 0,
        }
    })
}

// tungstenite's handshake callback dictates the (large) error type.
#[allow(clippy::result_large_err)]
async fn handle(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut chosen = None;
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        let target = request
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let offered_deflate = request
            .headers()
            .get_all("sec-websocket-extensions")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| {
                v.split(',').any(|e| {
                    e.split(';')
                        .next()
                        .is_some_and(|name| name.trim() == crate::engine::deflate::NAME)
                })
            });
        match route(&target) {
            Ok(Route::Flood { deflate: true, .. }) if !offered_deflate => {
                let mut refusal = ErrorResponse::new(Some(
                    "/flood?deflate=1 sends compressed messages: the client must offer permessage-deflate"
                        .to_owned(),
                ));
                *refusal.status_mut() = StatusCode::BAD_REQUEST;
                Err(refusal)
            }
            Ok(r) => {
                let mut response = response;
                if matches!(r, Route::Flood { deflate: true, .. }) {
                    response.headers_mut().insert(
                        "sec-websocket-extensions",
                        tokio_tungstenite::tungstenite::http::HeaderValue::from_static(
                            "permessage-deflate; server_no_context_takeover",
                        ),
                    );
                }
                chosen = Some(r);
                Ok(response)
            }
            Err(message) => {
                let mut refusal = ErrorResponse::new(Some(message));
                *refusal.status_mut() = StatusCode::NOT_FOUND;
                Err(refusal)
            }
        }
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    match chosen {
        Some(Route::Echo) | None => echo(ws).await,
        Some(Route::Tick { interval }) => tick(ws, interval).await,
        Some(Route::Flood {
            count,
            size,
            rate,
            json,
            deflate,
        }) => flood(ws, count, size, rate, json, deflate).await,
    }
}

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

async fn echo(mut ws: Ws) {
    while let Some(Ok(message)) = ws.next().await {
        let reply = match message {
            Message::Text(_) | Message::Binary(_) => message,
            Message::Close(_) => break,
            _ => continue,
        };
        if ws.send(reply).await.is_err() {
            break;
        }
    }
}

/// One deCONZ-style event: a sensor, a light or a group changed.
pub fn demo_event(n: u64) -> String {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3f");
    match n % 3 {
        0 => format!(
            r#"{{"t":"event","e":"changed","r":"sensors","id":"5","state":{{"temperature":{},"lastupdated":"{now}"}}}}"#,
            2000 + (n % 50) as i64 * 3
        ),
        1 => format!(
            r#"{{"t":"event","e":"changed","r":"lights","id":"1","state":{{"on":{},"bri":{}}}}}"#,
            n % 2 == 1,
            (n * 37) % 255
        ),
        _ => format!(
            r#"{{"t":"event","e":"changed","r":"sensors","id":"7","state":{{"presence":{},"lastupdated":"{now}"}}}}"#,
            n % 4 == 2
        ),
    }
}

async fn tick(mut ws: Ws, interval: Duration) {
    let mut timer = tokio::time::interval(interval);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n = 0u64;
    loop {
        tokio::select! {
            _ = timer.tick() => {
                if ws.send(Message::Text(Utf8Bytes::from(demo_event(n)))).await.is_err() {
                    return;
                }
                n += 1;
            }
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Appends one unmasked server text frame (FIN set) carrying `payload`.
fn push_text_frame(buf: &mut Vec<u8>, payload: &[u8]) {
    crate::engine::wire::push_header(buf, crate::engine::OpCode::Text, false, payload.len());
    buf.extend_from_slice(payload);
}

/// A deCONZ-like JSON event padded to `size` bytes (or its smallest form when `size` is less).
fn json_payload(size: usize) -> Vec<u8> {
    let head = r#"{"t":"event","e":"changed","r":"sensors","id":"7","state":{"buttonevent":1002,"lastupdated":"2026-12-02T10:00:00.000"},"pad":""#;
    let mut payload = head.as_bytes().to_vec();
    let fill = size.saturating_sub(head.len() + 2);
    payload.extend((0..fill).map(|i| b'a' + (i % 26) as u8));
    payload.extend_from_slice(b"\"}");
    payload
}

/// JSON-like text of exactly `size` bytes (records cut at the end): what compressed floods
/// carry, so the compression ratio is like a real API's.
pub fn json_like(size: usize) -> Vec<u8> {
    let mut text = String::with_capacity(size + 100);
    text.push_str("{\"t\":\"event\",\"items\":[");
    let mut n = 0u64;
    while text.len() < size {
        text.push_str(&format!(
            "{{\"id\":{n},\"name\":\"sensor-{}\",\"state\":{{\"temperature\":{},\"on\":{}}}}},",
            n % 17,
            2000 + (n * 37) % 500,
            n.is_multiple_of(3)
        ));
        n += 1;
    }
    let mut bytes = text.into_bytes();
    bytes.truncate(size);
    bytes
}

/// One server text frame of `payload`, compressed (RSV1) when `deflate`.
fn flood_frame(payload: &[u8], deflate: bool) -> Vec<u8> {
    let mut frame = Vec::with_capacity(payload.len() + 10);
    if deflate {
        use crate::engine::deflate::Deflater;
        let agreed = crate::engine::DeflateParams {
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            server_max_window_bits: 15,
            client_max_window_bits: 15,
        };
        let mut deflated = Vec::new();
        // Our own deflater, as the client's side would: each message on its own.
        if Deflater::new(&agreed).deflate(payload, &mut deflated) {
            crate::engine::wire::push_compressed_header(
                &mut frame,
                crate::engine::OpCode::Text,
                false,
                deflated.len(),
            );
            frame.extend_from_slice(&deflated);
            return frame;
        }
    }
    push_text_frame(&mut frame, payload);
    frame
}

async fn flood(mut ws: Ws, count: u64, size: usize, rate: u64, json: bool, deflate: bool) {
    use futures_util::FutureExt;
    let payload: Vec<u8> = if json {
        json_payload(size)
    } else if deflate {
        json_like(size)
    } else {
        // Printable, valid UTF-8, and recognisably ours.
        (0..size).map(|i| b'a' + (i % 26) as u8).collect()
    };
    let frame = flood_frame(&payload, deflate);
    // Batches of about 256 KiB: few syscalls, the same buffer every time.
    let per_batch = (256 * 1024 / frame.len()).max(1) as u64;
    let mut batch = Vec::with_capacity(frame.len() * per_batch as usize);
    for _ in 0..per_batch.min(count) {
        batch.extend_from_slice(&frame);
    }
    // A paced feed writes every 10 ms what the rate allows for that slice of time.
    let mut pace = (rate > 0).then(|| {
        let mut timer = tokio::time::interval(Duration::from_millis(10));
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        timer
    });
    let per_tick = (rate / 100).max(1);
    let mut left = count;
    while left > 0 {
        let mut quota = left;
        if let Some(timer) = pace.as_mut() {
            timer.tick().await;
            quota = quota.min(per_tick);
        }
        left -= quota;
        while quota > 0 {
            let n = quota.min(per_batch);
            // The handshake is complete and tungstenite's write buffer empty, so frames
            // written straight to the socket are well-formed in sequence.
            let bytes = &batch[..frame.len() * n as usize];
            if ws.get_mut().write_all(bytes).await.is_err() {
                return;
            }
            quota -= n;
        }
        // The client said goodbye (or left): answer and stop instead of flooding on.
        if let Some(incoming) = ws.next().now_or_never() {
            match incoming {
                Some(Ok(Message::Close(_))) => {
                    let _ = ws.flush().await;
                    return;
                }
                None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            }
        }
    }
    let _ = ws
        .close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: Utf8Bytes::from_static("flood done"),
        }))
        .await;
    // Let the client answer the close. A slow client (one that inflates a compressed flood,
    // say) may still be reading what was sent: dropping the socket under it would lose that.
    let _ = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse() {
        assert_eq!(route("/echo"), Ok(Route::Echo));
        assert_eq!(route("/"), Ok(Route::Echo));
        assert_eq!(
            route("/tick?ms=250"),
            Ok(Route::Tick {
                interval: Duration::from_millis(250)
            })
        );
        assert_eq!(
            route("/flood?n=10&size=4"),
            Ok(Route::Flood {
                count: 10,
                size: 4,
                rate: 0,
                json: false,
                deflate: false
            })
        );
        assert_eq!(
            route("/flood"),
            Ok(Route::Flood {
                count: 1_000_000,
                size: 100,
                rate: 0,
                json: false,
                deflate: false
            })
        );
        assert_eq!(
            route("/flood?rate=100000"),
            Ok(Route::Flood {
                count: u64::MAX,
                size: 100,
                rate: 100_000,
                json: false,
                deflate: false
            })
        );
        assert_eq!(
            route("/flood?n=5&json=1"),
            Ok(Route::Flood {
                count: 5,
                size: 100,
                rate: 0,
                json: true,
                deflate: false
            })
        );
        assert!(matches!(
            route("/flood?deflate=1&size=4096"),
            Ok(Route::Flood {
                deflate: true,
                size: 4096,
                ..
            })
        ));
        assert!(
            route("/flood?n=x")
                .unwrap_err()
                .contains("`n` must be a whole number")
        );
        assert!(route("/nope").unwrap_err().contains("no route `/nope`"));
    }

    #[test]
    fn json_floods_are_json_of_the_size_asked() {
        for size in [0, 100, 4096] {
            let payload = json_payload(size);
            let value: serde_json::Value = serde_json::from_slice(&payload).expect("JSON");
            assert_eq!(value["r"], "sensors");
            if size >= 150 {
                assert_eq!(payload.len(), size);
            }
        }
    }

    #[test]
    fn frames_encode_lengths() {
        let mut buf = Vec::new();
        push_text_frame(&mut buf, b"hi");
        assert_eq!(buf, [0x81, 2, b'h', b'i']);
        buf.clear();
        push_text_frame(&mut buf, &[b'x'; 300]);
        assert_eq!(&buf[..4], &[0x81, 126, 0x01, 0x2c]);
        buf.clear();
        push_text_frame(&mut buf, &vec![b'x'; 70_000]);
        assert_eq!(&buf[..2], &[0x81, 127]);
        assert_eq!(buf.len(), 70_000 + 10);
    }

    #[test]
    fn demo_events_are_json_like_deconz() {
        for n in 0..6 {
            let v: serde_json::Value = serde_json::from_str(&demo_event(n)).unwrap();
            assert_eq!(v["t"], "event");
            assert_eq!(v["e"], "changed");
            assert!(v["state"].is_object());
        }
    }
}
