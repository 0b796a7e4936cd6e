//! The checks, and the order they run in: one request to see whether the service answers, then
//! every group concurrently (health → latency, transport and TLS, CORS, access control,
//! exposure, efficiency), then error hygiene over every error answer seen, the Observatory
//! grade, and last the optional rate-limit burst (so that it cannot disturb the latency figures).

use crate::client::{Client, Exchange, FetchError, excerpt};
use crate::observatory::{self, ObsTest, Observatory};
use crate::tls::{self, ChainVerdict, LegacyReply};
use crate::{ProbeOptions, ProbeOutput};
use bytes::Bytes;
use golive_core::{Catalog, Evidence, Finding, Outcome, Severity};
use http::Method;
use regex::Regex;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use url::Url;

/// The foreign origin sent in CORS requests.
pub const FOREIGN_ORIGIN: &str = "https://golive-probe.invalid";

/// Health paths tried on every service.
pub const HEALTH_PATHS: &[&str] = &[
    "/health",
    "/healthz",
    "/health/live",
    "/health/ready",
    "/health/startup",
    "/livez",
    "/readyz",
    "/api/health",
    "/ready",
    "/status",
];

struct Ctx {
    opts: ProbeOptions,
    client: Client,
    catalog: &'static Catalog,
    /// The base every path is resolved against: the URL given, moved to the scheme, host and
    /// port the service redirected to (an http:// URL that redirects to https:// is audited on
    /// https://).
    base: Url,
    /// The URL as given (the transport checks look at its first answer).
    requested: Url,
    /// Error answers (status ≥ 400) seen by any check, and any answer whose body shows a stack
    /// trace or debug page whatever its status, for the error-hygiene scan.
    errors: Mutex<Vec<Exchange>>,
}

impl Ctx {
    fn finding(&self, id: &str, outcome: Outcome, msg: impl Into<String>) -> Finding {
        Finding::new(self.catalog.check(id), outcome, msg)
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap_or_else(|_| self.base.clone())
    }

    fn remember(&self, ex: &Exchange) {
        let leaks = || {
            let head = &ex.body[..ex.body.len().min(64 * 1024)];
            !head.is_empty() && detect_leak(&String::from_utf8_lossy(head)).is_some()
        };
        if (ex.status >= 400 || leaks())
            && let Ok(mut e) = self.errors.lock()
            && e.len() < 64
        {
            e.push(ex.clone());
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<Exchange, FetchError> {
        let r = self.client.send(method, url, headers, body).await;
        if let Ok(ex) = &r {
            self.remember(ex);
        }
        r
    }

    async fn get(&self, url: &Url) -> Result<Exchange, FetchError> {
        self.send(Method::GET, url, &[], None).await
    }
}

/// A value that differs between runs, for paths that must not exist.
fn nonce() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{n:x}")
}

fn note(text: impl Into<String>) -> Evidence {
    Evidence::note(text)
}

fn fetch_error_evidence(method: &str, url: &Url, e: &FetchError) -> Evidence {
    Evidence::Http {
        method: method.to_string(),
        url: url.to_string(),
        status: None,
        request_headers: Vec::new(),
        response_headers: Vec::new(),
        body_excerpt: Some(e.to_string()),
        elapsed_ms: None,
    }
}

/// Runs every check. Whatever the server sent back is masked ([`golive_core::secrets`]): the
/// values golive sent (headers, token, URL credentials) wherever they show, and secrets in
/// every body excerpt.
pub async fn run_all(opts: &ProbeOptions, catalog: &'static Catalog) -> ProbeOutput {
    let mut opts = opts.clone();
    if opts.token.is_none() {
        opts.resolve_token();
    }
    let redactor = opts.redactor();
    let mut out = run_checks(opts, catalog).await;
    for f in &mut out.findings {
        redactor.finding(f);
    }
    out.url = redactor.redact(&golive_core::secrets::strip_userinfo(&out.url));
    out
}

async fn run_checks(opts: ProbeOptions, catalog: &'static Catalog) -> ProbeOutput {
    let client = Client::new(opts.timeout, opts.headers.clone());
    let ctx = Arc::new(Ctx {
        base: opts.url.clone(),
        requested: opts.url.clone(),
        opts,
        client,
        catalog,
        errors: Mutex::new(Vec::new()),
    });
    let mut findings: Vec<Finding> = Vec::new();

    // 1. Does it answer at all?
    let (chain, not_followed) = match ctx
        .client
        .follow(&ctx.base, 10, &ctx.opts.follow_redirects_to)
        .await
    {
        Ok(c) => c,
        Err(e) => {
            findings.push(
                ctx.finding(
                    "probe.reachable",
                    Outcome::Fail,
                    format!("the service does not answer: {e}"),
                )
                .with_evidence(fetch_error_evidence("GET", &ctx.base, &e)),
            );
            // A TLS failure still deserves the TLS verdicts (certificate, legacy protocols).
            let mut tls_findings = Vec::new();
            if matches!(e, FetchError::Tls { .. }) && ctx.base.scheme() == "https" {
                tls_findings = tls_checks(&ctx, &ctx.base).await;
            }
            let covered: Vec<String> = tls_findings.iter().map(|f| f.check.clone()).collect();
            findings.extend(tls_findings);
            for id in crate::CHECK_IDS
                .iter()
                .filter(|i| **i != "probe.reachable" && !covered.iter().any(|c| c == *i))
            {
                findings.push(ctx.finding(
                    id,
                    Outcome::Inconclusive,
                    format!("not checked: {} did not answer", ctx.base),
                ));
            }
            return ProbeOutput {
                url: ctx.base.to_string(),
                findings,
                observatory: None,
            };
        }
    };
    let Some(page) = chain.last().cloned() else {
        // `follow` always returns at least one exchange on success.
        return ProbeOutput {
            url: ctx.base.to_string(),
            findings,
            observatory: None,
        };
    };
    let ctx = if page.url.origin() != ctx.requested.origin() {
        let mut effective = ctx.requested.clone();
        let _ = effective.set_scheme(page.url.scheme());
        let _ = effective.set_host(page.url.host_str());
        let _ = effective.set_port(page.url.port());
        Arc::new(Ctx {
            opts: ctx.opts.clone(),
            client: ctx.client.clone(),
            catalog: ctx.catalog,
            base: effective,
            requested: ctx.requested.clone(),
            errors: Mutex::new(Vec::new()),
        })
    } else {
        ctx
    };
    for ex in &chain {
        ctx.remember(ex);
    }
    let reach = if page.status >= 500 || not_followed.is_some() {
        Outcome::Warn
    } else {
        Outcome::Pass
    };
    let mut msg = format!(
        "{} answers {} in {} ms",
        ctx.requested,
        page.status,
        page.elapsed.as_millis()
    );
    if let Some(next) = &not_followed {
        msg.push_str(&format!(
            ": its redirect to {next} was not followed ({}); the audit covers {} only (give --follow-redirects-to {} to follow it)",
            if next.host_str() == page.url.host_str() {
                "from https to http"
            } else {
                "another host"
            },
            ctx.requested.host_str().unwrap_or(""),
            next.host_str().unwrap_or("")
        ));
    }
    let mut f = ctx.finding("probe.reachable", reach, msg);
    for ex in &chain {
        f = f.with_evidence(ex.evidence(&["location", "server", "content-type"], false));
    }
    findings.push(f);

    // 2. Every group at once.
    let (health_latency, transport, cors, auth, exposure, efficiency) = tokio::join!(
        async {
            let (mut f, targets) = health(&ctx).await;
            f.extend(latency(&ctx, &page, targets).await);
            f
        },
        transport(&ctx, &chain),
        cors(&ctx),
        auth(&ctx),
        exposure(&ctx),
        efficiency(&ctx, &page),
    );
    findings.extend(health_latency);
    let (transport_findings, redirection) = transport;
    findings.extend(transport_findings);
    let (cors_findings, cors_exchange) = cors;
    findings.extend(cors_findings);
    findings.extend(auth);
    findings.extend(exposure);
    findings.extend(efficiency);

    // 3. Error pages (after everything else so that every error answer is scanned).
    findings.extend(errors(&ctx, &page).await);

    // 4. The Observatory grade of the page.
    let https = page.url.scheme() == "https";
    let grade = observatory::grade(&observatory::Input {
        page: &page,
        https,
        behind_tls_proxy: ctx.opts.behind_tls_proxy,
        redirection,
        cors: cors_exchange.as_ref(),
    });
    findings.extend(observatory_findings(&ctx, &page, &grade));

    // 5. The burst, last.
    findings.extend(rate_limit(&ctx).await);

    ProbeOutput {
        url: ctx.base.to_string(),
        findings,
        observatory: Some(grade),
    }
}

// ---------------------------------------------------------------- health, readiness, latency

fn is_healthy_answer(ex: &Exchange) -> bool {
    (200..300).contains(&ex.status)
        && (ex.is_json()
            || ex.content_type().starts_with("text/plain")
            || (!ex.is_html() && ex.body.len() <= 512))
}

/// Whether a health body lists its dependencies.
pub fn reports_dependencies(body: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    const KEYS: &[&str] = &[
        "checks",
        "dependencies",
        "components",
        "details",
        "services",
        "database",
        "db",
        "redis",
        "cache",
        "deps",
        "entries",
        "results",
    ];
    let nested = |v: &serde_json::Value| match v {
        serde_json::Value::Object(o) => !o.is_empty(),
        serde_json::Value::Array(a) => !a.is_empty(),
        serde_json::Value::String(_) | serde_json::Value::Bool(_) => true,
        _ => false,
    };
    map.iter()
        .any(|(k, v)| KEYS.contains(&k.to_ascii_lowercase().as_str()) && nested(v))
        || map.values().filter(|v| v.is_object()).count() >= 2
}

async fn health(ctx: &Arc<Ctx>) -> (Vec<Finding>, Vec<Url>) {
    let mut paths: Vec<String> = HEALTH_PATHS.iter().map(|s| s.to_string()).collect();
    for p in &ctx.opts.health {
        if !paths.contains(p) {
            paths.push(p.clone());
        }
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, p) in paths.iter().enumerate() {
        let ctx = ctx.clone();
        let url = ctx.url(p);
        set.spawn(async move { (i, url.clone(), ctx.get(&url).await) });
    }
    // What an unknown path answers: a health path answering the same is a soft 404, not a
    // health endpoint.
    let soft = ctx
        .client
        .get(&ctx.url(&format!("/golive-probe-{}-health-baseline", nonce())))
        .await
        .ok();
    let mut results: Vec<(usize, Url, Result<Exchange, FetchError>)> = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(r) = r {
            results.push(r);
        }
    }
    results.sort_by_key(|r| r.0);
    let is_soft404 = |ex: &Exchange| {
        soft.as_ref()
            .is_some_and(|s| s.status == ex.status && s.body == ex.body)
    };

