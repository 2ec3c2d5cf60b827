//! The handshake's `Authorization` header: Basic, Bearer and OAuth 1.0a (RFC 5849).
//!
//! OAuth 1.0a signs the *actual* upgrade request: method `GET`, the final URL (after
//! redirects) and its query parameters, with a fresh nonce and timestamp on every attempt.
//!
//! **Scheme mapping for signing:** the signature base string uses `http://` for `ws://` and
//! `https://` for `wss://` URLs. A WebSocket upgrade is an HTTP GET on that HTTP URL, and this
//! is what servers that verify OAuth on upgrade requests (behind ordinary HTTP middleware)
//! reconstruct; default ports (80/443) are omitted as RFC 5849 §3.4.1.2 requires.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rand::Rng;
use sha1::Sha1;
use url::Url;

use crate::model::{Auth, OAuth1, SignatureMethod};

/// RFC 5849 §3.6: everything but ALPHA, DIGIT, `-`, `.`, `_`, `~` is percent-encoded.
const RFC5849: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(text: &str) -> String {
    utf8_percent_encode(text, RFC5849).to_string()
}

/// The `Authorization` header value for `auth` on a GET of `url`, or `None` for no auth.
/// OAuth gets a fresh nonce and the current timestamp.
pub fn authorization_header(auth: &Auth, url: &Url) -> Option<String> {
    match auth {
        // Inherit is replaced by the folder's auth before the engine sees a request.
        Auth::None | Auth::Inherit => None,
        Auth::Basic { username, password } => Some(format!(
            "Basic {}",
            BASE64.encode(format!("{username}:{password}"))
        )),
        Auth::Bearer { token } => Some(format!("Bearer {token}")),
        Auth::OAuth1(oauth) => {
            let timestamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string();
            Some(oauth1_authorization(
                oauth,
                "GET",
                url,
                &new_nonce(),
                &timestamp,
            ))
        }
    }
}

fn new_nonce() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// The OAuth 1.0a `Authorization` header for `method url` with the given nonce and timestamp.
pub fn oauth1_authorization(
    oauth: &OAuth1,
    method: &str,
    url: &Url,
    nonce: &str,
    timestamp: &str,
) -> String {
    let mut protocol: Vec<(&str, &str)> = vec![("oauth_consumer_key", &oauth.consumer_key)];
    if !oauth.access_token.is_empty() {
        protocol.push(("oauth_token", &oauth.access_token));
    }
    protocol.extend([
        ("oauth_signature_method", oauth.signature_method.as_str()),
        ("oauth_timestamp", timestamp),
        ("oauth_nonce", nonce),
        ("oauth_version", "1.0"),
    ]);
    let key = format!(
        "{}&{}",
        enc(&oauth.consumer_secret),
        enc(&oauth.token_secret)
    );
    let signature = match oauth.signature_method {
        SignatureMethod::Plaintext => key,
        SignatureMethod::HmacSha1 => {
            let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            params.extend(protocol.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            let base = oauth1_signature_base_string(method, url, &params);
            hmac_sha1_base64(key.as_bytes(), base.as_bytes())
        }
    };
    let mut header = String::from("OAuth ");
    if !oauth.realm.is_empty() {
        header.push_str(&format!("realm=\"{}\", ", enc(&oauth.realm)));
    }
    for (name, value) in protocol
        .iter()
        .copied()
        .chain([("oauth_signature", signature.as_str())])
    {
        header.push_str(&format!("{name}=\"{}\", ", enc(value)));
    }
    header.truncate(header.len() - 2);
    header
}

/// RFC 5849 §3.4.1: `METHOD&enc(base URL)&enc(normalized params)`.
///
/// `params` are the decoded request parameters (query, form body, `oauth_*` except the
/// signature); the URL's own query is *not* read here, so callers pass it in `params`.
pub fn oauth1_signature_base_string(
    method: &str,
    url: &Url,
    params: &[(String, String)],
) -> String {
    let mut encoded: Vec<(String, String)> = params.iter().map(|(k, v)| (enc(k), enc(v))).collect();
    encoded.sort();
    let normalized = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        enc(&base_url(url)),
        enc(&normalized)
    )
}

