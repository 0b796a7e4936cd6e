//! # golive-fuzz
//!
//! The bodies of golive's fuzz targets: each takes arbitrary bytes, feeds them to one of the
//! parsers that read user input, and panics only when an invariant breaks (a parser that
//! panics itself, a value past its documented limit, a round trip that does not come back, a
//! threshold that cannot fail). The same functions run two ways:
//!
//! - under libFuzzer, from the cargo-fuzz package in `fuzz/` (`fuzz/fuzz_targets/*.rs` are one
//!   line each; `scripts/fuzz.sh` runs every target for a bounded time);
//! - on the stable toolchain, from this crate's tests (`tests/targets.rs`), with a bounded
//!   number of proptest-generated inputs: arbitrary bytes, structure-aware ones, and
//!   mutations of the seed files of `fuzz/seeds/`.
//!
//! `tests/properties.rs` holds the property tests of the unit parsers (durations, sizes,
//! thresholds, ramps, sign-off expiries).

use golive_checklist::mapping::Mapper;
use golive_core::units::{self, LOAD_DURATION_MAX, MAX_DURATION, TIMEOUT_MAX};
use golive_core::{Catalog, Config};
use golive_load::threshold::Metric;
use golive_load::{RateSchedule, Threshold};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use time::OffsetDateTime;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The fuzz targets, by the name `fuzz/` gives them.
pub const TARGETS: &[(&str, Target)] = &[
    ("config", config),
    ("smoke", smoke),
    ("checklist", checklist),
    ("units", units),
    ("threshold", threshold),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// golive.toml: `Config::parse` never panics; an error names the file; an accepted file holds
/// every bound the validation promises.
pub fn config(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match Config::parse(text, "golive.toml", Catalog::builtin()) {
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("golive.toml"),
                "error without the file: {msg}"
            );
        }
        Ok(cfg) => check_config(&cfg),
    }
}

fn duration_within(v: &Option<String>, max: Duration, what: &str) {
    if let Some(v) = v {
        let d = units::parse_duration(v)
            .unwrap_or_else(|e| panic!("{what} = {v:?} accepted but does not parse: {e}"));
        assert!(d <= max, "{what} = {v:?} accepted beyond {max:?}");
    }
}

fn check_config(cfg: &Config) {
    let p = &cfg.policy;
    assert!(p.no_go_below <= p.attention_below);
    if let Some(pc) = &cfg.probe {
        duration_within(&pc.timeout, TIMEOUT_MAX, "[probe] timeout");
        if let Some(n) = pc.latency_samples {
            assert!((1..=1000).contains(&n), "latency_samples = {n} accepted");
        }
    }
    if let Some(lc) = &cfg.load {
        let max = if lc.allow_long_run {
            MAX_DURATION
        } else {
            LOAD_DURATION_MAX
        };
        duration_within(&lc.duration, max, "[load] duration");
        duration_within(&lc.timeout, TIMEOUT_MAX, "[load] timeout");
        assert_ne!(lc.connections, Some(0));
        if let Some(r) = lc.rate {
            assert!(r.is_finite() && r > 0.0, "rate = {r} accepted");
        }
        // What `golive check` does next with the section must not panic either.
        for (i, t) in lc.thresholds.iter().enumerate() {
            if Threshold::parse(t).is_err() {
                let at = cfg.load_threshold_location(i);
                assert!(at.is_some(), "threshold #{i} {t:?} has no location");
            }
        }
        if let Some(r) = &lc.ramp {
            ramp_str(r);
        }
    }
    if let Some(cl) = &cfg.checklist {
        let catalog = Catalog::builtin();
        for rule in &cl.mapping {
            for id in &rule.checks {
                assert!(
                    catalog.get(id).is_some() || golive_core::config::is_dynamic_id(id),
                    "[[checklist.mapping]] with unknown check {id:?} accepted"
                );
            }
        }
        // Its rules are compiled next: an error, never a panic. (Compiling the built-in table
        // with them takes milliseconds: each distinct set of rules is compiled once.)
        static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
        let key = format!("{:?}", cl.mapping);
        let fresh = SEEN
            .get_or_init(Default::default)
            .lock()
            .map(|mut s| s.len() < 10_000 && s.insert(key))
            .unwrap_or(true);
        if fresh {
            let _ = Mapper::new(&cl.mapping);
        }
    }
}

/// A smoke spec: `Spec::parse` never panics, and an error names the file.
pub fn smoke(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match golive_load::smoke::Spec::parse(text, "smoke.yaml") {
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("smoke.yaml"),
                "error without the file: {msg}"
            );
        }
        Ok(spec) => assert!(!spec.is_empty(), "a spec without tests was accepted"),
    }
}

fn mapper() -> &'static Mapper {
    static M: OnceLock<Mapper> = OnceLock::new();
    M.get_or_init(|| Mapper::builtin().expect("the built-in mapping table compiles"))
}

/// A Markdown checklist as `golive checklist import` reads it (bytes in any encoding): repair,
/// parse, ids, mapping and the JSON view never panic; an accepted checklist has items with
/// unique ids and real line numbers.
pub fn checklist(data: &[u8]) {
    let Ok(cl) = golive_checklist::import_bytes(&[("c.md", data)], mapper()) else {
        return;
    };
    assert!(
        !cl.items.is_empty(),
        "a checklist without items was accepted"
    );
    let mut ids = std::collections::HashSet::new();
    for item in &cl.items {
        assert!(item.line >= 1, "item {} at line 0", item.id);
        assert!(ids.insert(item.id.clone()), "duplicate id {}", item.id);
        let _ = item.section_path();
    }
    let _ = cl.to_json();
}