    let mut out = Vec::new();
    let mut healthy: Vec<&Exchange> = Vec::new();
    let mut not_ready: Vec<&Exchange> = Vec::new();
    let mut slow: Vec<&Exchange> = Vec::new();
    for (i, url, r) in &results {
        let configured = ctx.opts.health.contains(&paths[*i]);
        match r {
            Ok(ex) if is_healthy_answer(ex) && !is_soft404(ex) => {
                if ex.elapsed > Duration::from_secs(1) {
                    slow.push(ex);
                } else {
                    healthy.push(ex);
                }
            }
            Ok(ex) if ex.status == 503 => not_ready.push(ex),
            Ok(ex) if configured => out.push(
                ctx.finding(
                    "probe.health",
                    Outcome::Fail,
                    format!(
                        "configured health path {} answers {} instead of 200 with a status",
                        paths[*i], ex.status
                    ),
                )
                .with_evidence(ex.evidence(&["content-type"], true)),
            ),
            Err(e) if configured => out.push(
                ctx.finding(
                    "probe.health",
                    Outcome::Fail,
                    format!("configured health path {} did not answer: {e}", paths[*i]),
                )
                .with_evidence(fetch_error_evidence("GET", url, e)),
            ),
            _ => {}
        }
    }
    for ex in &healthy {
        out.push(
            ctx.finding(
                "probe.health",
                Outcome::Pass,
                format!(
                    "{} answers {} in {} ms",
                    ex.url.path(),
                    ex.status,
                    ex.elapsed.as_millis()
                ),
            )
            .with_evidence(ex.evidence(&["content-type"], true)),
        );
    }
    for ex in &slow {
        out.push(
            ctx.finding(
                "probe.health",
                if healthy.is_empty() {
                    Outcome::Warn
                } else {
                    Outcome::Pass
                },
                format!(
                    "{} answers {} but takes {} ms (more than 1 s): an orchestrator's probe may time out",
                    ex.url.path(),
                    ex.status,
                    ex.elapsed.as_millis()
                ),
            )
            .with_evidence(ex.evidence(&["content-type"], true)),
        );
    }
    let no_answer: Vec<String> = results
        .iter()
        .filter_map(|(i, _, r)| r.as_ref().err().map(|e| format!("{}: {e}", paths[*i])))
        .collect();
    if healthy.is_empty() && slow.is_empty() {
        if not_ready.is_empty() && no_answer.len() == results.len() && !results.is_empty() {
            // Not one answer: whether a health endpoint exists is unknown, not absent.
            out.push(
                ctx.finding(
                    "probe.health",
                    Outcome::Inconclusive,
                    format!(
                        "none of the {} health paths answered: cannot tell whether a health endpoint exists ({})",
                        results.len(),
                        no_answer.first().cloned().unwrap_or_default()
                    ),
                )
                .with_evidence(note(format!("no answer: {}", no_answer.join("; ")))),
            );
        } else if not_ready.is_empty() {
            out.push(
                ctx.finding(
                    "probe.health",
                    Outcome::Fail,
                    "no health endpoint answers 200 with a JSON or text status",
                )
                .with_evidence(note(format!(
                    "tried {} (add yours with --health PATH){}",
                    paths.join(", "),
                    if no_answer.is_empty() {
                        String::new()
                    } else {
                        format!("; no answer: {}", no_answer.join("; "))
                    }
                ))),
            );
        } else {
            for ex in &not_ready {
                out.push(
                    ctx.finding(
                        "probe.health",
                        Outcome::Fail,
                        format!(
                            "{} answers 503: the service reports itself not healthy",
                            ex.url.path()
                        ),
                    )
                    .with_evidence(ex.evidence(&["content-type", "retry-after"], true)),
                );
            }
        }
    }

    // Readiness: an endpoint named for readiness, or any health answer listing dependencies.
    let readiness: Vec<&Exchange> = healthy
        .iter()
        .chain(slow.iter())
        .chain(not_ready.iter())
        .copied()
        .filter(|e| e.url.path().contains("ready"))
        .collect();
    if let Some(ex) = not_ready.iter().find(|e| e.url.path().contains("ready")) {
        out.push(
            ctx.finding(
                "probe.readiness",
                Outcome::Fail,
                format!(
                    "{} answers 503: the service reports itself not ready (a load balancer would send it no traffic)",
                    ex.url.path()
                ),
            )
            .with_evidence(ex.evidence(&["content-type", "retry-after"], true)),
        );
    } else if let Some(ex) = readiness
        .iter()
        .chain(healthy.iter())
        .find(|e| reports_dependencies(&e.body_text()))
    {
        out.push(
            ctx.finding(
                "probe.readiness",
                Outcome::Pass,
                format!("{} reports the state of its dependencies", ex.url.path()),
            )
            .with_evidence(ex.evidence(&["content-type"], true)),
        );
    } else if let Some(ex) = readiness.first() {
        out.push(
            ctx.finding(
                "probe.readiness",
                Outcome::Warn,
                format!(
                    "{} answers {} but does not report its dependencies (database, cache, queues)",
                    ex.url.path(),
                    ex.status
                ),
            )
            .with_evidence(ex.evidence(&["content-type"], true)),
        );
    } else if no_answer.len() == results.len() && !results.is_empty() {
        out.push(
            ctx.finding(
                "probe.readiness",
                Outcome::Inconclusive,
                format!(
                    "none of the {} health and readiness paths answered: cannot tell whether a readiness endpoint exists",
                    results.len()
                ),
            )
            .with_evidence(note(format!("no answer: {}", no_answer.join("; ")))),
        );
    } else {
        out.push(
            ctx.finding(
                "probe.readiness",
                Outcome::Fail,
                "no readiness endpoint (/health/ready, /readyz, /ready) and no health answer that reports dependencies",
            )
            .with_evidence(note(format!("tried {}", paths.join(", ")))),
        );
    }
    let targets = healthy.iter().map(|e| e.url.clone()).take(3).collect();
    (out, targets)
}

