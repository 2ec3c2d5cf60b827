//! `<<name>>` expansion: a [`SavedRequest`] plus the variables in effect become a
//! [`ResolvedRequest`] that the engine takes as is.
//!
//! Expansion uses minijinja with `<< >>` as variable delimiters (`<% %>` blocks, `<# #>`
//! comments), so `{{ }}` and `{% %}` in a JSON or HTML body stay literal text. Filters work
//! (`<<token | upper>>`), and so do built-ins: `<<$timestamp>>`, `<<$timestampMs>>`,
//! `<<$isoTimestamp>>`, `<<$randomUUID>>`, `<<$randomInt>>` (also callable as functions:
//! `<<timestamp()>>`, `<<uuid()>>`, `<<random_int(1, 6)>>`, ...). A literal `<<` is written
//! `<<'<<'>>`, or the text is wrapped in `<% raw %>...<% endraw %>`.

use std::collections::BTreeMap;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use url::Url;

mod socketio;

pub use socketio::{ResolvedSocketIo, normalize_namespace};

use crate::format::{self, EncodeError};
use crate::model::url_params;
use crate::model::{
    Auth, ConnectionSettings, MessageFormat, Outgoing, ProxyChoice, SavedRequest, Variable,
    Workspace,
};

/// A request with every variable expanded and the URL checked: what the engine connects with.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRequest {
    /// The saved request's name (for display), or the URL for ad-hoc CLI runs.
    pub name: String,
    /// ws:// or wss://, with the enabled params merged into the query.
    pub url: Url,
    /// Enabled headers with non-empty names, in order.
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    pub settings: ConnectionSettings,
    /// The open message, encoded, if one is set.
    pub open_message: Option<Outgoing>,
    /// Set for a Socket.IO request: the session speaks Engine.IO/Socket.IO over the WebSocket
    /// (the URL is then the Engine.IO endpoint, `.../socket.io/?EIO=4&transport=websocket`).
    pub socketio: Option<ResolvedSocketIo>,
}

impl ResolvedRequest {
    /// A request to `url` with default settings and nothing else: for tests and quick use.
    pub fn to_url(url: &str) -> Result<Self, UrlError> {
        Ok(Self {
            name: url.to_owned(),
            url: parse_ws_url(url)?,
            headers: Vec::new(),
            auth: Auth::None,
            settings: ConnectionSettings::default(),
            open_message: None,
            socketio: None,
        })
    }
}

/// Why a request or message could not be resolved. Messages name the field and the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("undefined variable `{name}` in {field}")]
    Undefined { name: String, field: String },
    #[error(
        "template error in {field}: {message} (for a literal `<<` write <<'<<'>> or wrap the text in <% raw %>...<% endraw %>)"
    )]
    Syntax { field: String, message: String },
    #[error(
        "unknown built-in `${name}` in {field} (known: $timestamp, $timestampMs, $isoTimestamp, $randomUUID, $randomInt)"
    )]
    UnknownBuiltin { name: String, field: String },
    #[error("{field}: {message}")]
    Render { field: String, message: String },
    #[error("invalid URL")]
    Url(#[from] UrlError),
    #[error("invalid header name `{name}`: {message}")]
    HeaderName { name: String, message: String },
    #[error("invalid value for header `{name}`: {message}")]
    HeaderValue { name: String, message: String },
    #[error("{field}")]
    Encode {
        field: String,
        #[source]
        source: EncodeError,
    },
}

/// What is wrong with a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the URL is empty")]
    Empty,
    #[error("`{url}` contains a space; encode it as %20")]
    Whitespace { url: String },
    #[error(
        "unsupported scheme `{scheme}://`: use ws:// or wss:// (http:// and https:// are rewritten)"
    )]
    Scheme { scheme: String },
    #[error("`{url}` has no host")]
    NoHost { url: String },
    #[error("`{url}`: {message}")]
    Parse { url: String, message: String },
}

