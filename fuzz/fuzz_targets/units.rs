//! `cargo fuzz run units`: see `entry::durations_and_sizes`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::durations_and_sizes(data));
