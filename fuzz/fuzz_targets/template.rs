#![no_main]
//! `<<variable>>` expansion never panics, whatever the text and the variables.

use libfuzzer_sys::fuzz_target;
use wsprobe::model::Variable;
use wsprobe::template::Resolver;

fuzz_target!(|input: (&str, &str, &str)| {
    let (text, name, value) = input;
    let resolver = Resolver::new(&[Variable::new(name, value)]);
    let _ = resolver.render("body", text);
});
