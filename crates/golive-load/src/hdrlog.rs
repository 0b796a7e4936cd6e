//! HdrHistogram interval logs: `--hdr-out` writes a run's corrected and uncorrected latency
//! histograms (microseconds, V2 compressed, tags `corrected` and `uncorrected`) in the standard
//! log format read by HdrHistogram's `HistogramLogProcessor` and other tools, plus a
//! `#golive-run {json}` comment with the counters a histogram does not hold (statuses, error
//! kinds, bytes, duration). `golive load merge` adds several logs back into one exact result.

use crate::LoadError;
use crate::stats::{LoadResult, Recorder, RunMeta, new_histogram};
use base64::Engine as _;
use hdrhistogram::serialization::interval_log::{
    IntervalLogIterator, IntervalLogWriterBuilder, LogEntry, Tag,
};
use hdrhistogram::serialization::{Deserializer, V2DeflateSerializer};
use std::path::Path;
use std::time::{Duration, SystemTime};

const META_PREFIX: &str = "golive-run ";

/// Writes a run to `path`.
pub fn write(r: &LoadResult, path: &Path) -> Result<(), LoadError> {
    let io = |e: String| LoadError::Io(format!("cannot write {}: {e}", path.display()));
    let mut buf = Vec::new();
    let mut ser = V2DeflateSerializer::new();
    let meta = serde_json::to_string(&r.meta()).map_err(|e| io(e.to_string()))?;
    let start = SystemTime::now()
        .checked_sub(r.elapsed)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    {
        let mut w = IntervalLogWriterBuilder::new()
            .add_comment(&format!(
                "golive load {} ({} model), latencies in microseconds",
                r.url, r.model
            ))
            .add_comment(&format!("{META_PREFIX}{meta}"))
            .with_start_time(start)
            .with_base_time(start)
            .begin_log_with(&mut buf, &mut ser)
            .map_err(|e| io(e.to_string()))?;
        for (tag, h) in [
            ("corrected", &r.recorder.corrected),
            ("uncorrected", &r.recorder.uncorrected),
        ] {
            w.write_histogram(h, Duration::ZERO, r.elapsed, Tag::new(tag))
                .map_err(|e| io(format!("{e:?}")))?;
        }
    }
    golive_core::fsio::write_atomic(path, buf).map_err(|e| io(e.to_string()))
}

/// Reads one log written by `--hdr-out`.
pub fn read(path: &Path) -> Result<LoadResult, LoadError> {
    let bad = |why: String| LoadError::HdrLog {
        path: path.display().to_string(),
        why,
    };
    let data = std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let text = std::str::from_utf8(&data).map_err(|_| bad("not a text HdrHistogram log".into()))?;
    let mut meta: Option<RunMeta> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(json) = line
            .strip_prefix('#')
            .and_then(|l| l.strip_prefix(META_PREFIX))
        {
            meta = Some(
                serde_json::from_str(json)
                    .map_err(|e| bad(format!("line {}: bad golive-run header: {e}", i + 1)))?,
            );
        }
    }
    let meta = meta.ok_or_else(|| {
        bad(
            "no `#golive-run` header: only logs written by `golive load --hdr-out` can be merged"
                .into(),
        )
    })?;
    let mut rec = Recorder::default();
    meta.fill(&mut rec).map_err(bad)?;
    let mut de = Deserializer::new();
    let mut seen = 0;
    for (n, entry) in IntervalLogIterator::new(&data).enumerate() {
        let entry = entry.map_err(|e| bad(format!("entry {}: {e:?}", n + 1)))?;
        let LogEntry::Interval(ih) = entry else {
            continue;
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(ih.encoded_histogram())
            .map_err(|e| bad(format!("interval {}: bad base64: {e}", n + 1)))?;
        let h: hdrhistogram::Histogram<u64> = de
            .deserialize(&mut std::io::Cursor::new(raw))
            .map_err(|e| bad(format!("interval {}: bad histogram: {e:?}", n + 1)))?;
        let target = match ih.tag().map(|t| t.as_str()) {
            Some("uncorrected") => &mut rec.uncorrected,
            _ => &mut rec.corrected,
        };
        let mut h2 = new_histogram();
        h2.add(&h)
            .map_err(|e| bad(format!("interval {}: values out of range: {e:?}", n + 1)))?;
        target
            .add(&h2)
            .map_err(|e| bad(format!("interval {}: {e:?}", n + 1)))?;
        seen += 1;
    }
    if seen == 0 {
        return Err(bad("no histogram in the log".into()));
    }
    let elapsed = Duration::try_from_secs_f64(meta.elapsed_s)
        .ok()
        .filter(|d| *d <= golive_core::units::MAX_DURATION)
        .ok_or_else(|| {
            bad(format!(
                "the golive-run header's elapsed_s ({}) is not a run length in seconds",
                meta.elapsed_s
            ))
        })?;
    Ok(LoadResult {
        url: meta.url,
        model: meta.model,
        connections: meta.connections,
        elapsed,
        recorder: rec,
        intended: meta.intended,
        target_rate: meta.target_rate,
        dropped: meta.dropped,
        interrupted: false,
        watch: None,
        runs: meta.runs.max(1),
    })
}

/// Merges several logs into one result: histograms and counters are added (exact, no
/// averaging of percentiles); runs are taken as concurrent, so the duration is the longest and
/// the rate the sum.
pub fn merge(paths: &[impl AsRef<Path>]) -> Result<LoadResult, LoadError> {
    let mut out: Option<LoadResult> = None;
    for p in paths {
        let r = read(p.as_ref())?;
        out = Some(match out {
            None => r,
            Some(mut acc) => {
                acc.recorder.merge(&r.recorder);
                acc.connections += r.connections;
                acc.elapsed = acc.elapsed.max(r.elapsed);
                acc.runs += r.runs;
                acc.dropped += r.dropped;
                acc.intended = match (acc.intended, r.intended) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                acc.target_rate = match (acc.target_rate, r.target_rate) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                if acc.url != r.url {
                    acc.url = format!(
                        "{} (+ other targets)",
                        acc.url.trim_end_matches(" (+ other targets)")
                    );
                }
                if acc.model != r.model {
                    acc.model = "mixed".into();
                }
                acc
            }
        });
    }
    out.ok_or_else(|| LoadError::Plan("load merge: give at least one .hdr file".into()))
}
