//! End-to-end: `golive checklist import|status|sign|unsign|export` and the checklist inside
//! `golive check`, run with the built binary in temporary project directories, on the real
//! sample checklists of `fixtures/checklists/`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn golive(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .current_dir(dir);
    c
}

fn sample(name: &str) -> String {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/checklists/"
    ))
    .join(name)
    .to_string_lossy()
    .into_owned()
}

const S000: &str = "000_c4e17f35aa7585ef.txt";
const S003: &str = "003_7abe0c74370f0ebe.txt";
const S004: &str = "004_0808210ae3f7932e.txt";

fn run(dir: &Path, args: &[&str]) -> Output {
    golive(dir).args(args).output().expect("run golive")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited by a signal")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out(o), err(o)))
}

fn import_json(dir: &Path, files: &[&str]) -> Value {
    let d = dir.to_string_lossy().into_owned();
    let mut args = vec!["checklist", "import"];
    args.extend_from_slice(files);
    args.extend_from_slice(&["--format", "json", "--dir", &d]);
    let o = run(dir, &args);
    assert_eq!(code(&o), 0, "{}", err(&o));
    json(&o)
}

fn id_of(v: &Value, text: &str) -> String {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["text"] == text)
        .unwrap_or_else(|| panic!("no item {text:?}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn import_the_samples_text_summary_and_json_shape() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    let (a, b, c) = (sample(S000), sample(S003), sample(S004));
    let o = run(t.path(), &["checklist", "import", &a, &b, &c, "--dir", &d]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("Imported 201 items from 3 files"), "{s}");
    assert!(s.contains("102 items (102 unchecked"), "{s}");
    assert!(
        s.contains("75 items (15 unchecked, 0 checked, 33 done, 27 gaps"),
        "{s}"
    );
    assert!(s.contains("24 items (24 unchecked"), "{s}");
    assert!(
        s.contains("Mac Roman") && s.contains("characters restored: 731"),
        "{s}"
    );
    assert!(
        s.contains("READY FOR:"),
        "summary lists are reported as notes: {s}"
    );
    assert!(t.path().join(".golive/checklist.toml").is_file());

    let v = import_json(t.path(), &[&a, &b, &c]);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 201);
    for i in items {
        for k in [
            "id", "section", "text", "state", "severity", "line", "mapped", "params",
        ] {
            assert!(i.get(k).is_some(), "item lacks {k}: {i}");
        }
        for m in ["√", "‚", "Ã", "â€", "ðŸ"] {
            assert!(!i["text"].as_str().unwrap().contains(m), "{i}");
        }
    }
    assert!(v["repairs"]["mac_roman"].as_u64().unwrap() > 700);
    assert!(v["warnings"].as_array().unwrap().len() >= 3);
    let cov = items
        .iter()
        .find(|i| i["text"] == "Couverture de tests > 80% (`npm run test:coverage`)")
        .unwrap();
    assert_eq!(
        cov["mapped"],
        serde_json::json!(["tests.coverage-threshold"])
    );
    assert_eq!(cov["params"]["coverage"]["value"], 80.0);
    assert_eq!(cov["params"]["coverage"]["op"], ">");
    let jwt = items
        .iter()
        .find(|i| i["text"] == "JWT Authentication Implementation")
        .unwrap();
    assert_eq!(jwt["state"], "gap");
    assert_eq!(jwt["severity"], "critical");
    assert_eq!(jwt["section"][2], "🔒 Security (CRITICAL)");
}

