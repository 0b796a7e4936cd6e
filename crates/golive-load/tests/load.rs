//! The load generator against real loopback servers started by each test. Every run is bounded
//! (a second or two, or a request count); the only timing assertions are the measured latencies
//! the servers impose, with generous tolerances.

mod common;

use common::{Mode, closed_port, start, start_dropping};
use golive_core::{Catalog, Outcome};
use golive_load::{
    ErrorKind, LoadPlan, LoadResult, Model, RateSchedule, RunOptions, StatusSet, Threshold,
    findings, hdrlog, run,
};
use std::time::Duration;

fn plan(url: &str, c: u32, d_ms: u64) -> LoadPlan {
    let mut p = LoadPlan::new(url).unwrap();
    p.connections = c;
    p.duration = Duration::from_millis(d_ms);
    p.timeout = Duration::from_secs(2);
    p.validate(false).unwrap();
    p
}

fn outcome(r: &LoadResult, thresholds: &[&str], id: &str) -> Outcome {
    let ts: Vec<Threshold> = thresholds
        .iter()
        .map(|t| Threshold::parse(t).unwrap())
        .collect();
    let fs = findings(r, &ts, Catalog::builtin());
    // every load check has at least one finding
    for c in golive_load::LOAD_CHECKS {
        assert!(fs.iter().any(|f| f.check == c), "no finding for {c}");
    }
    fs.iter()
        .filter(|f| f.check == id)
        .map(|f| f.outcome)
        .max_by_key(|o| o.precedence())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fast_server_closed_model_and_thresholds_both_sides() {
    let s = start(Mode::Fast, false).await;
    let r = run(plan(&s.url("/"), 4, 800), RunOptions::default())
        .await
        .unwrap();
    assert!(r.requests() > 50, "only {} requests", r.requests());
    assert_eq!(r.errors(), 0);
    assert_eq!(r.statuses().get(&200).copied(), Some(r.requests()));
    assert_eq!(
        s.hits.load(std::sync::atomic::Ordering::SeqCst),
        r.requests()
    );
    assert_eq!(r.recorder.bytes, 2 * r.requests());
    assert!(!r.recorder.series.is_empty());
    assert_eq!(outcome(&r, &["p95<2s"], "load.p95-latency"), Outcome::Pass);
    assert_eq!(
        outcome(&r, &["p95<0.001ms"], "load.p95-latency"),
        Outcome::Fail
    );
    assert_eq!(outcome(&r, &["rps>1"], "load.throughput"), Outcome::Pass);
    assert_eq!(
        outcome(&r, &["rps>100000000"], "load.throughput"),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&r, &["mean<5s"], "load.mean-latency"),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&r, &["max<0.001ms"], "load.latency-threshold"),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&r, &["error_rate<0.1%"], "load.error-rate"),
        Outcome::Pass
    );
    // without thresholds: defaults for p95 and the error rate, not-applicable elsewhere
    assert_eq!(outcome(&r, &[], "load.p95-latency"), Outcome::Pass);
    assert_eq!(outcome(&r, &[], "load.error-rate"), Outcome::Pass);
    assert_eq!(outcome(&r, &[], "load.p99-latency"), Outcome::NotApplicable);
    assert_eq!(
        outcome(&r, &[], "load.memory-stable"),
        Outcome::NotApplicable
    );
    assert_eq!(
        outcome(&r, &[], "load.generator-keeps-up"),
        Outcome::NotApplicable
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_server_percentiles_reflect_the_delay() {
    let s = start(Mode::Slow(Duration::from_millis(60)), false).await;
    let r = run(plan(&s.url("/"), 4, 1200), RunOptions::default())
        .await
        .unwrap();
    let l = r.corrected();
    assert!(r.requests() >= 20, "{} requests", r.requests());
    assert!(l.p50 >= 59.0 && l.p50 < 160.0, "p50 {}", l.p50);
    assert!(l.min >= 59.0, "min {}", l.min);
    assert!(l.p95 >= 59.0 && l.p95 < 300.0, "p95 {}", l.p95);
    assert_eq!(
        outcome(&r, &["p95<40ms"], "load.p95-latency"),
        Outcome::Fail
    );
    assert_eq!(outcome(&r, &["p95<1s"], "load.p95-latency"), Outcome::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tenth_500_gives_exactly_ten_percent() {
    let s = start(Mode::EveryTenth500, false).await;
    let mut p = plan(&s.url("/"), 3, 10_000);
    p.requests = Some(200);
    let r = run(p.clone(), RunOptions::default()).await.unwrap();
    assert_eq!(r.requests(), 200);
    assert_eq!(r.statuses().get(&500).copied(), Some(20));
    assert!((r.error_rate() - 0.10).abs() < 1e-12, "{}", r.error_rate());
    assert_eq!(
        outcome(&r, &["error_rate<1%"], "load.error-rate"),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&r, &["error_rate<20%"], "load.error-rate"),
        Outcome::Pass
    );
    assert_eq!(
        outcome(&r, &[], "load.error-rate"),
        Outcome::Fail,
        "default policy: 1 %"
    );
    // --ok-status accepts the 500s
    p.ok_status = StatusSet::parse("2xx,500").unwrap();
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.errors(), 0);
    assert_eq!(
        outcome(&r, &["error_rate<0.1%"], "load.error-rate"),
        Outcome::Pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_server_shows_in_corrected_not_uncorrected() {
    // 200 req/s for 2 s on one connection; the whole server stalls 600 ms at request 100.
    let s = start(
        Mode::Stall {
            at: 100,
            pause: Duration::from_millis(600),
        },
        false,
    )
    .await;
    let mut p = plan(&s.url("/"), 1, 2000);
    p.model = Model::Open(RateSchedule::constant(200.0, Duration::from_secs(2)).unwrap());
    let r = run(p, RunOptions::default()).await.unwrap();
    let c = r.corrected();
    let u = r.uncorrected();
    assert!(r.requests() >= 300, "{} requests", r.requests());
    assert!(
        c.p99 >= 400.0,
        "corrected p99 {} should show the 600 ms stall",
        c.p99
    );
    assert!(u.p99 < 200.0, "uncorrected p99 {} should hide it", u.p99);
    assert!(u.max >= 500.0, "the stalled request itself: {}", u.max);
    assert!(r.recorder.late > 50, "late sends {}", r.recorder.late);
    assert_eq!(
        outcome(&r, &["p99<300ms"], "load.p99-latency"),
        Outcome::Fail
    );
    assert_eq!(outcome(&r, &[], "load.generator-keeps-up"), Outcome::Warn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_keeps_to_the_rate() {
    let s = start(Mode::Fast, false).await;
    let mut p = plan(&s.url("/"), 4, 1000);
    p.model = Model::Open(RateSchedule::constant(100.0, Duration::from_secs(1)).unwrap());
    let r = run(p, RunOptions::default()).await.unwrap();
    // Sends late by CPU starvation on a busy machine may not all make it before the end, so the
    // count has a tolerance; the schedule asked for exactly 100.
    assert!(
        (70..=101).contains(&r.requests()),
        "{} requests",
        r.requests()
    );
    assert_eq!(r.intended, Some(100));
    assert_eq!(r.requests() + r.dropped, 100, "sent + dropped = due");
    let o = outcome(&r, &[], "load.generator-keeps-up");
    if r.recorder.late <= 5 && r.dropped <= 5 {
        assert_eq!(o, Outcome::Pass);
    } else {
        assert_eq!(o, Outcome::Warn);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_close_is_handled_without_errors() {
    let s = start(Mode::CloseAfterResponse, false).await;
    let r = run(plan(&s.url("/"), 2, 600), RunOptions::default())
        .await
        .unwrap();
    assert!(r.requests() > 10, "{}", r.requests());
    assert_eq!(r.errors(), 0, "{:?}", r.error_kinds());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_count_as_reset_errors() {
    let s = start_dropping(5).await;
    let mut p = plan(&s.url("/"), 1, 5000);
    p.requests = Some(100);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.requests(), 100);
    assert_eq!(
        r.error_kinds().get(&ErrorKind::Reset).copied(),
        Some(20),
        "{:?}",
        r.error_kinds()
    );
    assert_eq!(r.statuses().get(&200).copied(), Some(80));
    assert_eq!(
        outcome(&r, &["error_rate<1%"], "load.error-rate"),
        Outcome::Fail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_server() {
    let s = start(Mode::Fast, true).await;
    let mut p = plan(&s.url("/"), 2, 500);
    p.http2 = true;
    let r = run(p.clone(), RunOptions::default()).await.unwrap();
    assert!(r.requests() > 10);
    assert_eq!(r.errors(), 0, "{:?}", r.error_kinds());
    // HTTP/1.1 against an HTTP/2-only server: protocol or reset errors, never a pass.
    p.http2 = false;
    p.requests = Some(5);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.errors(), 5, "{:?}", r.error_kinds());
    assert_eq!(outcome(&r, &[], "load.p95-latency"), Outcome::Inconclusive);
}

/// Two requests to `url` (https) both end in a TLS error.
async fn tls_errors_only(url: &str) {
    let mut p = plan(url, 1, 2000);
    p.requests = Some(2);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(
        r.error_kinds().get(&ErrorKind::Tls).copied(),
        Some(2),
        "{:?}",
        r.error_kinds()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_tls_and_timeout_errors_are_classified() {
    let port = closed_port();
    let mut p = plan(&format!("http://127.0.0.1:{port}/"), 1, 2000);
    p.requests = Some(3);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.error_kinds().get(&ErrorKind::Connect).copied(), Some(3));
    assert_eq!(
        outcome(&r, &["p95<1s"], "load.p95-latency"),
        Outcome::Inconclusive
    );
    assert_eq!(outcome(&r, &[], "load.error-rate"), Outcome::Fail);

    let s = start(Mode::Fast, false).await;
    tls_errors_only(&format!("https://{}/", s.addr)).await;

    let s = start(Mode::Slow(Duration::from_secs(3)), false).await;
    let mut p = plan(&s.url("/"), 1, 2000);
    p.requests = Some(2);
    p.timeout = Duration::from_millis(150);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(
        r.error_kinds().get(&ErrorKind::Timeout).copied(),
        Some(2),
        "{:?}",
        r.error_kinds()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hdr_logs_round_trip_and_merge_exactly() {
    let s = start(Mode::EveryTenth500, false).await;
    let mut p = plan(&s.url("/"), 2, 5000);
    p.requests = Some(100);
    let a = run(p.clone(), RunOptions::default()).await.unwrap();
    let b = run(p, RunOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (pa, pb) = (dir.path().join("a.hdr"), dir.path().join("b.hdr"));
    hdrlog::write(&a, &pa).unwrap();
    hdrlog::write(&b, &pb).unwrap();
    let text = std::fs::read_to_string(&pa).unwrap();
    assert!(text.contains("#[StartTime:"), "{text}");
    assert!(text.contains("Tag=corrected,"), "{text}");
    let back = hdrlog::read(&pa).unwrap();
    assert_eq!(back.requests(), a.requests());
    assert_eq!(back.recorder.corrected, a.recorder.corrected);
    assert_eq!(back.statuses(), a.statuses());
    let m = hdrlog::merge(&[&pa, &pb]).unwrap();
    let mut exact = a.recorder.corrected.clone();
    exact.add(&b.recorder.corrected).unwrap();
    assert_eq!(m.recorder.corrected, exact);
    assert_eq!(m.requests(), 200);
    assert_eq!(m.statuses().get(&500).copied(), Some(20));
    assert_eq!(m.runs, 2);
    assert_eq!(
        m.corrected().p99,
        golive_load::stats::Latency::of(&exact).p99
    );
    // A header whose run length overflows a Duration: an error, not a panic (issue 12).
    let huge = replace_elapsed(&text, "1e300");
    std::fs::write(dir.path().join("huge.hdr"), huge).unwrap();
    let e = hdrlog::read(&dir.path().join("huge.hdr"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("elapsed_s"), "{e}");
    // not a golive log
    std::fs::write(dir.path().join("x.hdr"), "1.0,2.0,3.0,AAAA\n").unwrap();
    let e = hdrlog::read(&dir.path().join("x.hdr"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("golive-run"), "{e}");
    let e = hdrlog::read(&dir.path().join("missing.hdr"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("missing.hdr") && e.contains("cannot read"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_pid_sees_growth_and_stability() {
    let s = start(Mode::Fast, false).await;
    // A process that holds still.
    let mut child = std::process::Command::new("sleep")
        .arg("10")
        .spawn()
        .unwrap();
    let opts = RunOptions {
        watch_pid: Some(child.id()),
        ..Default::default()
    };
    let r = run(plan(&s.url("/"), 1, 1500), opts).await.unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let w = r.watch.as_ref().unwrap();
    assert!(w.samples.len() >= 10, "{} samples", w.samples.len());
    assert!(
        w.slope_mb_per_min.unwrap().abs() < 1.0,
        "{:?}",
        w.slope_mb_per_min
    );
    assert_eq!(outcome(&r, &[], "load.memory-stable"), Outcome::Pass);

    // This test process, with a thread that leaks 4 MB every 100 ms.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let st = stop.clone();
    let leaker = std::thread::spawn(move || {
        let mut kept: Vec<Vec<u8>> = Vec::new();
        while !st.load(std::sync::atomic::Ordering::Relaxed) && kept.len() < 40 {
            kept.push(vec![1u8; 4 << 20]);
            std::thread::sleep(Duration::from_millis(100));
        }
        kept.len()
    });
    let opts = RunOptions {
        watch_pid: Some(std::process::id()),
        ..Default::default()
    };
    let r = run(plan(&s.url("/"), 1, 1500), opts).await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    leaker.join().unwrap();
    let slope = r.watch.as_ref().unwrap().slope_mb_per_min.unwrap();
    assert!(slope > 100.0, "slope {slope} MB/min");
    assert_eq!(outcome(&r, &[], "load.memory-stable"), Outcome::Warn);
    assert_eq!(
        outcome(&r, &["mem_growth<5MB/min"], "load.memory-stable"),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&r, &["mem_growth<100000MB/min"], "load.memory-stable"),
        Outcome::Pass
    );

    // No such process: an error finding, not a pass.
    let opts = RunOptions {
        watch_pid: Some(u32::MAX - 7),
        ..Default::default()
    };
    let r = run(plan(&s.url("/"), 1, 300), opts).await.unwrap();
    assert_eq!(outcome(&r, &[], "load.memory-stable"), Outcome::Error);
}

/// The per-connection timer is re-armed lazily (when it fires before the request's own limit):
/// a run several times longer than the timeout, with every response inside it, has no timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_run_with_responses_inside_the_timeout_has_no_timeouts() {
    let s = start(Mode::Slow(Duration::from_millis(60)), false).await;
    let mut p = plan(&s.url("/"), 2, 1300);
    p.timeout = Duration::from_millis(200);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.errors(), 0, "{:?}", r.error_kinds());
    assert!(r.requests() >= 20, "only {} requests", r.requests());
    // and a response slower than the timeout is still cut at the timeout
    let s = start(Mode::Slow(Duration::from_millis(700)), false).await;
    let mut p = plan(&s.url("/"), 1, 3000);
    p.timeout = Duration::from_millis(200);
    p.requests = Some(3);
    let t0 = std::time::Instant::now();
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.error_kinds().get(&ErrorKind::Timeout).copied(), Some(3));
    assert!(
        t0.elapsed() < Duration::from_millis(2000),
        "{:?}",
        t0.elapsed()
    );
}

/// An https target whose certificate comes from a private CA (generated here): trusted with the
/// CA given, every request succeeds over TLS; without it, every request is a TLS error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_target_with_a_private_ca() {
    let tls = common::start_tls(Mode::Fast).await;
    let url = format!("https://127.0.0.1:{}/", tls.server.addr.port());
    let mut p = plan(&url, 4, 800);
    p.extra_roots = vec![tls.ca.clone()];
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.errors(), 0, "{:?}", r.error_kinds());
    assert!(r.requests() > 20, "only {} requests", r.requests());
    assert_eq!(r.statuses().get(&200).copied(), Some(r.requests()));
    assert_eq!(
        tls.server.hits.load(std::sync::atomic::Ordering::SeqCst),
        r.requests()
    );

    // without the CA: the same failure as against a plain-HTTP port
    tls_errors_only(&url).await;
}

/// CPU time (user + system) of this process, from /proc/self/stat.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // fields 14 and 15 (utime, stime) are at 11 and 12 after the command name
    let ticks = f[11] + f[12];
    Duration::from_millis(ticks * 1000 / 100)
}

/// On a single-threaded runtime the generator busy-polls while responses keep coming, and
/// sleeps when they do not: against a slow server it must not burn the core.
#[tokio::test(flavor = "current_thread")]
async fn single_threaded_run_busy_polls_only_while_responses_come() {
    let s = start(Mode::Slow(Duration::from_millis(100)), false).await;
    // the server runs on this same thread: it only sleeps, so the CPU spent is the generator's
    let before = cpu_time();
    let t0 = std::time::Instant::now();
    let r = run(plan(&s.url("/"), 2, 1500), RunOptions::default())
        .await
        .unwrap();
    let cpu = cpu_time() - before;
    let wall = t0.elapsed();
    assert!(r.requests() >= 20, "only {} requests", r.requests());
    assert_eq!(r.errors(), 0);
    assert!(
        cpu < wall / 3,
        "waiting on a slow server, the generator used {cpu:?} of CPU in {wall:?}"
    );
    // and the run ends (the busy-poll task stops with it)
    let fast = start(Mode::Fast, false).await;
    let mut p = plan(&fast.url("/"), 2, 5000);
    p.requests = Some(500);
    let r = run(p, RunOptions::default()).await.unwrap();
    assert_eq!(r.requests(), 500);
}

#[test]
fn the_drain_is_bounded_by_the_timeout_one_second_or_a_tenth_of_the_run() {
    use golive_load::drain_limit;
    let s = Duration::from_secs;
    assert_eq!(drain_limit(s(3), s(5)), s(1));
    assert_eq!(drain_limit(s(60), s(5)), s(5));
    assert_eq!(drain_limit(s(60), s(30)), s(6));
    assert_eq!(
        drain_limit(s(3), Duration::from_millis(200)),
        Duration::from_millis(200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_does_not_stretch_the_run_to_the_timeout() {
    // Every answer takes 20 s; the run lasts 1 s with a 30 s timeout. Before the bound, the
    // requests in flight kept the run going for 31 s; now the drain stops after at most 1 s and
    // the reported duration is the measured one.
    let s = start(Mode::Slow(Duration::from_secs(20)), false).await;
    let mut p = plan(&s.url("/"), 2, 1000);
    p.timeout = Duration::from_secs(30);
    let wall = std::time::Instant::now();
    let r = run(p, RunOptions::default()).await.unwrap();
    let wall = wall.elapsed();
    assert!(r.elapsed >= Duration::from_secs(1), "{:?}", r.elapsed);
    assert!(
        r.elapsed < Duration::from_secs(10),
        "the drain was not bounded: {:?}",
        r.elapsed
    );
    // the reported duration is the real one (not clamped below what was measured)
    assert!(r.elapsed <= wall, "{:?} > {:?}", r.elapsed, wall);
    assert!(
        wall - r.elapsed < Duration::from_secs(1),
        "{wall:?} vs {:?}",
        r.elapsed
    );
}

/// The log text with the `elapsed_s` value of its `#golive-run` header replaced.
fn replace_elapsed(text: &str, value: &str) -> String {
    let key = "\"elapsed_s\":";
    let start = text.find(key).expect("elapsed_s in the header") + key.len();
    let end = start
        + text[start..]
            .find([',', '}'])
            .expect("end of the elapsed_s value");
    format!("{}{value}{}", &text[..start], &text[end..])
}
