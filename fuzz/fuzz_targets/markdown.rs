//! `cargo fuzz run markdown`: see `entry::markdown_import`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::markdown_import(data));