/// Parses and checks a WebSocket URL.
///
/// `ws://` and `wss://` are taken as they are; `http://` and `https://` are rewritten to
/// `ws://` and `wss://` (what a server behind them upgrades anyway); a URL with no scheme gets
/// `ws://` (so `localhost:8080/feed` works, as in Postman).
pub fn parse_ws_url(input: &str) -> Result<Url, UrlError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(UrlError::Empty);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(UrlError::Whitespace {
            url: text.to_owned(),
        });
    }
    let with_scheme = match text.split_once("://") {
        Some((scheme, rest)) => match scheme.to_ascii_lowercase().as_str() {
            "ws" | "wss" => text.to_owned(),
            "http" => format!("ws://{rest}"),
            "https" => format!("wss://{rest}"),
            _ => {
                return Err(UrlError::Scheme {
                    scheme: scheme.to_owned(),
                });
            }
        },
        None => format!("ws://{text}"),
    };
    let url = Url::parse(&with_scheme).map_err(|err| match err {
        url::ParseError::EmptyHost => UrlError::NoHost {
            url: text.to_owned(),
        },
        other => UrlError::Parse {
            url: text.to_owned(),
            message: other.to_string(),
        },
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlError::NoHost {
            url: text.to_owned(),
        });
    }
    Ok(url)
}

/// The Postman-style `$name` built-ins and the function each one stands for.
const BUILTINS: [(&str, &str); 6] = [
    ("timestamp", "timestamp()"),
    ("timestampMs", "timestamp_ms()"),
    ("isoTimestamp", "iso_timestamp()"),
    ("randomUUID", "uuid()"),
    ("guid", "uuid()"),
    ("randomInt", "random_int()"),
];
const FUNCTIONS: [&str; 5] = [
    "timestamp",
    "timestamp_ms",
    "iso_timestamp",
    "uuid",
    "random_int",
];

/// Expands `<<...>>` with a fixed set of variables.
pub struct Resolver {
    env: Environment<'static>,
    vars: BTreeMap<String, Value>,
    /// The workspace's proxy (may hold `<<variables>>`); empty: none.
    proxy: String,
}

impl Resolver {
    /// Variables in order of increasing precedence: a later row with the same name wins.
    pub fn new(variables: &[Variable]) -> Self {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder()
            .variable_delimiters("<<", ">>")
            .block_delimiters("<%", "%>")
            .comment_delimiters("<#", "#>")
            // Keep text exactly as written: a trailing newline in a body is part of the message.
            .keep_trailing_newline(true)
            .build()
            .expect("static delimiters are valid");
        env.set_syntax(syntax);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.add_function("timestamp", || chrono::Utc::now().timestamp());
        env.add_function("timestamp_ms", || chrono::Utc::now().timestamp_millis());
        env.add_function("iso_timestamp", || {
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        env.add_function("uuid", || uuid::Uuid::new_v4().to_string());
        env.add_function("random_int", |min: Option<i64>, max: Option<i64>| {
            use rand::Rng as _;
            let (min, max) = (min.unwrap_or(0), max.unwrap_or(1000));
            if min > max {
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("random_int: min {min} is greater than max {max}"),
                ));
            }
            Ok(rand::rng().random_range(min..=max))
        });
        let vars = variables
            .iter()
            .filter(|v| !v.name.is_empty())
            .map(|v| (v.name.clone(), Value::from(v.value.clone())))
            .collect();
        Self {
            env,
            vars,
            proxy: String::new(),
        }
    }

    /// The variables of the active environment over Globals, and the workspace's proxy.
    pub fn for_workspace(workspace: &Workspace) -> Self {
        let mut resolver = Self::new(&workspace.effective_variables());
        resolver.proxy = workspace.proxy.clone();
        resolver
    }

    /// The variables in effect for `request`: its folders (innermost first) over the active
    /// environment over Globals; and the workspace's proxy.
    pub fn for_request(workspace: &Workspace, request: &SavedRequest) -> Self {
        let mut resolver = Self::new(&workspace.variables_for(request));
        resolver.proxy = workspace.proxy.clone();
        resolver
    }

