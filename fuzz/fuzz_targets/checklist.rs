//! `cargo fuzz run checklist`: see golive_fuzz::checklist for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| golive_fuzz::checklist(data));
