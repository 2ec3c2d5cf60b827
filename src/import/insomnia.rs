//! Insomnia exports: v4 (`_type: export`, `__export_format: 4`, JSON or YAML, a flat list of
//! `resources` linked by `parentId`) and v5 (`type: collection.insomnia.rest/5.0`, YAML, a
//! nested `collection` tree and an `environments` tree).
//!
//! Only WebSocket requests are taken. Request groups become folders, nested as they were,
//! with their headers, authentication and environment (as folder variables). The base
//! environment's variables go to Globals and its sub-environments become environments.
//! Insomnia's `{{ _.name }}` / `{{ name }}` become `<<name>>`. Requests, folders and
//! environments keep Insomnia's `_id` as their id, so a second import of the same file is
//! recognised (see [`super::OnConflict`]).

use std::collections::HashMap;

use serde_json::Value;

use super::imported::Imported;
use crate::model::url_params;
use crate::model::{
    Auth, Environment, Folder, KeyValue, MessageDraft, MessageFormat, SavedMessage, SavedRequest,
    Variable,
};

/// Insomnia's id as a wsprobe id (file-name safe), or a fresh one if it has none.
fn source_id(id: &str) -> String {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if safe.is_empty() {
        crate::model::new_id()
    } else {
        safe
    }
}