    /// Resolves `request` as Connect does: with its folders' variables, headers and auth.
    pub fn resolve_in(
        &self,
        workspace: &Workspace,
        request: &SavedRequest,
    ) -> Result<ResolvedRequest, TemplateError> {
        self.resolve_request(&workspace.effective_request(request))
    }

    /// Also sets `name` (e.g. from the CLI's `--var`), overriding any earlier value.
    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_owned(), Value::from(value));
    }

    /// The variables as text (what a script's `vars.get` sees).
    pub fn values(&self) -> std::collections::HashMap<String, String> {
        self.vars
            .iter()
            .map(|(name, value)| {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                (name.clone(), text)
            })
            .collect()
    }

    pub fn is_defined(&self, name: &str) -> bool {
        self.vars.contains_key(name) || FUNCTIONS.contains(&name)
    }

    /// Expands `text`; `field` names where it came from, for error messages.
    pub fn render(&self, field: &str, text: &str) -> Result<String, TemplateError> {
        if !(text.contains("<<") || text.contains("<%") || text.contains("<#")) {
            return Ok(text.to_owned());
        }
        let source = expand_builtins(field, text)?;
        let syntax_error = |err: minijinja::Error| TemplateError::Syntax {
            field: field.to_owned(),
            message: describe(&err),
        };
        let template = self.env.template_from_str(&source).map_err(syntax_error)?;
        match template.render(&self.vars) {
            Ok(text) => Ok(text),
            // Name the variable rather than minijinja's "undefined value"; rendering first
            // lets `<<name | default('x')>>` work as users expect.
            Err(err) if err.kind() == minijinja::ErrorKind::UndefinedError => {
                let mut undefined: Vec<String> = template
                    .undeclared_variables(false)
                    .into_iter()
                    .filter(|name| !self.is_defined(name))
                    .collect();
                undefined.sort_by_key(|name| source.find(name.as_str()).unwrap_or(usize::MAX));
                match undefined.into_iter().next() {
                    Some(name) => Err(TemplateError::Undefined {
                        name,
                        field: field.to_owned(),
                    }),
                    None => Err(TemplateError::Render {
                        field: field.to_owned(),
                        message: describe(&err),
                    }),
                }
            }
            Err(err) => Err(TemplateError::Render {
                field: field.to_owned(),
                message: describe(&err),
            }),
        }
    }

    /// The URL with its variables resolved, and the query pairs as the URL wrote them (both
    /// decoded, as the Params table shows them, and raw). Each query name and value is
    /// decoded, resolved, then encoded (see `model::url_params`), so a resolved value with a
    /// space or `&` in it stays one parameter.
    fn resolve_url(&self, template: &str) -> Result<(Url, Vec<(String, String)>), TemplateError> {
        let (base, query, fragment) = url_params::split(template);
        let mut text = self.render("URL", base)?;
        let mut written = Vec::new();
        if let Some(query) = query {
            let mut encoded = Vec::new();
            for (raw_key, raw_value) in url_params::raw_query_pairs(query) {
                let key = url_params::decode_template(raw_key);
                let value = url_params::decode_template(raw_value.unwrap_or(""));
                let mut pair = url_params::encode_component(&self.render("URL", &key)?);
                if let Some(raw) = raw_value {
                    pair.push('=');
                    pair.push_str(&url_params::encode_component(&self.render("URL", &value)?));
                    written.push((raw_key.to_owned(), raw.to_owned()));
                }
                written.push((key, value));
                encoded.push(pair);
            }
            if !encoded.is_empty() {
                text.push(if text.contains('?') { '&' } else { '?' });
                text.push_str(&encoded.join("&"));
            }
        }
        text.push_str(&self.render("URL", fragment)?);
        Ok((parse_ws_url(&text)?, written))
    }

    /// Expands every templated field of `request` and checks the result.
    pub fn resolve_request(
        &self,
        request: &SavedRequest,
    ) -> Result<ResolvedRequest, TemplateError> {
        let (mut url, written) = self.resolve_url(&request.url)?;
        let existing: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let mut extra = Vec::new();
        for param in request.params.iter().filter(|p| p.enabled) {
            if param.key.is_empty() && param.value.is_empty() {
                continue;
            }
            // The URL bar and the Params table mirror each other: a pair already in the URL
            // (as the table shows it, or as written there before the table held decoded
            // text) is the same parameter, not a second one.
            if written
                .iter()
                .any(|(k, v)| *k == param.key && *v == param.value)
            {
                continue;
            }
            let key = self.render(&format!("query param `{}` name", param.key), &param.key)?;
            let value = self.render(&format!("query param `{}` value", param.key), &param.value)?;
            if !existing.iter().any(|(k, v)| *k == key && *v == value) {
                extra.push((key, value));
            }
        }
        if !extra.is_empty() {
            url.query_pairs_mut().extend_pairs(extra);
        }
        let socketio = if request.kind.is_socketio() {
            Some(socketio::resolve(self, &request.socketio, &mut url)?)
        } else {
            None
        };

        let mut headers = Vec::new();
        for header in request.headers.iter().filter(|h| h.enabled) {
            if header.key.trim().is_empty() {
                continue;
            }
            let name = self.render(&format!("header `{}` name", header.key), &header.key)?;
            let value = self.render(&format!("header `{}` value", header.key), &header.value)?;
            let name = name.trim().to_owned();
            check_header(&name, &value)?;
            headers.push((name, value));
        }

        let auth = match &request.auth {
            // The caller replaces Inherit with the folder's auth (`Workspace::effective_request`).
            Auth::None | Auth::Inherit => Auth::None,
            Auth::Basic { username, password } => Auth::Basic {
                username: self.render("Basic auth username", username)?,
                password: self.render("Basic auth password", password)?,
            },
            Auth::Bearer { token } => Auth::Bearer {
                token: self.render("Bearer token", token)?,
            },
            Auth::OAuth1(o) => {
                let mut o = o.clone();
                o.consumer_key = self.render("OAuth consumer key", &o.consumer_key)?;
                o.consumer_secret = self.render("OAuth consumer secret", &o.consumer_secret)?;
                o.access_token = self.render("OAuth access token", &o.access_token)?;
                o.token_secret = self.render("OAuth token secret", &o.token_secret)?;
                o.realm = self.render("OAuth realm", &o.realm)?;
                Auth::OAuth1(o)
            }
        };

        let mut settings = request.settings.clone();
        // The engine gets the proxy to use: the request's own, or the workspace's for
        // `Default` (which stays `Default`, the system's, when the workspace has none).
        settings.proxy = match &request.settings.proxy {
            ProxyChoice::Default if !self.proxy.trim().is_empty() => ProxyChoice::Custom {
                url: self.render("workspace proxy", &self.proxy)?,
            },
            ProxyChoice::Custom { url } => ProxyChoice::Custom {
                url: self.render("proxy URL", url)?,
            },
            other => other.clone(),
        };
        let cert = &mut settings.client_certificate;
        if cert.is_set() {
            cert.cert_path = self.render("client certificate file", &cert.cert_path)?;
            cert.key_path = self.render("client key file", &cert.key_path)?;
            cert.pkcs12_path = self.render("PKCS#12 file", &cert.pkcs12_path)?;
            cert.passphrase = self.render("PKCS#12 passphrase", &cert.passphrase)?;
        }
        if let Some(path) = &settings.ca_cert_path {
            settings.ca_cert_path = Some(self.render("CA file", path)?);
        }
        settings.subprotocols = settings
            .subprotocols
            .iter()
            .map(|p| self.render("subprotocol", p).map(|p| p.trim().to_owned()))
            .filter(|p| !matches!(p, Ok(p) if p.is_empty()))
            .collect::<Result<_, _>>()?;
        let open_message = if settings.open_message.is_empty() {
            None
        } else {
            let body = self.render("open message", &settings.open_message)?;
            settings.open_message = body.clone();
            Some(encode("open message", settings.open_message_format, &body)?)
        };

        Ok(ResolvedRequest {
            name: request.name.clone(),
            url,
            headers,
            auth,
            settings,
            open_message,
            socketio,
        })
    }

    /// Expands and encodes a message body for sending.
    pub fn resolve_message(
        &self,
        format: MessageFormat,
        body: &str,
    ) -> Result<Outgoing, TemplateError> {
        let text = self.render("message", body)?;
        encode("message", format, &text)
    }
}

