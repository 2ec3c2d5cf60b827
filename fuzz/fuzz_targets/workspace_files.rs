#![no_main]
//! Any bytes in a request or environment file: parsing never panics, and what parses is
//! written back as JSON that parses to the same value.

use libfuzzer_sys::fuzz_target;
use wsprobe::model::{Environment, SavedRequest};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(request) = serde_json::from_slice::<SavedRequest>(bytes) {
        let text = wsprobe::store::to_pretty_json(&request);
        assert_eq!(serde_json::from_str::<SavedRequest>(&text).ok(), Some(request));
    }
    if let Ok(env) = serde_json::from_slice::<Environment>(bytes) {
        let text = wsprobe::store::to_pretty_json(&env);
        assert_eq!(serde_json::from_str::<Environment>(&text).ok(), Some(env));
    }
});
