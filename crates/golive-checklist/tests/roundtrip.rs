//! Damage survival, id stability and import → export → import on the real samples.

use golive_checklist::evaluate::{ItemStatus, evaluate};
use golive_checklist::mapping::Mapper;
use golive_checklist::signoff::SignOffs;
use golive_checklist::{Checklist, export, import_bytes, import_text};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::path::PathBuf;
use time::macros::datetime;

fn sample(name: &str) -> Vec<u8> {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/checklists/"
    ))
    .join(name);
    std::fs::read(p).unwrap()
}

const SAMPLES: [&str; 3] = [
    "000_c4e17f35aa7585ef.txt",
    "003_7abe0c74370f0ebe.txt",
    "004_0808210ae3f7932e.txt",
];

fn mapper() -> Mapper {
    Mapper::builtin().unwrap()
}

fn key(cl: &Checklist) -> Vec<(String, Vec<String>, String, Vec<String>)> {
    cl.items
        .iter()
        .map(|i| {
            (
                i.id.clone(),
                i.section.clone(),
                i.text.clone(),
                i.mapped.clone(),
            )
        })
        .collect()
}

/// Re-creates the damage of the wild on clean text: UTF-8 read as `enc` and saved as UTF-8.
fn mojibake(clean: &str, enc: &'static encoding_rs::Encoding) -> String {
    let (s, _, _) = enc.decode(clean.as_bytes());
    s.into_owned()
}

#[test]
fn windows_1252_and_mac_roman_damage_is_undone() {
    let clean = String::from_utf8(sample("004_0808210ae3f7932e.txt")).unwrap();
    let want = import_text("x.md", &clean, &mapper()).unwrap();
    for enc in [encoding_rs::WINDOWS_1252, encoding_rs::MACINTOSH] {
        let damaged = mojibake(&clean, enc);
        assert_ne!(damaged, clean);
        let got = import_text("x.md", &damaged, &mapper()).unwrap();
        assert_eq!(key(&got), key(&want), "{}", enc.name());
        assert_eq!(
            got.documents[0].text,
            clean,
            "{}: whole text restored",
            enc.name()
        );
        let n = if enc == encoding_rs::WINDOWS_1252 {
            got.repairs.windows_1252
        } else {
            got.repairs.mac_roman
        };
        assert!(n > 50, "{}: {:?}", enc.name(), got.repairs);
    }
}

#[test]
fn one_line_json_string_bom_crlf_are_undone() {
    for name in SAMPLES {
        let raw = sample(name);
        let want = import_bytes(&[("x.md", &raw)], &mapper()).unwrap();
        let text = String::from_utf8(raw).unwrap();
        // A JSON string pasted as is: one line, literal \n escapes, quotes around it.
        let json = serde_json::to_string(&text).unwrap();
        assert_eq!(json.lines().count(), 1);
        let got = import_text("x.md", &json, &mapper()).unwrap();
        assert_eq!(key(&got), key(&want), "{name} as a JSON string");
        assert!(got.repairs.escaped_newlines > 10);
        assert!(got.repairs.stray_quote >= 1);
        // BOM and CRLF.
        let crlf = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
        let got = import_text("x.md", &crlf, &mapper()).unwrap();
        assert_eq!(key(&got), key(&want), "{name} with BOM and CRLF");
        assert_eq!(got.repairs.bom, 1);
        assert_eq!(got.repairs.crlf, text.matches('\n').count());
        // Lines keep their numbers.
        let lines: Vec<u32> = got.items.iter().map(|i| i.line).collect();
        let want_lines: Vec<u32> = want.items.iter().map(|i| i.line).collect();
        assert_eq!(lines, want_lines);
    }
}

#[test]
fn ids_survive_reordering_and_neighbour_edits() {
    let base =
        "## Sécurité\n- [ ] Pas de secrets hardcodés\n- [ ] HTTPS forcé\n- [ ] War room prête\n";
    let a = import_text("x.md", base, &mapper()).unwrap();
    let reordered =
        "## Sécurité\n- [ ] War room prête\n- [ ] HTTPS forcé\n- [ ] Pas de secrets hardcodés\n";
    let b = import_text("x.md", reordered, &mapper()).unwrap();
    let edited = "# New title above\n\n## Sécurité\n- [x] Pas de secrets hardcodés\n- [ ] HTTPS forcé partout (HSTS)\n- [ ] War room prête\n";
    let c = import_text("x.md", edited, &mapper()).unwrap();
    let id = |cl: &Checklist, t: &str| cl.items.iter().find(|i| i.text == t).unwrap().id.clone();
    for t in ["Pas de secrets hardcodés", "War room prête"] {
        assert_eq!(id(&a, t), id(&b, t));
    }
    // The section path changed in `edited` (a new top heading), so ids there differ by design;
    // within the same section a neighbour's edit changes nothing.
    let d = import_text(
        "x.md",
        "## Sécurité\n- [x] Pas de secrets hardcodés\n- [ ] HTTPS forcé partout (HSTS)\n- [ ] War room prête\n",
        &mapper(),
    )
    .unwrap();
    assert_eq!(id(&a, "War room prête"), id(&d, "War room prête"));
    assert_eq!(
        id(&a, "Pas de secrets hardcodés"),
        id(&d, "Pas de secrets hardcodés")
    );
    assert_ne!(id(&a, "HTTPS forcé"), id(&d, "HTTPS forcé partout (HSTS)"));
    let _ = c;
    // The same text twice in one section gets distinct ids.
    let e = import_text("x.md", "## S\n- [ ] a\n- [ ] a\n", &mapper()).unwrap();
    assert_ne!(e.items[0].id, e.items[1].id);
}