/// p-th percentile (nearest rank) of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn latency(ctx: &Arc<Ctx>, page: &Exchange, mut targets: Vec<Url>) -> Vec<Finding> {
    if !targets.contains(&page.url) {
        targets.insert(0, page.url.clone());
    }
    for p in &ctx.opts.protected {
        if ctx.opts.token.is_some() {
            targets.push(ctx.url(p));
        }
    }
    let samples = ctx.opts.latency_samples.max(1);
    let policy = ctx.opts.latency;
    let mut set = tokio::task::JoinSet::new();
    for (i, url) in targets.into_iter().enumerate() {
        let ctx = ctx.clone();
        set.spawn(async move {
            let mut ms: Vec<f64> = Vec::with_capacity(samples);
            let mut errors: Vec<String> = Vec::new();
            let auth = ctx.opts.token.as_ref().map(|t| format!("Bearer {t}"));
            for _ in 0..samples {
                let start = Instant::now();
                let headers: Vec<(&str, &str)> =
                    match (&auth, ctx.opts.protected.iter().any(|p| url.path() == p)) {
                        (Some(a), true) => vec![("Authorization", a.as_str())],
                        _ => Vec::new(),
                    };
                match ctx.client.send(Method::GET, &url, &headers, None).await {
                    Ok(_) => ms.push(start.elapsed().as_secs_f64() * 1000.0),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (i, url, ms, errors)
        });
    }
    let mut rows = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(r) = r {
            rows.push(r);
        }
    }
    rows.sort_by_key(|r| r.0);
    let mut out = Vec::new();
    for (_, url, mut ms, errors) in rows {
        if ms.is_empty() {
            out.push(ctx.finding(
                "probe.latency",
                Outcome::Error,
                format!(
                    "{url}: every latency sample failed: {}",
                    errors.first().cloned().unwrap_or_default()
                ),
            ));
            continue;
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        let p50 = percentile(&ms, 50.0);
        let p95 = percentile(&ms, 95.0);
        let max = ms.last().copied().unwrap_or(0.0);
        let mean = ms.iter().sum::<f64>() / ms.len() as f64;
        let p95_warn = policy.p95_warn.as_secs_f64() * 1000.0;
        let mean_fail = policy.mean_fail.as_secs_f64() * 1000.0;
        let mean_crit = policy.mean_critical.as_secs_f64() * 1000.0;
        let (outcome, severity, verdict) = if mean > mean_crit {
            (
                Outcome::Fail,
                Some(Severity::Critical),
                format!("mean above {mean_crit:.0} ms"),
            )
        } else if mean > mean_fail {
            (Outcome::Fail, None, format!("mean above {mean_fail:.0} ms"))
        } else if p95 >= p95_warn {
            (
                Outcome::Warn,
                None,
                format!("p95 at or above {p95_warn:.0} ms"),
            )
        } else {
            (Outcome::Pass, None, format!("p95 below {p95_warn:.0} ms"))
        };
        let mut msg = format!(
            "{}: {} sequential requests: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms, mean {mean:.1} ms ({verdict})",
            url.path(),
            ms.len()
        );
        if !errors.is_empty() {
            msg.push_str(&format!(
                "; {} request(s) failed: {}",
                errors.len(),
                errors[0]
            ));
        }
        let mut f = ctx
            .finding("probe.latency", outcome, msg)
            .with_evidence(Evidence::metric(
                format!("p95 {}", url.path()),
                round2(p95),
                Some("ms"),
                Some(format!("< {p95_warn:.0} ms")),
            ))
            .with_evidence(Evidence::metric(
                format!("mean {}", url.path()),
                round2(mean),
                Some("ms"),
                Some(format!("<= {mean_fail:.0} ms")),
            ))
            .with_evidence(Evidence::metric(
                format!("p50 {}", url.path()),
                round2(p50),
                Some("ms"),
                None,
            ))
            .with_evidence(Evidence::metric(
                format!("max {}", url.path()),
                round2(max),
                Some("ms"),
                None,
            ));
        if let Some(s) = severity {
            f = f.with_severity(s);
        }
        out.push(f);
    }
    out
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

// ---------------------------------------------------------------- transport

fn obs(result: &'static str, modifier: i32, detail: impl Into<String>) -> ObsTest {
    ObsTest {
        name: "redirection",
        check: "probe.https-redirect",
        result,
        modifier,
        scored: true,
        detail: detail.into(),
        headers: &["location"],
    }
}

async fn transport(ctx: &Arc<Ctx>, chain: &[Exchange]) -> (Vec<Finding>, Option<ObsTest>) {
    let mut out = Vec::new();
    let tls_ids = [
        "probe.tls-certificate",
        "probe.tls-expiry",
        "probe.tls-legacy-protocols",
    ];
    if ctx.requested.scheme() == "http" && ctx.opts.behind_tls_proxy {
        for id in std::iter::once("probe.https-redirect").chain(tls_ids) {
            out.push(ctx.finding(
                id,
                Outcome::NotApplicable,
                "plain-HTTP service behind a TLS proxy (--behind-tls-proxy): check the proxy's address instead",
            ));
        }
        return (out, None);
    }
    let mut redirection = None;
    let https_url: Option<Url> = if ctx.requested.scheme() == "http" {
        let first = &chain[0];
        let loc = first.location().filter(|_| first.is_redirect());
        let last = chain.last().unwrap_or(first);
        let ev = first.evidence(&["location"], false);
        match loc {
            Some(l) if l.scheme() == "https" => {
                let same_host = l.host_str() == ctx.requested.host_str();
                let permanent = matches!(first.status, 301 | 308);
                let (outcome, msg) = match (same_host, permanent) {
                    (true, true) => (
                        Outcome::Pass,
                        format!(
                            "HTTP redirects to HTTPS on the same host ({} → {l})",
                            first.status
                        ),
                    ),
                    (true, false) => (
                        Outcome::Warn,
                        format!(
                            "HTTP redirects to HTTPS with a temporary {} (use 301 or 308 so clients remember it)",
                            first.status
                        ),
                    ),
                    (false, _) => (
                        Outcome::Warn,
                        format!(
                            "HTTP redirects to HTTPS on another host ({l}): HSTS set by that host does not cover this one"
                        ),
                    ),
                };
                redirection = Some(if same_host {
                    obs("redirection-to-https", 0, format!("→ {l}"))
                } else {
                    obs("redirection-off-host-from-http", -5, format!("→ {l}"))
                });
                out.push(
                    ctx.finding("probe.https-redirect", outcome, msg)
                        .with_evidence(ev),
                );
                if crate::client::may_follow(&ctx.requested, &l, &ctx.opts.follow_redirects_to) {
                    Some(l)
                } else {
                    for id in tls_ids {
                        out.push(ctx.finding(
                            id,
                            Outcome::Inconclusive,
                            format!(
                                "not checked: HTTPS is on another host ({}), which golive does not contact without --follow-redirects-to {}",
                                l.host_str().unwrap_or(""),
                                l.host_str().unwrap_or("")
                            ),
                        ));
                    }
                    return (out, redirection);
                }
            }
            Some(l) => {
                let final_https = last.url.scheme() == "https";
                let (outcome, r) = if final_https {
                    (
                        Outcome::Warn,
                        obs(
                            "redirection-not-to-https-on-initial-redirection",
                            -10,
                            format!("first hop → {l}"),
                        ),
                    )
                } else {
                    (
                        Outcome::Fail,
                        obs(
                            "redirection-not-to-https",
                            -20,
                            format!("ends at {}", last.url),
                        ),
                    )
                };
                out.push(
                    ctx.finding(
                        "probe.https-redirect",
                        outcome,
                        format!("HTTP redirects to {l}, not straight to HTTPS on the same host"),
                    )
                    .with_evidence(ev),
                );
                redirection = Some(r);
                final_https.then(|| last.url.clone())
            }
            None => {
                redirection = Some(obs("redirection-missing", -20, "no redirect to HTTPS"));
                out.push(
                    ctx.finding(
                        "probe.https-redirect",
                        Outcome::Fail,
                        format!(
                            "{} answers {} over plain HTTP instead of redirecting to HTTPS (or pass --behind-tls-proxy when a TLS proxy fronts it)",
                            ctx.requested, first.status
                        ),
                    )
                    .with_evidence(ev),
                );
                None
            }
        }
    } else {
        // HTTPS base: is the plain-HTTP address redirected? Only derivable on the default port.
        if ctx.requested.port().is_none() {
            let mut http_url = ctx.requested.clone();
            let _ = http_url.set_scheme("http");
            match ctx.client.get(&http_url).await {
                Ok(ex) => {
                    let loc = ex.location().filter(|_| ex.is_redirect());
                    match loc {
                        Some(l)
                            if l.scheme() == "https"
                                && l.host_str() == ctx.requested.host_str() =>
                        {
                            let (o, m) = if matches!(ex.status, 301 | 308) {
                                (
                                    Outcome::Pass,
                                    format!("{http_url} redirects to {l} ({})", ex.status),
                                )
                            } else {
                                (
                                    Outcome::Warn,
                                    format!(
                                        "{http_url} redirects to {l} with a temporary {}",
                                        ex.status
                                    ),
                                )
                            };
                            redirection = Some(obs("redirection-to-https", 0, format!("→ {l}")));
                            out.push(
                                ctx.finding("probe.https-redirect", o, m)
                                    .with_evidence(ex.evidence(&["location"], false)),
                            );
                        }
                        _ => {
                            redirection =
                                Some(obs("redirection-missing", -20, "no redirect to HTTPS"));
                            out.push(
                                ctx.finding(
                                    "probe.https-redirect",
                                    Outcome::Fail,
                                    format!(
                                        "{http_url} answers {} without redirecting to HTTPS",
                                        ex.status
                                    ),
                                )
                                .with_evidence(ex.evidence(&["location"], false)),
                            );
                        }
                    }
                }
                Err(FetchError::Refused { .. })
                | Err(FetchError::Timeout { .. })
                | Err(FetchError::Connect { .. }) => {
                    redirection = Some(obs(
                        "redirection-not-needed-no-http",
                        0,
                        "no plain-HTTP listener",
                    ));
                    out.push(ctx.finding(
                        "probe.https-redirect",
                        Outcome::Pass,
                        format!("{http_url} does not answer: no plain-HTTP listener to redirect"),
                    ));
                }
                Err(e) => out.push(
                    ctx.finding(
                        "probe.https-redirect",
                        Outcome::Inconclusive,
                        format!("cannot check the plain-HTTP address: {e}"),
                    )
                    .with_evidence(fetch_error_evidence("GET", &http_url, &e)),
                ),
            }
        } else {
            out.push(ctx.finding(
                "probe.https-redirect",
                Outcome::Inconclusive,
                format!("{} uses a non-default HTTPS port: its plain-HTTP address cannot be derived (probe the http:// URL to check the redirect)", ctx.requested),
            ));
        }
        Some(ctx.requested.clone())
    };

    match https_url {
        Some(u) => out.extend(tls_checks(ctx, &u).await),
        None => {
            for id in tls_ids {
                out.push(ctx.finding(
                    id,
                    Outcome::Inconclusive,
                    format!("no HTTPS address to check: {} does not redirect to HTTPS (probe the https:// URL)", ctx.requested),
                ));
            }
        }
    }
    (out, redirection)
}

async fn tls_checks(ctx: &Arc<Ctx>, url: &Url) -> Vec<Finding> {
    let mut out = Vec::new();
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_string();
    let legacy = legacy_protocols(ctx, url, &host);
    let info = ctx.client.tls_info(url).await;
    match info {
        Err(e) => {
            out.push(
                ctx.finding(
                    "probe.tls-certificate",
                    Outcome::Fail,
                    format!("TLS handshake with {url} failed: {e}"),
                )
                .with_evidence(fetch_error_evidence("CONNECT", url, &e)),
            );
            out.push(ctx.finding(
                "probe.tls-expiry",
                Outcome::Inconclusive,
                format!("no certificate to read: {e}"),
            ));
        }
        Ok(info) => {
            let leaf = info.chain.first().map(tls::leaf_info);
            let describe = match &leaf {
                Some(Ok(l)) => format!(
                    "subject: {}; issuer: {}; not after: {}; protocol: {}; chain: {} certificate(s)",
                    l.subject,
                    l.issuer,
                    l.not_after_text,
                    info.protocol.clone().unwrap_or_default(),
                    info.chain.len()
                ),
                Some(Err(e)) => e.clone(),
                None => "no certificate".into(),
            };
            let verdict = tls::verify_chain(
                &info.chain,
                &host,
                tls::root_store(&ctx.opts.extra_roots),
                rustls::pki_types::UnixTime::now(),
            );
            let outcome = if verdict == ChainVerdict::Valid {
                Outcome::Pass
            } else {
                Outcome::Fail
            };
            let mut msg = format!("certificate of {host}: {}", verdict.describe());
            if verdict == ChainVerdict::Untrusted && matches!(&leaf, Some(Ok(l)) if l.self_signed) {
                msg.push_str(" — it is self-signed");
            }
            out.push(
                ctx.finding("probe.tls-certificate", outcome, msg)
                    .with_evidence(note(describe.clone())),
            );
            match leaf {
                Some(Ok(l)) => {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs() as i64)
                        .unwrap_or(0);
                    let days = (l.not_after - now) as f64 / 86400.0;
                    let (o, m) = if days < 0.0 {
                        (
                            Outcome::Fail,
                            format!(
                                "the certificate expired {:.0} day(s) ago ({})",
                                -days, l.not_after_text
                            ),
                        )
                    } else if days < 7.0 {
                        (
                            Outcome::Fail,
                            format!(
                                "the certificate expires in {days:.1} day(s) ({}): renew it now",
                                l.not_after_text
                            ),
                        )
                    } else if days < 30.0 {
                        (
                            Outcome::Warn,
                            format!(
                                "the certificate expires in {days:.0} days ({}): renewal is due",
                                l.not_after_text
                            ),
                        )
                    } else {
                        (
                            Outcome::Pass,
                            format!(
                                "the certificate is valid for {days:.0} more days ({})",
                                l.not_after_text
                            ),
                        )
                    };
                    out.push(ctx.finding("probe.tls-expiry", o, m).with_evidence(
                        Evidence::metric(
                            "days until expiry",
                            (days * 10.0).round() / 10.0,
                            Some("d"),
                            Some("> 30 d (warn), > 7 d (fail)".into()),
                        ),
                    ));
                }
                Some(Err(e)) => out.push(ctx.finding("probe.tls-expiry", Outcome::Error, e)),
                None => out.push(ctx.finding(
                    "probe.tls-expiry",
                    Outcome::Inconclusive,
                    "the server sent no certificate",
                )),
            }
        }
    }
    out.extend(legacy.await);
    out
}

async fn legacy_protocols(ctx: &Arc<Ctx>, url: &Url, host: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let port = url.port_or_known_default().unwrap_or(443);
    for (version, name) in [(tls::TLS10, "TLS 1.0"), (tls::TLS11, "TLS 1.1")] {
        let stream = match crate::client::connect(url, host, port).await {
            Ok(s) => s,
            Err(e) => {
                out.push(ctx.finding(
                    "probe.tls-legacy-protocols",
                    Outcome::Inconclusive,
                    format!("cannot test {name}: {e}"),
                ));
                continue;
            }
        };
        let reply = tls::probe_legacy(stream, version, host, ctx.opts.timeout).await;
        let f = match reply {
            LegacyReply::Accepted => ctx.finding(
                "probe.tls-legacy-protocols",
                Outcome::Fail,
                format!("{host}:{port} accepts {name}: the server answered a {name}-only ClientHello with a {name} ServerHello"),
            ),
            LegacyReply::Refused(why) => ctx.finding("probe.tls-legacy-protocols", Outcome::Pass, format!("{host}:{port} refuses {name}: {why}")),
            LegacyReply::Unknown(why) => ctx.finding("probe.tls-legacy-protocols", Outcome::Inconclusive, format!("{name} on {host}:{port}: {why}")),
        };
        out.push(f.with_evidence(note(format!("sent a {name} ClientHello to {host}:{port}"))));
    }
    out
}

// ---------------------------------------------------------------- CORS

async fn cors(ctx: &Arc<Ctx>) -> (Vec<Finding>, Option<Exchange>) {
    let mut targets = vec![ctx.base.clone()];
    if let Some(p) = ctx.opts.protected.first() {
        targets.push(ctx.url(p));
    }
    let mut out = Vec::new();
    let mut base_exchange = None;
    let mut checked: Vec<Exchange> = Vec::new();
    for (i, url) in targets.iter().enumerate() {
        let simple = ctx
            .send(Method::GET, url, &[("Origin", FOREIGN_ORIGIN)], None)
            .await;
        let pre = ctx
            .send(
                Method::OPTIONS,
                url,
                &[
                    ("Origin", FOREIGN_ORIGIN),
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "authorization"),
                ],
                None,
            )
            .await;
        let null = ctx
            .send(Method::GET, url, &[("Origin", "null")], None)
            .await;
        if i == 0 {
            base_exchange = simple.as_ref().ok().cloned();
        }
        for ex in [simple, pre, null].into_iter().flatten() {
            if let Some(f) = cors_problem(ctx, &ex) {
                out.push(f);
            }
            checked.push(ex);
        }
    }
    if out.is_empty() {
        let mut f = ctx.finding(
            "probe.cors",
            Outcome::Pass,
            format!(
                "{} request(s) with a foreign and a `null` Origin: no origin reflected, no credentials granted to other sites",
                checked.len()
            ),
        );
        for ex in checked.iter().take(3) {
            f = f.with_evidence(ex.evidence(
                &[
                    "access-control-allow-origin",
                    "access-control-allow-credentials",
                ],
                false,
            ));
        }
        if checked.is_empty() {
            f = ctx.finding(
                "probe.cors",
                Outcome::Inconclusive,
                "no CORS request got an answer",
            );
        }
        out.push(f);
    }
    (out, base_exchange)
}

