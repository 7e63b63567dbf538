//! `cargo fuzz run metrics`: see `entry::metrics_text`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::metrics_text(data));
