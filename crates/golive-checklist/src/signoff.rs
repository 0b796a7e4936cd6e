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
use std::collections::HashMap;
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

/// `NNNN-NN-NN` (digits and dashes), whether or not it is a real day.
fn looks_like_date(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks a name given with `--by`: not empty, no control characters (a newline in a name
/// would print fake lines in `golive checklist status`).
fn check_name(by: &str, what: &str) -> Result<(), ChecklistError> {
    if by.trim().is_empty() {
        return Err(ChecklistError::Usage(format!(
            "--by must name the person {what}"
        )));
    }
    if let Some(c) = by.chars().find(|c| c.is_control()) {
        return Err(ChecklistError::Usage(format!(
            "--by {:?}: a name cannot contain control characters (found {})",
            by,
            c.escape_default()
        )));
    }
    Ok(())
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
        None if looks_like_date(spec) => {
            return Err(usage(
                "not a valid date (no such day); give a date like `2027-01-31` or a duration like `90d`".into(),
            ));
        }
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

/// First line of the file as golive writes it. Files that start with it must hold the line
/// [`TRAILER`]: golive writes that line last, so a file without it was cut short (events added
/// by hand after it are fine).
pub const HEADER: &str =
    "# Sign-offs of manual checklist items, written by `golive checklist sign`. Commit this file.";
/// First line of the files written by golive before the trailer existed (read as they are).
const OLD_HEADER: &str =
    "# Sign-offs of manual checklist items (`golive checklist sign`). Commit this file.";
/// Last line of the file as golive writes it.
pub const TRAILER: &str =
    "# End of sign-offs (golive writes this line last: a file without it is incomplete).";

/// Why a sign-off file cannot be trusted, if it cannot: empty, binary, cut short.
fn damage(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some(
            "the file is empty (0 bytes): a write was cut short, or something emptied it".into(),
        );
    }
    if let Some(at) = text.find('\0') {
        return Some(format!(
            "line {}: NUL bytes: the file was damaged on disk (a crash, a bad copy)",
            golive_core::config::line_of(text, at)
        ));
    }
    if !text.contains('\n') && (HEADER.starts_with(text) || OLD_HEADER.starts_with(text)) {
        return Some("the file was cut short inside its first line".into());
    }
    // The end line must be there; events appended by hand after it (or merged in by git) are
    // fine: a cut removes the end line, as golive writes it last.
    if text.starts_with(HEADER) && !text.lines().any(|l| l.trim_end() == TRAILER) {
        return Some(format!(
            "line {}: the file was cut short: it has no `{}` line, which golive writes last",
            text.lines().count(),
            TRAILER.split(" (").next().unwrap_or(TRAILER)
        ));
    }
    None
}

impl SignOffs {
    /// Reads the file; a missing file is an empty list. A file that exists but is damaged
    /// (empty, cut short, not valid TOML, not UTF-8) is an error naming the line, never an
    /// empty list.
    pub fn load(path: &Path) -> Result<SignOffs, ChecklistError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(SignOffs::default());
            }
            Err(e) => {
                return Err(ChecklistError::Read {
                    path: path.display().to_string(),
                    source: e,
                });
            }
        };
        let damaged = |message: String| ChecklistError::Damaged {
            path: path.display().to_string(),
            message,
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let ok = e.utf8_error().valid_up_to();
                let head = String::from_utf8_lossy(&e.as_bytes()[..ok]);
                return Err(damaged(format!(
                    "line {}: not UTF-8 text",
                    golive_core::config::line_of(&head, ok)
                )));
            }
        };
        if let Some(why) = damage(&text) {
            return Err(damaged(why));
        }
        let s: SignOffs = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|sp| format!("line {}: ", golive_core::config::line_of(&text, sp.start)))
                .unwrap_or_default();
            damaged(format!("{line}{}", e.message().trim()))
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

    /// The file's text as golive writes it: header, events, trailer.
    fn render(&self, path: &Path) -> Result<String, ChecklistError> {
        let body = toml::to_string(self).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let body = body.trim_end();
        let sep = if body.is_empty() { "" } else { "\n" };
        Ok(format!("{HEADER}\n{body}{sep}\n{TRAILER}\n"))
    }

    fn write_unlocked(&self, path: &Path) -> Result<(), ChecklistError> {
        let text = self.render(path)?;
        golive_core::fsio::write_atomic(path, text).map_err(|e| ChecklistError::Write {
            path: path.display().to_string(),
            source: e,
        })
    }

    /// Writes the file (creating its directory), atomically and under the file's lock. To
    /// change the sign-offs on disk, use [`SignOffs::update`], which also reads under the lock.
    pub fn save(&self, path: &Path) -> Result<(), ChecklistError> {
        let _lock = lock(path)?;
        self.write_unlocked(path)
    }

    /// Read-modify-write under the lock of `path` (`<path>.lock`): reads the sign-offs, lets
    /// `change` append to them, and writes them back atomically, so that concurrent `golive
    /// checklist sign` processes wait for each other and none loses an event. A damaged file is
    /// an error and is left untouched; when `change` fails nothing is written.
    pub fn update<T>(
        path: &Path,
        change: impl FnOnce(&mut SignOffs) -> Result<T, ChecklistError>,
    ) -> Result<T, ChecklistError> {
        let lock = lock(path)?;
        lock.clean_stale_temps();
        let mut s = SignOffs::load(path)?;
        let out = change(&mut s)?;
        s.write_unlocked(path)?;
        drop(lock);
        Ok(out)
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
        check_name(by, "signing off")?;
        if let Some(u) = &evidence
            && let Some(c) = u.chars().find(|c| c.is_control())
        {
            return Err(ChecklistError::Usage(format!(
                "--evidence {u:?}: a link cannot contain control characters (found {})",
                c.escape_default()
            )));
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
        check_name(by, "withdrawing the sign-off")?;
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

    /// The standing of an item at `now`. Scans the events: to ask about many items, use
    /// [`SignOffs::latest`] once.
    pub fn standing(&self, item: &str, now: OffsetDateTime) -> Standing<'_> {
        standing_of(self.event.iter().rev().find(|e| e.item == item), now)
    }

    /// The last event of every item, for standing lookups in constant time.
    pub fn latest(&self) -> Latest<'_> {
        let mut m = HashMap::with_capacity(self.event.len());
        for e in &self.event {
            m.insert(e.item.as_str(), e);
        }
        Latest(m)
    }
}