fn cors_problem(ctx: &Ctx, ex: &Exchange) -> Option<Finding> {
    let acao = ex.header("access-control-allow-origin")?.trim().to_string();
    let creds = ex
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let origin = ex
        .request_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("origin"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let what = if ex.method == Method::OPTIONS {
        "preflight"
    } else {
        "request"
    };
    let (severity, msg) = if origin == "null" && acao == "null" {
        (
            if creds {
                Severity::Critical
            } else {
                Severity::High
            },
            format!(
                "{what} from Origin `null` is accepted (Access-Control-Allow-Origin: null{}): sandboxed iframes and local files of any site can read {}",
                if creds { ", with credentials" } else { "" },
                ex.url.path()
            ),
        )
    } else if acao == origin && origin != "null" {
        if creds {
            (
                Severity::Critical,
                format!(
                    "{what} from {origin} is reflected with Access-Control-Allow-Credentials: true: any web site can read {} with the visitor's cookies",
                    ex.url.path()
                ),
            )
        } else {
            (
                Severity::High,
                format!(
                    "{what} from {origin} is reflected in Access-Control-Allow-Origin: every origin is allowed"
                ),
            )
        }
    } else if acao == "*" && creds {
        (
            Severity::High,
            format!(
                "{what} answers Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true"
            ),
        )
    } else {
        return None;
    };
    Some(
        ctx.finding("probe.cors", Outcome::Fail, msg)
            .with_severity(severity)
            .with_evidence(ex.evidence(
                &[
                    "access-control-allow-origin",
                    "access-control-allow-credentials",
                    "access-control-allow-methods",
                    "access-control-allow-headers",
                ],
                false,
            )),
    )
}

// ---------------------------------------------------------------- access control

fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A well-formed JWT that no server should accept: expired in 2000 and signed with garbage.
pub fn forged_token() -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload =
        b64url(br#"{"sub":"golive-probe","role":"admin","iat":946684800,"exp":946688400}"#);
    let sig = b64url(b"golive-probe-forged-signature-00");
    format!("{header}.{payload}.{sig}")
}

async fn auth(ctx: &Arc<Ctx>) -> Vec<Finding> {
    let mut out = Vec::new();
    if ctx.opts.protected.is_empty() {
        out.push(ctx.finding(
            "probe.auth",
            Outcome::NotApplicable,
            "no protected path configured (name them with --protected PATH or [probe] protected)",
        ));
        return out;
    }
    let forged = format!("Bearer {}", forged_token());
    for p in &ctx.opts.protected {
        let url = ctx.url(p);
        for (label, auth) in [
            ("without credentials", ""),
            ("with a forged, expired bearer token", forged.as_str()),
        ] {
            // An empty value removes the header (and the session cookie) for the anonymous try.
            let headers: Vec<(&str, &str)> = vec![("Authorization", auth), ("Cookie", "")];
            match ctx.send(Method::GET, &url, &headers, None).await {
                Ok(ex) => {
                    let ev = ex.evidence(&["www-authenticate", "location", "content-type"], true);
                    let s = ex.status;
                    let (outcome, severity, msg) = match s {
                        200..=299 => (
                            Outcome::Fail,
                            Some(Severity::Critical),
                            format!("{p} answers {s} {label}: it is not protected"),
                        ),
                        401 if ex.header("www-authenticate").is_none() => (
                            Outcome::Warn,
                            None,
                            format!(
                                "{p} refuses access {label} (401) but sends no WWW-Authenticate header"
                            ),
                        ),
                        401 | 403 => (
                            Outcome::Pass,
                            None,
                            format!("{p} refuses access {label} ({s})"),
                        ),
                        300..=399 => {
                            let loc = ex.header("location").unwrap_or("").to_ascii_lowercase();
                            if ["login", "signin", "sign-in", "auth", "sso", "oauth"]
                                .iter()
                                .any(|k| loc.contains(k))
                            {
                                (
                                    Outcome::Pass,
                                    None,
                                    format!("{p} redirects {label} to a login page ({loc})"),
                                )
                            } else {
                                (
                                    Outcome::Warn,
                                    None,
                                    format!(
                                        "{p} redirects {label} to {loc}, not to a login page: check that it is protected"
                                    ),
                                )
                            }
                        }
                        404 => (
                            Outcome::Inconclusive,
                            None,
                            format!(
                                "{p} answers 404 {label}: check the path (a protected path should exist and refuse with 401/403)"
                            ),
                        ),
                        500..=599 => (
                            Outcome::Warn,
                            None,
                            format!("{p} fails with {s} {label} instead of refusing with 401/403"),
                        ),
                        _ => (
                            Outcome::Warn,
                            None,
                            format!("{p} answers {s} {label} instead of 401/403"),
                        ),
                    };
                    let mut f = ctx.finding("probe.auth", outcome, msg).with_evidence(ev);
                    if let Some(sev) = severity {
                        f = f.with_severity(sev);
                    }
                    out.push(f);
                }
                Err(e) => out.push(
                    ctx.finding(
                        "probe.auth",
                        Outcome::Inconclusive,
                        format!("{p} {label}: {e}"),
                    )
                    .with_evidence(fetch_error_evidence("GET", &url, &e)),
                ),
            }
        }
        // The same path with a valid token proves the check is not vacuous.
        match (&ctx.opts.token, &ctx.opts.token_env) {
            (Some(token), var) => {
                let value = format!("Bearer {token}");
                match ctx.send(Method::GET, &url, &[("Authorization", value.as_str())], None).await {
                    Ok(ex) if (200..300).contains(&ex.status) => out.push(
                        ctx.finding(
                            "probe.auth",
                            Outcome::Pass,
                            format!("{p} answers {} with the valid token{}: the refusals above are real", ex.status, var.as_ref().map(|v| format!(" from ${v}")).unwrap_or_default()),
                        )
                        .with_evidence(ex.evidence(&["content-type"], false)),
                    ),
                    Ok(ex) => out.push(
                        ctx.finding(
                            "probe.auth",
                            Outcome::Fail,
                            format!("{p} answers {} even with the valid token: either the token is wrong or the path refuses everyone (the check proves nothing)", ex.status),
                        )
                        .with_evidence(ex.evidence(&["www-authenticate", "content-type"], true)),
                    ),
                    Err(e) => out.push(ctx.finding("probe.auth", Outcome::Inconclusive, format!("{p} with the valid token: {e}"))),
                }
            }
            (None, Some(var)) => out.push(ctx.finding(
                "probe.auth",
                Outcome::Error,
                format!("--token-env {var}: the environment variable ${var} is not set or empty: export a valid token to prove access works"),
            )),
            (None, None) => {}
        }
    }
    out
}

// ---------------------------------------------------------------- error hygiene

struct Leak {
    name: &'static str,
    re: Regex,
}

fn leak_patterns() -> &'static [Leak] {
    static P: OnceLock<Vec<Leak>> = OnceLock::new();
    P.get_or_init(|| {
        let table: &[(&str, &str)] = &[
            ("Python traceback", r"Traceback \(most recent call last\)"),
            ("Django debug page", r"(?i)you're seeing this error because you have\s*(<code>)?\s*DEBUG = True"),
            ("Werkzeug debugger", r"(?i)werkzeug debugger|The debugger caught an exception in your WSGI application"),
            ("Node.js/Express stack trace", r"(?m)^\s*at [^\n]{1,200}\((?:/|[A-Za-z]:\\|node:)[^\n)]*:\d+:\d+\)"),
            ("Rails error page", r"ActionController::RoutingError|ActiveRecord::\w+Error|Rails\.root:"),
            ("Laravel/Whoops page", r"Whoops, looks like something went wrong|Illuminate\\[A-Za-z\\]+Exception|whoops-container"),
            ("Spring Whitelabel error page", r"Whitelabel Error Page"),
            ("Java stack trace", r"(?m)^\s*at [\w$.]+\([\w$]+\.java:\d+\)|Exception in thread "),
            ("Rust panic", r"panicked at [^\n]*\.rs:\d+(:\d+)?|thread '[^']*' panicked"),
            ("Go panic", r"goroutine \d+ \[running\]|panic: runtime error"),
            ("PHP error", r"(?i)(Fatal error|Parse error|Warning)</b>: .* on line <b>\d+|Stack trace:\s*#0 "),
            (".NET error page", r"Server Error in '/' Application|(?m) at [\w.]+\([^)]*\) in [^\n]+\.cs:line \d+"),
        ];
        table
            .iter()
            .filter_map(|(n, r)| Regex::new(r).ok().map(|re| Leak { name: n, re }))
            .collect()
    })
}