/// Scheme and host lower-case, ws→http and wss→https, default port omitted, no query.
fn base_url(url: &Url) -> String {
    let scheme = match url.scheme() {
        "ws" => "http",
        "wss" => "https",
        other => other,
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let port = match (scheme, url.port()) {
        (_, None) | ("http", Some(80)) | ("https", Some(443)) => String::new(),
        (_, Some(port)) => format!(":{port}"),
    };
    format!("{scheme}://{host}{port}{}", url.path())
}

fn hmac_sha1_base64(key: &[u8], data: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    BASE64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The worked example from Twitter's "Creating a signature" documentation.
    #[test]
    fn twitter_documentation_example() {
        let url =
            Url::parse("https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
                .unwrap();
        let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        params.extend(pairs(&[
            (
                "status",
                "Hello Ladies + Gentlemen, a signed OAuth request!",
            ),
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            (
                "oauth_token",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            ),
            ("oauth_version", "1.0"),
        ]));
        let base = oauth1_signature_base_string("POST", &url, &params);
        assert_eq!(
            base,
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        );
        let key =
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
        assert_eq!(
            hmac_sha1_base64(key.as_bytes(), base.as_bytes()),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
        );
    }

    /// The example of the OAuth Core 1.0 specification (appendix A.5), a GET with a query.
    #[test]
    fn oauth_core_spec_example_through_the_header() {
        let oauth = OAuth1 {
            consumer_key: "dpf43f3p2l4k3l03".into(),
            consumer_secret: "kd94hf93k423kf44".into(),
            access_token: "nnch734d00sl2jdk".into(),
            token_secret: "pfkkdhi9sl3r4s00".into(),
            signature_method: SignatureMethod::HmacSha1,
            realm: "http://photos.example.net/".into(),
        };
        let url =
            Url::parse("http://photos.example.net/photos?file=vacation.jpg&size=original").unwrap();
        let header = oauth1_authorization(&oauth, "GET", &url, "kllo9940pd9333jh", "1191242096");
        assert!(
            header.contains("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""),
            "{header}"
        );
        assert!(
            header.starts_with("OAuth realm=\"http%3A%2F%2Fphotos.example.net%2F\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_token=\"nnch734d00sl2jdk\""),
            "{header}"
        );
        // The same request over ws:// signs as http:// (see the module docs).
        let ws =
            Url::parse("ws://photos.example.net/photos?file=vacation.jpg&size=original").unwrap();
        assert_eq!(
            oauth1_authorization(&oauth, "GET", &ws, "kllo9940pd9333jh", "1191242096"),
            header
        );
    }

    #[test]
    fn plaintext_signature_is_the_key_and_token_is_optional() {
        let oauth = OAuth1 {
            consumer_key: "ck".into(),
            consumer_secret: "c s".into(),
            signature_method: SignatureMethod::Plaintext,
            ..OAuth1::default()
        };
        let url = Url::parse("wss://h:8443/x").unwrap();
        let header = oauth1_authorization(&oauth, "GET", &url, "n", "1");
        assert_eq!(
            header,
            "OAuth oauth_consumer_key=\"ck\", oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_version=\"1.0\", oauth_signature=\"c%2520s%26\""
        );
        assert_eq!(base_url(&url), "https://h:8443/x");
        assert_eq!(
            base_url(&Url::parse("WSS://EXAMPLE.com:443/a").unwrap()),
            "https://example.com/a"
        );
    }

    #[test]
    fn basic_bearer_and_fresh_nonces() {
        let url = Url::parse("ws://h/").unwrap();
        let basic = Auth::Basic {
            username: "Aladdin".into(),
            password: "open sesame".into(),
        };
        assert_eq!(
            authorization_header(&basic, &url).as_deref(),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        let bearer = Auth::Bearer {
            token: "t0k".into(),
        };
        assert_eq!(
            authorization_header(&bearer, &url).as_deref(),
            Some("Bearer t0k")
        );
        assert_eq!(authorization_header(&Auth::None, &url), None);
        let oauth = Auth::OAuth1(OAuth1 {
            consumer_key: "k".into(),
            ..OAuth1::default()
        });
        assert_ne!(
            authorization_header(&oauth, &url),
            authorization_header(&oauth, &url)
        );
    }
}
