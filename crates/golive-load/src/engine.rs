//! The load loop. One task per connection, each with one request in flight, on a tokio
//! multi-thread runtime sized to the cores.
//!
//! - Closed model: a connection sends its next request as soon as the previous response is
//!   read. Latency runs from the send.
//! - Open model: request `i` is due at the instant the arrival schedule reaches `i` requests
//!   (see [`RateSchedule::due_at`]). The next free connection takes the next due request, waits
//!   for its time and sends it. Latency runs from the **intended** send time, so a server stall
//!   that holds every connection busy shows in the percentiles instead of silently delaying the
//!   sends (coordinated omission); the latency from the actual send is kept beside it. Sends
//!   made more than [`LATE_AFTER`] after their time are counted as late; requests due before the
//!   end but never sent are counted as dropped.
//!
//! Each connection records into one shard of the recorder (a short uncontended lock per
//! response); the shards are merged at the end.
//!
//! On a single core (a generator pinned with `taskset`) the connections run on a current-thread
//! runtime, which busy-polls its I/O driver while responses keep coming and the thread has the
//! core to itself (see [`spin_while_busy`]), and sleeps normally otherwise.

use crate::LoadError;
use crate::client::{Connector, Sender, read_body};
use crate::plan::{LoadPlan, Model};
use crate::stats::{ErrorKind, LoadResult, Recorder};
use crate::watch::Watcher;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Uri};
use http_body_util::Full;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// A send this late after its intended time counts as late.
pub const LATE_AFTER: Duration = Duration::from_millis(10);

/// How the run is driven beyond the plan itself.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Stop cleanly on Ctrl-C (and still report).
    pub handle_ctrl_c: bool,
    /// Print a progress line to stderr every second.
    pub progress: bool,
    /// Sample this process's RSS and CPU during the run.
    pub watch_pid: Option<u32>,
}

struct Shared {
    plan: LoadPlan,
    connector: Connector,
    /// HTTP/1.1: the request, serialised once.
    request: Vec<u8>,
    head: bool,
    /// HTTP/2: the request template.
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    start: Instant,
    deadline: Instant,
    stop: AtomicBool,
    /// Tickets handed out (request numbers).
    issued: AtomicU64,
    /// Requests actually sent (open model: for dropped sends).
    sent: AtomicU64,
    /// Exchanges completed (responses and errors), for the busy-poll heuristic.
    completed: AtomicU64,
    shards: Vec<Mutex<Recorder>>,
}

/// Runs a plan on a fresh tokio runtime sized to the cores available to this process.
pub fn run_blocking(plan: LoadPlan, opts: RunOptions) -> Result<LoadResult, LoadError> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    // One core: the current-thread scheduler drives the connections and the I/O driver on one
    // thread, without the work-stealing machinery (measured faster in benches/load.sh).
    let rt = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
    }
    .map_err(|e| LoadError::Io(format!("cannot start the runtime: {e}")))?;
    rt.block_on(run(plan, opts))
}

