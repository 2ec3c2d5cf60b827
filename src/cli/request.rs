//! From `wsprobe run` options to what the engine needs: a [`ResolvedRequest`] and the messages
//! to send, in order. Everything here is checked before any connection is attempted, so bad
//! input ends the run with exit code 2 and nothing on the wire.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use bytes::Bytes;

use crate::engine::Outgoing;
use crate::model::{Auth, KeyValue, Lookup, MessageFormat, SavedRequest, Workspace};
use crate::store::{self, Store};
use crate::template::{ResolvedRequest, Resolver};

use super::args::{RunArgs, SendSpec};
use super::output::error_line;
use super::repeat::{Repeat, Repeated, render};

/// The most a ping (any control frame) can carry, RFC 6455 §5.5.
pub const MAX_PING_PAYLOAD: usize = 125;

/// One thing to do after the first connect: a `--send*` message or a `--ping`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Send(Outgoing),
    Ping(Bytes),
    /// A Socket.IO emit (`--emit`), sent once the namespace is connected.
    Emit(crate::engine::SocketIoOutgoing),
}

/// Everything a run needs, resolved and checked.
#[derive(Debug)]
pub struct Prepared {
    pub request: ResolvedRequest,
    /// Done once, in this order, after the first successful connect.
    pub sends: Vec<Action>,
    /// `--every`: the messages sent again while connected.
    pub repeat: Option<Repeat>,
    /// Non-fatal problems (unreadable workspace files) for stderr.
    pub warnings: Vec<String>,
    /// Values of secret variables (and `--var`s overriding one): masked in the output.
    pub secrets: Vec<String>,
}

/// How TARGET is read: a URL when it contains `://`, otherwise the name of a saved request.
pub fn target_is_url(target: &str) -> bool {
    target.contains("://")
}

/// Loads the workspace (read-only), picks the request and the variables, applies the options,
/// and resolves everything ([`load`] then [`finish`]).
pub fn prepare(args: &RunArgs, workspace_dir: Option<PathBuf>) -> anyhow::Result<Prepared> {
    finish(load(args, workspace_dir)?, args)
}

/// A run's request and variables before anything is resolved: a script's `before` hooks may
/// still add headers and variables.
pub struct Loaded {
    pub request: SavedRequest,
    pub resolver: Resolver,
    pub secrets: Vec<String>,
    pub warnings: Vec<String>,
    pub workspace: Workspace,
    pub is_url: bool,
}

/// Loads the workspace (read-only), picks the request and the variables, applies the options.
pub fn load(args: &RunArgs, workspace_dir: Option<PathBuf>) -> anyhow::Result<Loaded> {
    let mut warnings = Vec::new();
    let is_url = target_is_url(&args.target);
    // The workspace is only required for a saved request or --env; for a plain URL it just
    // supplies Globals and the active environment when it can be read.
    let needs_workspace = !is_url || args.env.is_some();
    let (dir, workspace) = match load_workspace(workspace_dir, &mut warnings) {
        Ok(loaded) => loaded,
        Err(err) if needs_workspace => return Err(err),
        Err(err) => {
            warnings.push(format!(
                "{}; using no variables from the workspace",
                error_line(&err)
            ));
            (None, Workspace::default())
        }
    };

    let mut workspace = workspace;
    if let Some(name) = &args.env {
        let Some(env) = workspace.environment_by_name(name) else {
            let available: Vec<&str> = workspace
                .environments
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            bail!(
                "unknown environment `{name}` ({})",
                if available.is_empty() {
                    "the workspace has no environments".to_owned()
                } else {
                    format!("available: {}", available.join(", "))
                }
            );
        };
        workspace.active_environment = Some(env.id.clone());
    }
    let mut request = if is_url {
        SavedRequest::new(args.target.clone(), args.target.clone())
    } else {
        find_request(&workspace, &args.target, dir.as_deref())?.clone()
    };
    apply_options(&mut request, args)?;
    // A saved request's folders add their variables over the environment's.
    let mut resolver = Resolver::for_request(&workspace, &request);
    let effective = workspace.variables_for(&request);
    let is_secret = |name: &str| effective.iter().any(|v| v.secret && v.name == name);
    let mut secrets: Vec<String> = effective
        .iter()
        .filter(|v| v.secret)
        .map(|v| v.value.clone())
        .collect();
    for var in &args.vars {
        let (key, value) = var
            .split_once('=')
            .ok_or_else(|| anyhow!("--var `{var}`: expected KEY=VALUE"))?;
        let key = key.trim();
        if key.is_empty() {
            bail!("--var `{var}`: the name is empty");
        }
        resolver.set(key, value);
        if is_secret(key) {
            secrets.push(value.to_owned());
        }
    }

    Ok(Loaded {
        request,
        resolver,
        secrets,
        warnings,
        workspace,
        is_url,
    })
}

