//! No secret golive handles shows in anything it writes. Known secrets go in through every
//! input channel (headers, `--token-env`, URL credentials, smoke captures and `${env.*}` values,
//! bodies a server answers with); every command (probe, load, smoke, check with golive.toml
//! [probe], [smoke] and [load]) writes every format (json, sarif, junit, markdown, html, and the
//! terminal report with --verbose on stdout); all of it is searched for the secrets: zero hits.
//! Servers on 127.0.0.1 started here; a handful of requests per command.

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

const AUTH_SECRET: &str = "cli-auth-secret-7c2e91d4b8a3";
const API_KEY: &str = "cli-apikey-secret-f3a8d2c1e9b7";
const COOKIE_SECRET: &str = "cli-cookie-secret-5b7d9f1a3c2e";
const TOKEN_SECRET: &str = "cli-token-env-secret-8e4a6c2f0d1b";
const TOKEN_VAR: &str = "GOLIVE_CLI_LEAKS_TOKEN";
const URL_PASSWORD: &str = "CliUrlPassw0rdSecret42";
const CAPTURED: &str = "cli-captured-secret-2d4f6b8a0c1e";
const SMOKE_ENV_SECRET: &str = "cli-smoke-env-secret-9a7c5e3b1d0f";
const SMOKE_VAR: &str = "GOLIVE_CLI_LEAKS_SMOKE";
const DB_PASSWORD: &str = "cli-db-password-secret-4c6e8a0b2d";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYk9Qz3Lm2Np";
const STRIPE: &str = "sk_live_51HqLyjWDarjtT1zdp7dcXQ9wE";

const SECRETS: &[&str] = &[
    AUTH_SECRET,
    API_KEY,
    COOKIE_SECRET,
    TOKEN_SECRET,
    URL_PASSWORD,
    CAPTURED,
    SMOKE_ENV_SECRET,
    DB_PASSWORD,
    AWS_SECRET,
    STRIPE,
];

struct Server {
    _rt: tokio::runtime::Runtime,
    addr: SocketAddr,
}

/// Hands out a token at /token, and answers everything else with 200 (404 for the probe's
/// unknown paths): the request it got (headers, path and query) echoed, then a leaked `.env`.
fn leaky_server() -> Server {
    let app = Router::new()
        .route(
            "/token",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    format!(r#"{{"token":"{CAPTURED}"}}"#),
                )
            })
            .post(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    format!(r#"{{"token":"{CAPTURED}"}}"#),
                )
            }),
        )
        .fallback(|req: Request| async move {
            let mut body = format!("you asked for {}\n", req.uri());
            for (n, v) in req.headers() {
                body.push_str(&format!("{n}: {}\n", String::from_utf8_lossy(v.as_bytes())));
            }
            body.push_str(&format!(
                "APP_NAME=shop\nDB_PASSWORD={DB_PASSWORD}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nSTRIPE_KEY={STRIPE}\n"
            ));
            let status = if req.uri().path().starts_with("/golive-probe") {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            (status, [(header::CONTENT_TYPE, "text/plain")], body).into_response()
        });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = rt.block_on(async {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let a = l.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        a
    });
    Server { _rt: rt, addr }
}

const FORMATS: &[(&str, &str)] = &[
    ("json", "report.json"),
    ("sarif", "report.sarif"),
    ("junit", "report.xml"),
    ("markdown", "report.md"),
    ("html", "report.html"),
];

