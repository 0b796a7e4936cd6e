//! What a run measured: latency histograms (corrected and uncorrected), status counts, error
//! kinds, bytes and a per-second series. Memory is bounded whatever the run length: two HDR
//! histograms per shard plus one small record per second.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Largest latency a histogram holds (1 hour, in microseconds); larger values saturate.
pub const MAX_LATENCY_US: u64 = 3_600_000_000;
/// Significant figures kept by the histograms (0.1 % resolution).
pub const SIGFIGS: u8 = 3;

pub fn new_histogram() -> Histogram<u64> {
    // Bounds are constants that are valid, so this cannot fail.
    Histogram::new_with_bounds(1, MAX_LATENCY_US, SIGFIGS).expect("valid histogram bounds")
}

/// Why a request failed without a usable response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// TCP connect failed (refused, unreachable).
    Connect,
    /// No full response within the timeout.
    Timeout,
    /// The server closed or reset the connection mid-exchange.
    Reset,
    /// TLS handshake failed.
    Tls,
    /// The response was not valid HTTP.
    Protocol,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Reset,
        ErrorKind::Tls,
        ErrorKind::Protocol,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Reset => "reset",
            ErrorKind::Tls => "tls",
            ErrorKind::Protocol => "protocol",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// One second of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SecondStats {
    /// Responses and failed requests completed in this second.
    pub requests: u64,
    /// Of which errors (transport errors and statuses outside the ok set).
    pub errors: u64,
    /// Sum of corrected latencies, microseconds (for the mean).
    pub latency_sum_us: u64,
    /// Largest corrected latency, microseconds.
    pub latency_max_us: u64,
}

/// A shard of the recorder: connections write into one shard each, so the hot loop never
/// contends on a single lock.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// Latency from the intended send time (open model) or the actual send time (closed model).
    pub corrected: Histogram<u64>,
    /// Latency from the actual send time.
    pub uncorrected: Histogram<u64>,
    pub statuses: [u64; 600],
    pub errors: [u64; 5],
    pub non_ok: u64,
    pub bytes: u64,
    /// Sends made more than [`crate::engine::LATE_AFTER`] after their intended time.
    pub late: u64,
    pub series: Vec<SecondStats>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            corrected: new_histogram(),
            uncorrected: new_histogram(),
            statuses: [0; 600],
            errors: [0; 5],
            non_ok: 0,
            bytes: 0,
            late: 0,
            series: Vec::new(),
        }
    }
}

impl Recorder {
    fn second(&mut self, at: Duration) -> &mut SecondStats {
        let i = at.as_secs() as usize;
        if self.series.len() <= i {
            self.series.resize(i + 1, SecondStats::default());
        }
        &mut self.series[i]
    }

    /// Records a response. `at` is the completion time since the run's start.
    pub fn response(
        &mut self,
        status: u16,
        ok: bool,
        corrected_us: u64,
        uncorrected_us: u64,
        bytes: u64,
        at: Duration,
    ) {
        let c = corrected_us.clamp(1, MAX_LATENCY_US);
        self.corrected.saturating_record(c);
        self.uncorrected
            .saturating_record(uncorrected_us.clamp(1, MAX_LATENCY_US));
        if let Some(s) = self.statuses.get_mut(status as usize) {
            *s += 1;
        }
        self.bytes += bytes;
        if !ok {
            self.non_ok += 1;
        }
        let sec = self.second(at);
        sec.requests += 1;
        sec.errors += u64::from(!ok);
        sec.latency_sum_us += c;
        sec.latency_max_us = sec.latency_max_us.max(c);
    }

    /// Records a failed request (no usable response).
    pub fn error(&mut self, kind: ErrorKind, at: Duration) {
        self.errors[kind.index()] += 1;
        let sec = self.second(at);
        sec.requests += 1;
        sec.errors += 1;
    }

