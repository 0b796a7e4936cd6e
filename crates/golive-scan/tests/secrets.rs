//! The secrets domain, run through `golive_scan::scan` over real trees: the committed fixtures
//! under `fixtures/secrets/` (false-positive classes, Django), and tempdir repos written by the
//! tests for the token formats (generated here so that no token-shaped string is committed).

use golive_core::{Evidence, Finding, Outcome, Severity};
use golive_scan::domains::secrets::github_checksum;
use golive_scan::{ScanOptions, ScanOutput, scan};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/secrets")
        .join(name)
}

fn run(root: &Path) -> ScanOutput {
    scan(&ScanOptions::new(root)).unwrap_or_else(|e| panic!("scan {}: {e}", root.display()))
}

fn of<'a>(out: &'a ScanOutput, check: &str) -> Vec<&'a Finding> {
    out.findings.iter().filter(|f| f.check == check).collect()
}

/// The non-pass findings of a check.
fn hits<'a>(out: &'a ScanOutput, check: &str) -> Vec<&'a Finding> {
    of(out, check)
        .into_iter()
        .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Warn))
        .collect()
}

fn snippet(f: &Finding) -> &str {
    f.evidence
        .iter()
        .find_map(|e| match e {
            Evidence::File { snippet, .. } => snippet.as_deref(),
            _ => None,
        })
        .unwrap_or("")
}

/// Writes files (relative path, content) into a fresh temporary repository.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
    }
    dir
}

/// Deterministic pseudo-random strings over an alphabet (xorshift), so that samples look random
/// without being real credentials.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn string(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        (0..n)
            .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
            .collect()
    }
}

const B62: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn github_token(g: &mut Gen, prefix: &str) -> String {
    let body = g.string(B62, 30);
    format!("{prefix}{body}{}", github_checksum(&body))
}

fn aws_key(g: &mut Gen) -> String {
    format!("AKIA{}", g.string(B32, 16))
}

fn aws_secret(g: &mut Gen) -> String {
    loop {
        let s = g.string(B64, 40);
        let has = |f: fn(&u8) -> bool| s.as_bytes().iter().any(f);
        if has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase) && has(u8::is_ascii_digit) {
            return s;
        }
    }
}

