//! `cargo fuzz run units`: see golive_fuzz::units for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| golive_fuzz::units(data));
