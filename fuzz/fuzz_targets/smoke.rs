//! `cargo fuzz run smoke`: see golive_fuzz::smoke for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| golive_fuzz::smoke(data));
