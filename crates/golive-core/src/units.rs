//! Parsing of human units used in flags and golive.toml: durations (`200ms`, `5s`, `1m`, `90d`)
//! and byte sizes (`512KiB`, `1MB`, `300000`).
//!
//! Both parsers read the number as an exact decimal with checked integer arithmetic: no float
//! rounding, no overflow, no panic, whatever the input. A duration longer than
//! [`MAX_DURATION`] (100 years) is refused by the parser itself; each option then holds its
//! value to its own, tighter limit ([`LOAD_DURATION_MAX`], [`TIMEOUT_MAX`], [`EXPIRY_MAX`]) with
//! [`within`], so that `-d 10000000h` or `timeout = "365d"` is an error rather than a run that
//! never ends.

use serde::Deserializer;
use serde::de::{self, Visitor};
use std::fmt;
use std::time::Duration;

/// The longest duration any option accepts, whatever its own limit: 100 years. Past it a value
/// is a typo (and would overflow deadlines computed from it).
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 86_400 + 25 * 86_400);
/// The longest load run (`golive load -d`, `--ramp`, `[load] duration`/`ramp`) without
/// `--allow-long-run` / `[load] allow_long_run = true`: 24 hours.
pub const LOAD_DURATION_MAX: Duration = Duration::from_secs(24 * 3600);
/// The longest per-request timeout (`--timeout`, `[probe] timeout`, `[load] timeout`, a smoke
/// spec's `timeout:`), and so the largest latency a threshold or `max_latency` may name: 10 min.
pub const TIMEOUT_MAX: Duration = Duration::from_secs(600);
/// The furthest a sign-off may expire (`golive checklist sign --expires`): 5 years.
pub const EXPIRY_MAX: Duration = Duration::from_secs((5 * 365 + 1) * 86_400);

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// Parses `250ms`, `5s`, `1.5s`, `2m`, `1h`, `90d`, `2w`, `10us`. A bare number is seconds.
/// Refuses anything longer than [`MAX_DURATION`]; never panics.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration (expected e.g. `200ms`, `5s`, `2m`, `90d`)".into());
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let Some(dec) = Decimal::parse(num) else {
        return Err(format!(
            "`{s}` is not a duration (expected e.g. `200ms`, `5s`, `2m`, `90d`)"
        ));
    };
    let unit_nanos: u128 = match unit.trim() {
        "" | "s" | "sec" | "secs" => NANOS_PER_SEC,
        "ms" => 1_000_000,
        "us" | "µs" => 1_000,
        "ns" => 1,
        "m" | "min" | "mins" => 60 * NANOS_PER_SEC,
        "h" => 3_600 * NANOS_PER_SEC,
        "d" => 86_400 * NANOS_PER_SEC,
        "w" => 7 * 86_400 * NANOS_PER_SEC,
        other => {
            return Err(format!(
                "`{s}`: unknown duration unit `{other}` (use ns, us, ms, s, m, h, d or w)"
            ));
        }
    };
    let max = MAX_DURATION.as_nanos();
    let too_long = || format!("`{s}` is longer than 100 years (the most any option accepts)");
    let nanos = dec.times(unit_nanos, max).ok_or_else(too_long)?;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).map_err(|_| too_long())?;
    Ok(Duration::new(secs, (nanos % NANOS_PER_SEC) as u32))
}

/// Holds a parsed duration to an option's limit: `Err` says the value and the limit.
pub fn within(d: Duration, max: Duration) -> Result<Duration, String> {
    if d > max {
        Err(format!(
            "{} is longer than the limit of {}",
            fmt_duration(d),
            fmt_duration(max)
        ))
    } else {
        Ok(d)
    }
}

/// Parses a duration and holds it to `max` ([`parse_duration`] then [`within`]).
pub fn parse_duration_max(s: &str, max: Duration) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    within(d, max).map_err(|_| {
        format!(
            "`{}` is longer than the limit of {}",
            s.trim(),
            fmt_duration(max)
        )
    })
}

