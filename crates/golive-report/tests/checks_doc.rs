//! docs/checks.md is generated from the catalog; this test fails when it is stale.
//! Regenerate with `cargo run -p golive -- checks --format markdown > docs/checks.md`
//! (or run this test with `GOLIVE_BLESS=1`).

use golive_core::Catalog;
use std::path::PathBuf;

#[test]
fn docs_checks_md_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks.md");
    let expected = golive_report::catalog_markdown(Catalog::builtin());
    if std::env::var_os("GOLIVE_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/checks.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let first_diff = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()) + 1);
        panic!(
            "docs/checks.md is stale (first difference at line {first_diff}): regenerate it with \
             `cargo run -p golive -- checks --format markdown > docs/checks.md`"
        );
    }
    // Every catalog check has its section.
    for c in Catalog::builtin().iter() {
        assert!(
            actual.contains(&format!("### `{}`", c.id)),
            "{} missing",
            c.id
        );
    }
}
