//! `golive load`, `golive load merge`, `golive smoke` and `golive check` with `[load]`/`[smoke]`,
//! run as the real binary against a small HTTP/1.1 server each test starts on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::thread;
use std::time::Duration;

const TOKEN: &str = "tok-abcdef0123456789";

/// Serves: `/` 200 ok, `/err` 500, `/slow` 200 after 30 ms, `POST /login` a JSON token,
/// `/me` 200 with the token else 401. Keep-alive, one thread per connection.
fn server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            thread::spawn(move || serve(s));
        }
    });
    format!("http://{addr}")
}

fn serve(s: TcpStream) {
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut len = 0usize;
        let mut auth = String::new();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("authorization:") {
                auth = h["authorization:".len()..].trim().to_string();
            }
        }
        let mut body = vec![0u8; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let (status, ctype, text) = match (method.as_str(), path.as_str()) {
            ("GET", "/") => ("200 OK", "text/plain", "ok".to_string()),
            ("GET", "/err") => (
                "500 Internal Server Error",
                "text/plain",
                "boom".to_string(),
            ),
            ("GET", "/slow") => {
                thread::sleep(Duration::from_millis(30));
                ("200 OK", "text/plain", "slow".to_string())
            }
            ("POST", "/login") => {
                if String::from_utf8_lossy(&body).contains("\"alice\"") {
                    (
                        "200 OK",
                        "application/json",
                        format!("{{\"token\":\"{TOKEN}\"}}"),
                    )
                } else {
                    (
                        "401 Unauthorized",
                        "application/json",
                        "{\"error\":\"who?\"}".to_string(),
                    )
                }
            }
            ("GET", "/me") if auth == format!("Bearer {TOKEN}") => (
                "200 OK",
                "application/json",
                "{\"user\":{\"name\":\"alice\"}}".to_string(),
            ),
            ("GET", "/me") => ("401 Unauthorized", "application/json", "{}".to_string()),
            _ => ("404 Not Found", "text/plain", "no".to_string()),
        };
        let resp = format!(
            "HTTP/1.1 {status}\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        );
        if w.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}

fn golive(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn load_prints_the_report_and_exits_by_the_threshold() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/");
    let o = golive(
        &["load", &url, "-c", "4", "-d", "1s", "--threshold", "p95<2s"],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("Load: http://127.0.0.1:"), "{t}");
    assert!(t.contains("statuses     200:"), "{t}");
    assert!(t.contains("GO"), "{t}");

    // -q: the verdict line only, no summary
    let o = golive(
        &[
            "load",
            &url,
            "-c",
            "2",
            "-d",
            "1s",
            "--threshold",
            "p95<2s",
            "-q",
        ],
        dir.path(),
    );
    let t = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(t.lines().count(), 1, "{t}");
    assert!(t.starts_with("GO score 100/100"), "{t}");

    let o = golive(
        &[
            "load",
            &url,
            "-c",
            "2",
            "-d",
            "1s",
            "--threshold",
            "p95<0.001ms",
        ],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("misses `p95<0.001ms`"), "{t}");
    assert!(t.contains("NO-GO"), "{t}");
}

#[test]
fn server_errors_fail_the_run_even_without_thresholds() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/err");
    let o = golive(
        &["load", &url, "-c", "2", "-n", "50", "--format", "json"],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "load.error-rate")
        .unwrap();
    assert_eq!(f["outcome"], "fail", "{f}");
    // --ok-status accepts them
    let o = golive(
        &[
            "load",
            &url,
            "-c",
            "2",
            "-n",
            "20",
            "--ok-status",
            "2xx,500",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn hdr_logs_merge_into_one_report() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/slow");
    for name in ["a.hdr", "b.hdr"] {
        let o = golive(
            &[
                "load",
                &url,
                "-c",
                "2",
                "-n",
                "40",
                "--hdr-out",
                name,
                "--format",
                "json",
            ],
            dir.path(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(dir.path().join(name).is_file());
    }
    let o = golive(
        &["load", "merge", "a.hdr", "b.hdr", "--threshold", "p50>20ms"],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("requests 80"), "{t}");
    assert!(t.contains("2 runs merged"), "{t}");
    let o = golive(&["load", "merge", "a.hdr", "missing.hdr"], dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("missing.hdr"), "{}", text(&o));
}

#[test]
fn bad_usage_exits_3_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notpem.txt"), "just text\n").unwrap();
    // a spec with relative paths and no base URL anywhere: a configuration error (exit 3) at
    // the line of the first relative path, not a CRITICAL failure of the service
    std::fs::write(dir.path().join("nobase.yaml"), SMOKE).unwrap();
    for (args, why) in [
        (vec!["load", "http://example.com/"], "--allow-remote"),
        (
            vec!["load", "http://127.0.0.1:9/", "--threshold", "p95 fast"],
            "threshold `p95 fast`",
        ),
        (
            vec!["load", "http://127.0.0.1:9/", "--ramp", "0:100"],
            "--ramp",
        ),
        (vec!["load", "not a url"], "not a URL"),
        (vec!["smoke", "-f", "nope.yaml"], "nope.yaml"),
        (vec!["smoke", "-f", "nobase.yaml"], "nobase.yaml:4"),
        (
            vec!["load", "https://127.0.0.1:9/", "--ca-file", "notpem.txt"],
            "no `-----BEGIN CERTIFICATE-----` block",
        ),
        (
            vec!["load", "https://127.0.0.1:9/", "--ca-file", "missing.pem"],
            "missing.pem",
        ),
    ] {
        let o = golive(&args, dir.path());
        let t = text(&o);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {t}");
        assert!(t.contains(why), "{args:?}: {t}");
    }
}

const SMOKE: &str = r#"
tests:
  - name: Home
    path: /
    expect: { status: 200, body_contains: ok }
  - name: Login flow
    steps:
      - name: login
        method: POST
        path: /login
        json: { user: alice }
        expect: 200
        capture: { token: /token }
      - name: me
        path: /me
        headers: { Authorization: "Bearer ${token}" }
        expect: { status: 200, json: { user.name: alice } }
"#;

#[test]
fn smoke_runs_a_multi_step_flow() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yaml"), SMOKE).unwrap();
    let o = golive(
        &[
            "smoke",
            "-f",
            "smoke.yaml",
            "--base-url",
            &base,
            "--format",
            "json",
        ],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"smoke.home") && ids.contains(&"smoke.login-flow"),
        "{ids:?}"
    );
    assert!(!t.contains(TOKEN), "token leaked: {t}");

    // A broken expectation: NO-GO, the step named, expected vs received shown.
    std::fs::write(
        dir.path().join("bad.yaml"),
        SMOKE.replace("user.name: alice", "user.name: bob"),
    )
    .unwrap();
    let o = golive(
        &["smoke", "-f", "bad.yaml", "--base-url", &base],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("step 2/2 `me`"), "{t}");
    assert!(
        t.contains("expected `user.name` = \"bob\", received \"alice\""),
        "{t}"
    );
}

#[test]
fn check_runs_smoke_and_load_when_configured() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smoke.yaml"), SMOKE).unwrap();
    std::fs::write(
        dir.path().join("golive.toml"),
        format!(
            "[smoke]\nfile = \"smoke.yaml\"\nbase_url = \"{base}\"\n\n[load]\nurl = \"{base}/\"\nconnections = 2\nrequests = 40\nthresholds = [\"p95<2s\", \"error_rate<1%\"]\n"
        ),
    )
    .unwrap();
    let o = golive(&["check", ".", "--format", "json"], dir.path());
    let t = text(&o);
    assert!(o.status.code().is_some_and(|c| c <= 2), "{t}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let collectors: Vec<&str> = v["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        collectors.contains(&"smoke") && collectors.contains(&"load"),
        "{collectors:?}"
    );
    let findings = v["findings"].as_array().unwrap();
    let outcome = |id: &str| {
        findings
            .iter()
            .find(|f| f["check"] == id)
            .map(|f| f["outcome"].as_str().unwrap().to_string())
    };
    assert_eq!(outcome("smoke.login-flow").as_deref(), Some("pass"), "{t}");
    assert_eq!(outcome("load.p95-latency").as_deref(), Some("pass"), "{t}");
    assert_eq!(outcome("load.error-rate").as_deref(), Some("pass"), "{t}");

    // A bad [load] section is a usage error naming the section.
    std::fs::write(
        dir.path().join("golive.toml"),
        "[load]\nurl = \"http://127.0.0.1:9/\"\nthresholds = [\"p95\"]\n",
    )
    .unwrap();
    let o = golive(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("[load]"), "{}", text(&o));
}