/// Writes a duration in the largest unit that keeps it exact (`90d`, `1500ms`, `0s`); what it
/// writes, [`parse_duration`] reads back to the same value.
pub fn fmt_duration(d: Duration) -> String {
    let n = d.as_nanos();
    if n == 0 {
        return "0s".into();
    }
    for (unit, name) in [
        (7 * 86_400 * NANOS_PER_SEC, "w"),
        (86_400 * NANOS_PER_SEC, "d"),
        (3_600 * NANOS_PER_SEC, "h"),
        (60 * NANOS_PER_SEC, "m"),
        (NANOS_PER_SEC, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
    ] {
        // `24h` rather than `1d`, `7d` rather than `1w`: days and weeks from two of them.
        if n.is_multiple_of(unit) && (n / unit >= 2 || !matches!(name, "w" | "d")) {
            return format!("{}{name}", n / unit);
        }
    }
    format!("{n}ns")
}

/// A non-negative decimal number read exactly: `int + frac / 10^scale`. Digits past the 20th
/// fractional one are dropped (they are far below a nanosecond and a byte for every unit).
struct Decimal {
    int: u128,
    frac: u128,
    scale: u32,
}

impl Decimal {
    /// `12`, `1.5`, `.5`, `5.`; `None` for anything else (no digit, two dots, an integer part
    /// too large for u128).
    fn parse(num: &str) -> Option<Decimal> {
        let (ip, fp) = match num.split_once('.') {
            Some((a, b)) => (a, b),
            None => (num, ""),
        };
        if (ip.is_empty() && fp.is_empty()) || fp.contains('.') {
            return None;
        }
        let mut int: u128 = 0;
        for c in ip.bytes() {
            int = int.checked_mul(10)?.checked_add(u128::from(c - b'0'))?;
        }
        let mut frac: u128 = 0;
        let mut scale = 0;
        for c in fp.bytes().take(20) {
            frac = frac * 10 + u128::from(c - b'0');
            scale += 1;
        }
        Some(Decimal { int, frac, scale })
    }

    /// `self × unit`, truncated to an integer; `None` above `max`.
    fn times(&self, unit: u128, max: u128) -> Option<u128> {
        let whole = self.int.checked_mul(unit)?;
        // frac < 10^20 and unit ≤ ~6·10^14: the product fits in u128 (< 3.4·10^38).
        let part = self.frac.checked_mul(unit)? / 10u128.pow(self.scale);
        let v = whole.checked_add(part)?;
        (v <= max).then_some(v)
    }
}

/// Parses `300000`, `512KiB`, `1MB`, `1.5 MiB`, `2G`. Decimal (kB/MB/GB) and binary (KiB/MiB/GiB)
/// units; `K`/`M`/`G` alone are binary. A fraction of a byte is dropped. Refuses sizes above
/// `u64::MAX` bytes; never panics.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let dec = Decimal::parse(num)
        .ok_or_else(|| format!("`{s}` is not a size (expected e.g. `1MiB`, `500kB`, `300000`)"))?;
    let mult: u128 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "`{s}`: unknown size unit `{other}` (use B, kB, MB, GB, KiB, MiB or GiB)"
            ));
        }
    };
    let v = dec
        .times(mult, u128::from(u64::MAX))
        .ok_or_else(|| format!("`{s}` is too large a size"))?;
    Ok(v as u64)
}

/// Writes a byte count in the largest binary unit that keeps it exact (`2MiB`, `1500`).
pub fn fmt_bytes(n: u64) -> String {
    for (unit, name) in [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if n != 0 && n.is_multiple_of(unit) {
            return format!("{}{name}", n / unit);
        }
    }
    n.to_string()
}

/// Serde helper: a duration written as a string (`"5s"`) or a number of seconds.
pub fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    d.deserialize_any(DurationVisitor)
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = Duration;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration like \"5s\", \"200ms\" or \"2m\", or a number of seconds")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
        parse_duration(v).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
        self.visit_f64(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format!("{v} is not a valid duration (negative)"))),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
        if !(v.is_finite() && v >= 0.0) {
            return Err(E::custom(format!("{v} is not a valid duration")));
        }
        match Duration::try_from_secs_f64(v) {
            Ok(d) if d <= MAX_DURATION => Ok(d),
            _ => Err(E::custom(format!(
                "{v:e} s is longer than 100 years (the most any option accepts)"
            ))),
        }
    }
}

