//! Turns a load result and its thresholds into findings: one or more per load check, each with
//! the measured value and the threshold as `Evidence::Metric`, so the standard renderers draw
//! them. Without thresholds the policy defaults apply (p95 over 200 ms warns, an error rate over
//! 1 % fails); a missed threshold is graded critical, so the verdict is NO-GO (exit 2); checks with neither a threshold nor a default are not applicable, with the
//! measured value attached.

use crate::stats::LoadResult;
use crate::threshold::{Metric, Threshold, trim_float};
use golive_core::{Catalog, Evidence, Finding, Outcome, Severity};

/// Policy defaults used when no threshold is given for a metric.
pub const DEFAULT_P95_WARN_MS: f64 = 200.0;
pub const DEFAULT_ERROR_RATE_FAIL: f64 = 0.01;
pub const DEFAULT_MEM_GROWTH_WARN: f64 = 1.0;
/// Open model: a run that sent less than this share of the asked requests, or sent more than
/// [`LATE_SHARE`] of them late, did not deliver the asked load.
pub const KEEP_UP_SHARE: f64 = 0.95;
pub const LATE_SHARE: f64 = 0.05;

/// Every check the load collector owns.
pub const LOAD_CHECKS: [&str; 8] = [
    "load.p95-latency",
    "load.p99-latency",
    "load.mean-latency",
    "load.latency-threshold",
    "load.error-rate",
    "load.throughput",
    "load.memory-stable",
    "load.generator-keeps-up",
];

fn value_of(r: &LoadResult, m: Metric) -> Option<f64> {
    let h = &r.recorder.corrected;
    let lat = |v: u64| v as f64 / 1e3;
    match m {
        Metric::Percentile(p) => (!h.is_empty()).then(|| lat(h.value_at_quantile(p / 100.0))),
        Metric::Mean => (!h.is_empty()).then(|| h.mean() / 1e3),
        Metric::Max => (!h.is_empty()).then(|| lat(h.max())),
        Metric::ErrorRate => (r.requests() > 0).then(|| r.error_rate()),
        Metric::Rps => Some(r.rps()),
        Metric::MemGrowth => r.watch.as_ref().and_then(|w| w.slope_mb_per_min),
    }
}

fn uncorrected_of(r: &LoadResult, m: Metric) -> Option<f64> {
    let h = &r.recorder.uncorrected;
    if h.is_empty() || !r.is_open() {
        return None;
    }
    match m {
        Metric::Percentile(p) => Some(h.value_at_quantile(p / 100.0) as f64 / 1e3),
        Metric::Mean => Some(h.mean() / 1e3),
        Metric::Max => Some(h.max() as f64 / 1e3),
        _ => None,
    }
}

fn unit(m: Metric) -> &'static str {
    match m {
        Metric::Percentile(_) | Metric::Mean | Metric::Max => "ms",
        Metric::ErrorRate => "%",
        Metric::Rps => "req/s",
        Metric::MemGrowth => "MB/min",
    }
}

fn show(m: Metric, v: f64) -> String {
    match m {
        Metric::ErrorRate => format!("{}%", trim_float(v * 100.0)),
        _ => format!("{} {}", trim_float(v), unit(m)),
    }
}