fn encode(field: &str, format: MessageFormat, body: &str) -> Result<Outgoing, TemplateError> {
    format::encode_message(format, body).map_err(|source| TemplateError::Encode {
        field: field.to_owned(),
        source,
    })
}

fn check_header(name: &str, value: &str) -> Result<(), TemplateError> {
    use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
    HeaderName::from_bytes(name.as_bytes()).map_err(|e| TemplateError::HeaderName {
        name: name.to_owned(),
        message: e.to_string(),
    })?;
    HeaderValue::from_str(value).map_err(|_| TemplateError::HeaderValue {
        name: name.to_owned(),
        message: "header values cannot contain line breaks or control characters".to_owned(),
    })?;
    Ok(())
}

/// minijinja's message without the template name noise, with the line when it is known.
fn describe(err: &minijinja::Error) -> String {
    let detail = err
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| err.kind().to_string());
    match err.line() {
        Some(line) => format!("{detail} (line {line})"),
        None => detail,
    }
}

/// Rewrites `<<$name` to the function it stands for, so Postman-style built-ins parse.
fn expand_builtins(field: &str, text: &str) -> Result<String, TemplateError> {
    if !text.contains('$') {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<<") {
        let (before, after) = rest.split_at(start + 2);
        out.push_str(before);
        let trimmed = after.trim_start();
        if let Some(tail) = trimmed.strip_prefix('$') {
            let name_len = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let name = &tail[..name_len];
            let Some((_, function)) = BUILTINS.iter().find(|(n, _)| *n == name) else {
                return Err(TemplateError::UnknownBuiltin {
                    name: name.to_owned(),
                    field: field.to_owned(),
                });
            };
            out.push_str(&after[..after.len() - trimmed.len()]);
            out.push_str(function);
            rest = &tail[name_len..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Environment, KeyValue};

    fn resolver(vars: &[(&str, &str)]) -> Resolver {
        let vars: Vec<Variable> = vars.iter().map(|(n, v)| Variable::new(*n, *v)).collect();
        Resolver::new(&vars)
    }

    #[test]
    fn defined_variables_expand() {
        let r = resolver(&[("host", "localhost:8080"), ("room", "lobby")]);
        assert_eq!(
            r.render("URL", "ws://<<host>>/chat/<< room >>").unwrap(),
            "ws://localhost:8080/chat/lobby"
        );
    }

    #[test]
    fn undefined_variable_is_an_error_naming_it() {
        let r = resolver(&[("host", "h")]);
        let err = r.render("URL", "ws://<<host>>/<<missing>>").unwrap_err();
        assert_eq!(
            err,
            TemplateError::Undefined {
                name: "missing".into(),
                field: "URL".into()
            }
        );
        assert_eq!(err.to_string(), "undefined variable `missing` in URL");
        // Also inside filters and expressions.
        let err = r.render("message", "<<token | upper>>").unwrap_err();
        assert!(matches!(err, TemplateError::Undefined { ref name, .. } if name == "token"));
    }

    #[test]
    fn active_environment_overrides_globals() {
        let mut ws = Workspace {
            globals: Environment::globals()
                .with_var("host", "global")
                .with_var("only_g", "g"),
            ..Workspace::default()
        };
        let env = Environment::new("dev").with_var("host", "dev");
        ws.active_environment = Some(env.id.clone());
        ws.environments.push(env);
        let r = Resolver::for_workspace(&ws);
        assert_eq!(r.render("x", "<<host>> <<only_g>>").unwrap(), "dev g");
        ws.active_environment = None;
        let r = Resolver::for_workspace(&ws);
        assert_eq!(r.render("x", "<<host>>").unwrap(), "global");
    }

    #[test]
    fn jinja_braces_stay_literal() {
        let r = resolver(&[("id", "7")]);
        let body = r#"{"tpl": "{{ user }}", "block": "{% if x %}", "id": <<id>>}"#;
        assert_eq!(
            r.render("message", body).unwrap(),
            r#"{"tpl": "{{ user }}", "block": "{% if x %}", "id": 7}"#
        );
        // Without any << the text is returned untouched, even with odd characters.
        assert_eq!(r.render("m", "a < b > c {{").unwrap(), "a < b > c {{");
        assert_eq!(r.render("m", "line\n").unwrap(), "line\n");
        assert_eq!(r.render("m", "<<id>>\n").unwrap(), "7\n");
    }

    #[test]
    fn filters_apply() {
        let r = resolver(&[("token", "abc"), ("name", "a b")]);
        assert_eq!(r.render("m", "<<token | upper>>").unwrap(), "ABC");
        assert_eq!(r.render("m", "<<name | urlencode>>").unwrap(), "a%20b");
        assert_eq!(r.render("m", "<<missing | default('x')>>").unwrap(), "x");
        assert!(matches!(
            r.render("m", "<<missing | upper>>"),
            Err(TemplateError::Undefined { ref name, .. }) if name == "missing"
        ));
    }

    #[test]
    fn builtins_produce_fresh_values() {
        let r = resolver(&[]);
        let ts: i64 = r.render("m", "<<$timestamp>>").unwrap().parse().unwrap();
        assert!(ts > 1_700_000_000);
        let ms: i64 = r
            .render("m", "<< $timestampMs >>")
            .unwrap()
            .parse()
            .unwrap();
        assert!(ms > ts * 1000 - 10_000);
        let iso = r.render("m", "<<$isoTimestamp>>").unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(&iso).is_ok(), "{iso}");
        let a = r.render("m", "<<$randomUUID>>").unwrap();
        let b = r.render("m", "<<uuid()>>").unwrap();
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        let n: i64 = r
            .render("m", "<<random_int(5, 6)>>")
            .unwrap()
            .parse()
            .unwrap();
        assert!((5..=6).contains(&n));
        let err = r.render("m", "<<$nope>>").unwrap_err();
        assert!(matches!(err, TemplateError::UnknownBuiltin { ref name, .. } if name == "nope"));
    }

    #[test]
    fn stray_shift_operator_gives_a_clear_error_and_an_escape() {
        let r = resolver(&[]);
        let err = r.render("message", "x = a << b;").unwrap_err();
        assert!(matches!(err, TemplateError::Syntax { .. }), "{err:?}");
        assert!(err.to_string().contains("<% raw %>"), "{err}");
        assert_eq!(r.render("m", "a <<'<<'>> b").unwrap(), "a << b");
        assert_eq!(
            r.render("m", "<% raw %>cat <<EOF<% endraw %>").unwrap(),
            "cat <<EOF"
        );
    }

    #[test]
    fn resolve_request_merges_params_headers_and_auth() {
        let r = resolver(&[("host", "127.0.0.1:9"), ("tok", "s3cret"), ("v", "a b")]);
        let mut req = SavedRequest::new("feed", "ws://<<host>>/feed?x=1");
        req.params = vec![
            KeyValue::new("x", "1"),
            KeyValue::new("q", "<<v>>"),
            KeyValue {
                key: "off".into(),
                value: "1".into(),
                enabled: false,
            },
            KeyValue::new("", ""),
        ];
        req.headers = vec![KeyValue::new("X-Token", "<<tok>>"), KeyValue::new("  ", "")];
        req.auth = Auth::Bearer {
            token: "<<tok>>".into(),
        };
        req.settings.open_message = "{\"hello\":\"<<tok>>\"}".into();
        let resolved = r.resolve_request(&req).unwrap();
        assert_eq!(resolved.url.as_str(), "ws://127.0.0.1:9/feed?x=1&q=a+b");
        assert_eq!(resolved.headers, vec![("X-Token".into(), "s3cret".into())]);
        assert_eq!(
            resolved.auth,
            Auth::Bearer {
                token: "s3cret".into()
            }
        );
        assert_eq!(
            resolved.open_message,
            Some(Outgoing::Text("{\"hello\":\"s3cret\"}".into()))
        );
    }

    #[test]
    fn resolve_request_encodes_resolved_query_values() {
        let r = resolver(&[("v", "x y&z=1"), ("k", "n")]);
        let mut req = SavedRequest::new("feed", "ws://127.0.0.1:9/?probe=a+b%26c&<<k>>=<<v>>&flag");
        req.params = crate::model::url_params::params_from_url(&req.url, &[]);
        let resolved = r.resolve_request(&req).unwrap();
        assert_eq!(
            resolved.url.as_str(),
            "ws://127.0.0.1:9/?probe=a+b%26c&n=x+y%26z%3D1&flag"
        );
        // A table saved before it held decoded text is still the same parameter.
        req.url = "ws://127.0.0.1:9/?q=a%20b".into();
        req.params = vec![KeyValue::new("q", "a%20b")];
        let resolved = r.resolve_request(&req).unwrap();
        assert_eq!(resolved.url.as_str(), "ws://127.0.0.1:9/?q=a+b");
    }

    #[test]
    fn resolve_request_names_the_field() {
        let r = resolver(&[]);
        let mut req = SavedRequest::new("x", "ws://h/");
        req.headers = vec![KeyValue::new("Authorization", "Bearer <<token>>")];
        let err = r.resolve_request(&req).unwrap_err();
        assert_eq!(
            err.to_string(),
            "undefined variable `token` in header `Authorization` value"
        );
        req.headers = vec![KeyValue::new("Bad Name", "v")];
        assert!(matches!(
            r.resolve_request(&req),
            Err(TemplateError::HeaderName { .. })
        ));
        req.headers.clear();
        req.settings.open_message = "zz".into();
        req.settings.open_message_format = MessageFormat::Hex;
        let err = r.resolve_request(&req).unwrap_err();
        assert!(
            crate::format::error_chain(&err).starts_with("open message: invalid hex"),
            "{err}"
        );
    }

    #[test]
    fn url_validation() {
        assert_eq!(parse_ws_url("ws://h:1/p").unwrap().as_str(), "ws://h:1/p");
        assert_eq!(parse_ws_url("https://h/p").unwrap().as_str(), "wss://h/p");
        assert_eq!(parse_ws_url("http://h/p").unwrap().as_str(), "ws://h/p");
        assert_eq!(
            parse_ws_url("localhost:8080/x").unwrap().as_str(),
            "ws://localhost:8080/x"
        );
        assert_eq!(parse_ws_url("  "), Err(UrlError::Empty));
        assert!(
            matches!(parse_ws_url("ftp://h/"), Err(UrlError::Scheme { scheme }) if scheme == "ftp")
        );
        assert!(matches!(
            parse_ws_url("ws://"),
            Err(UrlError::NoHost { .. })
        ));
        assert!(matches!(
            parse_ws_url("ws://h/a b"),
            Err(UrlError::Whitespace { .. })
        ));
        let err = parse_ws_url("ws://h:99999/").unwrap_err();
        assert!(err.to_string().contains("invalid port"), "{err}");
    }
}
