//! The HTML report in a real headless Chromium: the filters hide and show the right rows, the
//! passing checks stay collapsed until asked for, a check link opens its explanation, and the
//! page needs no network. The report is the real audit of `fixtures/failing-node-api`.
//!
//! The page reads its address to preset the filter controls and applies them by dispatching
//! the same `change` event a reader's choice dispatches; Chromium runs the script and dumps
//! the resulting DOM (`--dump-dom`), which the test reads back.
//!
//! Chromium is looked up as `$GOLIVE_CHROMIUM`, else `chromium`, `chromium-browser`,
//! `google-chrome` on the PATH. Without it the test says so on stderr and passes, unless
//! `GOLIVE_REQUIRE_SERVICES=1`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOLIVE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn require_browser() -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None => {
            let msg =
                "html_browser: no Chromium found (install `chromium`, or set GOLIVE_CHROMIUM)";
            if std::env::var("GOLIVE_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("{msg}, and GOLIVE_REQUIRE_SERVICES=1 requires it");
            }
            eprintln!("SKIPPED {msg}");
            None
        }
    }
}

/// Loads `url` in headless Chromium and returns the DOM after the page's script ran.
fn dump_dom(browser: &Path, profile: &Path, url: &str) -> String {
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success() && dom.contains("</html>"),
        "chromium failed ({:?}): {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    dom
}

/// One row of the findings table as the browser left it.
#[derive(Debug)]
struct Row {
    severity: String,
    category: String,
    outcome: String,
    passing: bool,
    check: String,
    hidden: bool,
}

fn attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    tag.find(&key)
        .map(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"').unwrap_or(rest.len())].to_string()
        })
        .unwrap_or_default()
}

fn rows(dom: &str) -> Vec<Row> {
    let table = &dom[dom.find("<table id=\"findings\"").expect("findings table")..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .match_indices("<tr data-")
        .map(|(i, _)| {
            let tag = &table[i..i + table[i..].find('>').unwrap()];
            Row {
                severity: attr(tag, "data-severity"),
                category: attr(tag, "data-category"),
                outcome: attr(tag, "data-outcome"),
                passing: attr(tag, "data-passing") == "1",
                check: attr(tag, "data-check"),
                hidden: tag.contains(" hidden"),
            }
        })
        .collect()
}

fn shown(dom: &str) -> String {
    let i = dom.find("<span id=\"shown\">").expect("shown counter") + 17;
    dom[i..i + dom[i..].find('<').unwrap()].to_string()
}

#[test]
fn the_html_filters_work_in_a_real_browser() {
    let Some(browser) = require_browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let html = tmp.path().join("report.html");
    // the default (not --verbose) collapses the passing checks
    let o = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["audit", "failing-node-api", "-q", "--output"])
        .arg(format!("html={}", html.display()))
        .current_dir(&fixtures)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let source = std::fs::read_to_string(&html).unwrap();
    // No network: nothing is loaded from anywhere else.
    for bad in ["<script src", "<link", "src=\"http", "@import", "url(http"] {
        assert!(!source.contains(bad), "the page loads {bad}");
    }
    let profile = tmp.path().join("profile");
    let base = format!("file://{}", html.display());

    // Default: failing rows shown, passing rows collapsed.
    let dom = dump_dom(&browser, &profile, &base);
    let all = rows(&dom);
    assert!(all.len() > 20, "{}", all.len());
    assert!(
        all.iter().any(|r| r.passing),
        "the passing checks are in the page"
    );
    for r in &all {
        assert_eq!(r.hidden, r.passing, "{r:?}");
    }
    let visible = all.iter().filter(|r| !r.hidden).count();
    assert_eq!(shown(&dom), format!("{visible} of {} shown", all.len()));

    // Severity and outcome, as a reader picks them in the controls.
    let dom = dump_dom(
        &browser,
        &profile,
        &format!("{base}?severity=high&outcome=fail"),
    );
    let rs = rows(&dom);
    let expect: Vec<&str> = rs
        .iter()
        .filter(|r| r.severity == "high" && r.outcome == "fail")
        .map(|r| r.check.as_str())
        .collect();
    assert!(!expect.is_empty());
    for r in &rs {
        assert_eq!(
            r.hidden,
            !(r.severity == "high" && r.outcome == "fail"),
            "{r:?}"
        );
    }
    assert_eq!(
        shown(&dom),
        format!("{} of {} shown", expect.len(), rs.len())
    );
    assert!(dom.contains("data-filtered=\"high||fail|\""));

    // Category, with the passing checks expanded.
    let dom = dump_dom(
        &browser,
        &profile,
        &format!("{base}?category=security&passing=1"),
    );
    let rs = rows(&dom);
    assert!(rs.iter().any(|r| r.category == "security" && r.passing));
    for r in &rs {
        assert_eq!(r.hidden, r.category != "security", "{r:?}");
    }

    // Only passing checks.
    let dom = dump_dom(&browser, &profile, &format!("{base}?outcome=pass"));
    for r in rows(&dom) {
        assert_eq!(r.hidden, r.outcome != "pass", "{r:?}");
    }

    // A check link opens its explanation in the same file.
    assert!(source.contains("href=\"#check-secrets.hardcoded\""));
    let closed = "<details class=\"explain\" id=\"check-secrets.hardcoded\">";
    assert!(source.contains(closed), "closed until asked for");
    let dom = dump_dom(
        &browser,
        &profile,
        &format!("{base}#check-secrets.hardcoded"),
    );
    let i = dom
        .find("id=\"check-secrets.hardcoded\"")
        .expect("the explanation");
    let tag_start = dom[..i].rfind('<').unwrap();
    let tag = &dom[tag_start..i + dom[i..].find('>').unwrap()];
    assert!(tag.contains(" open"), "{tag}");
    let body = &dom[i..i + dom[i..].find("</details>").unwrap()];
    assert!(body.contains("why") && body.contains("fix"), "{body}");
}