/// Runs golive in `dir` with every output format written under `dir/out-NAME/`, the terminal
/// report verbose on stdout; returns everything it wrote.
fn run_all_formats(name: &str, dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out_dir = dir.join(format!("out-{name}"));
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.current_dir(dir)
        .args(args)
        .arg("--verbose")
        .arg("--no-color")
        .env(TOKEN_VAR, TOKEN_SECRET)
        .env(SMOKE_VAR, SMOKE_ENV_SECRET)
        .env("COLUMNS", "200")
        .env_remove("NO_COLOR");
    for (f, file) in FORMATS {
        c.arg("--output")
            .arg(format!("{f}={}", out_dir.join(file).display()));
    }
    let out: Output = c.output().expect("run golive");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{name}: exit {code:?}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut written = vec![
        (
            format!("{name} stdout"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ),
        (
            format!("{name} stderr"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ),
    ];
    for (f, file) in FORMATS {
        let p = out_dir.join(file);
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("{name}: {f} not written to {}: {e}", p.display()));
        written.push((format!("{name} {f}"), text));
    }
    written
}

#[test]
fn no_secret_shows_in_any_output_of_any_command() {
    let server = leaky_server();
    let addr = server.addr;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let url = format!("http://admin:{URL_PASSWORD}@{addr}/");
    let auth = format!("Authorization: Bearer {AUTH_SECRET}");
    let key = format!("X-Api-Key: {API_KEY}");
    let cookie = format!("Cookie: sid={COOKIE_SECRET}");

    // A smoke flow: capture a token, send it (path, query, header) with an ${env.*} value, and
    // fail on purpose so that the failure message shows the request.
    std::fs::write(
        dir.join("smoke.yaml"),
        format!(
            r#"headers: {{ "X-Api-Key": "{API_KEY}" }}
tests:
  - name: Token flow
    steps:
      - name: get token
        method: POST
        path: /token
        capture: {{ token: /token }}
      - name: use token
        path: /items/${{token}}?key=${{env.{SMOKE_VAR}}}
        headers: {{ Authorization: "Bearer ${{token}}", X-Extra: "${{env.{SMOKE_VAR}}}" }}
        expect: {{ status: 503 }}
"#
        ),
    )
    .expect("spec");
    std::fs::create_dir_all(dir.join("project")).expect("project");
    std::fs::copy(dir.join("smoke.yaml"), dir.join("project/smoke.yaml")).expect("copy");
    std::fs::write(
        dir.join("project/golive.toml"),
        format!(
            r#"[probe]
url = "{url}"
headers = ["{auth}", "{key}", "{cookie}"]
token_env = "{TOKEN_VAR}"
protected = ["/admin"]
latency_samples = 1
timeout = "2s"

[smoke]
file = "smoke.yaml"
base_url = "http://admin:{URL_PASSWORD}@{addr}"

[load]
url = "{url}"
requests = 4
connections = 1
duration = "5s"
headers = ["{auth}", "{key}"]
"#
        ),
    )
    .expect("golive.toml");

    let mut written = Vec::new();
    written.extend(run_all_formats(
        "probe",
        dir,
        &[
            "probe",
            &url,
            "-H",
            &auth,
            "-H",
            &key,
            "-H",
            &cookie,
            "--token-env",
            TOKEN_VAR,
            "--protected",
            "/admin",
            "--latency-samples",
            "1",
            "--timeout",
            "2s",
        ],
    ));
    written.extend(run_all_formats(
        "load",
        dir,
        &[
            "load", &url, "-n", "4", "-c", "1", "-d", "5s", "-H", &auth, "-H", &key,
        ],
    ));
    written.extend(run_all_formats(
        "smoke",
        dir,
        &[
            "smoke",
            "-f",
            "smoke.yaml",
            "--base-url",
            &format!("http://admin:{URL_PASSWORD}@{addr}"),
        ],
    ));
    written.extend(run_all_formats("check", dir, &["check", "project"]));

    // The outputs are real: the echo, the failing smoke step and the load figures are in them.
    let all: String = written.iter().map(|(_, t)| t.as_str()).collect();
    for expected in [
        "probe.exposed-files",
        "smoke.token-flow",
        "load.",
        "you asked for",
    ] {
        assert!(all.contains(expected), "no `{expected}` in any output");
    }
    let mut hits = Vec::new();
    for (what, text) in &written {
        for s in SECRETS {
            if text.contains(s) {
                let at = text.find(s).unwrap_or(0);
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(80)
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                let ctx: String = text[from..].chars().take(200).collect();
                hits.push(format!("{what}: `{s}` in …{ctx}…"));
            }
        }
    }
    assert!(hits.is_empty(), "secrets in outputs:\n{}", hits.join("\n"));
}