/// Resolves a loaded request and the messages to send.
pub fn finish(loaded: Loaded, args: &RunArgs) -> anyhow::Result<Prepared> {
    let Loaded {
        request,
        resolver,
        secrets,
        mut warnings,
        workspace,
        is_url,
    } = loaded;
    let resolved = resolver.resolve_in(&workspace, &request)?;
    let emits = super::socketio::emits(&request, &args.sio, &resolver)?;
    if let crate::model::ProxyChoice::Custom { url } = &resolved.settings.proxy {
        crate::engine::check_proxy_url(url)?;
    }
    // A CA file or client certificate that cannot be used is bad input: exit 2, nothing sent.
    if resolved.url.scheme() == "wss"
        && let Some(cert) = crate::engine::check_tls_files(&resolved.settings)?
    {
        warnings.extend(cert.expiry_warning());
    }

    let mut sends = Vec::new();
    let mut repeated = Vec::new();
    let specs = args.sends();
    for spec in &specs {
        let message = match spec {
            SendSpec::Text(text) => Repeated::Text((*text).to_owned()),
            SendSpec::Hex(hex) => Repeated::Hex((*hex).to_owned()),
            SendSpec::File(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read --send-file {}", path.display()))?;
                Repeated::Bytes(bytes.into())
            }
            SendSpec::Ping(payload) => {
                let payload = resolver.render("--ping", payload)?;
                if payload.len() > MAX_PING_PAYLOAD {
                    bail!(
                        "--ping payload is {} bytes; a ping carries at most {MAX_PING_PAYLOAD}",
                        payload.len()
                    );
                }
                sends.push(Action::Ping(Bytes::from(payload)));
                continue;
            }
        };
        sends.push(Action::Send(render(&resolver, &message)?));
        repeated.push(message);
    }
    sends.extend(emits.into_iter().map(Action::Emit));
    // A saved request's draft is what its composer holds: sent when no --send* is given.
    let socketio = request.kind.is_socketio();
    if repeated.is_empty() && !is_url && !socketio && !request.draft.body.is_empty() {
        let draft = Repeated::Draft(request.draft.format, request.draft.body.clone());
        sends.push(Action::Send(render(&resolver, &draft)?));
        repeated.push(draft);
    }
    let repeat = match args.every {
        None => None,
        Some(ms) if ms < crate::heartbeat::MIN_INTERVAL_MS => bail!(
            "--every must be at least {} ms, got {ms}",
            crate::heartbeat::MIN_INTERVAL_MS
        ),
        Some(_) if repeated.is_empty() => {
            bail!("--every repeats the --send, --send-hex and --send-file messages: give one")
        }
        Some(every_ms) => Some(Repeat::new(every_ms, repeated, resolver)),
    };

    Ok(Prepared {
        request: resolved,
        sends,
        repeat,
        warnings,
        secrets,
    })
}

/// When `target` names a folder of saved requests (and no request), the paths of every request
/// in it and its subfolders, in sidebar order: `wsprobe test` runs them all.
pub fn folder_requests(
    target: &str,
    workspace_dir: Option<PathBuf>,
) -> anyhow::Result<Option<Vec<String>>> {
    if target_is_url(target) {
        return Ok(None);
    }
    let (_, workspace) = load_workspace(workspace_dir, &mut Vec::new())?;
    if !matches!(workspace.find_request(target), Lookup::NotFound) {
        return Ok(None);
    }
    let wanted = target.trim().trim_matches('/');
    let Some(folder) = workspace
        .folders
        .iter()
        .find(|f| workspace.folder_path(&f.id).eq_ignore_ascii_case(wanted))
    else {
        return Ok(None);
    };
    Ok(Some(
        workspace
            .requests_under(&folder.id)
            .iter()
            .filter_map(|id| workspace.request(id))
            .map(|r| workspace.request_path(r))
            .collect(),
    ))
}