/// Runs a plan on the current tokio runtime.
pub async fn run(plan: LoadPlan, opts: RunOptions) -> Result<LoadResult, LoadError> {
    let connector = Connector::with_roots(&plan.url, plan.http2, &plan.extra_roots)?;
    let uri_text = if plan.http2 {
        plan.url.as_str().to_string()
    } else {
        uri_path(&plan.url)
    };
    let uri: Uri = uri_text
        .parse()
        .map_err(|e| LoadError::Plan(format!("{}: {e}", plan.url)))?;
    let mut headers = HeaderMap::new();
    if !plan.http2 {
        let host = match (plan.url.host_str(), plan.url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        };
        let v = HeaderValue::from_str(&host)
            .map_err(|_| LoadError::Plan(format!("{}: bad host", plan.url)))?;
        headers.insert(http::header::HOST, v);
    }
    headers.insert(
        http::header::USER_AGENT,
        HeaderValue::from_static(concat!("golive-load/", env!("CARGO_PKG_VERSION"))),
    );
    for (n, v) in &plan.headers {
        headers.append(n.clone(), v.clone());
    }
    let duration = match &plan.model {
        Model::Open(s) => s.duration().min(plan.duration),
        Model::Closed => plan.duration,
    };
    let host = match (plan.url.host_str(), plan.url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    };
    let request = crate::h1::serialize(
        &plan.method,
        &uri_path(&plan.url),
        &host,
        &plan.headers,
        &plan.body,
    );
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let nshards = (workers * 4).min(plan.connections as usize).max(1);
    let start = Instant::now();
    let shared = Arc::new(Shared {
        connector,
        head: plan.method == http::Method::HEAD,
        request,
        uri,
        headers,
        body: plan.body.clone(),
        start,
        deadline: start + duration,
        stop: AtomicBool::new(false),
        issued: AtomicU64::new(0),
        sent: AtomicU64::new(0),
        completed: AtomicU64::new(0),
        shards: (0..nshards)
            .map(|_| Mutex::new(Recorder::default()))
            .collect(),
        plan,
    });

    let watcher = opts.watch_pid.map(Watcher::start);
    let spinner = (tokio::runtime::Handle::current().runtime_flavor()
        == tokio::runtime::RuntimeFlavor::CurrentThread)
        .then(|| tokio::spawn(spin_while_busy(shared.clone())));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..shared.plan.connections as usize {
        let s = shared.clone();
        tasks.spawn(connection(s, i % nshards));
    }

    // Wait for the end: every task done, the deadline, or Ctrl-C.
    let mut interrupted = false;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let ctrl_c = async {
        if opts.handle_ctrl_c {
            let _ = tokio::signal::ctrl_c().await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            r = tasks.join_next() => {
                if r.is_none() { break; }
            }
            _ = tokio::time::sleep_until(shared.deadline) => {
                shared.stop.store(true, Ordering::Relaxed);
                break;
            }
            _ = &mut ctrl_c => {
                interrupted = true;
                shared.stop.store(true, Ordering::Relaxed);
                break;
            }
            _ = tick.tick(), if opts.progress => progress(&shared),
        }
    }
    // In-flight requests get a bounded drain (see `drain_limit`), or one second after Ctrl-C;
    // those still running then are cut off and not counted.
    let grace = if interrupted {
        Duration::from_secs(1).min(shared.plan.timeout)
    } else {
        drain_limit(duration, shared.plan.timeout)
    };
    let drain = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drain).await.is_err() {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    let end = Instant::now();
    shared.stop.store(true, Ordering::Relaxed);
    if let Some(s) = spinner {
        s.abort();
    }
    // The real measured wall time of the run, drain included.
    let elapsed = (end - start).max(Duration::from_millis(1));
    if opts.progress {
        eprintln!();
    }

    let mut recorder = Recorder::default();
    for s in &shared.shards {
        let shard = s.lock().unwrap_or_else(|p| p.into_inner());
        recorder.merge(&shard);
    }
    let (intended, target_rate, dropped) = match &shared.plan.model {
        Model::Open(s) => {
            let ran = (end.min(shared.deadline) - start).as_secs_f64();
            let due = s.due_by(ran).ceil() as u64;
            let due = match shared.plan.requests {
                Some(n) => due.min(n),
                None => due,
            };
            let sent = shared.sent.load(Ordering::Relaxed);
            (Some(due), Some(s.peak()), due.saturating_sub(sent))
        }
        Model::Closed => (None, None, 0),
    };
    let watch = match watcher {
        Some(w) => Some(w.finish().await),
        None => None,
    };
    Ok(LoadResult {
        url: shared.plan.url.to_string(),
        model: match shared.plan.model {
            Model::Open(_) => "open".into(),
            Model::Closed => "closed".into(),
        },
        connections: shared.plan.connections,
        elapsed,
        recorder,
        intended,
        target_rate,
        dropped,
        interrupted,
        watch,
        runs: 1,
    })
}

/// How long requests still in flight at the end of the run may take to finish: at most the
/// request timeout, and at most the larger of one second and 10 % of the run's duration. A
/// `-d 3s --timeout 5s` run then lasts about 4 s, not 8 s; a 60 s run drains for up to 5 s.
/// Requests still running after it are cut off and counted nowhere (neither success nor error).
pub fn drain_limit(duration: Duration, timeout: Duration) -> Duration {
    timeout.min(Duration::from_secs(1).max(duration / 10))
}

