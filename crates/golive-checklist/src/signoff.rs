//! Sign-offs: `.golive/signoffs.toml`, meant to be committed so that the history is in git.
//!
//! ```toml
//! [[event]]
//! action = "sign"
//! item = "war-room-setup-pret-1a2b3c"
//! by = "Marie"
//! at = "2026-11-20T09:12:00Z"
//! note = "war room booked, roster in the wiki"
//! evidence = "https://wiki.example/war-room"
//! expires = "2027-02-18"
//!
//! [[event]]
//! action = "unsign"
//! item = "war-room-setup-pret-1a2b3c"
//! by = "Paul"
//! at = "2026-11-21T10:00:00Z"
//! reason = "roster changed"
//! ```
//!
//! Events are only appended. The last event of an item decides: a `sign` that has not expired
//! is a valid sign-off; an `unsign` or an expired `sign` is not.

use crate::ChecklistError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Sign,
    Unsign,
}

/// One sign or unsign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub action: Action,
    pub item: String,
    pub by: String,
    /// RFC 3339 time.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// `YYYY-MM-DD`: from that day on the sign-off no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Why it was withdrawn (unsign only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOffs {
    #[serde(default)]
    pub event: Vec<Event>,
}

/// The standing of one item's sign-off.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing<'a> {
    /// Signed and not expired.
    Valid(&'a Event),
    /// Signed, but the expiry date has passed.
    Expired(&'a Event),
    /// The last event withdrew it.
    Withdrawn(&'a Event),
    None,
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &f).ok()
}

/// `--expires`: a duration from now (`90d`, `12w`) or a date (`2027-01-31`), at most
/// [`EXPIRY_MAX`](golive_core::units::EXPIRY_MAX) (5 years) ahead: a sign-off is a judgement
/// about today's service, not a permanent waiver.
pub fn expiry_from(spec: &str, now: OffsetDateTime) -> Result<Date, ChecklistError> {
    use golive_core::units::{EXPIRY_MAX, fmt_duration};
    let usage = |why: String| ChecklistError::Usage(format!("--expires {spec}: {why}"));
    let limit = time::Duration::try_from(EXPIRY_MAX)
        .ok()
        .and_then(|d| now.checked_add(d))
        .map(|t| t.date())
        .ok_or_else(|| usage("the limit of 5 years is out of the calendar".into()))?;
    let date = match parse_date(spec) {
        Some(d) => d,
        None => {
            let dur = golive_core::units::parse_duration(spec).map_err(|e| {
                usage(format!(
                    "{e}; give a duration like `90d` or a date like `2027-01-31`"
                ))
            })?;
            if dur > EXPIRY_MAX {
                return Err(usage(format!(
                    "longer than the limit of {} (5 years): sign again when it runs out",
                    fmt_duration(EXPIRY_MAX)
                )));
            }
            time::Duration::try_from(dur)
                .ok()
                .and_then(|d| now.checked_add(d))
                .map(|t| t.date())
                .ok_or_else(|| usage("too far in the future".into()))?
        }
    };
    if date > limit {
        return Err(usage(format!(
            "{date} is more than 5 years ahead (the latest is {limit}): sign again when it runs out"
        )));
    }
    Ok(date)
}

impl SignOffs {
    /// Reads the file; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<SignOffs, ChecklistError> {
        if !path.exists() {
            return Ok(SignOffs::default());
        }
        let text = std::fs::read_to_string(path).map_err(|e| ChecklistError::Read {
            path: path.display().to_string(),
            source: e,
        })?;
        let s: SignOffs = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|sp| format!("line {}: ", golive_core::config::line_of(&text, sp.start)))
                .unwrap_or_default();
            ChecklistError::Input {
                path: path.display().to_string(),
                message: format!("{line}{}", e.message().trim()),
            }
        })?;
        for (i, e) in s.event.iter().enumerate() {
            if OffsetDateTime::parse(&e.at, &Rfc3339).is_err() {
                return Err(ChecklistError::Input {
                    path: path.display().to_string(),
                    message: format!(
                        "event #{} ({}): `at = \"{}\"` is not an RFC 3339 time like 2026-11-20T09:00:00Z",
                        i + 1,
                        e.item,
                        e.at
                    ),
                });
            }
            if let Some(x) = &e.expires
                && parse_date(x).is_none()
            {
                return Err(ChecklistError::Input {
                    path: path.display().to_string(),
                    message: format!(
                        "event #{} ({}): `expires = \"{x}\"` is not a date like 2027-01-31",
                        i + 1,
                        e.item
                    ),
                });
            }
        }
        Ok(s)
    }

    /// Writes the file (creating its directory).
    pub fn save(&self, path: &Path) -> Result<(), ChecklistError> {
        let w = |e: std::io::Error| ChecklistError::Write {
            path: path.display().to_string(),
            source: e,
        };
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(w)?;
        }
        let body = toml::to_string(self).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        std::fs::write(
            path,
            format!("# Sign-offs of manual checklist items (`golive checklist sign`). Commit this file.\n{body}"),
        )
        .map_err(w)
    }

    /// Appends a sign-off.
    #[allow(clippy::too_many_arguments)]
    pub fn sign(
        &mut self,
        item: &str,
        by: &str,
        now: OffsetDateTime,
        note: Option<String>,
        evidence: Option<String>,
        expires: Option<Date>,
    ) -> Result<&Event, ChecklistError> {
        if by.trim().is_empty() {
            return Err(ChecklistError::Usage(
                "--by must name the person signing off".into(),
            ));
        }
        if let Some(d) = expires
            && d <= now.date()
        {
            return Err(ChecklistError::Usage(format!(
                "--expires {d} is not in the future"
            )));
        }
        self.event.push(Event {
            action: Action::Sign,
            item: item.to_string(),
            by: by.trim().to_string(),
            at: fmt_time(now),
            note,
            evidence,
            expires: expires.map(|d| d.to_string()),
            reason: None,
        });
        Ok(self.event.last().expect("just pushed"))
    }

    /// Appends a withdrawal; the item must currently be signed.
    pub fn unsign(
        &mut self,
        item: &str,
        by: &str,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), ChecklistError> {
        if reason.trim().is_empty() {
            return Err(ChecklistError::Usage(
                "--reason must say why the sign-off is withdrawn".into(),
            ));
        }
        if by.trim().is_empty() {
            return Err(ChecklistError::Usage(
                "--by must name the person withdrawing the sign-off".into(),
            ));
        }
        if !matches!(
            self.standing(item, now),
            Standing::Valid(_) | Standing::Expired(_)
        ) {
            return Err(ChecklistError::Usage(format!(
                "`{item}` is not signed off; nothing to withdraw"
            )));
        }
        self.event.push(Event {
            action: Action::Unsign,
            item: item.to_string(),
            by: by.trim().to_string(),
            at: fmt_time(now),
            note: None,
            evidence: None,
            expires: None,
            reason: Some(reason.trim().to_string()),
        });
        Ok(())
    }

    /// The standing of an item at `now`.
    pub fn standing(&self, item: &str, now: OffsetDateTime) -> Standing<'_> {
        let Some(last) = self.event.iter().rev().find(|e| e.item == item) else {
            return Standing::None;
        };
        match last.action {
            Action::Unsign => Standing::Withdrawn(last),
            Action::Sign => match last.expires.as_deref().and_then(parse_date) {
                Some(d) if d <= now.date() => Standing::Expired(last),
                _ => Standing::Valid(last),
            },
        }
    }
}