/// The unit parsers on one string: durations (with the option limits), sizes, ramps and
/// sign-off expiries.
pub fn units(data: &[u8]) {
    let Some(s) = text(data) else { return };
    duration_str(s);
    size_str(s);
    ramp_str(s);
    expiry_str(s);
}

/// A duration: bounded by [`MAX_DURATION`], written back exactly by `fmt_duration`, held to
/// each option limit by `parse_duration_max`.
pub fn duration_str(s: &str) {
    let Ok(d) = units::parse_duration(s) else {
        return;
    };
    assert!(d <= MAX_DURATION, "{s:?} gave {d:?}, past the ceiling");
    let back = units::fmt_duration(d);
    assert_eq!(units::parse_duration(&back), Ok(d), "{s:?} -> {back:?}");
    for max in [TIMEOUT_MAX, LOAD_DURATION_MAX] {
        match units::parse_duration_max(s, max) {
            Ok(v) => assert!(v == d && v <= max),
            Err(e) => assert!(d > max, "{s:?} refused under {max:?}: {e}"),
        }
    }
}

/// A size: written back exactly by `fmt_bytes`.
pub fn size_str(s: &str) {
    let Ok(n) = units::parse_bytes(s) else { return };
    let back = units::fmt_bytes(n);
    assert_eq!(units::parse_bytes(&back), Ok(n), "{s:?} -> {back:?}");
}

/// A `--ramp` schedule: its length and rates are sane and its arithmetic does not panic.
pub fn ramp_str(s: &str) {
    let Ok(r) = RateSchedule::parse_ramp(s) else {
        return;
    };
    let total = r.duration();
    assert!(!total.is_zero());
    assert!(r.peak().is_finite() && r.peak() >= 0.0);
    let t = total.as_secs_f64();
    for x in [0.0, t / 2.0, t, t * 2.0] {
        assert!(r.due_by(x) >= 0.0, "{s:?}: due_by({x}) < 0");
    }
    let _ = r.due_at(0);
    let _ = r.due_at(u64::MAX);
}

/// `--expires`: never past five years from now.
pub fn expiry_str(s: &str) {
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let Ok(date) = golive_checklist::signoff::expiry_from(s, now) else {
        return;
    };
    let limit = now + time::Duration::try_from(units::EXPIRY_MAX).unwrap();
    assert!(
        date <= limit.date(),
        "{s:?} expires {date}, past {}",
        limit.date()
    );
}

/// A threshold: an accepted one has a finite limit in its metric's range, can both hold and
/// fail on values its metric can take, and reads back the same from its own text.
pub fn threshold(data: &[u8]) {
    let Some(s) = text(data) else { return };
    let Ok(t) = Threshold::parse(s) else { return };
    assert!(
        t.limit.is_finite() && t.limit >= 0.0,
        "{s:?}: limit {}",
        t.limit
    );
    // Latency limits stop at the timeout ceiling, but a measured latency does not (the open
    // model's corrected latencies include the time a request waited to be sent).
    let latency_max = TIMEOUT_MAX.as_secs_f64() * 1e3;
    let (lo, hi) = match t.metric {
        Metric::Percentile(p) => {
            assert!(p > 0.0 && p <= 100.0);
            (0.0, latency_max * 2.0)
        }
        Metric::Mean | Metric::Max => (0.0, latency_max * 2.0),
        Metric::ErrorRate => (0.0, 1.0),
        Metric::Rps => (0.0, golive_load::threshold::MAX_RPS * 2.0),
        Metric::MemGrowth => (-1e7, 1e7),
    };
    let max = match t.metric {
        Metric::Percentile(_) | Metric::Mean | Metric::Max => latency_max,
        Metric::Rps => golive_load::threshold::MAX_RPS,
        Metric::MemGrowth => golive_load::threshold::MAX_MEM_GROWTH,
        Metric::ErrorRate => 1.0,
    };
    assert!(t.limit <= max, "{s:?}: limit {} above {max}", t.limit);
    // Values the metric can take around the limit (a measured latency is never exactly 0).
    let lo = if matches!(
        t.metric,
        Metric::ErrorRate | Metric::Rps | Metric::MemGrowth
    ) {
        lo
    } else {
        1e-3_f64.min(t.limit / 2.0).max(1e-9)
    };
    let points = [
        lo,
        t.limit / 2.0,
        t.limit,
        t.limit + (hi - t.limit) / 2.0,
        hi,
    ];
    let held = points
        .iter()
        .filter(|v| **v >= lo && **v <= hi)
        .map(|v| t.holds(*v))
        .collect::<Vec<_>>();
    assert!(
        held.contains(&true) && held.contains(&false),
        "{s:?} ({} {:?} {}) gives the same answer for every value: {held:?}",
        t.metric.name(),
        t.op,
        t.limit
    );
    let again = Threshold::parse(&t.text).expect("a threshold's own text parses");
    assert_eq!(
        (again.metric, again.op, again.limit),
        (t.metric, t.op, t.limit)
    );
    let _ = t.describe();
}