/// A request group as a folder: headers, authentication (none given: inherit) and its
/// environment as the folder's variables.
fn folder_from(item: &Value, id: &str, parent: Option<String>, out: &mut Imported) -> Folder {
    let mut folder = Folder::new(text(item, "name"), parent);
    folder.id = source_id(id);
    folder.headers = pairs(item.get("headers"));
    let mut params = Vec::new();
    folder.auth = match item.get("authentication") {
        Some(auth) if auth.get("type").is_some() => {
            convert_auth(auth, &mut folder.headers, &mut params, out)
        }
        _ => Auth::Inherit,
    };
    if !params.is_empty() {
        out.skip("folder API key in the query");
    }
    folder.variables = variables(item.get("environment"));
    folder
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// Converts Insomnia's Nunjucks references to wsprobe's `<<name>>`. `{{ _.a }}`, `{{a}}` and
/// `{{ _['a'] }}`-free simple names are converted; the common built-in tags `{% uuid %}` and
/// `{% now %}` become the matching dynamic variables; anything else is left as written.
pub fn convert_template(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    loop {
        let next_var = rest.find("{{");
        let next_tag = rest.find("{%");
        let (start, is_tag) = match (next_var, next_tag) {
            (None, None) => break,
            (Some(v), Some(t)) if t < v => (t, true),
            (Some(v), _) => (v, false),
            (None, Some(t)) => (t, true),
        };
        let close = if is_tag { "%}" } else { "}}" };
        let Some(len) = rest[start + 2..].find(close) else {
            break;
        };
        let inner = rest[start + 2..start + 2 + len].trim();
        let whole = &rest[start..start + 2 + len + 2];
        out.push_str(&rest[..start]);
        let converted = if is_tag {
            convert_tag(inner)
        } else {
            convert_variable(inner)
        };
        match converted {
            Some(c) => out.push_str(&c),
            None => out.push_str(whole),
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

fn convert_variable(inner: &str) -> Option<String> {
    let name = inner.strip_prefix("_.").unwrap_or(inner).trim();
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '$');
    ok.then(|| format!("<<{name}>>"))
}

fn convert_tag(inner: &str) -> Option<String> {
    let mut words = inner.split_whitespace();
    let tag = words.next()?;
    let arg = words
        .next()
        .map(|a| a.trim_matches(|c| c == '\'' || c == '"'));
    match (tag, arg) {
        ("uuid", _) => Some("<<$randomUUID>>".into()),
        ("now", Some("millis")) => Some("<<$timestampMs>>".into()),
        ("now", Some("unix")) => Some("<<$timestamp>>".into()),
        ("now", Some("iso-8601") | None) => Some("<<$isoTimestamp>>".into()),
        _ => None,
    }
}

fn pairs(v: Option<&Value>) -> Vec<KeyValue> {
    v.and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .filter(|row| !(text(row, "name").is_empty() && text(row, "value").is_empty()))
                .map(|row| KeyValue {
                    key: convert_template(&text(row, "name")),
                    value: convert_template(&text(row, "value")),
                    enabled: !flag(row, "disabled"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn message_format(mime: &str) -> MessageFormat {
    let mime = mime.to_ascii_lowercase();
    if mime.contains("json") {
        MessageFormat::Json
    } else if mime.contains("xml") {
        MessageFormat::Xml
    } else if mime.contains("html") {
        MessageFormat::Html
    } else {
        MessageFormat::Text
    }
}

/// Builds a request from the fields v4 and v5 share: name, url, headers, parameters,
/// authentication. `follow` is Insomnia's "global"/"on"/"off".
fn request_from(
    item: &Value,
    (id, folder): (&str, Option<String>),
    follow: &str,
    out: &mut Imported,
) -> SavedRequest {
    let mut request = SavedRequest::new(text(item, "name"), convert_template(&text(item, "url")));
    request.id = source_id(id);
    request.headers = pairs(item.get("headers"));
    let mut params = pairs(item.get("parameters"));
    match item.get("authentication") {
        Some(auth) if auth.get("type").is_some() => {
            request.auth = convert_auth(auth, &mut request.headers, &mut params, out);
        }
        // Insomnia's "inherit from parent" is an empty authentication.
        _ if folder.is_some() => request.auth = Auth::Inherit,
        _ => {}
    }
    request.folder = folder;
    // wsprobe keeps the enabled params in the URL and every row in the table.
    let mut rows = url_params::params_from_url(&request.url, &[]);
    rows.extend(params);
    request.url = url_params::url_with_params(&request.url, &rows);
    request.params = rows;
    match follow {
        "off" => request.settings.follow_redirects = false,
        "on" => request.settings.follow_redirects = true,
        _ => {}
    }
    request
}

fn convert_auth(
    auth: &Value,
    headers: &mut Vec<KeyValue>,
    params: &mut Vec<KeyValue>,
    out: &mut Imported,
) -> Auth {
    if flag(auth, "disabled") {
        return Auth::None;
    }
    let field = |key: &str| convert_template(&text(auth, key));
    match text(auth, "type").as_str() {
        "" | "none" => Auth::None,
        "basic" => Auth::Basic {
            username: field("username"),
            password: field("password"),
        },
        "bearer" => {
            let prefix = field("prefix");
            if prefix.is_empty() || prefix == "Bearer" {
                Auth::Bearer {
                    token: field("token"),
                }
            } else {
                headers.push(KeyValue::new(
                    "Authorization",
                    format!("{prefix} {}", field("token")),
                ));
                Auth::None
            }
        }
        "apikey" => {
            let (key, value) = (field("key"), field("value"));
            match text(auth, "addTo").as_str() {
                "queryParams" => params.push(KeyValue::new(key, value)),
                "cookie" => headers.push(KeyValue::new("Cookie", format!("{key}={value}"))),
                _ => headers.push(KeyValue::new(key, value)),
            }
            Auth::None
        }
        _ => {
            out.skip("unsupported authentication");
            Auth::None
        }
    }
}

fn variables(data: Option<&Value>) -> Vec<Variable> {
    let Some(Value::Object(map)) = data else {
        return Vec::new();
    };
    map.iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => convert_template(s),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            Variable::new(name.clone(), value)
        })
        .collect()
}

fn skip_kind(kind: &str) -> String {
    match kind {
        "request" => "HTTP request".into(),
        "grpc_request" => "gRPC request".into(),
        "socketio_request" => "Socket.IO request".into(),
        other => format!("{} request", other.trim_end_matches("_request")),
    }
}

/// Insomnia v4: a flat `resources` list.
pub fn from_v4(root: &Value) -> Imported {
    let mut out = Imported::default();
    let empty = Vec::new();
    let resources = root
        .get("resources")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    // Insomnia's order among siblings is `metaSortKey`, not the file's (a stable sort: without
    // keys the file's order stays).
    let mut resources: Vec<&Value> = resources.iter().collect();
    let sort_key = |r: &Value| {
        r.get("metaSortKey")
            .and_then(Value::as_f64)
            .unwrap_or(f64::INFINITY)
    };
    resources.sort_by(|a, b| sort_key(a).total_cmp(&sort_key(b)));
    let resources = resources.as_slice();
    let by_id: HashMap<String, &Value> = resources.iter().map(|r| (text(r, "_id"), *r)).collect();
    let kind_of = |id: &str| by_id.get(id).map(|r| text(r, "_type")).unwrap_or_default();

    // The folder a resource is in: its parent, if that is a request group.
    let group_of =
        |parent: String| (kind_of(&parent) == "request_group").then(|| source_id(&parent));
    let groups: Vec<Folder> = resources
        .iter()
        .filter(|r| text(r, "_type") == "request_group")
        .map(|g| {
            let parent = group_of(text(g, "parentId"));
            folder_from(g, &text(g, "_id"), parent, &mut out)
        })
        .collect();
    out.folders = super::bundle::parents_first(groups);

    // Payloads belong to their request.
    let mut payloads: HashMap<String, Vec<&Value>> = HashMap::new();
    for r in resources {
        if text(r, "_type") == "websocket_payload" {
            payloads.entry(text(r, "parentId")).or_default().push(r);
        }
    }

    for r in resources {
        let kind = text(r, "_type");
        match kind.as_str() {
            "websocket_request" => {
                let place = (text(r, "_id"), group_of(text(r, "parentId")));
                let follow = text(r, "settingFollowRedirects");
                let mut request = request_from(r, (&place.0, place.1), &follow, &mut out);
                let list = payloads.get(&text(r, "_id")).cloned().unwrap_or_default();
                for (i, p) in list.iter().enumerate() {
                    let format = message_format(&text(p, "mode"));
                    let body = convert_template(&text(p, "value"));
                    if i == 0 {
                        request.draft = MessageDraft {
                            format,
                            body: body.clone(),
                            ..MessageDraft::default()
                        };
                    }
                    if list.len() > 1 {
                        request.saved_messages.push(SavedMessage {
                            name: text(p, "name"),
                            format,
                            body,
                            ..SavedMessage::default()
                        });
                    }
                }
                out.requests.push(request);
            }
            "environment" => {
                let parent_is_env = kind_of(&text(r, "parentId")) == "environment";
                if parent_is_env {
                    let mut env = Environment::new(text(r, "name"));
                    env.id = source_id(&text(r, "_id"));
                    env.variables = variables(r.get("data"));
                    out.environments.push(env);
                } else {
                    out.globals.extend(variables(r.get("data")));
                }
            }
            k if k == "request" || k.ends_with("_request") => out.skip(&skip_kind(k)),
            _ => {}
        }
    }
    out
}

/// Insomnia v5: a `collection` tree (folders have `children`) and an `environments` tree.
pub fn from_v5(root: &Value) -> Imported {
    let mut out = Imported::default();
    if let Some(items) = root.get("collection").and_then(Value::as_array) {
        walk_v5(items, None, &mut out);
    }
    if let Some(envs) = root.get("environments") {
        out.globals.extend(variables(envs.get("data")));
        for sub in envs
            .get("subEnvironments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut env = Environment::new(text(sub, "name"));
            let id = sub.get("meta").map(|m| text(m, "id")).unwrap_or_default();
            env.id = source_id(&id);
            env.variables = variables(sub.get("data"));
            out.environments.push(env);
        }
    }
    out
}

fn walk_v5(items: &[Value], parent: Option<&str>, out: &mut Imported) {
    for item in items {
        let id = item.get("meta").map(|m| text(m, "id")).unwrap_or_default();
        if let Some(children) = item.get("children").and_then(Value::as_array) {
            let folder = folder_from(item, &id, parent.map(str::to_owned), out);
            let folder_id = folder.id.clone();
            out.folders.push(folder);
            walk_v5(children, Some(&folder_id), out);
        } else if item.get("method").is_some() {
            out.skip("HTTP request");
        } else if item.get("reflectionApi").is_some()
            || item.get("protoMethodName").is_some()
            || item.get("protoFileId").is_some()
        {
            out.skip("gRPC request");
        } else if item.get("eventListeners").is_some()
            || item.get("settings").and_then(|s| s.get("path")).is_some()
        {
            // Socket.IO speaks its own protocol over the socket: not a plain WebSocket request.
            out.skip("Socket.IO request");
        } else if item.get("url").is_some() {
            let follow = item
                .get("settings")
                .map(|s| text(s, "followRedirects"))
                .unwrap_or_default();
            let place = (id.as_str(), parent.map(str::to_owned));
            let mut request = request_from(item, place, &follow, out);
            // Insomnia's v5 exporter writes no message payloads for WebSocket requests; a `body`
            // (hand-written, or from another tool) is still taken.
            match item.get("body") {
                Some(Value::String(body)) => request.draft.body = convert_template(body),
                Some(body @ Value::Object(_)) => {
                    request.draft = MessageDraft {
                        format: message_format(&text(body, "mimeType")),
                        body: convert_template(&text(body, "text")),
                        ..MessageDraft::default()
                    }
                }
                _ => {}
            }
            out.requests.push(request);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            convert_template("wss://{{ _.host }}:{{port}}/x?t={{ _.token}}"),
            "wss://<<host>>:<<port>>/x?t=<<token>>"
        );
        assert_eq!(
            convert_template("{% uuid 'v4' %} {% now 'millis' %}"),
            "<<$randomUUID>> <<$timestampMs>>"
        );
        // Left alone: not a simple name, an unknown tag, an unclosed brace.
        assert_eq!(convert_template("{{ a | b }}"), "{{ a | b }}");
        assert_eq!(
            convert_template("{% response 'body' %}"),
            "{% response 'body' %}"
        );
        assert_eq!(convert_template("x {{ y"), "x {{ y");
        assert_eq!(convert_template("naïve {{ _.é }}"), "naïve <<é>>");
    }
}