#[test]
fn open_model_ramp_reports_the_schedule() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/");
    let o = golive(
        &["load", &url, "-c", "4", "--ramp", "0:40/1s,40/1s"],
        dir.path(),
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("open model"), "{t}");
    assert!(t.contains("corrected") && t.contains("uncorrected"), "{t}");
    // 0→40 over 1 s then 40 for 1 s: 20 + 40 = 60 requests due.
    assert!(t.contains("asked up to 40 req/s, 60 due"), "{t}");
}

#[test]
fn ctrl_c_stops_cleanly_and_still_reports() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/slow");
    let child = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["load", &url, "-c", "2", "-d", "30s"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    thread::sleep(Duration::from_millis(1500));
    let started = std::time::Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let t = text(&o);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "did not stop: {t}"
    );
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("interrupted by Ctrl-C"), "{t}");
    assert!(t.contains("statuses     200:"), "{t}");
}

/// The live progress line: on a terminal (a pseudo-terminal made by `script`), stderr shows
/// elapsed time, requests, req/s, p95 and errors once a second; piped, it shows none.
#[test]
fn live_progress_on_a_terminal_only() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{base}/slow");
    let cmd = format!("{} load {url} -c 2 -d 2500ms", env!("CARGO_BIN_EXE_golive"));
    let o = Command::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("`script` (util-linux) makes the pseudo-terminal for this test");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let progress: Vec<&str> = t
        .split('\r')
        .filter(|l| l.contains(" req/s") && l.contains("p95") && l.contains("errors"))
        .collect();
    assert!(
        progress.len() >= 2,
        "expected a progress line each second: {t:?}"
    );
    // `  1.0s  N req  R req/s  p95 X ms  errors 0`, with requests really counted
    let first = progress[0].split_whitespace().collect::<Vec<_>>();
    assert!(first[0].ends_with('s'), "{first:?}");
    let reqs: u64 = first[1].parse().unwrap_or(0);
    assert!(reqs > 0, "{first:?}");
    assert_eq!(first.last(), Some(&"0"), "no errors: {first:?}");

    let o = golive(&["load", &url, "-c", "2", "-d", "1500ms"], dir.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        !t.contains('\r'),
        "no progress line when not a terminal: {t:?}"
    );
}

