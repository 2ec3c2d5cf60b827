#![no_main]
//! The URL rules (scheme rewriting, missing scheme, refusals) never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = wsprobe::template::parse_ws_url(text);
});
