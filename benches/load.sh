#!/usr/bin/env bash
# benches/load.sh — golive load against wrk and oha, in one run, on the same loopback nginx.
#
# Same connection count, same duration, each generator pinned to the same single core with
# taskset (nginx gets the other cores). Prints each tool's achieved requests/s and the ratios
# golive/wrk (target >= 1.0) and golive/oha (target >= 1.1); then golive's peak RSS for a
# 10-million-request run (/usr/bin/time -v; target <= 100 MB).
#
# Two measurements per round:
# - "full core": each generator has its whole core. On a machine where nginx has as many cores
#   as the generator (two cores: one each), nginx is the limit of every tool's run — the figures
#   then tell how much each generator lets the server do, not how fast the generator is; the
#   nginx busy % printed beside each run shows it (near 100 %).
# - "capped": each generator also runs in a cgroup with a CPU quota of CAP % of its core (default
#   50 %, over 10 ms periods), so that the generator, not nginx, sets the pace (nginx busy well
#   under 100 %): requests/s per unit of CPU, the comparison the targets are about. The same
#   quota for every tool; CAP=0 skips this measurement. Needs root (cgroup v1 cpu controller, or
#   cgroup v2 with the cpu controller available); without it, only the full-core figures.
#
#   benches/load.sh                 # defaults: CONNS=50 DURATION=10 ROUNDS=5 CORE=0 CAP=50
#   CONNS=100 DURATION=20 benches/load.sh
#   SKIP_RSS=1 benches/load.sh      # ratios only (no 10-million-request run; BIG_N sets its size)
#
# Installs nginx, wrk and GNU time from apt and oha with `cargo install` when missing.
set -euo pipefail

CONNS=${CONNS:-50}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-5}
CAP=${CAP:-50}
CORE=${CORE:-0}
PORT=${PORT:-18980}
BIG_N=${BIG_N:-10000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NCPU=$(nproc)
if [ "$NCPU" -lt 2 ]; then
  echo "load.sh: needs at least 2 cores (one for the generator, one for nginx)" >&2
  exit 3
fi
NGINX_CORES=$(seq -s, 0 $((NCPU - 1)) | tr ',' '\n' | grep -vx "$CORE" | paste -sd,)

need_apt() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v taskset >/dev/null || missing+=(util-linux)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from apt…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! command -v oha >/dev/null; then
    echo "installing oha with cargo install…" >&2
    cargo install oha --locked >/dev/null
  fi
}
need_apt
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
OHA=$(command -v oha)

echo "building golive (release)…" >&2
(cd "$ROOT" && cargo build --release -q -p golive)
GOLIVE="${CARGO_TARGET_DIR:-$ROOT/target}/release/golive"

WORK=$(mktemp -d)
CG=""
cleanup() {
  if [ -f "$WORK/nginx.pid" ]; then kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true; fi
  if [ -n "$CG" ]; then rmdir "$CG" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/www" "$WORK/logs"
head -c 128 /dev/zero | tr '\0' 'x' > "$WORK/www/index.html"
# mktemp -d makes a 0700 directory: nginx's workers (www-data) must be able to read the file,
# or every tool measures 403 pages
chmod 0755 "$WORK" "$WORK/www"
chmod 0644 "$WORK/www/index.html"
WORKERS=$((NCPU - 1))
cat > "$WORK/nginx.conf" <<CONF
worker_processes $WORKERS;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 120s;
  keepalive_requests 100000000;
  # nginx has one core: keep its per-request cost low (no open/fstat/close of the file for
  # every request, no version banner or ETag to format), so that what is measured is the
  # generators as far as the server allows
  open_file_cache max=64 inactive=60s;
  open_file_cache_valid 60s;
  server_tokens off;
  etag off;
  server {
    listen 127.0.0.1:$PORT;
    root $WORK/www;
    location / { index index.html; }
  }
}
CONF
taskset -c "$NGINX_CORES" "$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon on;'
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
URL="http://127.0.0.1:$PORT/index.html"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$URL" || true)
if [ "$STATUS" != 200 ]; then
  echo "load.sh: $URL answers $STATUS, not 200: fix the server set-up before measuring" >&2
  exit 4
fi
echo "target $URL (nginx on cores $NGINX_CORES, static 128-byte file, keep-alive); generators on core $CORE; -c $CONNS, ${DURATION}s each"

# The CPU quota for the capped runs: a cgroup named after this run, CAP % of one core over
# 10 ms periods (short periods: the quota is spread evenly over the run instead of in bursts).
setup_cap() {
  [ "$CAP" -gt 0 ] 2>/dev/null || return 0
  local name="golive-load-bench-$$" quota=$((CAP * 100))
  if [ -w /sys/fs/cgroup/cpu ] && mkdir "/sys/fs/cgroup/cpu/$name" 2>/dev/null; then
    CG="/sys/fs/cgroup/cpu/$name"
    echo 10000 > "$CG/cpu.cfs_period_us" && echo "$quota" > "$CG/cpu.cfs_quota_us" || CG=""
  elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers; then
    echo +cpu > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
    if mkdir "/sys/fs/cgroup/$name" 2>/dev/null; then
      CG="/sys/fs/cgroup/$name"
      echo "$quota 10000" > "$CG/cpu.max" 2>/dev/null || { rmdir "$CG"; CG=""; }
    fi
  fi
  if [ -z "$CG" ]; then
    echo "load.sh: cannot make a cgroup with a CPU quota (not root, or no cpu controller):" \
      "only the full-core figures, where nginx is the limit" >&2
  fi
}
setup_cap