#[test]
fn sign_status_unsign_and_expiry() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    let v = import_json(t.path(), &[&sample(S004)]);
    let review = id_of(&v, "Code review approuvée");

    // Unknown ids are refused with the closest ones.
    let o = run(
        t.path(),
        &[
            "checklist",
            "sign",
            "code-reveiw",
            "--by",
            "Marie",
            "--dir",
            &d,
        ],
    );
    assert_eq!(code(&o), 3);
    assert!(
        err(&o).contains("did you mean") && err(&o).contains(&review),
        "{}",
        err(&o)
    );

    let o = run(
        t.path(),
        &[
            "checklist",
            "sign",
            &review,
            "--by",
            "Marie",
            "--note",
            "2 approvals on PR 42",
            "--evidence",
            "https://git.example/pr/42",
            "--expires",
            "90d",
            "--dir",
            &d,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains("Signed off"), "{}", out(&o));
    let file = std::fs::read_to_string(t.path().join(".golive/signoffs.toml")).unwrap();
    assert!(file.contains("by = \"Marie\"") && file.contains("https://git.example/pr/42"));
    assert!(file.contains("expires = \""));

    let o = run(
        t.path(),
        &["checklist", "status", "--format", "json", "--dir", &d],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let st = json(&o);
    let item = st["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == review.as_str())
        .unwrap();
    assert_eq!(item["outcome"], "pass");
    assert!(
        item["note"]
            .as_str()
            .unwrap()
            .starts_with("signed by Marie")
    );
    let code_section = st["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"].as_array().unwrap().last().unwrap() == "Code")
        .unwrap();
    assert_eq!(code_section["manual_signed"], 1);
    assert_eq!(code_section["total"], 4);

    // Markdown status is a table.
    let o = run(
        t.path(),
        &["checklist", "status", "--format", "markdown", "--dir", &d],
    );
    assert!(out(&o).starts_with("| file | section |"), "{}", out(&o));

    // Unsign needs a reason (clap) and is recorded.
    let o = run(
        t.path(),
        &["checklist", "unsign", &review, "--by", "Paul", "--dir", &d],
    );
    assert_eq!(code(&o), 3);
    assert!(err(&o).contains("--reason"), "{}", err(&o));
    let o = run(
        t.path(),
        &[
            "checklist",
            "unsign",
            &review,
            "--by",
            "Paul",
            "--reason",
            "approval was revoked",
            "--dir",
            &d,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let file = std::fs::read_to_string(t.path().join(".golive/signoffs.toml")).unwrap();
    assert!(file.contains("action = \"unsign\"") && file.contains("approval was revoked"));
    let st = json(&run(
        t.path(),
        &["checklist", "status", "--format", "json", "--dir", &d],
    ));
    let item = st["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == review.as_str())
        .unwrap();
    assert_eq!(item["outcome"], "manual");
    assert!(item["note"].as_str().unwrap().contains("withdrawn by Paul"));

    // An expired sign-off stops counting, and status says so.
    let mut file = std::fs::read_to_string(t.path().join(".golive/signoffs.toml")).unwrap();
    file.push_str(&format!(
        "\n[[event]]\naction = \"sign\"\nitem = \"{review}\"\nby = \"Marie\"\nat = \"2025-01-01T00:00:00Z\"\nexpires = \"2025-04-01\"\n"
    ));
    std::fs::write(t.path().join(".golive/signoffs.toml"), file).unwrap();
    let o = run(t.path(), &["checklist", "status", "--dir", &d]);
    let s = out(&o);
    assert!(s.contains("1 sign-off expired"), "{s}");
    assert!(s.contains("sign-off expired on 2025-04-01"), "{s}");

    // A bad --expires is a usage error.
    let o = run(
        t.path(),
        &[
            "checklist",
            "sign",
            &review,
            "--by",
            "M",
            "--expires",
            "soon",
            "--dir",
            &d,
        ],
    );
    assert_eq!(code(&o), 3);
    assert!(err(&o).contains("--expires soon"), "{}", err(&o));
}

#[test]
fn export_ticks_only_from_evidence_and_reimports_identically() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    // A project the scan can say something about.
    std::fs::write(
        t.path().join("README.md"),
        "# demo\n\n## Install\n\nnpm install\n\n## Run\n\nnpm start\n\n## Test\n\nnpm test\n",
    )
    .unwrap();
    let v = import_json(t.path(), &[&sample(S000), &sample(S003)]);
    let before: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let war = id_of(&v, "Contacts support définis");
    assert_eq!(
        code(&run(
            t.path(),
            &["checklist", "sign", &war, "--by", "Marie", "--dir", &d]
        )),
        0
    );
    // Exported outside the project: a copy inside it would be scanned by the next run like
    // any other project file (it quotes the sample checklist's example secrets).
    let out_dir = tempfile::tempdir().unwrap();
    let exported = out_dir.path().join("exported.md");
    let e = exported.to_string_lossy().into_owned();
    let o = run(
        t.path(),
        &[
            "checklist",
            "export",
            "--format",
            "markdown",
            "-o",
            &e,
            "--dir",
            &d,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let md = std::fs::read_to_string(&exported).unwrap();
    assert!(
        md.contains("- [x] Contacts support définis — signed by Marie"),
        "{md}"
    );
    // The project holds no secret: the item is ticked by the scan's evidence. (The imported
    // copy under .golive/ quotes example secrets; golive never reads its own files as
    // evidence, so they no longer fail the check.)
    assert!(
        md.contains("- [x] Pas de secrets hardcodés dans le code — pass: secrets.hardcoded"),
        "{md}"
    );
    assert!(md.contains("#### [ ] Load Balancer Configuration — manual: not signed off"));
    assert!(md.contains("- [ ] HSTS") || !md.contains("HSTS"));
    // Only evidence ticks boxes: the sample's ✅ claims are gone unless proven.
    let ticked = md.lines().filter(|l| l.contains("[x]")).count();
    let json_out = json(&run(
        t.path(),
        &["checklist", "export", "--format", "json", "--dir", &d],
    ));
    let passes = json_out["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ticked"] == true)
        .count();
    assert_eq!(ticked, passes);
    assert!(passes >= 1);

    // Import the export elsewhere: same items, same ids.
    let t2 = tempfile::tempdir().unwrap();
    let v2 = import_json(t2.path(), &[&e]);
    let after: Vec<(String, String)> = v2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn bad_inputs_are_clear_errors() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    let p = |n: &str| t.path().join(n).to_string_lossy().into_owned();
    std::fs::write(t.path().join("empty.md"), "").unwrap();
    std::fs::write(
        t.path().join("blob.bin"),
        (0..2048u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    std::fs::write(
        t.path().join("prose.md"),
        "# Notes\n\nNothing to tick here.\n- a plain list\n",
    )
    .unwrap();
    for (file, want) in [
        ("empty.md", "the file is empty"),
        ("blob.bin", "binary file"),
        ("prose.md", "no checklist items found"),
        ("missing.md", "cannot read"),
    ] {
        let o = run(t.path(), &["checklist", "import", &p(file), "--dir", &d]);
        assert_eq!(code(&o), 3, "{file}: {}", err(&o));
        assert!(
            err(&o).contains(want) && err(&o).contains(file),
            "{file}: {}",
            err(&o)
        );
        assert!(!err(&o).contains("panicked"));
    }
    // Nothing imported yet.
    let o = run(t.path(), &["checklist", "status", "--dir", &d]);
    assert_eq!(code(&o), 3);
    assert!(err(&o).contains("golive checklist import"), "{}", err(&o));
    // A damaged store file.
    std::fs::create_dir_all(t.path().join(".golive")).unwrap();
    std::fs::write(t.path().join(".golive/checklist.toml"), "items = 3\n").unwrap();
    let o = run(t.path(), &["checklist", "export", "--dir", &d]);
    assert_eq!(code(&o), 3);
    assert!(
        err(&o).contains("checklist.toml") && err(&o).contains("re-run"),
        "{}",
        err(&o)
    );
    // A bad mapping rule in golive.toml names itself.
    std::fs::write(
        t.path().join("golive.toml"),
        "[[checklist.mapping]]\nchecks = [\"probe.health\"]\nany = [\"(unclosed\"]\n",
    )
    .unwrap();
    std::fs::write(t.path().join("ok.md"), "- [ ] ping endpoint answers\n").unwrap();
    let o = run(t.path(), &["checklist", "import", &p("ok.md"), "--dir", &d]);
    assert_eq!(code(&o), 3);
    assert!(err(&o).contains("[[checklist.mapping]] #1"), "{}", err(&o));
}

#[test]
fn golive_toml_mapping_rules_extend_the_table() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    std::fs::write(
        t.path().join("golive.toml"),
        "[[checklist.mapping]]\nchecks = [\"probe.health\"]\nany = [\"ping endpoint\"]\n\n[[checklist.mapping]]\nchecks = []\nany = [\"hsts\"]\n",
    )
    .unwrap();
    std::fs::write(
        t.path().join("c.md"),
        "## Ops\n- [ ] Ping endpoint answers\n- [ ] HSTS activé\n",
    )
    .unwrap();
    let c = t.path().join("c.md").to_string_lossy().into_owned();
    let v = import_json(t.path(), &[&c]);
    assert_eq!(v["items"][0]["mapped"], serde_json::json!(["probe.health"]));
    assert_eq!(
        v["items"][1]["mapped"],
        serde_json::json!([]),
        "a user rule can make an item manual"
    );
    let _ = d;
}

#[test]
fn golive_check_counts_the_checklist() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().to_string_lossy().into_owned();
    std::fs::write(
        t.path().join("README.md"),
        "# demo\n\n## Install\n\nnpm install\n\n## Run\n\nnpm start\n\n## Test\n\nnpm test\n",
    )
    .unwrap();
    std::fs::write(
        t.path().join("launch.md"),
        "## Launch (CRITICAL)\n- [x] README complet\n- [ ] HSTS activé\n- [ ] War room prête\n",
    )
    .unwrap();
    let l = t.path().join("launch.md").to_string_lossy().into_owned();
    let v = import_json(t.path(), &[&l]);
    let war = id_of(&v, "War room prête");

    let report = |args: &[&str]| {
        let mut a = vec!["check", d.as_str(), "--format", "json"];
        a.extend_from_slice(args);
        let o = run(t.path(), &a);
        assert!(matches!(code(&o), 0..=2), "{}", err(&o));
        json(&o)
    };
    let r = report(&[]);
    assert!(
        r["collectors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "checklist")
    );
    let findings = r["findings"].as_array().unwrap();
    let manual = findings
        .iter()
        .find(|f| f["check"] == format!("checklist.{war}"))
        .expect("manual item finding");
    assert_eq!(manual["outcome"], "manual");
    assert_eq!(manual["severity"], "critical");
    let hsts = findings
        .iter()
        .find(|f| f["check"] == "probe.hsts")
        .expect("probe.hsts finding");
    assert_eq!(hsts["outcome"], "inconclusive");
    assert!(hsts["message"].as_str().unwrap().contains("HSTS activé"));
    // A critical unsigned manual item is a NO-GO (exit 2).
    assert_eq!(r["verdict"]["decision"], "NO-GO");
    assert!(
        r["verdict"]["reasons"]
            .to_string()
            .contains(&format!("checklist.{war}"))
            || r["verdict"]["reasons"].to_string().contains("War room"),
        "{}",
        r["verdict"]
    );
    let before = r["score"].as_f64();

    assert_eq!(
        code(&run(
            t.path(),
            &["checklist", "sign", &war, "--by", "Marie", "--dir", &d]
        )),
        0
    );
    let r = report(&[]);
    let manual = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == format!("checklist.{war}"))
        .unwrap()
        .clone();
    assert_eq!(manual["outcome"], "pass");
    assert_eq!(manual["evidence"][0]["kind"], "sign-off");
    assert_eq!(manual["evidence"][0]["by"], "Marie");
    assert!(
        r["score"].as_f64() > before,
        "signing raises the score: {before:?} → {:?}",
        r["score"]
    );
}