/// The workspace folder and what it holds, without creating or writing anything.
fn load_workspace(
    explicit: Option<PathBuf>,
    warnings: &mut Vec<String>,
) -> anyhow::Result<(Option<PathBuf>, Workspace)> {
    let dir = store::workspace_dir(explicit)?;
    let (workspace, problems) = Store::load_read_only(&dir)
        .with_context(|| format!("cannot read the workspace {}", dir.display()))?;
    for problem in problems {
        warnings.push(format!("skipped a workspace file: {problem}"));
    }
    Ok((Some(dir), workspace))
}

fn find_request<'a>(
    workspace: &'a Workspace,
    name: &str,
    dir: Option<&Path>,
) -> anyhow::Result<&'a SavedRequest> {
    let place = dir
        .map(|d| format!(" in {}", d.display()))
        .unwrap_or_default();
    match workspace.find_request(name) {
        Lookup::Found(request) => return Ok(request),
        Lookup::Ambiguous(paths) => {
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            bail!(
                "`{name}` names {} saved requests{place}: {}; give the folder path",
                paths.len(),
                quote_list(&paths)
            )
        }
        Lookup::NotFound => {}
    }
    // A folder is not something to run: say so, and what is in it.
    let wanted = name.trim().trim_matches('/');
    if let Some(folder) = workspace
        .folders
        .iter()
        .find(|f| workspace.folder_path(&f.id).eq_ignore_ascii_case(wanted))
    {
        let inside: Vec<String> = workspace
            .requests_under(&folder.id)
            .iter()
            .filter_map(|id| workspace.request(id))
            .map(|r| workspace.request_path(r))
            .collect();
        let inside: Vec<&str> = inside.iter().map(String::as_str).collect();
        if inside.is_empty() {
            bail!("`{name}` is a folder{place}, and it holds no requests")
        }
        bail!(
            "`{name}` is a folder{place}: name one of its requests, {}",
            quote_list(&inside)
        )
    }
    let paths: Vec<String> = workspace
        .requests
        .iter()
        .map(|r| workspace.request_path(r))
        .collect();
    let names: Vec<&str> = paths.iter().map(String::as_str).collect();
    let similar = similar_names(name, &names);
    let hint = if !similar.is_empty() {
        format!("; did you mean: {}?", quote_list(&similar))
    } else if names.is_empty() {
        "; the workspace has no saved requests".to_owned()
    } else {
        let shown: Vec<&str> = names.iter().copied().take(10).collect();
        let more = names.len().saturating_sub(shown.len());
        format!(
            "; saved requests: {}{}",
            quote_list(&shown),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    };
    let url_hint = if name.contains(char::is_whitespace) {
        String::new()
    } else {
        format!(" (a URL must contain ://, e.g. ws://{name})")
    };
    bail!("no saved request named `{name}`{place}{hint}{url_hint}")
}

fn quote_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names close to `wanted`: containing it (or contained in it) ignoring case, or a few edits away.
pub fn similar_names<'a>(wanted: &str, names: &[&'a str]) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|&name| {
            let lower = name.to_lowercase();
            if lower.contains(&wanted_lower) || wanted_lower.contains(&lower) {
                return Some((0, name));
            }
            let distance = edit_distance(&wanted_lower, &lower);
            let allowed = (wanted_lower.chars().count() / 3).clamp(1, 3);
            (distance <= allowed).then_some((distance, name))
        })
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().map(|(_, n)| n).take(5).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(current)
            };
            prev = current;
        }
    }
    row[b.len()]
}