fn metric_evidence(r: &LoadResult, m: Metric, v: f64, threshold: Option<String>) -> Vec<Evidence> {
    let (value, unit) = match m {
        Metric::ErrorRate => (v * 100.0, "%"),
        _ => (v, unit(m)),
    };
    let label = if r.is_open() && matches!(m, Metric::Percentile(_) | Metric::Mean | Metric::Max) {
        format!("{} (corrected)", m.name())
    } else {
        m.name()
    };
    let mut ev = vec![Evidence::metric(
        label,
        round3(value),
        Some(unit),
        threshold,
    )];
    if let Some(u) = uncorrected_of(r, m) {
        ev.push(Evidence::metric(
            format!("{} (uncorrected)", m.name()),
            round3(u),
            Some("ms"),
            None,
        ));
    }
    ev
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The findings of a load run.
pub fn findings(r: &LoadResult, thresholds: &[Threshold], catalog: &Catalog) -> Vec<Finding> {
    let mut out = Vec::new();
    let no_response = r.recorder.corrected.is_empty();
    for id in LOAD_CHECKS {
        let check = catalog.check(id);
        let mine: Vec<&Threshold> = thresholds
            .iter()
            .filter(|t| t.metric.check_id() == id)
            .collect();
        let mut fs: Vec<Finding> = Vec::new();
        for t in &mine {
            let f = match value_of(r, t.metric) {
                Some(v) => {
                    let ok = t.holds(v);
                    let msg = if ok {
                        format!(
                            "{} = {}: meets `{}`",
                            t.metric.name(),
                            show(t.metric, v),
                            t.text
                        )
                    } else {
                        format!(
                            "{} = {}: misses `{}`",
                            t.metric.name(),
                            show(t.metric, v),
                            t.text
                        )
                    };
                    let mut f =
                        Finding::new(check, if ok { Outcome::Pass } else { Outcome::Fail }, msg);
                    if !ok {
                        // A threshold the user set is a gate (as in k6): missing it is NO-GO.
                        f = f.with_severity(Severity::Critical);
                    }
                    for e in metric_evidence(r, t.metric, v, Some(t.describe())) {
                        f = f.with_evidence(e);
                    }
                    f
                }
                None => Finding::new(
                    check,
                    if t.metric == Metric::MemGrowth {
                        memory_outcome_without_slope(r)
                    } else {
                        Outcome::Inconclusive
                    },
                    format!(
                        "`{}` could not be measured: {}",
                        t.text,
                        why_unmeasured(r, t.metric)
                    ),
                ),
            };
            fs.push(f);
        }
        if fs.is_empty() {
            fs.push(default_finding(r, id, check, no_response));
        }
        out.extend(fs);
    }
    // Summary figures ride on the throughput findings so every format carries them.
    if let Some(f) = out.iter_mut().find(|f| f.check == "load.throughput") {
        for e in summary_evidence(r) {
            f.evidence.push(e);
        }
    }
    out
}

fn why_unmeasured(r: &LoadResult, m: Metric) -> String {
    match m {
        Metric::MemGrowth => match &r.watch {
            None => "no process watched (give --watch-pid PID)".into(),
            Some(w) => w.problem.clone().unwrap_or_else(|| {
                format!(
                    "too few memory samples after the {:.1} s warm-up (run longer)",
                    w.warmup_s
                )
            }),
        },
        _ => format!(
            "no response was received ({} requests failed: {})",
            r.transport_errors(),
            error_list(r)
        ),
    }
}

fn memory_outcome_without_slope(r: &LoadResult) -> Outcome {
    match &r.watch {
        Some(w) if w.problem.is_some() && w.samples.is_empty() => Outcome::Error,
        _ => Outcome::Inconclusive,
    }
}

fn error_list(r: &LoadResult) -> String {
    let kinds = r.error_kinds();
    if kinds.is_empty() {
        return "none".into();
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn default_finding(
    r: &LoadResult,
    id: &str,
    check: &golive_core::Check,
    no_response: bool,
) -> Finding {
    let latency_na = |m: Metric, flag: &str| {
        if no_response {
            return Finding::new(
                check,
                Outcome::Inconclusive,
                format!(
                    "no response was received, so {} could not be measured ({})",
                    m.name(),
                    error_list(r)
                ),
            );
        }
        let v = value_of(r, m).unwrap_or(0.0);
        let mut f = Finding::new(
            check,
            Outcome::NotApplicable,
            format!(
                "{} = {}; no threshold set (add --threshold '{flag}')",
                m.name(),
                show(m, v)
            ),
        );
        for e in metric_evidence(r, m, v, None) {
            f = f.with_evidence(e);
        }
        f
    };
    match id {
        "load.p95-latency" => {
            if no_response {
                return latency_na(Metric::Percentile(95.0), "");
            }
            let m = Metric::Percentile(95.0);
            let v = value_of(r, m).unwrap_or(0.0);
            let limit = format!(
                "p95 < {} ms (policy default)",
                trim_float(DEFAULT_P95_WARN_MS)
            );
            let (o, msg) = if v < DEFAULT_P95_WARN_MS {
                (
                    Outcome::Pass,
                    format!("p95 = {} (default policy: under 200 ms)", show(m, v)),
                )
            } else {
                (
                    Outcome::Warn,
                    format!(
                        "p95 = {}: over the 200 ms default; set --threshold 'p95<…' to decide",
                        show(m, v)
                    ),
                )
            };
            let mut f = Finding::new(check, o, msg);
            for e in metric_evidence(r, m, v, Some(limit)) {
                f = f.with_evidence(e);
            }
            f
        }
        "load.p99-latency" => latency_na(Metric::Percentile(99.0), "p99<1s"),
        "load.mean-latency" => latency_na(Metric::Mean, "mean<500ms"),
        "load.latency-threshold" => latency_na(Metric::Max, "p99.9<2s"),
        "load.error-rate" => {
            let m = Metric::ErrorRate;
            if r.requests() == 0 {
                return Finding::new(
                    check,
                    Outcome::Inconclusive,
                    "no request completed, so the error rate is unknown",
                );
            }
            let v = r.error_rate();
            let ok = v <= DEFAULT_ERROR_RATE_FAIL;
            let msg = format!(
                "error rate {} ({} of {} requests: {} non-ok statuses; transport errors: {}) — default policy: at most 1%",
                show(m, v),
                r.errors(),
                r.requests(),
                r.recorder.non_ok,
                error_list(r)
            );
            let mut f = Finding::new(check, if ok { Outcome::Pass } else { Outcome::Fail }, msg);
            for e in metric_evidence(r, m, v, Some("error_rate <= 1% (policy default)".into())) {
                f = f.with_evidence(e);
            }
            f
        }
        "load.throughput" => {
            let m = Metric::Rps;
            let v = r.rps();
            let mut f = Finding::new(
                check,
                Outcome::NotApplicable,
                format!(
                    "{} achieved; no throughput threshold set (add --threshold 'rps>…')",
                    show(m, v)
                ),
            );
            for e in metric_evidence(r, m, v, None) {
                f = f.with_evidence(e);
            }
            f
        }
        "load.memory-stable" => match &r.watch {
            None => Finding::new(
                check,
                Outcome::NotApplicable,
                "no process watched: give --watch-pid PID to check for memory growth under load",
            ),
            Some(w) => match w.slope_mb_per_min {
                Some(s) => {
                    let stable = s <= DEFAULT_MEM_GROWTH_WARN;
                    let msg = if stable {
                        format!(
                            "memory stable: {} MB/min after warm-up (RSS {} → {} MB)",
                            trim_float(s),
                            mb(w.rss_first),
                            mb(w.rss_last)
                        )
                    } else {
                        format!(
                            "memory grows {} MB/min after warm-up (RSS {} → {} MB)",
                            trim_float(s),
                            mb(w.rss_first),
                            mb(w.rss_last)
                        )
                    };
                    let mut f = Finding::new(
                        check,
                        if stable { Outcome::Pass } else { Outcome::Warn },
                        msg,
                    )
                    .with_evidence(Evidence::metric(
                        format!("RSS growth of pid {}", w.pid),
                        round3(s),
                        Some("MB/min"),
                        Some("mem_growth <= 1 MB/min (policy default)".into()),
                    ))
                    .with_evidence(Evidence::metric(
                        "RSS max",
                        round3(w.rss_max as f64 / 1e6),
                        Some("MB"),
                        None,
                    ));
                    if let Some(c) = w.cpu_percent {
                        f = f.with_evidence(Evidence::metric("CPU", round3(c), Some("%"), None));
                    }
                    f
                }
                None => Finding::new(
                    check,
                    memory_outcome_without_slope(r),
                    format!(
                        "memory growth of pid {} unknown: {}",
                        w.pid,
                        why_unmeasured(r, Metric::MemGrowth)
                    ),
                ),
            },
        },
        "load.generator-keeps-up" => {
            let (Some(intended), Some(rate)) = (r.intended, r.target_rate) else {
                return Finding::new(
                    check,
                    Outcome::NotApplicable,
                    "closed model (-c): no arrival rate was asked; use --rate or --ramp for an open-model run",
                );
            };
            let sent = intended.saturating_sub(r.dropped);
            let achieved = r.rps();
            let late_share = if sent == 0 {
                0.0
            } else {
                r.recorder.late as f64 / sent as f64
            };
            let kept = intended == 0
                || (sent as f64 >= KEEP_UP_SHARE * intended as f64 && late_share <= LATE_SHARE);
            let msg = if kept {
                format!(
                    "kept to the schedule: {sent} of {intended} due requests sent, {} late; achieved {} req/s (asked up to {})",
                    r.recorder.late,
                    trim_float(achieved),
                    trim_float(rate)
                )
            } else {
                format!(
                    "could not keep up: asked up to {} req/s, achieved {} req/s; {} of {intended} due requests sent late (> 10 ms), {} never sent. The figures describe a lighter load than asked: add connections (-c) or generators",
                    trim_float(rate),
                    trim_float(achieved),
                    r.recorder.late,
                    r.dropped
                )
            };
            Finding::new(check, if kept { Outcome::Pass } else { Outcome::Warn }, msg)
                .with_evidence(Evidence::metric(
                    "achieved rate",
                    round3(achieved),
                    Some("req/s"),
                    Some(format!("asked {} req/s", trim_float(rate))),
                ))
                .with_evidence(Evidence::metric(
                    "late sends",
                    r.recorder.late as f64,
                    None,
                    Some("≤ 5% of sends".into()),
                ))
                .with_evidence(Evidence::metric(
                    "dropped sends",
                    r.dropped as f64,
                    None,
                    Some("≤ 5% of due requests".into()),
                ))
        }
        _ => Finding::new(check, Outcome::Error, format!("no evaluation for {id}")),
    }
}

fn mb(b: u64) -> String {
    trim_float(b as f64 / 1e6)
}

/// Requests, statuses, error kinds, bytes, latency figures and the per-second series.
pub fn summary_evidence(r: &LoadResult) -> Vec<Evidence> {
    let mut ev = vec![
        Evidence::metric("requests", r.requests() as f64, None, None),
        Evidence::metric("duration", round3(r.elapsed.as_secs_f64()), Some("s"), None),
        Evidence::metric("bytes received", r.recorder.bytes as f64, Some("B"), None),
    ];
    let c = r.corrected();
    for (name, v) in [
        ("p50", c.p50),
        ("p90", c.p90),
        ("p95", c.p95),
        ("p99", c.p99),
        ("p99.9", c.p999),
        ("max", c.max),
        ("mean", c.mean),
    ] {
        ev.push(Evidence::metric(
            format!("latency {name}"),
            round3(v),
            Some("ms"),
            None,
        ));
    }
    for (s, n) in r.statuses() {
        ev.push(Evidence::metric(
            format!("status {s}"),
            n as f64,
            None,
            None,
        ));
    }
    for (k, n) in r.error_kinds() {
        ev.push(Evidence::metric(
            format!("{} errors", k.as_str()),
            n as f64,
            None,
            None,
        ));
    }
    let series: Vec<String> = r
        .recorder
        .series
        .iter()
        .map(|s| s.requests.to_string())
        .collect();
    if !series.is_empty() {
        let shown = series.len().min(120);
        ev.push(Evidence::note(format!(
            "requests per second: {}{}",
            series[..shown].join(" "),
            if shown < series.len() { " …" } else { "" }
        )));
    }
    ev
}

/// The load-specific table printed above the report on a terminal.
pub fn summary_text(r: &LoadResult) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Load: {} — {} model, {} connection(s), {:.2} s{}{}",
        r.url,
        r.model,
        r.connections,
        r.elapsed.as_secs_f64(),
        if r.runs > 1 {
            format!(", {} runs merged", r.runs)
        } else {
            String::new()
        },
        if r.interrupted {
            " (interrupted by Ctrl-C)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "  requests {}   {:.1} req/s   errors {} ({:.2}%)   received {} bytes",
        r.requests(),
        r.rps(),
        r.errors(),
        r.error_rate() * 100.0,
        r.recorder.bytes
    );
    let row = |name: &str, l: crate::stats::Latency| {
        format!(
            "  {name:<12} p50 {:>9.2}  p90 {:>9.2}  p95 {:>9.2}  p99 {:>9.2}  p99.9 {:>9.2}  max {:>9.2}  mean {:>9.2}  (ms)\n",
            l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean
        )
    };
    if r.is_open() {
        s.push_str(&row("corrected", r.corrected()));
        s.push_str(&row("uncorrected", r.uncorrected()));
    } else {
        s.push_str(&row("latency", r.corrected()));
    }
    let statuses: Vec<String> = r
        .statuses()
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if !statuses.is_empty() {
        let _ = writeln!(s, "  statuses     {}", statuses.join("  "));
    }
    if !r.error_kinds().is_empty() {
        let _ = writeln!(s, "  errors       {}", error_list(r));
    }
    if let (Some(i), Some(rate)) = (r.intended, r.target_rate) {
        let _ = writeln!(
            s,
            "  schedule     asked up to {} req/s, {} due, {} late, {} dropped",
            trim_float(rate),
            i,
            r.recorder.late,
            r.dropped
        );
    }
    if let Some(w) = &r.watch {
        match (w.slope_mb_per_min, &w.problem) {
            (Some(sl), _) => {
                let _ = writeln!(
                    s,
                    "  pid {}      RSS {} → {} MB (max {}), {} MB/min after warm-up{}",
                    w.pid,
                    mb(w.rss_first),
                    mb(w.rss_last),
                    mb(w.rss_max),
                    trim_float(sl),
                    w.cpu_percent
                        .map(|c| format!(", CPU {:.1}%", c))
                        .unwrap_or_default()
                );
            }
            (None, Some(p)) => {
                let _ = writeln!(s, "  pid {}      {p}", w.pid);
            }
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Recorder;
    use std::time::Duration;

    fn open_result(intended: u64, sent: u64, late: u64) -> LoadResult {
        let mut rec = Recorder::default();
        for _ in 0..sent {
            rec.response(200, true, 1000, 1000, 2, Duration::from_millis(10));
        }
        rec.late = late;
        LoadResult {
            url: "http://127.0.0.1/".into(),
            model: "open".into(),
            connections: 4,
            elapsed: Duration::from_secs(1),
            recorder: rec,
            intended: Some(intended),
            target_rate: Some(intended as f64),
            dropped: intended - sent,
            interrupted: false,
            watch: None,
            runs: 1,
        }
    }

    fn keep_up(r: &LoadResult) -> Finding {
        findings(r, &[], Catalog::builtin())
            .into_iter()
            .find(|f| f.check == "load.generator-keeps-up")
            .unwrap()
    }

    #[test]
    fn generator_keeping_up_or_not() {
        let ok = keep_up(&open_result(100, 100, 2));
        assert_eq!(ok.outcome, Outcome::Pass, "{}", ok.message);
        let dropped = keep_up(&open_result(100, 80, 0));
        assert_eq!(dropped.outcome, Outcome::Warn);
        assert!(
            dropped.message.contains("20 never sent"),
            "{}",
            dropped.message
        );
        let late = keep_up(&open_result(100, 100, 30));
        assert_eq!(late.outcome, Outcome::Warn);
        assert!(
            late.message.contains("could not keep up"),
            "{}",
            late.message
        );
    }

    #[test]
    fn missed_threshold_is_critical_and_met_one_keeps_the_check_severity() {
        let r = open_result(100, 100, 0);
        let t = [
            Threshold::parse("p95<0.5ms").unwrap(),
            Threshold::parse("p95<2ms").unwrap(),
        ];
        let fs: Vec<Finding> = findings(&r, &t, Catalog::builtin())
            .into_iter()
            .filter(|f| f.check == "load.p95-latency")
            .collect();
        assert_eq!(fs.len(), 2);
        assert_eq!(
            (fs[0].outcome, fs[0].severity),
            (Outcome::Fail, Severity::Critical)
        );
        assert_eq!(
            (fs[1].outcome, fs[1].severity),
            (Outcome::Pass, Severity::High)
        );
        // corrected and uncorrected figures side by side in the open model
        assert!(
            fs[0]
                .evidence
                .iter()
                .any(|e| matches!(e, Evidence::Metric { name, .. } if name == "p95 (uncorrected)"))
        );
    }
}
