#![no_main]
//! `parse_hex` never panics; what it accepts round-trips through lower-case hex.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(bytes) = wsprobe::format::parse_hex(text) {
        let again: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(wsprobe::format::parse_hex(&again).ok(), Some(bytes.clone()));
        let _ = wsprobe::format::hexdump(&bytes);
    }
});