/// Busy-polling on a single-threaded runtime, while responses keep coming and the thread has its
/// core to itself.
///
/// With one thread driving every connection, the runtime would sleep in `epoll_wait` between
/// bursts of readiness, and every response would then have to wake it: the server's core pays
/// for the wake-up (an inter-processor interrupt) on each one, which at 100k requests/s costs
/// the server a measurable share of its throughput. This task keeps yielding, so the runtime
/// polls its I/O driver without sleeping, as long as exchanges complete; when none completed in
/// a while (a slow server, an open-model run waiting for its next send), it sleeps 1 ms between
/// checks and the runtime sleeps normally.
///
/// Spinning only pays while the thread owns its core. When it shares the core (with the server
/// under test, or anything else) or runs under a CPU quota, every spin is taken from the
/// exchanges themselves. The kernel tells: the time the thread spent runnable but waiting for
/// a CPU (`run_delay` in `/proc/thread-self/schedstat`, which also counts the time a CPU quota
/// held it back) stays near zero on a core of its own. Over each window of 10 ms of
/// uninterrupted spinning, when that wait exceeds 5 % of the window, spinning stops for a
/// back-off period (100 ms, doubling up to 1.6 s while the core stays contended) before it is
/// tried again. (The thread's own CPU time would not tell: the kernel's network work done
/// during its sends is accounted as softirq time, not to the thread.)
async fn spin_while_busy(shared: Arc<Shared>) {
    // Without the scheduler's figures for this thread, contention cannot be seen: do not spin.
    let Some(mut sched) = RunDelay::open() else {
        return;
    };
    let mut governor = Governor::default();
    let mut last = 0;
    // (start, run-queue wait at the start) of the current window of spinning
    let mut window: Option<(Instant, u64)> = None;
    while !shared.stop.load(Ordering::Relaxed) {
        let (started, waited_before) =
            *window.get_or_insert_with(|| (Instant::now(), sched.nanos()));
        for _ in 0..64 {
            tokio::task::yield_now().await;
        }
        let now = shared.completed.load(Ordering::Relaxed);
        if now == last {
            tokio::time::sleep(Duration::from_millis(1)).await;
            // the window measures spinning only: an idle pause ends it
            window = None;
            continue;
        }
        last = now;
        let wall = started.elapsed();
        if wall < Governor::WINDOW {
            continue;
        }
        if let Some(pause) = governor.after(wall, sched.nanos().checked_sub(waited_before)) {
            tokio::time::sleep(pause).await;
        }
        window = None;
    }
}

/// The busy-poll's decision after each window of spinning: go on, or pause for how long.
#[derive(Debug)]
struct Governor {
    backoff: Duration,
}

impl Default for Governor {
    fn default() -> Self {
        Governor {
            backoff: Governor::FIRST_BACKOFF,
        }
    }
}

impl Governor {
    const WINDOW: Duration = Duration::from_millis(10);
    /// Largest share of a window the thread may have waited for a CPU and still spin.
    const MAX_WAIT: f64 = 0.05;
    const FIRST_BACKOFF: Duration = Duration::from_millis(100);
    const MAX_BACKOFF: Duration = Duration::from_millis(1600);

    /// `waited`: the run-queue wait during a window of `wall` spinning (`None` when it could
    /// not be read). Returns the pause to take before spinning again, if any.
    fn after(&mut self, wall: Duration, waited: Option<u64>) -> Option<Duration> {
        match waited {
            Some(w) if (w as f64) <= Self::MAX_WAIT * wall.as_nanos() as f64 => {
                self.backoff = Self::FIRST_BACKOFF;
                None
            }
            // held back (or the figure became unreadable): stop spinning for a while
            _ => {
                let pause = self.backoff;
                self.backoff = (self.backoff * 2).min(Self::MAX_BACKOFF);
                Some(pause)
            }
        }
    }
}

/// The second of the three figures of a `schedstat` file: time on CPU, time waiting on a run
/// queue, time slices (`Documentation/scheduler/sched-stats.rst`).
fn run_delay_of(schedstat: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(schedstat).ok()?;
    let mut fields = text.split_ascii_whitespace();
    let _on_cpu = fields.next()?;
    let waited = fields.next()?.parse().ok()?;
    fields.next()?;
    Some(waited)
}

/// How long the calling thread has waited, runnable, for a CPU: the second figure of
/// `/proc/thread-self/schedstat` (Linux), in nanoseconds.
struct RunDelay(std::fs::File);

impl RunDelay {
    fn open() -> Option<RunDelay> {
        let f = std::fs::File::open("/proc/thread-self/schedstat").ok()?;
        let mut d = RunDelay(f);
        d.read().map(|_| d)
    }

    fn read(&mut self) -> Option<u64> {
        use std::io::{Read, Seek, SeekFrom};
        let mut buf = [0u8; 96];
        self.0.seek(SeekFrom::Start(0)).ok()?;
        let n = self.0.read(&mut buf).ok()?;
        run_delay_of(&buf[..n])
    }