/// Serde helper: an optional duration.
pub fn de_opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    de_duration(d).map(Some)
}

/// Serde helper: a size written as a string (`"1MiB"`) or a number of bytes.
pub fn de_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(BytesVisitor)
}

struct BytesVisitor;

impl Visitor<'_> for BytesVisitor {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a size like \"1MiB\", \"512KiB\" or \"5MB\", or a number of bytes")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse_bytes(v).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("{v} is not a valid size (negative)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("200ms").unwrap(), Duration::from_millis(200));
        assert_eq!(parse_duration("5s").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(
            parse_duration("90d").unwrap(),
            Duration::from_secs(90 * 86400)
        );
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(
            parse_duration("5 parsecs")
                .unwrap_err()
                .contains("unknown duration unit")
        );
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("300000").unwrap(), 300_000);
        assert_eq!(parse_bytes("1MiB").unwrap(), 1 << 20);
        assert_eq!(parse_bytes("1MB").unwrap(), 1_000_000);
        assert_eq!(parse_bytes("512 KiB").unwrap(), 512 * 1024);
        assert!(parse_bytes("1XB").is_err());
        assert_eq!(parse_bytes("1.5MiB").unwrap(), 3 << 19);
        assert_eq!(parse_bytes("18446744073709551615").unwrap(), u64::MAX);
        assert!(parse_bytes("18446744073709551616").is_err());
        assert!(parse_bytes("99999999999999999999999999GiB").is_err());
        assert!(parse_bytes("").is_err());
        assert!(parse_bytes(".").is_err());
        assert_eq!(fmt_bytes(2 << 20), "2MiB");
    }

    #[test]
    fn huge_durations_are_errors_not_panics() {
        for s in [
            "99999999999999999999h",
            "1e400",
            "340282366920938463463374607431768211456s",
            "18446744073709551616",
            "101y",
            "10000000000w",
        ] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
        let e = parse_duration("99999999999999999999h").unwrap_err();
        assert!(e.contains("longer than"), "{e}");
        // Exact decimals: no float rounding.
        assert_eq!(parse_duration("0.1ms").unwrap(), Duration::from_micros(100));
        assert_eq!(parse_duration(".5s").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1.000000001").unwrap(), Duration::new(1, 1));
        assert!(parse_duration("1.2.3s").is_err());
        assert!(parse_duration(".s").is_err());
        assert!(parse_duration("-5s").is_err());
        assert_eq!(
            parse_duration("36500d").unwrap(),
            Duration::from_secs(36500 * 86400)
        );
    }

    #[test]
    fn limits_name_the_limit() {
        assert_eq!(
            parse_duration_max("24h", LOAD_DURATION_MAX).unwrap(),
            LOAD_DURATION_MAX
        );
        let e = parse_duration_max("365d", LOAD_DURATION_MAX).unwrap_err();
        assert_eq!(e, "`365d` is longer than the limit of 24h");
        assert_eq!(fmt_duration(TIMEOUT_MAX), "10m");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(fmt_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn serde_helpers_say_what_is_expected() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[serde(deserialize_with = "de_bytes")]
            size: u64,
            #[serde(deserialize_with = "de_duration", default)]
            #[allow(dead_code)]
            d: Duration,
        }
        let e = toml::from_str::<T>("size = true").unwrap_err().to_string();
        assert!(e.contains("a size like \"1MiB\""), "{e}");
        assert!(e.contains("number of bytes"), "{e}");
        let e = toml::from_str::<T>("size = -1").unwrap_err().to_string();
        assert!(e.contains("negative"), "{e}");
        assert_eq!(toml::from_str::<T>("size = \"1KiB\"").unwrap().size, 1024);
        let e = toml::from_str::<T>("size = 1\nd = 1e300")
            .unwrap_err()
            .to_string();
        assert!(e.contains("longer than"), "{e}");
        let e = toml::from_str::<T>("size = 1\nd = [1]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a duration like"), "{e}");
    }
}