/// The kind of stack trace or debug page a body shows, and the matching text.
pub fn detect_leak(body: &str) -> Option<(&'static str, String)> {
    for l in leak_patterns() {
        if let Some(m) = l.re.find(body) {
            let start = body[..m.start()]
                .char_indices()
                .rev()
                .nth(80)
                .map(|(i, _)| i)
                .unwrap_or(0);
            let text: String = body[start..].chars().take(320).collect();
            return Some((l.name, text));
        }
    }
    None
}

async fn errors(ctx: &Arc<Ctx>, page: &Exchange) -> Vec<Finding> {
    let mut out = Vec::new();
    let nf_url = ctx.url(&format!("/golive-probe-{}-does-not-exist", nonce()));
    let nf = ctx.get(&nf_url).await;
    let bad_json = ctx
        .send(
            Method::POST,
            &ctx.base,
            &[
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ],
            Some(Bytes::from_static(b"{\"golive\": ")),
        )
        .await;
    let mut odd = ctx.base.clone();
    odd.set_path("/golive-probe/%ff%fe");
    odd.set_query(Some("id=%27%22%3C"));
    let bad_encoding = ctx.get(&odd).await;
    let probes: Vec<String> = [
        ("GET", &nf_url, &nf),
        ("POST (malformed JSON)", &ctx.base, &bad_json),
        ("GET", &odd, &bad_encoding),
    ]
    .iter()
    .map(|(m, u, r)| match r {
        Ok(ex) => format!("{m} {} → {}", u.path(), ex.status),
        Err(FetchError::Timeout { after, .. }) => {
            format!(
                "{m} {} → no answer within {} ms",
                u.path(),
                after.as_millis()
            )
        }
        Err(e) => format!("{m} {} → no answer ({e})", u.path()),
    })
    .collect();

    // Not found.
    match &nf {
        Ok(ex) => {
            let s = ex.status;
            let (o, m) = match s {
                404 | 410 => (Outcome::Pass, format!("an unknown path answers {s}")),
                401 | 403 => (
                    Outcome::Pass,
                    format!(
                        "an unknown path answers {s} (everything is refused without credentials)"
                    ),
                ),
                200..=299 => (
                    Outcome::Fail,
                    format!(
                        "an unknown path answers {s}: a soft 404 hides broken links from clients, crawlers and monitors"
                    ),
                ),
                300..=399 => (
                    Outcome::Warn,
                    format!("an unknown path redirects ({s}) instead of answering 404"),
                ),
                500..=599 => (
                    Outcome::Fail,
                    format!(
                        "an unknown path answers {s}: the service errors instead of answering 404"
                    ),
                ),
                _ => (
                    Outcome::Warn,
                    format!("an unknown path answers {s} instead of 404"),
                ),
            };
            out.push(
                ctx.finding("probe.not-found", o, m)
                    .with_evidence(ex.evidence(&["content-type", "location"], true)),
            );
        }
        Err(e) => out.push(
            ctx.finding(
                "probe.not-found",
                Outcome::Inconclusive,
                format!("unknown path: {e}"),
            )
            .with_evidence(fetch_error_evidence("GET", &nf_url, e)),
        ),
    }

    // Stack traces and debug pages in every error answer seen during the probe.
    let seen: Vec<Exchange> = ctx.errors.lock().map(|e| e.clone()).unwrap_or_default();
    let mut leaks = 0;
    let mut reported: Vec<String> = Vec::new();
    for ex in &seen {
        if let Some((kind, text)) = detect_leak(&ex.body_text()) {
            let key = format!("{kind} {}", ex.url.path());
            if reported.contains(&key) {
                continue;
            }
            reported.push(key);
            leaks += 1;
            let mut ev = ex.evidence(&["content-type", "server", "x-powered-by"], false);
            if let Evidence::Http { body_excerpt, .. } = &mut ev {
                *body_excerpt = Some(excerpt(&text, 320));
            }
            out.push(
                ctx.finding(
                    "probe.error-hygiene",
                    Outcome::Fail,
                    format!("{} {} answers {} with a {kind}: internals (file paths, code, versions) leak to anyone", ex.method, ex.url.path(), ex.status),
                )
                .with_evidence(ev),
            );
        }
    }
    if leaks == 0 {
        // JSON APIs should answer errors in JSON.
        let json_api = page.is_json();
        let html_errors: Vec<&Exchange> = seen.iter().filter(|e| e.is_html()).collect();
        if json_api && !html_errors.is_empty() {
            let ex = html_errors[0];
            out.push(
                ctx.finding(
                    "probe.error-hygiene",
                    Outcome::Warn,
                    format!("the API answers JSON but {} {} answers {} with an HTML error page: clients cannot parse it", ex.method, ex.url.path(), ex.status),
                )
                .with_evidence(ex.evidence(&["content-type"], true)),
            );
        } else {
            let error_answers: Vec<&Exchange> = seen.iter().filter(|e| e.status >= 400).collect();
            if error_answers.is_empty() {
                // Nothing to judge: a pass here would say error pages are clean when none was seen.
                out.push(
                    ctx.finding(
                        "probe.error-hygiene",
                        Outcome::Inconclusive,
                        format!(
                            "no error answer to check: the error probes got {} (no status ≥ 400, no stack trace in any answer)",
                            probes.join("; ")
                        ),
                    )
                    .with_evidence(note(format!("error probes: {}", probes.join("; ")))),
                );
            } else {
                let mut f = ctx.finding(
                    "probe.error-hygiene",
                    Outcome::Pass,
                    format!("{} error answer(s) checked (unknown path, malformed JSON, bad encoding, …): no stack trace or debug page", error_answers.len()),
                );
                for ex in error_answers.iter().take(3) {
                    f = f.with_evidence(ex.evidence(&["content-type"], false));
                }
                out.push(f);
            }
        }
    }

    // Server banners.
    let mut banner = Vec::new();
    let version = Regex::new(r"\d+\.\d+").ok();
    for ex in std::iter::once(page).chain(nf.as_ref().ok()) {
        if let Some(p) = ex.header("x-powered-by") {
            banner.push((ex, format!("X-Powered-By: {p} names the framework")));
        }
        if let Some(s) = ex.header("server")
            && version.as_ref().is_some_and(|re| re.is_match(s))
        {
            banner.push((ex, format!("Server: {s} gives the exact version")));
        }
    }
    banner.dedup_by(|a, b| a.1 == b.1);
    if banner.is_empty() {
        out.push(
            ctx.finding(
                "probe.server-banner",
                Outcome::Pass,
                "no X-Powered-By and no version number in Server",
            )
            .with_evidence(page.evidence(&["server", "x-powered-by"], false)),
        );
    } else {
        for (ex, msg) in banner {
            out.push(
                ctx.finding(
                    "probe.server-banner",
                    Outcome::Fail,
                    format!("{msg}: attackers can match it to known vulnerabilities"),
                )
                .with_evidence(ex.evidence(&["server", "x-powered-by"], false)),
            );
        }
    }
    out
}