    /// The wait so far; `u64::MAX` when the file stops answering, so that the next window
    /// reads as contended and spinning stops.
    fn nanos(&mut self) -> u64 {
        self.read().unwrap_or(u64::MAX)
    }
}

fn progress(shared: &Shared) {
    let mut r = Recorder::default();
    for s in &shared.shards {
        let shard = s.lock().unwrap_or_else(|p| p.into_inner());
        r.merge(&shard);
    }
    let done: u64 = r.statuses.iter().sum::<u64>() + r.errors.iter().sum::<u64>();
    let errors = r.errors.iter().sum::<u64>() + r.non_ok;
    let secs = shared.start.elapsed().as_secs_f64().max(1e-3);
    let p95 = if r.corrected.is_empty() {
        0.0
    } else {
        r.corrected.value_at_quantile(0.95) as f64 / 1e3
    };
    eprint!(
        "\r  {:>5.1}s  {:>9} req  {:>9.0} req/s  p95 {:>8.2} ms  errors {:<8}",
        secs,
        done,
        done as f64 / secs,
        p95,
        errors
    );
}

fn uri_path(url: &url::Url) -> String {
    let mut p = url.path().to_string();
    if let Some(q) = url.query() {
        p.push('?');
        p.push_str(q);
    }
    p
}

/// A connection: the HTTP/1.1 hot path, or hyper for HTTP/2.
enum Link {
    H1(crate::h1::Conn),
    Hyper(Sender),
}

/// One connection's loop: take the next request, (wait for its time,) send, record.
async fn connection(shared: Arc<Shared>, shard: usize) {
    let plan = &shared.plan;
    let schedule = match &plan.model {
        Model::Open(s) => Some(s.clone()),
        Model::Closed => None,
    };
    let mut link: Option<Link> = None;
    let mut timer = Box::pin(tokio::time::sleep(plan.timeout));
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let ticket = shared.issued.fetch_add(1, Ordering::Relaxed);
        if plan.requests.is_some_and(|n| ticket >= n) {
            return;
        }
        let intended = match &schedule {
            Some(s) => match s.due_at(ticket) {
                Some(t) => {
                    // Past the run's end (or not a time at all): this connection is done.
                    let Some(at) = Duration::try_from_secs_f64(t)
                        .ok()
                        .and_then(|d| shared.start.checked_add(d))
                    else {
                        return;
                    };
                    if at >= shared.deadline {
                        return;
                    }
                    if at > Instant::now() {
                        tokio::time::sleep_until(at).await;
                        if shared.stop.load(Ordering::Relaxed) {
                            return;
                        }
                    }
                    Some(at)
                }
                None => return,
            },
            None => None,
        };
        // One clock read serves the deadline check and, when no reconnection intervenes, the
        // send time.
        let mut now = Instant::now();
        if now >= shared.deadline {
            return;
        }
        // (Re)connect when needed; a connection the server closed between requests is replaced
        // without counting an error.
        let ready = match link.as_mut() {
            Some(Link::H1(_)) => true,
            Some(Link::Hyper(s)) => {
                // waiting for the HTTP/2 connection to take a stream is not the request's time
                let ready = s.ready().await;
                now = Instant::now();
                ready
            }
            None => false,
        };
        if !ready {
            link = None;
            let connect = async {
                if plan.http2 {
                    let mut s = shared.connector.connect().await?;
                    if !s.ready().await {
                        return Err(crate::client::Failure {
                            kind: ErrorKind::Reset,
                            message: "the connection closed during the handshake".into(),
                        });
                    }
                    Ok(Link::Hyper(s))
                } else {
                    let s = shared.connector.connect_stream().await?;
                    Ok(Link::H1(crate::h1::Conn::new(s)))
                }
            };
            match tokio::time::timeout(plan.timeout, connect).await {
                Ok(Ok(l)) => link = Some(l),
                Ok(Err(f)) => {
                    record_error(&shared, shard, f.kind);
                    if f.kind == ErrorKind::Connect {
                        // Do not spin on a refused port: the error is counted, pause briefly.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    continue;
                }
                Err(_) => {
                    record_error(&shared, shard, ErrorKind::Timeout);
                    continue;
                }
            }
            now = Instant::now();
        }
        let sent = now;
        if intended.is_some() {
            shared.sent.fetch_add(1, Ordering::Relaxed);
        }
        let result = match link.as_mut() {
            Some(Link::H1(c)) => {
                // One timer per connection, re-armed lazily: when it fires before this
                // request's own limit it is pushed back to that limit, so it is registered
                // again about once per timeout period instead of once per request.
                let limit = sent + plan.timeout;
                if timer.deadline() > limit {
                    timer.as_mut().reset(limit);
                }
                let exchange = c.exchange(&shared.request, shared.head);
                tokio::pin!(exchange);
                loop {
                    tokio::select! {
                        biased;
                        r = &mut exchange => {
                            break Ok(r.map(|e| (e.status, e.body_bytes, e.keep_alive)));
                        }
                        _ = timer.as_mut() => {
                            if Instant::now() >= limit {
                                break Err(());
                            }
                            timer.as_mut().reset(limit);
                        }
                    }
                }
            }
            Some(Link::Hyper(s)) => {
                let mut req = Request::new(Full::new(shared.body.clone()));
                *req.method_mut() = plan.method.clone();
                *req.uri_mut() = shared.uri.clone();
                *req.headers_mut() = shared.headers.clone();
                tokio::time::timeout(plan.timeout, async {
                    let resp = s.send(req).await?;
                    let status = resp.status().as_u16();
                    let (n, _) = read_body(resp.into_body(), 0).await?;
                    Ok::<_, crate::client::Failure>((status, n, true))
                })
                .await
                .map_err(|_| ())
            }
            None => continue,
        };
        let done = Instant::now();
        shared.completed.fetch_add(1, Ordering::Relaxed);
        let mut rec = shared.shards[shard]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(Ok((status, bytes, keep_alive))) => {
                let from = intended.unwrap_or(sent);
                if intended.is_some_and(|i| sent - i > LATE_AFTER) {
                    rec.late += 1;
                }
                rec.response(
                    status,
                    plan.ok_status.contains(status),
                    (done - from).as_micros() as u64,
                    (done - sent).as_micros() as u64,
                    bytes,
                    done - shared.start,
                );
                if !keep_alive {
                    link = None;
                }
            }
            Ok(Err(f)) => {
                rec.error(f.kind, done - shared.start);
                link = None;
            }
            Err(_) => {
                rec.error(ErrorKind::Timeout, done - shared.start);
                link = None;
            }
        }
    }
}

