//! k6-style thresholds: `p95<200ms`, `p(99)<1s`, `mean<2s`, `max<3s`, `error_rate<0.1%`,
//! `rps>500`, `mem_growth<5MB/min`.

use crate::LoadError;
use std::fmt;

/// The largest `rps` limit accepted: a billion requests per second, far beyond any run.
pub const MAX_RPS: f64 = 1e9;
/// The largest `mem_growth` limit accepted, in MB per minute (1 TB a minute).
pub const MAX_MEM_GROWTH: f64 = 1e6;

/// Why a threshold gives the same answer whatever the run measures (`None` when it can both
/// hold and fail). Such a threshold is a mistake: one that always holds turns any run into a
/// pass, one that never holds fails every run.
fn constant(metric: Metric, op: Op, limit: f64) -> Option<String> {
    let (lo, hi, unit) = match metric {
        Metric::Percentile(_) | Metric::Mean | Metric::Max => (0.0, None, " ms"),
        Metric::ErrorRate => (0.0, Some(1.0), ""),
        Metric::Rps => (0.0, None, " req/s"),
        // Memory can shrink: no lower bound, and the upper one is checked with the limit.
        Metric::MemGrowth => return None,
    };
    let always = "always holds, whatever the run measures";
    let never = "can never hold, whatever the run measures";
    let shown = |v: f64| {
        if metric == Metric::ErrorRate {
            format!("{}%", trim_float(v * 100.0))
        } else {
            format!("{}{unit}", trim_float(v))
        }
    };
    let name = metric.name();
    let why = match op {
        Op::Ge if limit <= lo => format!("{name} >= {} {always}", shown(lo)),
        Op::Lt if limit <= lo => format!("{name} < {} {never}", shown(lo)),
        Op::Le if hi.is_some_and(|h| limit >= h) => {
            format!("{name} <= {} {always}", shown(hi.unwrap_or(limit)))
        }
        Op::Gt if hi.is_some_and(|h| limit >= h) => {
            format!("{name} > {} {never}", shown(hi.unwrap_or(limit)))
        }
        // Latencies are measured in whole microseconds: a limit between 0 and 1 µs cannot tell
        // one run from another.
        _ if unit == " ms" && limit > 0.0 && limit < 1e-3 => format!(
            "{name} limit {} is below the 1 µs resolution of the measurements: it cannot tell runs apart",
            shown(limit)
        ),
        // A latency of exactly 0 is not measured either: `<=0` never holds, `>0` always does.
        Op::Le | Op::Gt if limit <= lo && unit == " ms" => {
            format!("a latency limit of 0 ms means nothing: {name} is always above it")
        }
        _ => return None,
    };
    Some(format!(
        "{why}; give a limit the run can miss (e.g. `p95<200ms`, `error_rate<1%`)"
    ))
}

/// What a threshold measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// A latency percentile (0–100), in milliseconds.
    Percentile(f64),
    /// Mean latency, in milliseconds.
    Mean,
    /// Largest latency, in milliseconds.
    Max,
    /// Failed requests / all requests, as a fraction (0.001 = 0.1 %).
    ErrorRate,
    /// Achieved requests per second.
    Rps,
    /// Memory growth of the watched process, in MB per minute.
    MemGrowth,
}