// ---------------------------------------------------------------- exposure

/// A sensitive path and how to recognise a real hit (not a soft 404).
struct Exposed {
    path: &'static str,
    what: &'static str,
    looks_real: fn(&[u8]) -> bool,
    /// Some(severity) when found; secrets make it critical.
    severity: Severity,
    info_only: bool,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn env_like(b: &[u8]) -> bool {
    let t = text(b);
    let re = Regex::new(r"(?m)^\s*(export\s+)?[A-Z][A-Z0-9_]*\s*=").ok();
    !t.trim_start().starts_with('<') && re.is_some_and(|r| r.find_iter(&t).count() >= 1)
}

fn secret_like(body: &str) -> Option<String> {
    let re = Regex::new(r#"(?im)^\s*(?:export\s+)?"?([A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ACCESS_KEY|DATABASE_URL|DSN)[A-Z0-9_]*)"?\s*[=:]\s*"?([^\s",]{4,})"#).ok()?;
    let c = re.captures(body)?;
    Some(format!("{}={}", &c[1], golive_core::mask_secret(&c[2])))
}

/// Masks the values of `KEY=value` lines in an excerpt.
fn mask_env(body: &str) -> String {
    let Ok(re) = Regex::new(r#"(?m)^(\s*(?:export\s+)?"?[A-Za-z0-9_]+"?\s*[=:]\s*)"?([^\s",]+)"#)
    else {
        return String::new();
    };
    re.replace_all(body, |c: &regex::Captures| {
        format!("{}{}", &c[1], golive_core::mask_secret(&c[2]))
    })
    .into_owned()
}

const EXPOSED: &[Exposed] = &[
    Exposed {
        path: "/.env",
        what: "environment file",
        looks_real: env_like,
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/.git/config",
        what: "Git configuration (the repository can be downloaded)",
        looks_real: |b| text(b).contains("[core]"),
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/.git/HEAD",
        what: "Git HEAD (the repository can be downloaded)",
        looks_real: |b| {
            let t = text(b);
            t.starts_with("ref: refs/")
                || (t.trim().len() == 40 && t.trim().chars().all(|c| c.is_ascii_hexdigit()))
        },
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/config.json",
        what: "configuration file",
        looks_real: |b| serde_json::from_slice::<serde_json::Value>(b).is_ok_and(|v| v.is_object()),
        severity: Severity::Medium,
        info_only: false,
    },
    Exposed {
        path: "/.DS_Store",
        what: "macOS directory listing",
        looks_real: |b| b.len() >= 8 && &b[4..8] == b"Bud1",
        severity: Severity::Low,
        info_only: false,
    },
    Exposed {
        path: "/server-status",
        what: "Apache server-status page",
        looks_real: |b| {
            let t = text(b);
            t.contains("Apache Server Status") || t.contains("Server Version:")
        },
        severity: Severity::Medium,
        info_only: false,
    },
    Exposed {
        path: "/actuator/env",
        what: "Spring Boot actuator environment",
        looks_real: |b| {
            let t = text(b);
            t.contains("propertySources") || t.contains("activeProfiles")
        },
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/debug/pprof/",
        what: "Go pprof profiler",
        looks_real: |b| {
            let t = text(b);
            t.contains("goroutine") && t.contains("profile")
        },
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/metrics",
        what: "public Prometheus metrics",
        looks_real: |b| {
            let t = text(b);
            t.contains("# HELP") || t.contains("# TYPE")
        },
        severity: Severity::Low,
        info_only: true,
    },
    Exposed {
        path: "/phpinfo.php",
        what: "phpinfo() page",
        looks_real: |b| {
            let t = text(b);
            t.contains("phpinfo()") || t.contains("PHP Version")
        },
        severity: Severity::High,
        info_only: false,
    },
    Exposed {
        path: "/swagger",
        what: "Swagger UI (API documentation)",
        looks_real: |b| text(b).to_ascii_lowercase().contains("swagger"),
        severity: Severity::Low,
        info_only: true,
    },
];

async fn exposure(ctx: &Arc<Ctx>) -> Vec<Finding> {
    let mut set = tokio::task::JoinSet::new();
    for (i, e) in EXPOSED.iter().enumerate() {
        let ctx = ctx.clone();
        set.spawn(async move {
            let mut client = ctx.client.clone();
            client.max_body = 64 * 1024;
            let url = ctx.url(e.path);
            (i, url.clone(), client.get(&url).await)
        });
    }
    let mut rows = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(r) = r {
            rows.push(r);
        }
    }
    rows.sort_by_key(|r| r.0);
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for (i, url, r) in rows {
        let e = &EXPOSED[i];
        match r {
            Ok(ex) if (200..300).contains(&ex.status) && (e.looks_real)(&ex.body) => {
                let body = ex.body_text();
                let secret = secret_like(&body);
                let mut ev = ex.evidence(&["content-type", "content-length"], false);
                if let Evidence::Http { body_excerpt, .. } = &mut ev
                    && e.path != "/.DS_Store"
                {
                    *body_excerpt = Some(excerpt(&mask_env(&body), 300));
                }
                let (outcome, severity, msg) = match (&secret, e.info_only) {
                    (Some(s), _) => (
                        Outcome::Fail,
                        Severity::Critical,
                        format!(
                            "{} is served publicly ({}) and contains secrets ({s})",
                            e.path, e.what
                        ),
                    ),
                    (None, true) => (
                        Outcome::Warn,
                        e.severity,
                        format!(
                            "{} is served publicly ({}): fine on staging, restrict it in production",
                            e.path, e.what
                        ),
                    ),
                    (None, false) => (
                        Outcome::Fail,
                        e.severity,
                        format!("{} is served publicly ({})", e.path, e.what),
                    ),
                };
                out.push(
                    ctx.finding("probe.exposed-files", outcome, msg)
                        .with_severity(severity)
                        .with_evidence(ev),
                );
            }
            Ok(_) => {}
            Err(err) => failed.push(format!("{}: {err}", url.path())),
        }
    }
    if out.is_empty() {
        let paths: Vec<&str> = EXPOSED.iter().map(|e| e.path).collect();
        let answered = paths.len() - failed.len();
        // A path that did not answer may still be served: any gap makes the result inconclusive.
        let (outcome, msg) = if failed.is_empty() {
            (
                Outcome::Pass,
                format!("none of {} sensitive paths is served", paths.len()),
            )
        } else if answered == 0 {
            (
                Outcome::Inconclusive,
                format!(
                    "none of the {} sensitive paths could be checked: no answer",
                    paths.len()
                ),
            )
        } else {
            (
                Outcome::Inconclusive,
                format!(
                    "{} of {} sensitive paths did not answer (they may be served); none of the other {answered} is served",
                    failed.len(),
                    paths.len()
                ),
            )
        };
        let mut f = ctx.finding("probe.exposed-files", outcome, msg);
        f = f.with_evidence(note(format!("tried {}", paths.join(", "))));
        if !failed.is_empty() {
            f = f.with_evidence(note(format!("no answer: {}", failed.join("; "))));
        }
        out.push(f);
    }
    out
}

// ---------------------------------------------------------------- efficiency

fn textual(ct: &str) -> bool {
    ct.starts_with("text/")
        || ["json", "javascript", "xml", "svg", "css"]
            .iter()
            .any(|k| ct.contains(k))
}

/// Same-origin static assets (scripts, stylesheets) referenced by an HTML page.
pub fn assets(page: &Exchange) -> Vec<Url> {
    if !page.is_html() {
        return Vec::new();
    }
    let html = page.body_text();
    let mut found: Vec<String> = observatory::scripts(&html)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    if let Ok(re) = Regex::new(
        r#"(?is)<link\b[^>]*\bhref\s*=\s*["']([^"']+\.(?:css|js|woff2?|svg|png|jpg|webp)(?:\?[^"']*)?)["']"#,
    ) {
        found.extend(re.captures_iter(&html).map(|c| c[1].to_string()));
    }
    let mut out: Vec<Url> = Vec::new();
    for s in found {
        if let Ok(u) = page.url.join(&s)
            && u.host_str() == page.url.host_str()
            && u.port_or_known_default() == page.url.port_or_known_default()
            && !out.contains(&u)
        {
            out.push(u);
        }
    }
    out.truncate(5);
    out
}

/// A file name carrying a content hash (`app.3f9a1c2b.js`, `main-BxK93kzq.css`).
pub fn fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['.', '-', '_', '~']).any(|part| {
        part.len() >= 8
            && part.chars().all(|c| c.is_ascii_alphanumeric())
            && part.chars().any(|c| c.is_ascii_digit())
            && (part.chars().all(|c| c.is_ascii_hexdigit())
                || part.chars().any(|c| c.is_ascii_alphabetic()))
    })
}

