//! `cargo fuzz run threshold`: see golive_fuzz::threshold for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| golive_fuzz::threshold(data));