/// Applies the command-line options on top of a saved (or fresh) request. Variables are not
/// expanded here: the resolver does that for saved fields and options alike.
pub fn apply_options(request: &mut SavedRequest, args: &RunArgs) -> anyhow::Result<()> {
    super::socketio::apply(request, &args.sio)?;
    let headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // A header given on the command line replaces the saved one of the same name.
    for row in &mut request.headers {
        if headers
            .iter()
            .any(|h| h.key.eq_ignore_ascii_case(row.key.trim()))
        {
            row.enabled = false;
        }
    }
    request.headers.extend(headers);

    let params: Vec<KeyValue> = args.params.iter().map(|p| parse_param(p)).collect();
    for row in &mut request.params {
        if params.iter().any(|p| p.key == row.key) {
            row.enabled = false;
        }
    }
    request.params.extend(params);

    if let Some(basic) = &args.basic {
        let (username, password) = basic.split_once(':').unwrap_or((basic.as_str(), ""));
        request.auth = Auth::Basic {
            username: username.to_owned(),
            password: password.to_owned(),
        };
    }
    if let Some(token) = &args.bearer {
        request.auth = Auth::Bearer {
            token: token.clone(),
        };
    }

    let settings = &mut request.settings;
    for protocol in &args.subprotocols {
        if !settings.subprotocols.contains(protocol) {
            settings.subprotocols.push(protocol.clone());
        }
    }
    if let Some(text) = &args.open_message {
        settings.open_message = text.clone();
        settings.open_message_format = MessageFormat::Text;
    }
    if let Some(ms) = args.handshake_timeout {
        if ms == 0 {
            bail!("--handshake-timeout must be more than 0 ms");
        }
        settings.handshake_timeout_ms = ms;
    }
    if let Some(bytes) = args.max_message_size {
        settings.max_message_size_bytes = bytes;
    }
    if let Some(n) = args.reconnect_attempts {
        settings.reconnect_attempts = n;
    }
    if let Some(ms) = args.reconnect_interval {
        settings.reconnect_interval_ms = ms;
    }
    if let Some(n) = args.max_redirects {
        settings.max_redirects = n;
        settings.follow_redirects = true;
    }
    if args.no_redirects {
        settings.follow_redirects = false;
    }
    if args.insecure {
        settings.accept_invalid_certs = true;
    }
    if let Some(ms) = args.ping_interval {
        settings.ping_interval_ms = ms;
    }
    if let Some(ms) = args.pong_timeout {
        settings.pong_timeout_ms = ms;
    }
    if args.no_auto_pong {
        settings.auto_pong = false;
    }
    if args.no_deflate {
        settings.compression.enabled = false;
    }
    args.tls.apply(settings);
    if let Some(url) = &args.proxy {
        settings.proxy = crate::model::ProxyChoice::Custom { url: url.clone() };
    }
    if args.no_proxy {
        settings.proxy = crate::model::ProxyChoice::None;
    }
    if let Some(secs) = args.duration
        && !(secs.is_finite() && secs > 0.0)
    {
        bail!("--duration must be a positive number of seconds, got {secs}");
    }
    Ok(())
}

/// `Name: value` as curl takes it: the value's leading blanks are not part of it.
pub fn parse_header(text: &str) -> anyhow::Result<KeyValue> {
    let Some((name, value)) = text.split_once(':') else {
        bail!("-H `{text}`: expected 'Name: value'");
    };
    let name = name.trim();
    if name.is_empty() {
        bail!("-H `{text}`: the header name is empty");
    }
    if name.contains(char::is_whitespace) {
        bail!("-H `{text}`: a header name cannot contain spaces");
    }
    Ok(KeyValue::new(name, value.trim()))
}