/// `max-age` (or `s-maxage`) of a Cache-Control value.
pub fn max_age(cc: &str) -> Option<u64> {
    cc.split(',').find_map(|d| {
        let (k, v) = d.trim().split_once('=')?;
        (k.trim().eq_ignore_ascii_case("max-age"))
            .then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

async fn efficiency(ctx: &Arc<Ctx>, page: &Exchange) -> Vec<Finding> {
    let mut out = Vec::new();
    // Compression.
    let accept = [("Accept-Encoding", "gzip, deflate, br, zstd")];
    match ctx.send(Method::GET, &page.url, &accept, None).await {
        Ok(ex) => {
            let enc = ex.header("content-encoding").map(str::to_string);
            let ct = ex.content_type();
            let ev = ex.evidence(&["content-encoding", "content-type", "vary"], false);
            let f = match enc {
                Some(e) if !e.eq_ignore_ascii_case("identity") => ctx.finding("probe.compression", Outcome::Pass, format!("text responses are compressed (Content-Encoding: {e})")),
                _ if !textual(&ct) => ctx.finding("probe.compression", Outcome::NotApplicable, format!("the page is not text ({ct})")),
                _ if ex.body.len() < 1024 => ctx.finding("probe.compression", Outcome::NotApplicable, format!("the page is {} bytes: too small to gain from compression", ex.body.len())),
                _ => ctx.finding(
                    "probe.compression",
                    Outcome::Warn,
                    format!("a {}-byte {ct} response is sent uncompressed although the client accepts gzip and br", ex.body.len()),
                ),
            };
            out.push(f.with_evidence(ev));
        }
        Err(e) => out.push(ctx.finding("probe.compression", Outcome::Inconclusive, e.to_string())),
    }
    // Cache headers on static assets.
    let list = assets(page);
    if list.is_empty() {
        out.push(ctx.finding(
            "probe.cache-headers",
            Outcome::NotApplicable,
            "the page references no same-origin static asset (script, stylesheet, font, image)",
        ));
        return out;
    }
    for u in list {
        match ctx.get(&u).await {
            Ok(ex) if (200..300).contains(&ex.status) => {
                let cc = ex
                    .header("cache-control")
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let long = cc.contains("immutable") || max_age(&cc).is_some_and(|a| a >= 86_400);
                let fp = fingerprinted(u.path());
                let (o, m) = match (long, fp) {
                    (true, true) => (
                        Outcome::Pass,
                        format!("{} is fingerprinted and cached ({cc})", u.path()),
                    ),
                    (true, false) => (
                        Outcome::Warn,
                        format!(
                            "{} is cached for long ({cc}) but its name has no content hash: clients keep a stale copy after a deploy",
                            u.path()
                        ),
                    ),
                    (false, _) if cc.is_empty() => (
                        Outcome::Warn,
                        format!(
                            "{} has no Cache-Control: every visit downloads it again",
                            u.path()
                        ),
                    ),
                    (false, _) => (
                        Outcome::Warn,
                        format!(
                            "{} is cached briefly or not at all ({cc}){}",
                            u.path(),
                            if fp {
                                " although its name is fingerprinted"
                            } else {
                                ""
                            }
                        ),
                    ),
                };
                out.push(
                    ctx.finding("probe.cache-headers", o, m)
                        .with_evidence(ex.evidence(&["cache-control", "etag", "expires"], false)),
                );
            }
            Ok(ex) => out.push(
                ctx.finding(
                    "probe.cache-headers",
                    Outcome::Warn,
                    format!("{} referenced by the page answers {}", u.path(), ex.status),
                )
                .with_evidence(ex.evidence(&["content-type"], false)),
            ),
            Err(e) => {
                out.push(ctx.finding("probe.cache-headers", Outcome::Inconclusive, e.to_string()))
            }
        }
    }
    out
}

// ---------------------------------------------------------------- Observatory findings

fn observatory_findings(ctx: &Ctx, page: &Exchange, grade: &Observatory) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &grade.tests {
        // CORS and redirection have their own, deeper checks; their Observatory results only
        // count in the grade.
        if t.check == "probe.cors" || t.check == "probe.https-redirect" {
            continue;
        }
        let outcome = if !t.scored
            || matches!(
                t.result,
                "cookies-not-found"
                    | "sri-not-implemented-response-not-html"
                    | "sri-not-implemented-but-no-scripts-loaded"
            ) {
            Outcome::NotApplicable
        } else if t.modifier <= -20 {
            Outcome::Fail
        } else if t.modifier < 0 || t.result.ends_with("-not-implemented") {
            Outcome::Warn
        } else {
            Outcome::Pass
        };
        let modifier = if t.scored {
            format!("{:+}", t.modifier)
        } else {
            "not scored".into()
        };
        out.push(
            ctx.finding(
                t.check,
                outcome,
                format!(
                    "Observatory {}: {} ({modifier}): {}",
                    t.name, t.result, t.detail
                ),
            )
            .with_evidence(page.evidence(t.headers, false)),
        );
    }
    let outcome = if grade.score >= 90 {
        Outcome::Pass
    } else if grade.score >= 70 {
        Outcome::Warn
    } else {
        Outcome::Fail
    };
    let parts: Vec<String> = grade
        .tests
        .iter()
        .filter(|t| t.scored && t.modifier != 0)
        .map(|t| format!("{} {:+}", t.result, t.modifier))
        .collect();
    out.push(
        ctx.finding(
            "probe.security-headers",
            outcome,
            format!(
                "MDN HTTP Observatory grade {} (score {}): {}",
                grade.grade,
                grade.score,
                if parts.is_empty() {
                    "no modifier".into()
                } else {
                    parts.join(", ")
                }
            ),
        )
        .with_evidence(Evidence::metric(
            "observatory score",
            f64::from(grade.score),
            None,
            Some(">= 90 (grade A)".into()),
        ))
        .with_evidence(page.evidence(
            &[
                "content-security-policy",
                "strict-transport-security",
                "x-content-type-options",
                "x-frame-options",
                "referrer-policy",
                "cross-origin-resource-policy",
                "set-cookie",
            ],
            false,
        )),
    );
    out
}

// ---------------------------------------------------------------- rate limiting

fn burst_allowed(ctx: &Ctx) -> Result<(), String> {
    let host = ctx
        .base
        .host_str()
        .unwrap_or("")
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback
        || ctx
            .opts
            .burst_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&host))
    {
        Ok(())
    } else {
        Err(format!(
            "{host} is neither loopback nor listed in [probe] rate_limit_hosts: a burst is only sent to hosts you name explicitly"
        ))
    }
}

