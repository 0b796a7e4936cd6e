//! Parsing of human units used in flags and golive.toml: durations (`200ms`, `5s`, `1m`, `90d`)
//! and byte sizes (`512KiB`, `1MB`, `300000`).

use serde::{Deserialize, Deserializer};
use std::time::Duration;

/// Parses `250ms`, `5s`, `1.5s`, `2m`, `1h`, `90d`, `2w`, `10us`. A bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration (expected e.g. `200ms`, `5s`, `2m`, `90d`)".into());
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        format!("`{s}` is not a duration (expected e.g. `200ms`, `5s`, `2m`, `90d`)")
    })?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => value,
        "ms" => value / 1e3,
        "us" | "µs" => value / 1e6,
        "ns" => value / 1e9,
        "m" | "min" | "mins" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86400.0,
        "w" => value * 7.0 * 86400.0,
        other => {
            return Err(format!(
                "`{s}`: unknown duration unit `{other}` (use ns, us, ms, s, m, h, d or w)"
            ));
        }
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("`{s}` is not a valid duration"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses `300000`, `512KiB`, `1MB`, `1.5 MiB`, `2G`. Decimal (kB/MB/GB) and binary (KiB/MiB/GiB)
/// units; `K`/`M`/`G` alone are binary.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size (expected e.g. `1MiB`, `500kB`, `300000`)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "`{s}`: unknown size unit `{other}` (use B, kB, MB, GB, KiB, MiB or GiB)"
            ));
        }
    };
    let v = value * mult;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{s}` is not a valid size"));
    }
    Ok(v as u64)
}

/// Serde helper: a duration written as a string (`"5s"`) or a number of seconds.
pub fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        N(f64),
    }
    match Raw::deserialize(d)? {
        Raw::S(s) => parse_duration(&s).map_err(serde::de::Error::custom),
        Raw::N(n) if n >= 0.0 && n.is_finite() => Ok(Duration::from_secs_f64(n)),
        Raw::N(n) => Err(serde::de::Error::custom(format!(
            "{n} is not a valid duration"
        ))),
    }
}

/// Serde helper: an optional duration.
pub fn de_opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    de_duration(d).map(Some)
}

/// Serde helper: a size written as a string (`"1MiB"`) or a number of bytes.
pub fn de_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        N(u64),
    }
    match Raw::deserialize(d)? {
        Raw::S(s) => parse_bytes(&s).map_err(serde::de::Error::custom),
        Raw::N(n) => Ok(n),
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
    }
}
