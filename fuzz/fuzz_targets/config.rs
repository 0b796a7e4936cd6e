//! `cargo fuzz run config`: see golive_fuzz::config for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| golive_fuzz::config(data));