async fn rate_limit(ctx: &Arc<Ctx>) -> Vec<Finding> {
    let Some(n) = ctx.opts.rate_limit_burst else {
        return vec![ctx.finding(
            "probe.rate-limit",
            Outcome::Inconclusive,
            "not tested: pass --rate-limit-burst N (N ≤ 500) to send a burst and see whether the service answers 429",
        )];
    };
    if let Err(why) = burst_allowed(ctx) {
        return vec![ctx.finding(
            "probe.rate-limit",
            Outcome::Inconclusive,
            format!("burst refused: {why}"),
        )];
    }
    let n = n.min(crate::MAX_BURST) as usize;
    let url = match &ctx.opts.rate_limit_path {
        Some(p) => ctx.url(p),
        None => ctx.base.clone(),
    };
    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    type Rows = Vec<(usize, Result<Exchange, String>)>;
    let results: Arc<Mutex<Rows>> = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n.min(16) {
        let (ctx, next, results, url) = (ctx.clone(), next.clone(), results.clone(), url.clone());
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= n {
                    break;
                }
                let r = ctx.client.get(&url).await.map_err(|e| e.to_string());
                if let Ok(mut v) = results.lock() {
                    v.push((i, r));
                }
            }
        });
    }
    while set.join_next().await.is_some() {}
    let elapsed = start.elapsed();
    let mut rows = results.lock().map(|v| v.clone()).unwrap_or_default();
    rows.sort_by_key(|r| r.0);
    let errors = rows.iter().filter(|r| r.1.is_err()).count();
    let served = rows
        .iter()
        .filter(|r| matches!(&r.1, Ok(ex) if (200..300).contains(&ex.status)))
        .count();
    let first429 = rows.iter().find_map(|(i, r)| match r {
        Ok(ex) if ex.status == 429 => Some((*i, ex.clone())),
        _ => None,
    });
    let summary = note(format!(
        "{n} requests to {url} in {} ms, 16 at a time; {errors} without answer",
        elapsed.as_millis()
    ));
    match first429 {
        Some((i, ex)) => {
            let has_headers = ex.header("retry-after").is_some()
                || ex.headers.keys().any(|k| {
                    let k = k.as_str();
                    k.starts_with("ratelimit")
                        || k.starts_with("x-ratelimit")
                        || k.starts_with("x-rate-limit")
                });
            let hdrs = [
                "retry-after",
                "ratelimit",
                "ratelimit-limit",
                "ratelimit-remaining",
                "ratelimit-reset",
                "ratelimit-policy",
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
            ];
            let (o, m) = if has_headers {
                (
                    Outcome::Pass,
                    format!(
                        "rate limiting triggered: {served} of {n} requests served before 429s (first 429 at request #{} of the burst, 16 in flight), with Retry-After/RateLimit headers",
                        i + 1
                    ),
                )
            } else {
                (
                    Outcome::Warn,
                    format!(
                        "rate limiting triggered: {served} of {n} requests served before 429s (first 429 at request #{} of the burst), but without Retry-After or RateLimit-* headers: clients cannot back off politely",
                        i + 1
                    ),
                )
            };
            vec![
                ctx.finding("probe.rate-limit", o, m)
                    .with_evidence(ex.evidence(&hdrs, true))
                    .with_evidence(summary),
            ]
        }
        None if errors == rows.len() => vec![
            ctx.finding(
                "probe.rate-limit",
                Outcome::Inconclusive,
                "no request of the burst got an answer",
            )
            .with_evidence(summary),
        ],
        None => {
            let mut f = ctx.finding(
                "probe.rate-limit",
                Outcome::Fail,
                format!(
                    "{n} requests in {} ms and no 429: the service does not rate-limit",
                    elapsed.as_millis()
                ),
            );
            if let Some((_, Ok(ex))) = rows.iter().rev().find(|r| r.1.is_ok()) {
                f = f.with_evidence(ex.evidence(
                    &["retry-after", "ratelimit", "x-ratelimit-remaining"],
                    false,
                ));
            }
            vec![f.with_evidence(summary)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaks_are_recognised() {
        assert_eq!(
            detect_leak("Traceback (most recent call last):\n  File \"app.py\"").map(|l| l.0),
            Some("Python traceback")
        );
        assert_eq!(
            detect_leak(
                "TypeError: x is undefined\n    at handler (/srv/app/routes/items.js:42:13)\n"
            )
            .map(|l| l.0),
            Some("Node.js/Express stack trace")
        );
        assert_eq!(
            detect_leak("thread 'tokio-runtime-worker' panicked at src/main.rs:10:5").map(|l| l.0),
            Some("Rust panic")
        );
        assert_eq!(
            detect_leak("goroutine 1 [running]:\nmain.main()").map(|l| l.0),
            Some("Go panic")
        );
        assert_eq!(
            detect_leak("<h1>Whitelabel Error Page</h1>").map(|l| l.0),
            Some("Spring Whitelabel error page")
        );
        assert!(detect_leak("{\"error\":\"not found\"}").is_none());
        assert!(detect_leak("<h1>404 Not Found</h1><hr><center>nginx</center>").is_none());
    }

    #[test]
    fn helpers() {
        assert!(fingerprinted("/static/app.3f9a1c2b.js"));
        assert!(fingerprinted("/assets/index-BxK93kzq.css"));
        assert!(!fingerprinted("/static/app.js"));
        assert!(!fingerprinted("/static/stylesheet.css"));
        assert_eq!(
            max_age("public, max-age=31536000, immutable"),
            Some(31536000)
        );
        assert_eq!(max_age("no-cache"), None);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), 2.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 95.0), 4.0);
        assert!(reports_dependencies(
            r#"{"status":"ok","checks":{"db":"ok"}}"#
        ));
        assert!(!reports_dependencies(r#"{"status":"ok"}"#));
        assert!(!reports_dependencies("OK"));
        assert_eq!(b64url(b"hi?"), "aGk_");
        assert_eq!(forged_token().split('.').count(), 3);
        assert!(secret_like("DB_PASSWORD=hunter2hunter2\n").is_some());
        assert!(secret_like("PORT=8080\n").is_none());
        assert!(!mask_env("API_TOKEN=abcdefghijklmnop").contains("ghijkl"));
    }
}