    /// Adds another shard into this one.
    pub fn merge(&mut self, o: &Recorder) {
        // Same bounds on both sides: adding cannot fail.
        let _ = self.corrected.add(&o.corrected);
        let _ = self.uncorrected.add(&o.uncorrected);
        for (a, b) in self.statuses.iter_mut().zip(o.statuses.iter()) {
            *a += b;
        }
        for (a, b) in self.errors.iter_mut().zip(o.errors.iter()) {
            *a += b;
        }
        self.non_ok += o.non_ok;
        self.bytes += o.bytes;
        self.late += o.late;
        if self.series.len() < o.series.len() {
            self.series.resize(o.series.len(), SecondStats::default());
        }
        for (a, b) in self.series.iter_mut().zip(o.series.iter()) {
            a.requests += b.requests;
            a.errors += b.errors;
            a.latency_sum_us += b.latency_sum_us;
            a.latency_max_us = a.latency_max_us.max(b.latency_max_us);
        }
    }
}

/// Latency figures of one histogram, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
    pub mean: f64,
    pub min: f64,
}

impl Latency {
    pub fn of(h: &Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| us as f64 / 1e3;
        Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p95: ms(h.value_at_quantile(0.95)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            mean: h.mean() / 1e3,
            min: ms(h.min()),
        }
    }
}

/// The outcome of a load run (or of several merged).
#[derive(Debug, Clone)]
pub struct LoadResult {
    pub url: String,
    /// `closed`, `open` or `merged`.
    pub model: String,
    pub connections: u32,
    /// Wall time of the run (for merged runs: the longest).
    pub elapsed: Duration,
    pub recorder: Recorder,
    /// Open model: the requests the schedule asked for by the end of the run.
    pub intended: Option<u64>,
    /// Open model: the asked rate (peak of the schedule).
    pub target_rate: Option<f64>,
    /// Open model: requests due before the end that were never sent.
    pub dropped: u64,
    /// True when the run was stopped by Ctrl-C.
    pub interrupted: bool,
    /// Process watched with `--watch-pid`, and what was seen.
    pub watch: Option<crate::watch::WatchReport>,
    /// How many runs were merged into this one (1 for a plain run).
    pub runs: u32,
}

impl LoadResult {
    /// Responses plus failed requests.
    pub fn requests(&self) -> u64 {
        self.responses() + self.transport_errors()
    }
    pub fn responses(&self) -> u64 {
        self.recorder.statuses.iter().sum()
    }
    pub fn transport_errors(&self) -> u64 {
        self.recorder.errors.iter().sum()
    }
    /// Transport errors plus responses outside the ok set.
    pub fn errors(&self) -> u64 {
        self.transport_errors() + self.recorder.non_ok
    }
    pub fn error_rate(&self) -> f64 {
        let n = self.requests();
        if n == 0 {
            0.0
        } else {
            self.errors() as f64 / n as f64
        }
    }
    pub fn rps(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s <= 0.0 {
            0.0
        } else {
            self.requests() as f64 / s
        }
    }
    pub fn corrected(&self) -> Latency {
        Latency::of(&self.recorder.corrected)
    }
    pub fn uncorrected(&self) -> Latency {
        Latency::of(&self.recorder.uncorrected)
    }
    /// Status code → count, for codes seen.
    pub fn statuses(&self) -> BTreeMap<u16, u64> {
        self.recorder
            .statuses
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (s as u16, *n))
            .collect()
    }
    /// Error kind → count, for kinds seen.
    pub fn error_kinds(&self) -> BTreeMap<ErrorKind, u64> {
        ErrorKind::ALL
            .iter()
            .map(|k| (*k, self.recorder.errors[k.index()]))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
    /// Whether latencies were measured from intended send times.
    pub fn is_open(&self) -> bool {
        self.model == "open"
    }

    /// The summary as JSON-friendly data (for `--format json` evidence and the hdr log header).
    pub fn meta(&self) -> RunMeta {
        RunMeta {
            url: self.url.clone(),
            model: self.model.clone(),
            connections: self.connections,
            elapsed_s: self.elapsed.as_secs_f64(),
            statuses: self
                .statuses()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            errors: self
                .error_kinds()
                .into_iter()
                .map(|(k, v)| (k.as_str().to_string(), v))
                .collect(),
            non_ok: self.recorder.non_ok,
            bytes: self.recorder.bytes,
            late: self.recorder.late,
            dropped: self.dropped,
            intended: self.intended,
            target_rate: self.target_rate,
            series: self.recorder.series.clone(),
            runs: self.runs,
        }
    }
}