fn b64url(bytes: &[u8]) -> String {
    // Small base64url encoder for building JWT samples.
    let a = B64URL.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(a[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn jwt(g: &mut Gen, header: &str) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.as_bytes()),
        b64url(br#"{"sub":"1234567890","name":"svc","iat":1716239022}"#),
        g.string(B64URL, 43)
    )
}

fn private_key(g: &mut Gen, kind: &str) -> String {
    let mut s = format!("-----BEGIN {kind}PRIVATE KEY-----\n");
    for _ in 0..6 {
        s.push_str(&g.string(B64, 64));
        s.push('\n');
    }
    s.push_str(&format!("-----END {kind}PRIVATE KEY-----\n"));
    s
}

/// The raw secret must not appear anywhere in a finding (message, snippet, notes).
fn assert_masked(out: &ScanOutput, secrets: &[&str]) {
    let json = serde_json::to_string(&out.findings).expect("json");
    for s in secrets {
        assert!(
            !json.contains(s),
            "raw secret {s} leaked into findings: {json}"
        );
    }
}

#[test]
fn clean_fixture_has_no_secret_findings() {
    let out = run(&fixture("clean"));
    for check in ["secrets.hardcoded", "secrets.private-key"] {
        let all = of(&out, check);
        assert_eq!(all.len(), 1, "{check}: {all:#?}");
        assert_eq!(all[0].outcome, Outcome::Pass, "{check}: {all:#?}");
        let note = all[0]
            .evidence
            .iter()
            .any(|e| matches!(e, Evidence::Note { text } if text.contains("text files scanned")));
        assert!(note, "pass finding says how many files were scanned");
    }
    let dj = of(&out, "secrets.django-secret-key");
    assert_eq!(dj.len(), 1);
    assert_eq!(dj[0].outcome, Outcome::NotApplicable);
}

#[test]
fn aws_access_key_and_secret_key() {
    let mut g = Gen(11);
    let key = aws_key(&mut g);
    let secret = aws_secret(&mut g);
    let dir = repo(&[
        (
            "src/upload.py",
            &format!(
                "import boto3\n\nclient = boto3.client(\"s3\", aws_access_key_id=\"{key}\")\n"
            ),
        ),
        (
            "deploy/credentials",
            &format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n"),
        ),
        ("src/doc_example.py", "KEY = \"AKIAIOSFODNN7EXAMPLE\"\n"),
    ]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 3, "{h:#?}");
    let upload = h
        .iter()
        .find(|f| f.primary_location() == Some(("src/upload.py", Some(3))))
        .expect("key in upload.py");
    assert_eq!(upload.outcome, Outcome::Fail);
    assert_eq!(upload.severity, Severity::Critical);
    assert!(upload.message.contains("AWS access key id"));
    let masked = golive_core::mask_secret(&key);
    assert!(snippet(upload).contains(&masked), "{}", snippet(upload));
    let line = "client = boto3.client(\"s3\", aws_access_key_id=\"";
    match &upload.evidence[0] {
        Evidence::File { column, .. } => assert_eq!(*column, Some(line.len() as u32 + 1)),
        e => panic!("{e:?}"),
    }
    assert!(h.iter().any(|f| f.message.contains("AWS secret access key")
        && f.primary_location() == Some(("deploy/credentials", Some(3)))));
    assert_masked(&out, &[&key, &secret]);
}

#[test]
fn github_tokens_need_a_valid_checksum() {
    let mut g = Gen(23);
    let valid: Vec<String> = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .map(|p| github_token(&mut g, p))
        .collect();
    // Same shape, wrong checksum: a random look-alike.
    let lookalike = format!("ghp_{}", g.string(B62, 36));
    let fine = format!("github_pat_{}_{}", g.string(B62, 22), g.string(B62, 59));
    let mut text = String::from("package main\n\n");
    for (i, t) in valid.iter().enumerate() {
        text.push_str(&format!("var t{i} = \"{t}\"\n"));
    }
    text.push_str(&format!("var other = \"{lookalike}\"\n"));
    text.push_str(&format!("var fine = \"{fine}\"\n"));
    let dir = repo(&[("cmd/tokens.go", &text)]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    let gh: Vec<_> = h
        .iter()
        .filter(|f| f.message.contains("checksum is valid"))
        .collect();
    assert_eq!(gh.len(), 5, "{h:#?}");
    assert!(gh[0].message.contains("personal access token"));
    assert!(
        !h.iter()
            .any(|f| f.primary_location() == Some(("cmd/tokens.go", Some(8)))),
        "random look-alike with a bad checksum must not fire: {h:#?}"
    );
    assert!(h.iter().any(|f| f.message.contains("fine-grained")
        && f.primary_location() == Some(("cmd/tokens.go", Some(9)))));
    let mut all: Vec<&str> = valid.iter().map(String::as_str).collect();
    all.push(&fine);
    assert_masked(&out, &all);
}

#[test]
fn gitlab_slack_and_stripe() {
    let mut g = Gen(37);
    let gitlab = format!("glpat-{}", g.string(B62, 20));
    let slack_bot = format!(
        "xoxb-{}-{}-{}",
        g.string("0123456789", 12),
        g.string("0123456789", 13),
        g.string(B62, 24)
    );
    let xapp = format!(
        "xapp-1-A{}-{}-{}",
        g.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        g.string("0123456789", 13),
        g.string("0123456789abcdef", 64)
    );
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        g.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
        g.string("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        g.string(B62, 24)
    );
    let live = format!("sk_live_{}", g.string(B62, 24));
    let test = format!("sk_test_{}", g.string(B62, 24));
    let dir = repo(&[
        (
            "ci/deploy.sh",
            &format!(
                "curl -H \"PRIVATE-TOKEN: {gitlab}\" https://gitlab.example.invalid/api/v4/projects\n"
            ),
        ),
        (
            "src/notify.ts",
            &format!(
                "export const client = new WebClient(\"{slack_bot}\");\nconst socket = \"{xapp}\";\nawait fetch(\"{hook}\", {{ method: \"POST\" }});\n"
            ),
        ),
        (
            "src/billing.rb",
            &format!("Stripe.api_key = '{live}'\nSTRIPE_TEST = '{test}'\n"),
        ),
    ]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    let find = |path: &str, line: u32| {
        h.iter()
            .find(|f| f.primary_location() == Some((path, Some(line))))
            .unwrap_or_else(|| panic!("nothing at {path}:{line}: {h:#?}"))
    };
    assert!(find("ci/deploy.sh", 1).message.contains("GitLab"));
    assert!(find("src/notify.ts", 1).message.contains("Slack bot token"));
    assert!(
        find("src/notify.ts", 2)
            .message
            .contains("Slack app-level token")
    );
    let wh = find("src/notify.ts", 3);
    assert!(wh.message.contains("Slack webhook"));
    assert!(snippet(wh).contains("hooks.slack.com/"), "{}", snippet(wh));
    let sl = find("src/billing.rb", 1);
    assert!(sl.message.contains("Stripe live secret key"));
    assert_eq!(sl.severity, Severity::Critical);
    assert_eq!(sl.outcome, Outcome::Fail);
    let st = find("src/billing.rb", 2);
    assert!(st.message.contains("Stripe test-mode key"));
    assert_eq!(st.severity, Severity::Medium);
    // One finding per secret: no generic duplicate for `Stripe.api_key = '…'`.
    assert_eq!(h.len(), 6, "{h:#?}");
    let hook_path = hook.trim_start_matches("https://hooks.slack.com/");
    assert_masked(&out, &[&gitlab, &slack_bot, &xapp, hook_path, &live, &test]);
}

#[test]
fn private_key_blocks() {
    let mut g = Gen(41);
    let rsa = private_key(&mut g, "RSA ");
    let pkcs8 = private_key(&mut g, "");
    let material = rsa.lines().nth(1).unwrap_or("").to_string();
    // A key embedded in a string with `\n` escapes.
    let inline = pkcs8.replace('\n', "\\n");
    let inline_material = pkcs8.lines().nth(2).unwrap_or("").to_string();
    let dir = repo(&[
        ("deploy/server.key", &rsa),
        ("src/tls.js", &format!("const key = \"{inline}\";\n")),
        // Looking for the marker is not a key.
        (
            "src/pem.rs",
            "if s.starts_with(\"-----BEGIN PRIVATE KEY-----\") { parse(s) }\n",
        ),
    ]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.private-key");
    assert_eq!(h.len(), 2, "{h:#?}");
    assert!(h[0].message.contains("RSA private key"));
    assert_eq!(
        h[0].primary_location(),
        Some(("deploy/server.key", Some(1)))
    );
    assert_eq!(h[1].primary_location(), Some(("src/tls.js", Some(1))));
    assert_eq!(h[1].outcome, Outcome::Fail);
    assert_masked(&out, &[&material, &inline_material]);
    // The key is a private-key finding, not also a generic one.
    assert!(hits(&out, "secrets.hardcoded").is_empty());

    let none = repo(&[(
        "src/pem.rs",
        "const MARK: &str = \"-----BEGIN EC PRIVATE KEY-----\";\n",
    )]);
    let out = run(none.path());
    let all = of(&out, "secrets.private-key");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].outcome, Outcome::Pass);
}

#[test]
fn jwts_need_a_json_header_with_alg() {
    let mut g = Gen(53);
    let good = jwt(&mut g, r#"{"alg":"HS256","typ":"JWT"}"#);
    let no_alg = jwt(&mut g, r#"{"typ":"JWT","kid":"k1"}"#);
    let not_json = jwt(&mut g, "eyJ not json at all");
    let dir = repo(&[(
        "src/client.py",
        &format!("HEADERS = {{\"X-Session\": \"{good}\"}}\nA = \"{no_alg}\"\nB = \"{not_json}\"\n"),
    )]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 1, "{h:#?}");
    assert!(h[0].message.contains("JSON Web Token (alg HS256)"));
    assert_eq!(h[0].primary_location(), Some(("src/client.py", Some(1))));
    assert_masked(&out, &[&good]);
}

#[test]
fn generic_assignments_in_every_language() {
    let mut g = Gen(67);
    let mut files = Vec::new();
    let mut values = Vec::new();
    let templates: &[(&str, &str)] = &[
        ("src/db.js", "const dbPassword = \"{}\";\n"),
        ("src/api.ts", "export const apiKey: string = '{}';\n"),
        ("app/config.py", "SMTP_PASSWORD = \"{}\"\n"),
        ("src/auth.rs", "const AUTH_TOKEN: &str = \"{}\";\n"),
        ("pkg/client.go", "\tclientSecret := \"{}\"\n"),
        ("deploy/values.yaml", "db:\n  password: {}\n"),
        ("config/app.json", "{{\n  \"api_key\": \"{}\"\n}}\n"),
        ("config/app.ini", "[db]\npasswd = {}\n"),
        (".env", "SESSION_SECRET={}\n"),
        ("config/app.properties", "mail.smtp.password={}\n"),
        ("config/app.toml", "[queue]\ntoken = \"{}\"\n"),
    ];
    for (path, template) in templates {
        let v = format!("{}{}!", g.string(B62, 18), g.string("0123456789", 2));
        files.push((
            path.to_string(),
            template
                .replace("{}", &v)
                .replace("{{", "{")
                .replace("}}", "}"),
        ));
        values.push(v);
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = repo(&refs);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    for (path, _) in templates {
        let n = h
            .iter()
            .filter(|f| f.primary_location().map(|l| l.0) == Some(path))
            .count();
        assert_eq!(n, 1, "{path}: {h:#?}");
    }
    assert_eq!(h.len(), templates.len());
    let py = h
        .iter()
        .find(|f| f.primary_location().map(|l| l.0) == Some("app/config.py"))
        .expect("python finding");
    assert!(py.message.contains("`SMTP_PASSWORD`"), "{}", py.message);
    assert!(py.message.contains("bits/char"));
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    assert_masked(&out, &refs);
}

#[test]
fn low_randomness_values_are_not_generic_secrets() {
    let dir = repo(&[
        (
            "src/app.py",
            "password = \"hunter2\"\n\
         secret = \"password.reset.title\"\n\
         token = \"aaaaaaaaaaaa\"\n\
         auth_mode = \"q8Vn3Lz7Tr1Wm5Kp\"\n\
         authors = \"Jane Doe <jane@example.invalid>\"\n",
        ),
        (
            "src/lib.rs",
            "let mut tokens = \"tuple.0.9\".parse::<TokenStream>()?;\n\
             let secret = b\"\\x9b\\xbe\\x43\\x6b\\xa9\\x40\\xf0\\x17\";\n\
             ClientTrafficSecret => \"CLIENT_TRAFFIC_SECRET_0\",\n\
             let body = json!({\"password\": \"secret123\"});\n\
             let url = format!(\"{}\", api_key = \"k3Yq9Zx1\" + suffix);\n",
        ),
        ("gon.json", "{\"password\": \"@env:AC_PASSWORD\"}\n"),
    ]);
    let out = run(dir.path());
    assert!(
        hits(&out, "secrets.hardcoded").is_empty(),
        "{:#?}",
        out.findings
    );
}

#[test]
fn vendor_pattern_beats_generic_rule() {
    let mut g = Gen(71);
    let slack = format!(
        "xoxb-{}-{}-{}",
        g.string("0123456789", 11),
        g.string("0123456789", 12),
        g.string(B62, 24)
    );
    let gh = github_token(&mut g, "ghp_");
    let dir = repo(&[(
        "src/bot.js",
        &format!("const slackToken = \"{slack}\";\nconst githubToken = '{gh}';\n"),
    )]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(
        h.len(),
        2,
        "one finding per token, no generic duplicate: {h:#?}"
    );
    assert_eq!(h[0].primary_location(), Some(("src/bot.js", Some(1))));
    assert!(h[0].message.contains("Slack bot token"), "{}", h[0].message);
    assert!(h[1].message.contains("GitHub personal access token"));
    assert_masked(&out, &[&slack, &gh]);
}

#[test]
fn two_secrets_on_one_line_are_both_masked() {
    let mut g = Gen(79);
    let a = aws_key(&mut g);
    let b = format!("sk_live_{}", g.string(B62, 30));
    let dir = repo(&[("src/keys.py", &format!("KEYS = [\"{a}\", \"{b}\"]\n"))]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 2, "{h:#?}");
    for f in &h {
        let s = snippet(f);
        assert!(s.contains(&golive_core::mask_secret(&a)), "{s}");
        assert!(s.contains(&golive_core::mask_secret(&b)), "{s}");
    }
    assert_masked(&out, &[&a, &b]);
}

#[test]
fn tests_fixtures_and_docs_are_lowered_not_ignored() {
    let mut g = Gen(83);
    let key = aws_key(&mut g);
    let pk = private_key(&mut g, "OPENSSH ");
    let dir = repo(&[
        ("src/app.py", &format!("KEY = \"{key}\"\n")),
        ("tests/test_upload.py", &format!("KEY = \"{key}\"\n")),
        (
            "docs/setup.md",
            &format!("Export `AWS_ACCESS_KEY_ID={key}`.\n"),
        ),
        ("testdata/id_ed25519", &pk),
    ]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 3, "{h:#?}");
    for f in &h {
        let (path, _) = f.primary_location().expect("location");
        if path == "src/app.py" {
            assert_eq!((f.outcome, f.severity), (Outcome::Fail, Severity::Critical));
        } else {
            assert_eq!(
                (f.outcome, f.severity),
                (Outcome::Warn, Severity::Medium),
                "{path}"
            );
            assert!(f.message.contains("lower severity"));
        }
    }
    let k = hits(&out, "secrets.private-key");
    assert_eq!(k.len(), 1);
    assert_eq!(
        (k[0].outcome, k[0].severity),
        (Outcome::Warn, Severity::Medium)
    );
}

/// Rust unit tests sit in the source file: a key inside a `#[cfg(test)]` module or a
/// `#[test]`-style function is test data (lowered); one after a `#[cfg(test)] use …;` is not.
#[test]
fn rust_cfg_test_modules_are_lowered() {
    let mut g = Gen(97);
    let (a, b, c, d) = (
        aws_key(&mut g),
        aws_key(&mut g),
        aws_key(&mut g),
        aws_key(&mut g),
    );
    let src = format!(
        "pub const PROD: &str = \"{a}\";\n\
         \n\
         #[cfg(test)]\n\
         #[allow(dead_code)]\n\
         mod tests {{\n\
         \x20   // a brace in a comment {{ and in a string \"}}\" must not end the module\n\
         \x20   const FIXTURE: &str = \"{b}\";\n\
         \x20   #[test]\n\
         \x20   fn t() {{ assert!(!FIXTURE.is_empty()); }}\n\
         }}\n\
         \n\
         #[cfg(test)]\n\
         use std::fmt;\n\
         pub const ALSO_PROD: &str = \"{c}\";\n\
         \n\
         #[tokio::test(flavor = \"multi_thread\")]\n\
         async fn in_a_test_fn() {{ let k = \"{d}\"; assert!(!k.is_empty()); }}\n"
    );
    let dir = repo(&[
        (
            "Cargo.toml",
            "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
        ),
        ("src/lib.rs", &src),
    ]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 4, "{h:#?}");
    let by_line: Vec<(u32, Outcome)> = h
        .iter()
        .map(|f| (f.primary_location().unwrap().1.unwrap(), f.outcome))
        .collect();
    assert!(by_line.contains(&(1, Outcome::Fail)), "{by_line:?}");
    assert!(by_line.contains(&(7, Outcome::Warn)), "{by_line:?}");
    assert!(by_line.contains(&(14, Outcome::Fail)), "{by_line:?}");
    assert!(by_line.contains(&(17, Outcome::Warn)), "{by_line:?}");
    assert_masked(&out, &[&a, &b, &c, &d]);
}

#[test]
fn inline_suppression_with_reason_applies() {
    let mut g = Gen(89);
    let key = aws_key(&mut g);
    let other = aws_key(&mut g);
    let dir = repo(&[(
        "src/app.py",
        &format!(
            "# golive-ignore: secrets.hardcoded -- revoked key kept for the replay test\n\
             OLD = \"{key}\"\n\
             # golive-ignore: secrets.hardcoded\n\
             NEW = \"{other}\"\n"
        ),
    )]);
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 2);
    let old = h
        .iter()
        .find(|f| f.primary_location() == Some(("src/app.py", Some(2))))
        .expect("line 2");
    let s = old.suppressed.as_ref().expect("suppressed");
    assert_eq!(s.reason, "revoked key kept for the replay test");
    // Without a reason the suppression does not apply.
    let new = h
        .iter()
        .find(|f| f.primary_location() == Some(("src/app.py", Some(4))))
        .expect("line 4");
    assert!(new.suppressed.is_none());
}

#[test]
fn non_utf8_and_binary_files_do_not_crash() {
    let mut g = Gen(97);
    let key = aws_key(&mut g);
    let dir = repo(&[]);
    // Latin-1 text with a key in it: still scanned.
    let mut latin1 = b"# caf\xe9 \xff\xfe settings\nKEY = \"".to_vec();
    latin1.extend_from_slice(key.as_bytes());
    latin1.extend_from_slice(b"\"\npassword = \"\xe9\xe9\xe9\"\n");
    std::fs::write(dir.path().join("legacy.py"), &latin1).expect("write");
    // A binary file with a NUL and a token-looking string: skipped, not a finding.
    let mut bin = vec![0u8, 1, 2, 3, 255, 0];
    bin.extend_from_slice(key.as_bytes());
    std::fs::write(dir.path().join("blob.bin"), &bin).expect("write");
    // Lone keyword bytes at the very end of a file, multi-byte characters around keywords.
    std::fs::write(dir.path().join("edge.py"), "é token = \"é\nsk_live_é\nghp_").expect("write");
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 1, "{h:#?}");
    assert_eq!(h[0].primary_location(), Some(("legacy.py", Some(2))));
    assert!(out.skipped.iter().any(|s| s.path == "blob.bin"));
    assert_masked(&out, &[&key]);
}

#[test]
fn django_secret_key_literal_fails_and_says_it_is_short() {
    let out = run(&fixture("django-literal"));
    let d = hits(&out, "secrets.django-secret-key");
    assert_eq!(d.len(), 1, "{:#?}", out.findings);
    assert_eq!(d[0].outcome, Outcome::Fail);
    assert_eq!(
        d[0].primary_location(),
        Some(("mysite/settings.py", Some(4)))
    );
    assert!(
        d[0].message.contains("shorter than the 50 characters"),
        "{}",
        d[0].message
    );
    assert!(d[0].message.contains("django-insecure-"));
    // Not reported a second time by the generic rule.
    assert!(
        hits(&out, "secrets.hardcoded").is_empty(),
        "{:#?}",
        out.findings
    );
    assert_masked(&out, &["django-insecure-k2#9v!x7q@l4z&m1p8"]);
}

#[test]
fn django_secret_key_from_environment_passes() {
    let out = run(&fixture("django-env"));
    let d = of(&out, "secrets.django-secret-key");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].outcome, Outcome::Pass, "{d:#?}");
}

/// `SECRET_KEY = os.environ.get("…", "literal")`: the default is the key whenever the variable
/// is missing (a forgotten variable in production silently runs on the committed key).
#[test]
fn django_secret_key_env_lookup_with_a_literal_default_fails() {
    let cases = [
        (
            "SECRET_KEY = os.environ.get(\"DJANGO_SECRET_KEY\", \"django-insecure-q8#vz!k3m@x2p7\")\n",
            Some("django-insecure-q8#vz!k3m@x2p7"),
        ),
        (
            "SECRET_KEY = os.getenv('SECRET_KEY', 'Xk29fLq0pZ8vR4mN7bT1cY6wE3sA5dG9hJ2kL8nB4vC7xZ1qW')\n",
            Some("Xk29fLq0pZ8vR4mN7bT1cY6wE3sA5dG9hJ2kL8nB4vC7xZ1qW"),
        ),
        (
            "SECRET_KEY = env(\"SECRET_KEY\", default=\"p4Rt9-wQz81mXc_7vBn3kL0s\")\n",
            Some("p4Rt9-wQz81mXc_7vBn3kL0s"),
        ),
        // no default, an empty one, a placeholder: nothing committed
        ("SECRET_KEY = os.environ.get(\"SECRET_KEY\")\n", None),
        ("SECRET_KEY = os.environ.get(\"SECRET_KEY\", \"\")\n", None),
        (
            "SECRET_KEY = env(\"SECRET_KEY\", default=\"changeme\")\n",
            None,
        ),
        // the default is an expression, not a literal
        (
            "SECRET_KEY = os.getenv(\"SECRET_KEY\", get_random_secret_key())\n",
            None,
        ),
    ];
    for (line, secret) in cases {
        let settings = format!("import os\n\n{line}DEBUG = False\n");
        let dir = repo(&[
            ("requirements.txt", "django==5.1\n"),
            (
                "manage.py",
                "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
            ),
            ("mysite/settings.py", &settings),
        ]);
        let out = run(dir.path());
        let d = of(&out, "secrets.django-secret-key");
        match secret {
            Some(v) => {
                assert_eq!(d.len(), 1, "{line}: {d:#?}");
                assert_eq!(d[0].outcome, Outcome::Fail, "{line}");
                assert_eq!(
                    d[0].primary_location(),
                    Some(("mysite/settings.py", Some(3))),
                    "{line}"
                );
                assert!(
                    d[0].message.contains("falls back to a literal"),
                    "{}",
                    d[0].message
                );
                assert_masked(&out, &[v]);
            }
            None => {
                assert_eq!(d.len(), 1, "{line}: {d:#?}");
                assert_eq!(d[0].outcome, Outcome::Pass, "{line}: {d:#?}");
            }
        }
    }
}

#[test]
fn secret_key_outside_django_is_generic() {
    let mut g = Gen(101);
    let v = g.string(B62, 50);
    let dir = repo(&[
        ("requirements.txt", "flask==3.0\n"),
        ("app.py", &format!("SECRET_KEY = \"{v}\"\n")),
    ]);
    let out = run(dir.path());
    let d = of(&out, "secrets.django-secret-key");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].outcome, Outcome::NotApplicable);
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 1, "{h:#?}");
    assert!(h[0].message.contains("`SECRET_KEY`"));
    assert_masked(&out, &[&v]);
}

