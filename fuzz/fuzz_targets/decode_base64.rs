#![no_main]
//! `decode_base64` never panics; what it accepts round-trips through standard base64.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(bytes) = wsprobe::format::decode_base64(text) {
        let again = wsprobe::format::encode_base64(&bytes);
        assert_eq!(wsprobe::format::decode_base64(&again).ok(), Some(bytes));
    }
});
