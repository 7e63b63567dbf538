//! `cargo fuzz run config`: see `entry::config_file`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::config_file(data));