#[test]
fn files_that_could_hold_a_key_and_were_not_read_keep_the_checks_from_passing() {
    let mut g = Gen(4242);
    let key = aws_key(&mut g);
    let dir = repo(&[("app.py", "print('hello')\n")]);
    // A settings dump over the size limit with a key at its end.
    let mut big = "# generated\n".repeat(200);
    big.push_str(&format!("AWS_ACCESS_KEY_ID = \"{key}\"\n"));
    std::fs::write(dir.path().join("settings.env"), &big).expect("write");
    // The same key in a UTF-16LE .env (as a Windows editor saves it): NUL bytes, but text.
    let mut utf16 = vec![0xff, 0xfe];
    for u in format!("AWS_ACCESS_KEY_ID={key}\r\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.path().join("win.env"), &utf16).expect("write");
    // Binary formats secret scanners do not read: not holes in the scan.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(std::iter::repeat_n(7u8, 4000));
    std::fs::write(dir.path().join("logo.png"), &png).expect("write");
    std::fs::write(dir.path().join("blob.bin"), [0u8, 1, 2, 3, 0, 9]).expect("write");

    let mut opts = ScanOptions::new(dir.path());
    opts.scan.max_file_size = 2048;
    let out = scan(&opts).expect("scan");
    for id in ["secrets.hardcoded", "secrets.private-key"] {
        let f = of(&out, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!(f[0].outcome, Outcome::Inconclusive, "{id}: {f:#?}");
        let m = &f[0].message;
        assert!(
            m.starts_with("could not decide: 2 file(s) that could hold a credential were not read"),
            "{m}"
        );
        assert!(
            m.contains("settings.env (larger than the 2048-byte limit"),
            "{m}"
        );
        assert!(
            m.contains("win.env (binary file (UTF-16 text, not decoded))"),
            "{m}"
        );
        assert!(!m.contains("logo.png") && !m.contains("blob.bin"), "{m}");
    }
    // No Python file was skipped: the Django check (not a Django project here) is unaffected.
    assert_eq!(
        of(&out, "secrets.django-secret-key")[0].outcome,
        Outcome::NotApplicable
    );

    // The correct side: read in full, the large file's key is found; without the UTF-16 file
    // and with only binary formats left unread, the checks decide.
    std::fs::remove_file(dir.path().join("win.env")).expect("rm");
    let out = run(dir.path());
    let h = hits(&out, "secrets.hardcoded");
    assert_eq!(h.len(), 1, "{:#?}", of(&out, "secrets.hardcoded"));
    assert_eq!(h[0].primary_location().map(|l| l.0), Some("settings.env"));
    assert!(
        of(&out, "secrets.hardcoded")
            .iter()
            .all(|f| f.outcome != Outcome::Inconclusive)
    );
    assert_eq!(of(&out, "secrets.private-key")[0].outcome, Outcome::Pass);
    assert!(out.skipped.iter().any(|s| s.path == "logo.png"));
    assert_masked(&out, &[&key]);
}

#[test]
fn test_and_example_directories_named_with_other_words_are_test_data() {
    // The same key in the service's code fails; in a C#-style test project, an example-config
    // folder or an HTTP request scratchpad it is test data (a warning, never critical).
    let key = "q8Vn3Lz7Tr1Wm5KpXw2Hc9Jd4Ry6Bt0Ns";
    let aws = aws_key(&mut Gen(97));
    let line = format!("api_key = \"{key}\"\nX-Aws-Key: {aws}\n");
    for place in [
        "csharp/Svix.Tests/Config.py",
        "example_configs/service.toml",
        "backend/api.rest",
    ] {
        let dir = repo(&[(place, line.as_str())]);
        let out = run(dir.path());
        let h = hits(&out, "secrets.hardcoded");
        assert!(!h.is_empty(), "{place}: not found at all");
        assert!(
            h.iter()
                .all(|f| f.outcome == Outcome::Warn && f.severity < Severity::Critical),
            "{place}: {h:#?}"
        );
    }
    let dir = repo(&[("src/config.py", line.as_str())]);
    let out = run(dir.path());
    assert!(
        hits(&out, "secrets.hardcoded")
            .iter()
            .any(|f| f.outcome == Outcome::Fail),
        "the service's own code must still fail"
    );
}