/// `golive checklist status|export --report` judge the mapped items on a `golive check` report,
/// load evidence included; without it only the static audit runs, and load items stay open.
#[test]
fn checklist_status_and_export_take_live_evidence_from_a_check_report() {
    let base = server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("launch.md"),
        "# Go-live\n\n## Performance\n- [x] p95 < 200ms\n- [ ] Taux d'erreur < 1%\n",
    )
    .unwrap();
    std::fs::write(
        d.join("golive.toml"),
        format!("[load]\nurl = \"{base}/\"\nconnections = 2\nrequests = 40\n"),
    )
    .unwrap();
    let o = golive(&["checklist", "import", "launch.md"], d);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let outcomes = |o: &Output| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)));
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["text"].as_str().unwrap().to_string(),
                    i["outcome"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let items = |o: &Output| outcomes(o).into_iter().map(|(_, v)| v).collect::<Vec<_>>();

    // the static audit alone says nothing of latency or errors
    let o = golive(&["checklist", "status", "--format", "json"], d);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(items(&o), ["inconclusive", "inconclusive"], "{}", text(&o));

    let o = golive(&["check", ".", "--output", "json=report.json"], d);
    assert!(o.status.code().is_some_and(|c| c <= 2), "{}", text(&o));
    let o = golive(
        &[
            "checklist",
            "status",
            "--format",
            "json",
            "--report",
            "report.json",
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(items(&o), ["pass", "pass"], "{}", text(&o));
    let o = golive(&["checklist", "status", "--report", "report.json"], d);
    let t = text(&o);
    assert!(t.contains("evidence: report.json (run of "), "{t}");
    assert!(t.contains("load"), "{t}");
    assert!(t.contains("2/2 items have evidence"), "{t}");
    let o = golive(&["checklist", "export", "--report", "report.json"], d);
    let t = text(&o);
    assert!(t.contains("[x] p95 < 200ms"), "{t}");
    assert!(t.contains("[x] Taux d'erreur < 1%"), "{t}");

    assert!(!text(&o).contains("warning"), "{}", text(&o));
    // a report on another project is used, with a warning naming both
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir(other.path().join("billing-api")).unwrap();
    let o = golive(
        &["audit", "billing-api", "--output", "json=other.json"],
        other.path(),
    );
    assert!(o.status.code().is_some_and(|c| c <= 2), "{}", text(&o));
    let other_report = other.path().join("other.json");
    let o = golive(
        &[
            "checklist",
            "status",
            "--report",
            other_report.to_str().unwrap(),
        ],
        d,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("is a report on `billing-api`, and this project is `"),
        "{}",
        text(&o)
    );

    // a file that is not a report is a usage error naming it
    let o = golive(&["checklist", "status", "--report", "launch.md"], d);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("launch.md: not a golive JSON report"),
        "{}",
        text(&o)
    );
    let o = golive(&["checklist", "export", "--report", "missing.json"], d);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("cannot read missing.json"),
        "{}",
        text(&o)
    );
}
