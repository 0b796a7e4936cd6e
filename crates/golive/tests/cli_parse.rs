//! Issue 12, "nothing silently passed": values that used to panic the binary (a duration past
//! `Duration`'s range), run for ever (`-d 100000h`), pass every run (`error_rate<200%`), or be
//! reported without their place in golive.toml. Each is now exit 3 naming the option or
//! `golive.toml:LINE`. The real binary runs in temporary directories; the load runs that used
//! to happen go to a small server on 127.0.0.1 and are bounded by `-n`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::thread;

/// Answers every request `500 Internal Server Error` (keep-alive, one thread per connection).
fn failing_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            thread::spawn(move || serve_500(s));
        }
    });
    format!("http://{addr}/")
}

fn serve_500(s: TcpStream) {
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    loop {
        // Request line and headers (the load generator sends GET without a body).
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            if h.trim_end().is_empty() {
                break;
            }
        }
        let resp = "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\nboom";
        if w.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}

fn golive(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run golive")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs each case and checks exit 3 (not 101, the panic) and the reason.
fn all_exit_3(dir: &Path, cases: &[(Vec<&str>, &str)]) {
    for (args, why) in cases {
        let o = golive(args, dir);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {t}");
        assert!(t.contains(why), "{args:?} should say {why:?}: {t}");
        assert!(!t.contains("panicked"), "{args:?}: {t}");
    }
}

const HUGE: &str = "99999999999999999999h";

#[test]
fn huge_durations_are_usage_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let url = failing_server();
    std::fs::write(
        dir.path().join("smoke.yaml"),
        format!("timeout: {HUGE}\ntests:\n  - name: home\n    path: /\n"),
    )
    .unwrap();
    let u = url.as_str();
    all_exit_3(
        dir.path(),
        &[
            (vec!["load", u, "-n", "1", "-d", HUGE], "--duration"),
            (vec!["load", u, "-n", "1", "-d", "10000000h"], "100 years"),
            (
                vec!["load", u, "-n", "1", "-t", "p99<99999999999999999999s"],
                "p99<",
            ),
            (vec!["load", u, "-n", "1", "--timeout", HUGE], "--timeout"),
            (
                vec!["load", u, "-n", "1", "--ramp", "10/99999999999999999999h"],
                "--ramp",
            ),
            (
                vec!["load", "merge", "a.hdr", "-t", "p99<99999999999999999999s"],
                "100 years",
            ),
            (vec!["probe", u, "--timeout", HUGE], "--timeout"),
            (
                vec!["smoke", "-f", "smoke.yaml", "--base-url", u],
                "line 1: timeout",
            ),
        ],
    );
}

