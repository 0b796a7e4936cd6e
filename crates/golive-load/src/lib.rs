//! golive's load generator and smoke runner.
