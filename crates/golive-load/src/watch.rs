//! `--watch-pid`: samples a process's resident memory and CPU time from `/proc/PID` during a
//! run, then fits a least-squares line to RSS over time after a warm-up, giving the growth in
//! MB per minute ("memory stable" or "grows N MB/min").

use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// How often the process is sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// Share of the run left out of the slope (start-up allocations, caches warming).
pub const WARMUP_SHARE: f64 = 0.2;
/// Fewest samples after warm-up needed to compute a slope.
pub const MIN_SAMPLES: usize = 5;

/// What was seen of the watched process.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WatchReport {
    pub pid: u32,
    /// (seconds since the run's start, RSS in bytes).
    pub samples: Vec<(f64, u64)>,
    pub rss_first: u64,
    pub rss_last: u64,
    pub rss_max: u64,
    /// Mean CPU use over the run, in percent of one core.
    pub cpu_percent: Option<f64>,
    /// RSS growth after warm-up, MB (10^6 bytes) per minute.
    pub slope_mb_per_min: Option<f64>,
    /// Seconds left out as warm-up.
    pub warmup_s: f64,
    /// Why sampling failed or stopped (no such process, it exited, not Linux).
    pub problem: Option<String>,
}

pub(crate) struct Watcher {
    stop: oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<WatchReport>,
}

impl Watcher {
    pub(crate) fn start(pid: u32) -> Watcher {
        let (stop, mut stopped) = oneshot::channel();
        let handle = tokio::spawn(async move {
            let start = Instant::now();
            let mut report = WatchReport {
                pid,
                ..Default::default()
            };
            let cpu0 = cpu_ticks(pid);
            let mut tick = tokio::time::interval(SAMPLE_EVERY);
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        match rss_bytes(pid) {
                            Ok(rss) => report.samples.push((start.elapsed().as_secs_f64(), rss)),
                            Err(e) => {
                                report.problem = Some(e);
                                break;
                            }
                        }
                    }
                    _ = &mut stopped => break,
                }
            }
            let wall = start.elapsed().as_secs_f64();
            if let (Ok(a), Ok(b)) = (cpu0, cpu_ticks(pid))
                && wall > 0.0
            {
                report.cpu_percent =
                    Some((b.saturating_sub(a)) as f64 / clock_ticks() / wall * 100.0);
            }
            finish(&mut report, wall);
            report
        });
        Watcher { stop, handle }
    }

    pub(crate) async fn finish(self) -> WatchReport {
        let _ = self.stop.send(());
        self.handle.await.unwrap_or_else(|e| WatchReport {
            problem: Some(format!("the sampler failed: {e}")),
            ..Default::default()
        })
    }
}

/// Fills the summary figures and the slope from the samples.
pub fn finish(report: &mut WatchReport, wall_s: f64) {
    report.rss_first = report.samples.first().map(|s| s.1).unwrap_or(0);
    report.rss_last = report.samples.last().map(|s| s.1).unwrap_or(0);
    report.rss_max = report.samples.iter().map(|s| s.1).max().unwrap_or(0);
    report.warmup_s = wall_s * WARMUP_SHARE;
    let kept: Vec<(f64, f64)> = report
        .samples
        .iter()
        .filter(|(t, _)| *t >= report.warmup_s)
        .map(|(t, r)| (*t, *r as f64 / 1e6))
        .collect();
    report.slope_mb_per_min = slope(&kept).map(|mb_per_s| mb_per_s * 60.0);
}

/// Least-squares slope of y over x; `None` with too few points or no spread in x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < MIN_SAMPLES {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 { None } else { Some(sxy / sxx) }
}

/// Resident set size of a process, from `/proc/PID/status` (`VmRSS: N kB`).
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {path}: {e} (is process {pid} running, on Linux?)"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| {
            format!("{path} has no VmRSS line (process {pid} is a zombie or a kernel thread)")
        })
}

/// utime + stime of a process, in clock ticks, from `/proc/PID/stat`.
pub fn cpu_ticks(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    let rest = text
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or_else(|| format!("{path}: unexpected format"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the ')' come field 3 (state) onwards: utime is field 14, stime field 15.
    let get = |i: usize| -> Result<u64, String> {
        fields
            .get(i - 3)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{path}: field {i} missing"))
    };
    Ok(get(14)? + get(15)?)
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions; it returns -1 when the name is unsupported.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line() {
        let pts: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, 3.0 + 2.0 * i as f64)).collect();
        assert!((slope(&pts).unwrap() - 2.0).abs() < 1e-9);
        assert!(slope(&pts[..3]).is_none());
        let flat: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, 5.0)).collect();
        assert_eq!(slope(&flat), Some(0.0));
    }

    #[test]
    fn reads_own_process() {
        let me = std::process::id();
        assert!(rss_bytes(me).unwrap() > 0);
        assert!(cpu_ticks(me).is_ok());
        let e = rss_bytes(u32::MAX - 1).unwrap_err();
        assert!(e.contains("cannot read /proc/"), "{e}");
    }
}