impl Metric {
    /// The catalog check a threshold on this metric feeds.
    pub fn check_id(self) -> &'static str {
        match self {
            Metric::Percentile(95.0) => "load.p95-latency",
            Metric::Percentile(99.0) => "load.p99-latency",
            Metric::Percentile(_) | Metric::Max => "load.latency-threshold",
            Metric::Mean => "load.mean-latency",
            Metric::ErrorRate => "load.error-rate",
            Metric::Rps => "load.throughput",
            Metric::MemGrowth => "load.memory-stable",
        }
    }

    pub fn name(self) -> String {
        match self {
            Metric::Percentile(p) => format!("p{}", trim_float(p)),
            Metric::Mean => "mean".into(),
            Metric::Max => "max".into(),
            Metric::ErrorRate => "error_rate".into(),
            Metric::Rps => "rps".into(),
            Metric::MemGrowth => "mem_growth".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A parsed threshold. `limit` is in the metric's base unit (ms, fraction, rps, MB/min).
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub metric: Metric,
    pub op: Op,
    pub limit: f64,
    /// As written by the user.
    pub text: String,
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Threshold {
    /// Parses one threshold expression.
    pub fn parse(s: &str) -> Result<Threshold, LoadError> {
        let text: String = s.split_whitespace().collect();
        let bad = |why: String| LoadError::Threshold {
            text: s.to_string(),
            why,
        };
        let pos = text
            .find(['<', '>'])
            .ok_or_else(|| bad("no comparison: write e.g. `p95<200ms` or `rps>500`".into()))?;
        let (lhs, rest) = text.split_at(pos);
        let (op, rhs) = if let Some(r) = rest.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = rest.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = rest.strip_prefix('<') {
            (Op::Lt, r)
        } else {
            (Op::Gt, &rest[1..])
        };
        let lhs_l = lhs.to_ascii_lowercase();
        let metric = match lhs_l.as_str() {
            "mean" | "avg" | "average" => Metric::Mean,
            "max" => Metric::Max,
            "error_rate" | "errors" | "error-rate" | "http_req_failed" => Metric::ErrorRate,
            "rps" | "throughput" | "http_reqs" => Metric::Rps,
            "mem_growth" | "memory_growth" | "mem-growth" => Metric::MemGrowth,
            "median" => Metric::Percentile(50.0),
            other => {
                let p = other
                    .strip_prefix("p(")
                    .and_then(|x| x.strip_suffix(')'))
                    .or_else(|| other.strip_prefix('p'))
                    .ok_or_else(|| {
                        bad(format!(
                            "unknown metric `{lhs}` (use p50, p90, p95, p99, p99.9, mean, max, error_rate, rps or mem_growth)"
                        ))
                    })?;
                let p: f64 = p
                    .parse()
                    .map_err(|_| bad(format!("`{lhs}` is not a percentile like p95 or p(99.9)")))?;
                if !(0.0..=100.0).contains(&p) || p == 0.0 {
                    return Err(bad(format!("percentile {p} is not between 0 and 100")));
                }
                Metric::Percentile(p)
            }
        };
        if rhs.is_empty() {
            return Err(bad("no limit after the comparison".into()));
        }
        let latency_max_ms = golive_core::units::TIMEOUT_MAX.as_secs_f64() * 1e3;
        let limit = match metric {
            Metric::Percentile(_) | Metric::Mean | Metric::Max => {
                // A bare number is milliseconds, as in k6.
                let ms = if rhs.chars().all(|c| c.is_ascii_digit() || c == '.') {
                    rhs.parse::<f64>()
                        .map_err(|_| bad(format!("`{rhs}` is not a number")))?
                } else {
                    // From nanoseconds: `519415ms` is 519415.0, not 519414.99999999994.
                    golive_core::units::parse_duration(rhs)
                        .map_err(|e| bad(e.to_string()))?
                        .as_nanos() as f64
                        / 1e6
                };
                if ms > latency_max_ms {
                    return Err(bad(format!(
                        "`{rhs}` is more than {}, the longest a request may take (the timeout ceiling): the threshold could never fail",
                        golive_core::units::fmt_duration(golive_core::units::TIMEOUT_MAX)
                    )));
                }
                ms
            }
            Metric::ErrorRate => {
                if let Some(p) = rhs.strip_suffix('%') {
                    let pct: f64 = p
                        .parse()
                        .ok()
                        .filter(|v: &f64| v.is_finite())
                        .ok_or_else(|| bad(format!("`{rhs}` is not a percentage")))?;
                    if !(0.0..=100.0).contains(&pct) {
                        return Err(bad(format!(
                            "`{rhs}` is not a percentage between 0% and 100%"
                        )));
                    }
                    pct / 100.0
                } else {
                    let v: f64 = rhs
                        .parse()
                        .ok()
                        .filter(|v: &f64| v.is_finite())
                        .ok_or_else(|| bad(format!("`{rhs}` is not a rate like 0.1% or 0.001")))?;
                    if v > 1.0 {
                        return Err(bad(format!(
                            "`{rhs}` is more than 1: write a percentage with `%` (e.g. `1%`)"
                        )));
                    }
                    v
                }
            }
            Metric::Rps => {
                let v: f64 = rhs
                    .trim_end_matches("/s")
                    .parse()
                    .map_err(|_| bad(format!("`{rhs}` is not a number of requests per second")))?;
                if v > MAX_RPS {
                    return Err(bad(format!(
                        "`{rhs}` is more than {MAX_RPS:e} requests per second, which no run reaches"
                    )));
                }
                v
            }
            Metric::MemGrowth => {
                let v = rhs
                    .to_ascii_lowercase()
                    .trim_end_matches("/min")
                    .trim_end_matches("mb")
                    .to_string();
                let v: f64 = v
                    .parse()
                    .map_err(|_| bad(format!("`{rhs}` is not a growth like 5MB/min")))?;
                if v > MAX_MEM_GROWTH {
                    return Err(bad(format!(
                        "`{rhs}` is more than {MAX_MEM_GROWTH} MB/min (1 TB a minute): the threshold could never fail"
                    )));
                }
                v
            }
        };
        if !limit.is_finite() || limit < 0.0 {
            return Err(bad(format!("`{rhs}` is not a valid limit")));
        }
        if let Some(why) = constant(metric, op, limit) {
            return Err(bad(why));
        }
        Ok(Threshold {
            metric,
            op,
            limit,
            text,
        })
    }

    /// Whether a measured value (in the metric's base unit) meets the threshold.
    pub fn holds(&self, value: f64) -> bool {
        match self.op {
            Op::Lt => value < self.limit,
            Op::Le => value <= self.limit,
            Op::Gt => value > self.limit,
            Op::Ge => value >= self.limit,
        }
    }

    /// `p95 < 200 ms` in canonical units.
    pub fn describe(&self) -> String {
        let unit = match self.metric {
            Metric::Percentile(_) | Metric::Mean | Metric::Max => " ms",
            Metric::ErrorRate => "",
            Metric::Rps => " req/s",
            Metric::MemGrowth => " MB/min",
        };
        let limit = if self.metric == Metric::ErrorRate {
            format!("{}%", trim_float(self.limit * 100.0))
        } else {
            trim_float(self.limit)
        };
        format!("{} {} {limit}{unit}", self.metric.name(), self.op.as_str())
    }
}

pub(crate) fn trim_float(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k6_style_thresholds() {
        let t = Threshold::parse("p95<200ms").unwrap();
        assert_eq!(t.metric, Metric::Percentile(95.0));
        assert_eq!(t.limit, 200.0);
        assert!(t.holds(199.0) && !t.holds(200.0));
        let t = Threshold::parse("p(99) < 1s").unwrap();
        assert_eq!(t.metric, Metric::Percentile(99.0));
        assert_eq!(t.limit, 1000.0);
        let t = Threshold::parse("p99.9<=250").unwrap();
        assert_eq!(t.metric, Metric::Percentile(99.9));
        assert!(t.holds(250.0));
        assert_eq!(t.metric.check_id(), "load.latency-threshold");
        let t = Threshold::parse("mean<2s").unwrap();
        assert_eq!((t.metric, t.limit), (Metric::Mean, 2000.0));
        let t = Threshold::parse("error_rate<0.1%").unwrap();
        assert_eq!(t.metric, Metric::ErrorRate);
        assert!((t.limit - 0.001).abs() < 1e-12);
        assert!(t.holds(0.0005) && !t.holds(0.01));
        let t = Threshold::parse("rps>500").unwrap();
        assert!(t.holds(501.0) && !t.holds(500.0));
        assert_eq!(t.describe(), "rps > 500 req/s");
        let t = Threshold::parse("mem_growth<5MB/min").unwrap();
        assert_eq!((t.metric, t.limit), (Metric::MemGrowth, 5.0));
        // Limits at the edge that can still fail are kept.
        for ok in [
            "error_rate<=0",
            "error_rate<100%",
            "error_rate>0%",
            "error_rate>=100%",
            "p95<10m",
            "p95<600000",
            "rps>0",
            "mem_growth<0MB/min",
        ] {
            Threshold::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
    }

    #[test]
    fn rejects_bad_thresholds_with_reasons() {
        for (bad, why) in [
            ("p95", "no comparison"),
            ("latency<1s", "unknown metric"),
            ("p95<", "no limit"),
            ("p95<fast", "duration"),
            ("p120<1s", "between 0 and 100"),
            ("error_rate<5", "more than 1"),
            ("rps>many", "requests per second"),
            // Issue 12: thresholds that cannot fail (or cannot hold) are refused.
            ("error_rate<200%", "between 0% and 100%"),
            ("error_rate<-1%", "between 0% and 100%"),
            ("error_rate<inf%", "not a percentage"),
            ("error_rate<=100%", "always holds"),
            ("error_rate<=1", "always holds"),
            ("error_rate>=0%", "always holds"),
            ("error_rate<0", "never hold"),
            ("error_rate>100%", "never hold"),
            ("p95<0", "never hold"),
            ("p95>=0ms", "always holds"),
            ("p95>0", "always above"),
            ("p95<=0", "always above"),
            // Found by the fuzzer: below the measurements' resolution.
            ("p9<.00000000007792", "1 µs resolution"),
            ("p99>0.0005ms", "1 µs resolution"),
            ("mean<11m", "could never fail"),
            ("max<99999999999999999999h", "100 years"),
            ("p99<1e400s", "unknown duration unit"),
            ("p99<99999999999999999999999999", "could never fail"),
            ("rps>=0", "always holds"),
            ("rps<0", "never hold"),
            ("rps>1e12", "no run reaches"),
            ("mem_growth<5000000MB/min", "could never fail"),
        ] {
            let e = Threshold::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(e.contains(bad), "{bad}: {e}");
        }
    }
}