#[test]
fn runs_longer_than_a_day_need_allow_long_run() {
    let dir = tempfile::tempdir().unwrap();
    let url = failing_server();
    let u = url.as_str();
    // With -n 1 these used to be accepted (and without it, to run for 11 years).
    all_exit_3(
        dir.path(),
        &[
            (vec!["load", u, "-n", "1", "-d", "100000h"], "limit of 24h"),
            (vec!["load", u, "-n", "1", "-d", "25h"], "--allow-long-run"),
            (vec!["load", u, "-n", "1", "--ramp", "1/20h,1/5h"], "25h"),
            (
                vec!["load", u, "-n", "1", "--timeout", "11m"],
                "limit of 10m",
            ),
            (
                vec!["load", u, "-n", "1", "--ramp", "5/2s", "-d", "1s"],
                "would never run",
            ),
        ],
    );
    // Asked for: accepted (the run stops after its one request).
    let o = golive(
        &[
            "load",
            u,
            "-n",
            "1",
            "-c",
            "1",
            "-d",
            "25h",
            "--allow-long-run",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn thresholds_that_cannot_fail_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = failing_server();
    let u = url.as_str();
    // Every request fails: a threshold that can fail says NO-GO…
    let o = golive(
        &["load", u, "-n", "3", "-c", "1", "-t", "error_rate<1%"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // …and one that cannot used to turn the same run into GO 100/100.
    all_exit_3(
        dir.path(),
        &[
            (
                vec!["load", u, "-n", "3", "-c", "1", "-t", "error_rate<200%"],
                "between 0% and 100%",
            ),
            (
                vec!["load", u, "-n", "3", "-c", "1", "-t", "error_rate<=100%"],
                "always holds",
            ),
            (
                vec!["load", u, "-n", "3", "-c", "1", "-t", "p95>=0"],
                "always holds",
            ),
            (
                vec!["load", u, "-n", "3", "-c", "1", "-t", "p95<0"],
                "never hold",
            ),
            (
                vec!["load", "merge", "a.hdr", "-t", "error_rate<200%"],
                "between 0% and 100%",
            ),
        ],
    );
}

#[test]
fn golive_toml_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = failing_server();
    let toml = |body: String| std::fs::write(dir.path().join("golive.toml"), body).unwrap();
    let check = |why: &str| {
        let o = golive(&["check", "."], dir.path());
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{t}");
        assert!(t.contains(why), "should say {why:?}: {t}");
        assert!(!t.contains("panicked"), "{t}");
    };
    // Used to panic.
    toml(format!(
        "[load]\nurl = \"{url}\"\nrequests = 1\nduration = \"{HUGE}\"\n"
    ));
    check("line 4: [load] duration");
    toml(format!("[probe]\nurl = \"{url}\"\ntimeout = \"{HUGE}\"\n"));
    check("line 3: [probe] timeout");
    toml(format!(
        "[load]\nurl = \"{url}\"\nrequests = 1\nthresholds = [\"p99<{HUGE}\"]\n"
    ));
    check("golive.toml:4: [load] thresholds");
    // Used to run (for a year without `requests`).
    toml(format!(
        "[load]\nurl = \"{url}\"\nrequests = 1\nduration = \"365d\"\n"
    ));
    check("line 4: [load] duration: `365d` is longer than the limit of 24h");
    // Used to give no place.
    toml(format!(
        "[load]\nurl = \"{url}\"\nrequests = 1\nthresholds = [\n  \"p95<200ms\",\n  \"p95<abc\",\n]\n"
    ));
    check("golive.toml:6: [load] thresholds: threshold `p95<abc`");
    toml("[probe]\nurl = \"localhost:8080\"\n".into());
    check("line 2: [probe] url");
    // Used to say "data did not match any variant of untagged enum Raw".
    toml("[scan]\nmax_file_size = true\n".into());
    check("line 2");
    check("a size like \"1MiB\"");
    // Used to become 1 silently.
    toml(format!("[probe]\nurl = \"{url}\"\nlatency_samples = 0\n"));
    check("line 3: [probe] latency_samples = 0");
}

#[test]
fn a_file_given_for_a_project_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("golive.toml"), "[project]\nname = \"x\"\n").unwrap();
    for args in [
        vec!["check", "golive.toml"],
        vec!["audit", "golive.toml"],
        vec!["init", "golive.toml"],
        vec!["checklist", "status", "--dir", "golive.toml"],
    ] {
        let o = golive(&args, dir.path());
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {t}");
        assert!(
            t.contains("golive.toml is a file, not a directory"),
            "{args:?}: {t}"
        );
        assert!(t.contains("give its directory `.`"), "{args:?}: {t}");
    }
    let o = golive(&["check", "nowhere"], dir.path());
    assert!(
        text(&o).contains("nowhere: no such directory"),
        "{}",
        text(&o)
    );
}

#[test]
fn unknown_check_ids_in_checklist_mapping_are_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("golive.toml"),
        "[project]\nname = \"x\"\n\n[[checklist.mapping]]\nchecks = [\"probe.auth\", \"probe.healthz\"]\nany = [\"health\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.md"),
        "## Ops (CRITICAL)\n- [ ] Health endpoint reviewed by the on-call team\n",
    )
    .unwrap();
    for args in [
        vec!["check", "."],
        vec!["checklist", "import", "c.md"],
        vec!["audit", "."],
    ] {
        let o = golive(&args, dir.path());
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {t}");
        assert!(t.contains("line 5"), "{args:?}: {t}");
        assert!(
            t.contains("\"probe.healthz\": no such check"),
            "{args:?}: {t}"
        );
        assert!(
            t.contains("did you mean") && t.contains("`probe.health`"),
            "{args:?}: {t}"
        );
    }
}

#[test]
fn sign_off_expiry_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.md"), "## Ops\n- [ ] Runbook reviewed\n").unwrap();
    let o = golive(
        &["checklist", "import", "c.md", "--format", "json"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["items"][0]["id"].as_str().unwrap().to_string();
    for (spec, why) in [
        ("99999999999999999999d", "100 years"),
        ("3000d", "limit of 1826d"),
        ("2999-01-01", "more than 5 years ahead"),
    ] {
        let o = golive(
            &["checklist", "sign", &id, "--by", "Marie", "--expires", spec],
            dir.path(),
        );
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{spec}: {t}");
        assert!(t.contains(why) && t.contains("--expires"), "{spec}: {t}");
    }
    let o = golive(
        &[
            "checklist",
            "sign",
            &id,
            "--by",
            "Marie",
            "--expires",
            "90d",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}