# run MODE CMD...: the command pinned to the generator core; in mode "capped", inside the
# quota's cgroup as well.
run() {
  local mode=$1
  shift
  if [ "$mode" = capped ]; then
    sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG" taskset -c "$CORE" "$@"
  else
    taskset -c "$CORE" "$@"
  fi
}
run_golive() {
  local out
  out=$(run "$1" "$GOLIVE" load "$URL" -c "$CONNS" -d "${DURATION}s" --no-color 2>/dev/null || true)
  if ! printf '%s\n' "$out" | grep -q 'errors 0 '; then
    printf '%s\n' "$out" | grep -m2 -E 'requests|statuses' >&2
  fi
  printf '%s\n' "$out" | grep -m1 -oE '[0-9.]+ req/s' | grep -oE '^[0-9.]+' || true
}
run_wrk() {
  local out
  out=$(run "$1" wrk -t1 -c "$CONNS" -d "${DURATION}s" "$URL" || true)
  if printf '%s\n' "$out" | grep -q 'Non-2xx'; then
    printf '%s\n' "$out" | grep 'Non-2xx' >&2
  fi
  printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}'
}
run_oha() {
  local out
  out=$(run "$1" "$OHA" -c "$CONNS" -z "${DURATION}s" --no-tui "$URL" || true)
  printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}'
}

# How busy nginx's worker was during a run (CPU ticks of /proc/PID/stat over the run's
# duration): near 100% means the one-core server, not the generator, set the pace.
NGINX_WORKER=$(pgrep -f "nginx: worker process" -P "$(cat "$WORK/nginx.pid")" | head -1 || true)
HZ=$(getconf CLK_TCK)
nginx_ticks() {
  if [ -n "$NGINX_WORKER" ] && [ -r "/proc/$NGINX_WORKER/stat" ]; then
    awk '{print $14 + $15}' "/proc/$NGINX_WORKER/stat"
  else
    echo 0
  fi
}
busy() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v d="$DURATION" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / d }'; }

# warm nginx up
taskset -c "$CORE" wrk -t1 -c "$CONNS" -d 2s "$URL" >/dev/null || true

# The machine may be shared: interleave the tools over ROUNDS rounds; keep each one's best, and
# the ratios within each round (the tools of one round run seconds apart, which a shared
# machine's drift affects least).
best() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || a + 0 > b + 0) print a; else print b }'; }
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print 0 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
MODES=(full)
if [ -n "$CG" ]; then MODES+=(capped); fi
declare -A G W O RW RO
for r in $(seq "$ROUNDS"); do
  for m in "${MODES[@]}"; do
    t0=$(nginx_ticks); g=$(run_golive "$m"); t1=$(nginx_ticks); w=$(run_wrk "$m"); t2=$(nginx_ticks)
    o=$(run_oha "$m"); t3=$(nginx_ticks)
    printf 'round %d, %-9s golive %s  wrk %s  oha %s req/s   (nginx busy: %s%% %s%% %s%%)\n' "$r" "$m:" \
      "$g" "$w" "$o" "$(busy "$t0" "$t1")" "$(busy "$t1" "$t2")" "$(busy "$t2" "$t3")"
    G[$m]=$(best "${g:-0}" "${G[$m]:-}"); W[$m]=$(best "${w:-0}" "${W[$m]:-}")
    O[$m]=$(best "${o:-0}" "${O[$m]:-}")
    RW[$m]="${RW[$m]:-} $(ratio "$g" "$w")"; RO[$m]="${RO[$m]:-} $(ratio "$g" "$o")"
  done
done
for m in "${MODES[@]}"; do
  if [ "$m" = full ]; then
    echo "full core (nginx's one core is the limit when it shows ~100% busy):"
  else
    echo "capped at ${CAP}% of the core (the generator is the limit; the targets apply here):"
  fi
  printf '  best of %d rounds: golive %s  wrk %s  oha %s req/s\n' "$ROUNDS" "${G[$m]}" "${W[$m]}" "${O[$m]}"
  # shellcheck disable=SC2086
  printf '  golive/wrk = %.3f best, %.3f median of rounds (target >= 1.0)\n' \
    "$(ratio "${G[$m]}" "${W[$m]}")" "$(median ${RW[$m]})"
  # shellcheck disable=SC2086
  printf '  golive/oha = %.3f best, %.3f median of rounds (target >= 1.1)\n' \
    "$(ratio "${G[$m]}" "${O[$m]}")" "$(median ${RO[$m]})"
done

if [ -z "${SKIP_RSS:-}" ]; then
  echo "peak RSS of golive for $BIG_N requests (-c $CONNS)…"
  /usr/bin/time -v taskset -c "$CORE" "$GOLIVE" load "$URL" -c "$CONNS" -n "$BIG_N" -d 1h --no-color \
    > "$WORK/big.txt" 2> "$WORK/time.txt" || true
  grep -m1 -E 'requests [0-9]+' "$WORK/big.txt" || true
  grep -m1 -E 'statuses|error kinds' "$WORK/big.txt" || true
  awk -F: '/Maximum resident set size/ {printf "golive peak RSS = %.1f MB (target <= 100 MB)\n", $2 / 1024}' "$WORK/time.txt"
fi