/// RFC 3339, seconds precision.
pub fn fmt_time(t: OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// The date part of an RFC 3339 time (`2026-11-20`).
pub fn date_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sign_expire_unsign() {
        let now = datetime!(2026-11-20 10:00 UTC);
        let mut s = SignOffs::default();
        assert_eq!(s.standing("a", now), Standing::None);
        let exp = expiry_from("90d", now).unwrap();
        assert_eq!(exp.to_string(), "2027-02-18");
        s.sign("a", "Marie", now, Some("ok".into()), None, Some(exp))
            .unwrap();
        assert!(matches!(s.standing("a", now), Standing::Valid(_)));
        assert!(matches!(
            s.standing("a", datetime!(2027-02-18 00:00 UTC)),
            Standing::Expired(_)
        ));
        assert!(s.unsign("a", "Paul", " ", now).is_err());
        assert!(s.unsign("b", "Paul", "why", now).is_err());
        s.unsign("a", "Paul", "roster changed", now).unwrap();
        assert!(matches!(s.standing("a", now), Standing::Withdrawn(_)));
        assert_eq!(s.event.len(), 2);
        assert!(expiry_from("soon", now).is_err());
        // Issue 12: used to panic (f64 -> Duration overflow); beyond 5 years is refused.
        for (spec, why) in [
            ("99999999999999999999d", "100 years"),
            ("1e400d", "unknown duration unit"),
            ("1827d", "limit of 1826d"),
            (
                "2032-01-01",
                "more than 5 years ahead (the latest is 2031-11-20)",
            ),
            ("9999-12-31", "more than 5 years ahead"),
        ] {
            let e = expiry_from(spec, now).unwrap_err().to_string();
            assert!(e.contains(why) && e.contains(spec), "{spec}: {e}");
        }
        assert_eq!(expiry_from("1826d", now).unwrap().to_string(), "2031-11-20");
        assert_eq!(
            expiry_from("2031-11-20", now).unwrap().to_string(),
            "2031-11-20"
        );
        assert!(s.sign("c", "X", now, None, None, Some(now.date())).is_err());
    }

    #[test]
    fn file_roundtrip_and_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".golive/signoffs.toml");
        let now = datetime!(2026-11-20 10:00 UTC);
        let mut s = SignOffs::default();
        s.sign("a", "Marie", now, None, Some("https://x".into()), None)
            .unwrap();
        s.save(&p).unwrap();
        assert_eq!(SignOffs::load(&p).unwrap(), s);
        std::fs::write(
            &p,
            "[[event]]\naction = \"sign\"\nitem = \"a\"\nby = \"M\"\nat = \"yesterday\"\n",
        )
        .unwrap();
        let e = SignOffs::load(&p).unwrap_err().to_string();
        assert!(e.contains("RFC 3339"), "{e}");
        std::fs::write(&p, "[[event]]\nwho = 1\n").unwrap();
        let e = SignOffs::load(&p).unwrap_err().to_string();
        assert!(e.contains("line"), "{e}");
    }
}