/// The last event of every item (see [`SignOffs::latest`]).
#[derive(Debug, Clone, Default)]
pub struct Latest<'a>(HashMap<&'a str, &'a Event>);

impl<'a> Latest<'a> {
    /// The standing of an item at `now`, as [`SignOffs::standing`].
    pub fn standing(&self, item: &str, now: OffsetDateTime) -> Standing<'a> {
        standing_of(self.0.get(item).copied(), now)
    }
}

fn standing_of(last: Option<&Event>, now: OffsetDateTime) -> Standing<'_> {
    let Some(last) = last else {
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

fn lock(path: &Path) -> Result<golive_core::fsio::FileLock, ChecklistError> {
    golive_core::fsio::lock(path).map_err(|e| ChecklistError::Write {
        path: golive_core::fsio::lock_path(path).display().to_string(),
        source: e,
    })
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
    fn impossible_dates_and_control_characters() {
        let now = datetime!(2026-11-20 10:00 UTC);
        let e = expiry_from("2027-02-30", now).unwrap_err().to_string();
        assert!(e.contains("not a valid date"), "{e}");
        assert!(!e.contains("unit"), "{e}");
        assert_eq!(
            expiry_from("2027-02-28", now).unwrap().to_string(),
            "2027-02-28"
        );
        let mut s = SignOffs::default();
        let e = s
            .sign("a", "Marie\n  [x] fake", now, None, None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("control characters"), "{e}");
        assert!(
            s.sign("a", "Marie", now, None, Some("https://x\n".into()), None)
                .is_err()
        );
        assert!(s.event.is_empty());
    }

    #[test]
    fn damaged_files_are_errors_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("signoffs.toml");
        let now = datetime!(2026-11-20 10:00 UTC);
        let mut s = SignOffs::default();
        s.sign("a", "Marie", now, None, None, None).unwrap();
        s.sign("b", "Paul", now, None, None, None).unwrap();
        s.save(&p).unwrap();
        let good = std::fs::read_to_string(&p).unwrap();
        assert!(good.starts_with(HEADER) && good.trim_end().ends_with(TRAILER));
        let cut = &good[..good.rfind("# End").unwrap()];
        for (text, want) in [
            ("", "empty"),
            (&good[..12], "cut short"),
            (cut, "cut short"),
            ("[event]]\n", "line 1"),
        ] {
            std::fs::write(&p, text).unwrap();
            let e = SignOffs::load(&p).unwrap_err();
            assert!(matches!(e, ChecklistError::Damaged { .. }), "{e}");
            let e = e.to_string();
            assert!(e.contains(want) && e.contains("git checkout"), "{e}");
            // update refuses too, and leaves the file as it was.
            assert!(SignOffs::update(&p, |s| s.unsign("a", "X", "r", now)).is_err());
            assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        }
        // Events appended by hand after the end line are read.
        std::fs::write(
            &p,
            format!("{good}\n[[event]]\naction = \"sign\"\nitem = \"c\"\nby = \"M\"\nat = \"2026-11-20T10:00:00Z\"\n"),
        )
        .unwrap();
        assert_eq!(SignOffs::load(&p).unwrap().event.len(), 3);
        // A file of an earlier golive (old header, no end line) still reads.
        std::fs::write(&p, format!("{OLD_HEADER}\n[[event]]\naction = \"sign\"\nitem = \"a\"\nby = \"M\"\nat = \"2026-11-20T10:00:00Z\"\n")).unwrap();
        assert_eq!(SignOffs::load(&p).unwrap().event.len(), 1);
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