fn record_error(shared: &Shared, shard: usize, kind: ErrorKind) {
    let at = Instant::now() - shared.start;
    shared.shards[shard]
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .error(kind, at);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn governor_spins_on_a_core_of_its_own_and_backs_off_when_held_back() {
        let ms = |n| Duration::from_millis(n);
        let mut g = Governor::default();
        // 0.4 ms of waiting in 10 ms: 4 %, spin on
        assert_eq!(g.after(ms(10), Some(400_000)), None);
        // 0.6 ms: 6 %, pause 100 ms, then 200, 400, 800, 1600, and no more
        assert_eq!(g.after(ms(10), Some(600_000)), Some(ms(100)));
        assert_eq!(g.after(ms(10), Some(5_000_000)), Some(ms(200)));
        assert_eq!(g.after(ms(10), Some(5_000_000)), Some(ms(400)));
        assert_eq!(g.after(ms(10), None), Some(ms(800)));
        assert_eq!(g.after(ms(10), Some(5_000_000)), Some(ms(1600)));
        assert_eq!(g.after(ms(10), Some(5_000_000)), Some(ms(1600)));
        // the core is free again: spinning resumes and the back-off starts over
        assert_eq!(g.after(ms(12), Some(0)), None);
        assert_eq!(g.after(ms(10), Some(10_000_000)), Some(ms(100)));
    }

    #[test]
    fn run_delay_is_the_second_schedstat_figure() {
        assert_eq!(run_delay_of(b"71243541 183881 21\n"), Some(183_881));
        assert_eq!(run_delay_of(b"71243541 183881\n"), None);
        assert_eq!(run_delay_of(b"71243541 x 21\n"), None);
        assert_eq!(run_delay_of(b""), None);
        assert_eq!(run_delay_of(&[0xff, b' ', b'1', b' ', b'2']), None);
        // and this thread's own file reads (Linux)
        if cfg!(target_os = "linux") {
            let mut d = RunDelay::open().expect("/proc/thread-self/schedstat");
            let a = d.nanos();
            let b = d.nanos();
            assert!(b >= a && b != u64::MAX, "{a} then {b}");
        }
    }
}
