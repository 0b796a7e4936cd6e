//! Property tests of the unit parsers (issue 12): durations, sizes, thresholds, ramps and
//! sign-off expiries never panic, read exact values back, and hold every documented bound.

use golive_core::units::{
    self, EXPIRY_MAX, LOAD_DURATION_MAX, MAX_DURATION, TIMEOUT_MAX, fmt_bytes, fmt_duration,
    parse_bytes, parse_duration, parse_duration_max,
};
use golive_load::threshold::{MAX_MEM_GROWTH, MAX_RPS, Metric, Op};
use golive_load::{RateSchedule, Threshold};
use proptest::prelude::*;
use std::time::Duration;
use time::OffsetDateTime;

const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("", 1_000_000_000),
    ("s", 1_000_000_000),
    ("sec", 1_000_000_000),
    ("m", 60_000_000_000),
    ("min", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
    ("w", 604_800_000_000_000),
];

const SIZES: &[(&str, u128)] = &[
    ("", 1),
    ("B", 1),
    ("kB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
    ("K", 1 << 10),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("M", 1 << 20),
    ("GiB", 1 << 30),
];

fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        (0..=MAX_DURATION.as_nanos() as u64).prop_map(Duration::from_nanos),
        (0u64..=MAX_DURATION.as_secs()).prop_map(Duration::from_secs),
        (0u64..100_000).prop_map(Duration::from_millis),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// `N<unit>` is exactly N × unit when it fits under the 100-year ceiling, an error beyond:
    /// computed here in u128, so nothing overflows or rounds.
    #[test]
    fn integer_durations_are_exact_or_refused(n in prop_oneof![any::<u64>(), 0u64..10_000], u in 0..UNITS.len(), space in any::<bool>()) {
        let (unit, nanos) = UNITS[u];
        let text = format!("{n}{}{unit}", if space && !unit.is_empty() { " " } else { "" });
        let want = u128::from(n) * nanos;
        match parse_duration(&text) {
            Ok(d) => prop_assert_eq!(d.as_nanos(), want, "{}", text),
            Err(e) => {
                prop_assert!(want > MAX_DURATION.as_nanos(), "{} refused: {}", text, e);
                prop_assert!(e.contains("100 years"), "{}", e);
            }
        }
    }

    /// A decimal fraction is read exactly (truncated below the nanosecond), never through f64.
    #[test]
    fn decimal_durations_are_exact(int in 0u64..1_000_000, frac in "[0-9]{1,12}", u in 0..UNITS.len()) {
        let (unit, nanos) = UNITS[u];
        let text = format!("{int}.{frac}{unit}");
        let scale = 10u128.pow(frac.len() as u32);
        let want = u128::from(int) * nanos + frac.parse::<u128>().unwrap() * nanos / scale;
        match parse_duration(&text) {
            Ok(d) => prop_assert_eq!(d.as_nanos(), want, "{}", text),
            Err(_) => prop_assert!(want > MAX_DURATION.as_nanos(), "{}", text),
        }
    }

    /// What `fmt_duration` writes reads back to the same duration, and within bounds.
    #[test]
    fn durations_round_trip(d in any_duration()) {
        let text = fmt_duration(d);
        prop_assert_eq!(parse_duration(&text), Ok(d), "{}", text);
    }

    /// An option limit is a hard bound: accepted values are at most the limit, and a value
    /// is refused only when it is over the limit (and the message names the limit).
    #[test]
    fn option_limits_are_respected(d in any_duration(), which in 0..3usize) {
        let max = [TIMEOUT_MAX, LOAD_DURATION_MAX, EXPIRY_MAX][which];
        let text = fmt_duration(d);
        match parse_duration_max(&text, max) {
            Ok(v) => prop_assert!(v <= max && v == d),
            Err(e) => {
                prop_assert!(d > max, "{} refused under {:?}", text, max);
                prop_assert!(e.contains(&fmt_duration(max)), "{}", e);
            }
        }
        prop_assert_eq!(units::within(d, max).is_ok(), d <= max);
    }

    /// Any string: no panic, and an accepted duration is under the ceiling.
    #[test]
    fn any_text_is_a_duration_or_an_error(s in ".{0,40}") {
        if let Ok(d) = parse_duration(&s) {
            prop_assert!(d <= MAX_DURATION);
        }
        let _ = parse_bytes(&s);
    }

    /// Sizes: N<unit> is exact in bytes up to u64::MAX and an error past it.
    #[test]
    fn sizes_are_exact_or_refused(n in prop_oneof![any::<u64>(), 0u64..100_000], u in 0..SIZES.len()) {
        let (unit, mult) = SIZES[u];
        let text = format!("{n}{unit}");
        let want = u128::from(n) * mult;
        match parse_bytes(&text) {
            Ok(v) => prop_assert_eq!(u128::from(v), want),
            Err(e) => {
                prop_assert!(want > u128::from(u64::MAX), "{} refused: {}", text, e);
            }
        }
    }

    #[test]
    fn sizes_round_trip(n in any::<u64>()) {
        prop_assert_eq!(parse_bytes(&fmt_bytes(n)), Ok(n));
        prop_assert_eq!(parse_bytes(&n.to_string()), Ok(n));
    }

    /// Error-rate thresholds: a percentage outside 0–100 % is refused; inside it, the threshold
    /// is accepted exactly when it can both hold and fail on a rate between 0 and 1.
    #[test]
    fn error_rate_thresholds(pct in prop_oneof![0u32..=100, 0u32..=300, Just(0), Just(100)], op in 0..4usize) {
        let ops = ["<", "<=", ">", ">="];
        let text = format!("error_rate{}{pct}%", ops[op]);
        let r = Threshold::parse(&text);
        if pct > 100 {
            prop_assert!(r.is_err(), "{} accepted", text);
            return Ok(());
        }
        let constant = matches!((ops[op], pct), ("<", 0) | ("<=", 100) | (">", 100) | (">=", 0));
        match r {
            Ok(t) => {
                prop_assert!(!constant, "{} accepted", text);
                prop_assert!((t.limit - f64::from(pct) / 100.0).abs() < 1e-12);
                let rates = [0.0, 0.005, 0.5, 0.995, 1.0];
                let held: Vec<bool> = rates.iter().map(|v| t.holds(*v)).collect();
                prop_assert!(held.contains(&true) && held.contains(&false), "{}: {:?}", text, held);
            }
            Err(e) => prop_assert!(constant, "{} refused: {}", text, e),
        }
    }

    /// Latency thresholds: limits up to the 10-minute timeout ceiling are kept in ms, exactly;
    /// beyond it (where no request can be) and at 0 they are refused.
    #[test]
    fn latency_thresholds(ms in prop_oneof![0u64..2_000_000, Just(0), Just(600_000), Just(600_001)], metric in 0..4usize, op in 0..4usize, unit in any::<bool>()) {
        let m = ["p95", "p(99.9)", "mean", "max"][metric];
        let o = ["<", "<=", ">", ">="][op];
        let text = if unit { format!("{m}{o}{ms}ms") } else { format!("{m}{o}{ms}") };
        match Threshold::parse(&text) {
            Ok(t) => {
                prop_assert!(ms > 0 && ms <= 600_000, "{} accepted", text);
                prop_assert_eq!(t.limit, ms as f64);
                prop_assert!(matches!(t.metric, Metric::Percentile(_) | Metric::Mean | Metric::Max));
            }
            Err(e) => prop_assert!(ms == 0 || ms > 600_000, "{} refused: {}", text, e),
        }
    }

    /// Throughput and memory growth: bounded, and `>= 0` / `< 0` (constant) refused.
    #[test]
    fn rps_and_mem_thresholds(v in prop_oneof![0u64..10_000, Just(0), Just(1_000_000_000), Just(1_000_000_001), Just(1_000_000), Just(1_000_001)], op in 0..4usize, mem in any::<bool>()) {
        let o = ["<", "<=", ">", ">="][op];
        let text = if mem { format!("mem_growth{o}{v}MB/min") } else { format!("rps{o}{v}") };
        let r = Threshold::parse(&text);
        let max = if mem { MAX_MEM_GROWTH } else { MAX_RPS };
        if v as f64 > max {
            prop_assert!(r.is_err(), "{} accepted", text);
        } else if !mem && v == 0 && matches!(o, "<" | ">=") {
            prop_assert!(r.is_err(), "{} accepted", text);
        } else {
            let t = r.map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(t.limit, v as f64);
            prop_assert!(matches!(t.op, Op::Lt | Op::Le | Op::Gt | Op::Ge));
        }
    }

    /// Ramps: the length is the exact sum of the stages; over-long stages are errors, not panics.
    #[test]
    fn ramp_length_is_the_sum(stages in prop::collection::vec((1u32..1000, 1u32..1000, 1u64..100_000), 1..5), huge in any::<bool>()) {
        let mut text: Vec<String> = stages.iter().map(|(a, b, s)| format!("{a}:{b}/{s}s")).collect();
        if huge {
            text.push("10/99999999999999999999h".into());
            prop_assert!(RateSchedule::parse_ramp(&text.join(",")).is_err());
            return Ok(());
        }
        let r = RateSchedule::parse_ramp(&text.join(","))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let want: u64 = stages.iter().map(|(_, _, s)| s).sum();
        prop_assert_eq!(r.duration(), Duration::from_secs(want));
    }

    /// Sign-off expiry: `Nd` is N days ahead up to five years, refused beyond; a date is kept
    /// as written up to the same day five years ahead.
    #[test]
    fn expiry_is_at_most_five_years(days in prop_oneof![0i64..4000, Just(1826), Just(1827)], y in 2000i32..2100, m in 1u8..=12, d in 1u8..=28) {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000); // 2024-10-04
        let limit = (now + time::Duration::days(1826)).date();
        match golive_checklist::signoff::expiry_from(&format!("{days}d"), now) {
            Ok(date) => {
                prop_assert!(days <= 1826, "{}d accepted", days);
                prop_assert_eq!(date, (now + time::Duration::days(days)).date());
            }
            Err(e) => prop_assert!(days > 1826, "{}d refused: {}", days, e),
        }
        let text = format!("{y}-{m:02}-{d:02}");
        let date = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
        match golive_checklist::signoff::expiry_from(&text, now) {
            Ok(got) => {
                prop_assert_eq!(got, date);
                prop_assert!(got <= limit);
            }
            Err(e) => prop_assert!(date > limit, "{} refused: {}", text, e),
        }
    }
}