fn statuses_with_evidence(cl: &Checklist) -> Vec<ItemStatus> {
    let cat = Catalog::builtin();
    let findings = vec![
        Finding::new(cat.check("secrets.hardcoded"), Outcome::Pass, "no secrets")
            .with_evidence(Evidence::note("scanned 12 files")),
        Finding::new(cat.check("tests.suite"), Outcome::Fail, "no tests")
            .with_evidence(Evidence::at("package.json", 3, 5)),
    ];
    let mut s = SignOffs::default();
    let now = datetime!(2026-11-20 10:00 UTC);
    if let Some(i) = cl.items.iter().find(|i| i.is_manual()) {
        s.sign(&i.id, "Marie", now, None, None, None).unwrap();
    }
    evaluate(cl, &s, &findings, cat, now)
}

#[test]
fn import_export_import_gives_the_same_items_and_ids() {
    for name in SAMPLES {
        let raw = sample(name);
        let a = import_bytes(&[(name, &raw)], &mapper()).unwrap();
        let st = statuses_with_evidence(&a);
        let md = export::markdown(&a, &st);
        let b = import_text(name, &md, &mapper()).unwrap();
        assert_eq!(key(&a), key(&b), "{name}");
        // Boxes only from evidence: ticked exactly where the status is a pass.
        for (item, s) in b.items.iter().zip(&st) {
            let ticked = matches!(
                item.state,
                golive_checklist::parse::ItemState::Checked
                    | golive_checklist::parse::ItemState::Done
            );
            assert_eq!(ticked, s.outcome == Outcome::Pass, "{name}: {}", item.text);
        }
        // And again: stable.
        let st2 = statuses_with_evidence(&b);
        let md2 = export::markdown(&b, &st2);
        assert_eq!(md, md2, "{name}: export is a fixed point");
    }
}

#[test]
fn export_notes_name_the_evidence() {
    let cl = import_text(
        "c.md",
        "## S\n- [x] Pas de secrets hardcodés\n- [x] Tests unitaires passent\n- [x] War room prête\n- [ ] HSTS activé\n",
        &mapper(),
    )
    .unwrap();
    let st = statuses_with_evidence(&cl);
    let md = export::markdown(&cl, &st);
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(
        lines[1],
        "- [x] Pas de secrets hardcodés — pass: secrets.hardcoded scanned 12 files"
    );
    assert_eq!(
        lines[2],
        "- [ ] Tests unitaires passent — fail: tests.suite package.json:3:5"
    );
    assert!(
        lines[3].starts_with("- [x] War room prête — signed by Marie 2026-11-20"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("- [ ] HSTS activé — inconclusive: probe.hsts"),
        "{}",
        lines[4]
    );
    let j = export::json(&cl, &st);
    assert_eq!(j["items"][0]["ticked"], true);
    assert_eq!(j["items"][2]["outcome"], "pass");
    assert_eq!(j["items"][2]["evidence"][0]["kind"], "sign-off");
}

#[test]
fn store_round_trip_and_missing_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(".golive/checklist.toml");
    let raw = sample("003_7abe0c74370f0ebe.txt");
    let cl = import_bytes(&[("003.md", &raw)], &mapper()).unwrap();
    cl.save(&p).unwrap();
    let stored: Vec<_> = std::fs::read_dir(dir.path().join(".golive/checklist.d"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(
        stored[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("0-")
    );
    let back = Checklist::load(&p).unwrap();
    assert_eq!(back, cl);
    assert_eq!(back.document_path(&p, 0), stored[0]);
    // A second save of the same checklist keeps the one text file; another import replaces it.
    back.save(&p).unwrap();
    let other = import_bytes(&[("other.md", b"- [ ] War room ready\n")], &mapper()).unwrap();
    other.save(&p).unwrap();
    let after: Vec<_> = std::fs::read_dir(dir.path().join(".golive/checklist.d"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(after[0], stored[0]);
    assert_eq!(Checklist::load(&p).unwrap(), other);
    cl.save(&p).unwrap();
    std::fs::remove_file(&stored[0]).unwrap();
    let e = Checklist::load(&p).unwrap_err().to_string();
    assert!(e.contains("003.md") && e.contains("re-run"), "{e}");
}
