//! `cargo fuzz run checklist_toml`: see `entry::checklist_toml`.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::checklist_toml(data));