/// `K=V`; a bare `K` is a parameter with an empty value (`?K=`).
pub fn parse_param(text: &str) -> KeyValue {
    match text.split_once('=') {
        Some((key, value)) => KeyValue::new(key, value),
        None => KeyValue::new(text, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_run_args;
    use crate::model::Environment;

    fn args(argv: &[&str]) -> RunArgs {
        parse_run_args(argv).unwrap()
    }

    /// A workspace folder with one request and two environments.
    fn workspace_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, mut ws, _) = Store::open(dir.path()).unwrap();
        let mut req = SavedRequest::new("Feed", "ws://<<host>>/feed");
        req.headers = vec![
            KeyValue::new("X-Env", "<<name>>"),
            KeyValue::new("X-Keep", "1"),
        ];
        req.params = vec![KeyValue::new("room", "<<room>>")];
        req.auth = Auth::Bearer {
            token: "<<token>>".into(),
        };
        req.settings.open_message = "hello <<name>>".into();
        req.draft.body = "draft <<name>>".into();
        ws.requests.push(req);
        let dev = Environment::new("dev")
            .with_var("host", "127.0.0.1:1")
            .with_var("name", "dev")
            .with_var("room", "a")
            .with_var("token", "t-dev");
        let prod = Environment::new("prod")
            .with_var("host", "example.com")
            .with_var("name", "prod")
            .with_var("room", "b")
            .with_var("token", "t-prod");
        ws.active_environment = Some(dev.id.clone());
        ws.environments = vec![dev, prod];
        store.save(&ws).unwrap();
        dir
    }

    #[test]
    fn headers_parse_like_curl() {
        assert_eq!(
            parse_header("X-A:  b c ").unwrap(),
            KeyValue::new("X-A", "b c")
        );
        assert_eq!(
            parse_header("X-Empty:").unwrap(),
            KeyValue::new("X-Empty", "")
        );
        assert_eq!(
            parse_header("X-Url: http://a:b").unwrap().value,
            "http://a:b"
        );
        for bad in ["NoColon", ": v", "Bad Name: v"] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_param("a=b=c"), KeyValue::new("a", "b=c"));
        assert_eq!(parse_param("flag"), KeyValue::new("flag", ""));
    }

    #[test]
    fn url_target_with_options() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nothing-here");
        let a = args(&[
            "ws://127.0.0.1:9/x?<<q>>=1",
            "--var",
            "q=k",
            "--var",
            "tok=abc",
            "-H",
            "X-One: 1",
            "-H",
            "X-Tok: <<tok>>",
            "--param",
            "p=<<tok>>",
            "--basic",
            "u:p:w",
            "--subprotocol",
            "chat",
            "--open-message",
            "hi <<tok>>",
            "--handshake-timeout",
            "1500",
            "--max-message-size",
            "1024",
            "--reconnect-attempts",
            "3",
            "--reconnect-interval",
            "50",
            "--no-redirects",
            "--insecure",
        ]);
        let p = prepare(&a, Some(missing.clone())).unwrap();
        assert!(
            !missing.exists(),
            "a read-only run must not create the folder"
        );
        let r = &p.request;
        assert_eq!(r.url.as_str(), "ws://127.0.0.1:9/x?k=1&p=abc");
        assert_eq!(
            r.headers,
            vec![
                ("X-One".to_owned(), "1".to_owned()),
                ("X-Tok".to_owned(), "abc".to_owned())
            ]
        );
        assert_eq!(
            r.auth,
            Auth::Basic {
                username: "u".into(),
                password: "p:w".into()
            }
        );
        assert_eq!(r.settings.subprotocols, vec!["chat".to_owned()]);
        assert_eq!(r.open_message, Some(Outgoing::Text("hi abc".into())));
        assert_eq!(r.settings.handshake_timeout_ms, 1500);
        assert_eq!(r.settings.max_message_size_bytes, 1024);
        assert_eq!(r.settings.reconnect_attempts, 3);
        assert_eq!(r.settings.reconnect_interval_ms, 50);
        assert!(!r.settings.follow_redirects);
        assert!(r.settings.accept_invalid_certs);
        assert!(p.sends.is_empty());
    }

    #[test]
    fn saved_request_env_and_overrides() {
        let dir = workspace_dir();
        let before = snapshot(dir.path());
        let ws = Some(dir.path().to_owned());

        let p = prepare(&args(&["feed"]), ws.clone()).unwrap();
        assert_eq!(p.request.url.as_str(), "ws://127.0.0.1:1/feed?room=a");
        assert_eq!(
            p.request.auth,
            Auth::Bearer {
                token: "t-dev".into()
            }
        );
        assert_eq!(
            p.request.open_message,
            Some(Outgoing::Text("hello dev".into()))
        );
        assert_eq!(
            p.sends,
            vec![Action::Send(Outgoing::Text("draft dev".into()))]
        );

        let p = prepare(
            &args(&[
                "Feed",
                "--env",
                "prod",
                "--var",
                "room=z",
                "-H",
                "x-env: cli",
                "--param",
                "room=<<room>>2",
                "--bearer",
                "cli-token",
                "--send",
                "one",
            ]),
            ws.clone(),
        )
        .unwrap();
        assert_eq!(p.request.url.as_str(), "ws://example.com/feed?room=z2");
        assert_eq!(
            p.request.headers,
            vec![
                ("X-Keep".to_owned(), "1".to_owned()),
                ("x-env".to_owned(), "cli".to_owned())
            ]
        );
        assert_eq!(
            p.request.auth,
            Auth::Bearer {
                token: "cli-token".into()
            }
        );
        assert_eq!(p.sends, vec![Action::Send(Outgoing::Text("one".into()))]);
        assert_eq!(
            snapshot(dir.path()),
            before,
            "the workspace must not change"
        );
    }

    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path.clone());
                    out.push((path, Vec::new()));
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    out.push((path, bytes));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn bad_input_is_reported_in_one_line() {
        let dir = workspace_dir();
        let ws = Some(dir.path().to_owned());
        let err = |argv: &[&str]| {
            let message = crate::cli::error_line(&prepare(&args(argv), ws.clone()).unwrap_err());
            assert!(!message.contains('\n'), "{message}");
            message
        };
        let m = err(&["Feed", "--env", "staging"]);
        assert!(m.contains("unknown environment `staging`"), "{m}");
        assert!(m.contains("available: dev, prod"), "{m}");
        let m = err(&["fed"]);
        assert!(m.contains("no saved request named `fed`"), "{m}");
        assert!(m.contains("did you mean: `Feed`"), "{m}");
        let m = err(&["ws://h/<<nope>>"]);
        assert!(m.contains("undefined variable `nope`"), "{m}");
        let m = err(&["ws://h/", "--send-hex", "abz"]);
        assert!(m.contains("invalid hex"), "{m}");
        let m = err(&["ws://h/", "--send-file", "/definitely/not/here"]);
        assert!(
            m.contains("cannot read --send-file /definitely/not/here"),
            "{m}"
        );
        let m = err(&["ftp://h/"]);
        assert_eq!(m.matches("unsupported scheme").count(), 1, "{m}");
        let m = err(&["ws://h/", "--send-hex", "0<<x>>", "--var", "x=z"]);
        assert_eq!(
            m,
            "--send-hex `0z`: invalid hex: `z` at character 2 is not a hex digit"
        );
        let m = err(&["ws://h/", "--send", "<<y>>"]);
        assert_eq!(m, "undefined variable `y` in --send");
        let m = err(&["ws://h/", "-H", "oops"]);
        assert!(m.contains("expected 'Name: value'"), "{m}");
        let m = err(&["ws://h/", "--var", "novalue"]);
        assert!(m.contains("KEY=VALUE"), "{m}");
        let m = err(&["ws://h/", "--duration", "0"]);
        assert!(m.contains("--duration"), "{m}");
    }

    #[test]
    fn sends_keep_command_line_order_and_templates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("blob.bin");
        std::fs::write(&file, [0u8, 1, 2]).unwrap();
        let file_arg = file.to_str().unwrap();
        let a = args(&[
            "ws://h/",
            "--var",
            "b=ff",
            "--send-hex",
            "00 <<b>>",
            "--send",
            "first text",
            "--send-file",
            file_arg,
            "--send",
            "second",
            "--send-hex",
            "0a",
        ]);
        let p = prepare(&a, Some(dir.path().join("ws"))).unwrap();
        assert_eq!(
            p.sends,
            vec![
                Action::Send(Outgoing::Binary(vec![0x00, 0xff].into())),
                Action::Send(Outgoing::Text("first text".into())),
                Action::Send(Outgoing::Binary(vec![0, 1, 2].into())),
                Action::Send(Outgoing::Text("second".into())),
                Action::Send(Outgoing::Binary(vec![0x0a].into())),
            ]
        );
    }

    #[test]
    fn similar_names_are_close_ones() {
        let names = ["Feed", "Ticker feed", "Chat", "Admin"];
        assert_eq!(similar_names("feed", &names), vec!["Feed", "Ticker feed"]);
        assert_eq!(similar_names("chatt", &names), vec!["Chat"]);
        assert!(similar_names("zzzzzz", &names).is_empty());
    }
}
