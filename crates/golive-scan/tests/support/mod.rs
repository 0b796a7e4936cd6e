//! Helpers shared by the scan integration tests. Each test file is its own crate and uses only
//! some of them.
#![allow(dead_code)]

pub mod code;
pub mod deploy;
pub mod repo;
