//! `cargo fuzz run condition`: see `entry::condition_eval`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::condition_eval(data));