/// Run totals carried beside the histograms in an HdrHistogram log (as a `#golive-run` comment),
/// so `golive load merge` can rebuild the exact report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub url: String,
    pub model: String,
    pub connections: u32,
    pub elapsed_s: f64,
    pub statuses: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub non_ok: u64,
    pub bytes: u64,
    pub late: u64,
    pub dropped: u64,
    #[serde(default)]
    pub intended: Option<u64>,
    #[serde(default)]
    pub target_rate: Option<f64>,
    #[serde(default)]
    pub series: Vec<SecondStats>,
    #[serde(default = "one")]
    pub runs: u32,
}

fn one() -> u32 {
    1
}

impl RunMeta {
    /// Copies the counters (not the histograms) into a recorder.
    pub fn fill(&self, r: &mut Recorder) -> Result<(), String> {
        for (k, v) in &self.statuses {
            let code: usize = k
                .parse()
                .ok()
                .filter(|c| *c < 600)
                .ok_or_else(|| format!("status `{k}` is not an HTTP status"))?;
            r.statuses[code] += v;
        }
        for (k, v) in &self.errors {
            let kind = ErrorKind::ALL
                .iter()
                .find(|e| e.as_str() == k)
                .ok_or_else(|| format!("unknown error kind `{k}`"))?;
            r.errors[kind.index()] += v;
        }
        r.non_ok += self.non_ok;
        r.bytes += self.bytes;
        r.late += self.late;
        if r.series.len() < self.series.len() {
            r.series.resize(self.series.len(), SecondStats::default());
        }
        for (a, b) in r.series.iter_mut().zip(self.series.iter()) {
            a.requests += b.requests;
            a.errors += b.errors;
            a.latency_sum_us += b.latency_sum_us;
            a.latency_max_us = a.latency_max_us.max(b.latency_max_us);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorder_counts_and_merges() {
        let mut a = Recorder::default();
        a.response(200, true, 1000, 900, 10, Duration::from_millis(100));
        a.response(500, false, 3000, 3000, 5, Duration::from_millis(1500));
        let mut b = Recorder::default();
        b.error(ErrorKind::Timeout, Duration::from_millis(2500));
        a.merge(&b);
        let r = LoadResult {
            url: "http://x/".into(),
            model: "closed".into(),
            connections: 1,
            elapsed: Duration::from_secs(3),
            recorder: a,
            intended: None,
            target_rate: None,
            dropped: 0,
            interrupted: false,
            watch: None,
            runs: 1,
        };
        assert_eq!(r.requests(), 3);
        assert_eq!(r.errors(), 2);
        assert!((r.error_rate() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(r.recorder.series.len(), 3);
        assert_eq!(r.recorder.series[2].errors, 1);
        assert_eq!(r.statuses().get(&500), Some(&1));
        assert_eq!(r.error_kinds().get(&ErrorKind::Timeout), Some(&1));
        assert!((r.corrected().max - 3.0).abs() < 0.01);
        // meta round trip keeps every counter
        let meta = r.meta();
        let mut back = Recorder::default();
        meta.fill(&mut back).unwrap();
        assert_eq!(back.statuses[200], 1);
        assert_eq!(back.errors, r.recorder.errors);
        assert_eq!(back.series, r.recorder.series);
    }
}
