//! Numbers and units in an item's text become parameters of its check: "p95 < 200ms" is a
//! p95 latency threshold of 200 ms, "Taux d'erreur < 0.1%" an error-rate threshold of 0.1 %,
//! "100 requêtes simultanées" a concurrency of 100, "SECRET_KEY (50+ caractères)" a minimum
//! length of 50, "Coverage > 80%" a coverage threshold of 80. Values and comparison operators are
//! copied from the text, never invented or altered: a parameter the text does not state is absent.

use crate::text::fold;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// One parameter: `< 200 ms`, `>= 50 chars`, `100`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// `<`, `<=`, `>`, `>=` or `=` (a bare number: "100 requêtes simultanées").
    pub op: String,
    pub value: f64,
    /// `ms`, `s`, `%`, `chars`, `req/min` … (absent for bare counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.op != "=" {
            write!(f, "{} ", self.op)?;
        }
        write!(f, "{}", self.value)?;
        if let Some(u) = &self.unit {
            write!(f, " {u}")?;
        }
        Ok(())
    }
}

impl Param {
    /// Parses the display form back (`< 200 ms`, `100`, `>= 50 chars`).
    pub fn parse(s: &str) -> Option<Param> {
        let mut parts = s.split_whitespace();
        let first = parts.next()?;
        let (op, num) = if ["<", "<=", ">", ">=", "="].contains(&first) {
            (first.to_string(), parts.next()?)
        } else {
            ("=".to_string(), first)
        };
        let value: f64 = num.parse().ok()?;
        let unit: Vec<&str> = parts.collect();
        Some(Param {
            op,
            value,
            unit: (!unit.is_empty()).then(|| unit.join(" ")),
        })
    }

    /// The threshold in milliseconds, for a latency parameter.
    pub fn as_millis(&self) -> Option<f64> {
        match self.unit.as_deref() {
            Some("ms") => Some(self.value),
            Some("s") => Some(self.value * 1000.0),
            Some("min") => Some(self.value * 60_000.0),
            _ => None,
        }
    }

    /// Whether a measured value satisfies this parameter.
    pub fn holds(&self, measured: f64) -> bool {
        match self.op.as_str() {
            "<" => measured < self.value,
            "<=" => measured <= self.value,
            ">" => measured > self.value,
            ">=" => measured >= self.value,
            _ => (measured - self.value).abs() < f64::EPSILON,
        }
    }
}

struct Re {
    pct: Regex,
    coverage_word: Regex,
    error_word: Regex,
    latency: Regex,
    latency_word: Regex,
    mean_word: Regex,
    concurrency: Regex,
    length: Regex,
    rate: Regex,
    throughput: Regex,
}

const OP: &str = r"(<=|>=|≤|≥|<|>|=|au moins|at least|minimum|min\.?|maximum|max\.?|moins de|plus de|inferieure? a|superieure? a|under|below|less than|more than|over|above)?";

fn re() -> &'static Re {
    static R: OnceLock<Re> = OnceLock::new();
    R.get_or_init(|| {
        let num = r"(\d+(?:[.,]\d+)?)";
        let mk = |s: String| Regex::new(&s).expect("static regex");
        Re {
            pct: mk(format!(r"{OP}\s*{num}\s*%\s*(\+)?")),
            coverage_word: mk(r"\b(coverage|couverture)\b".into()),
            error_word: mk(
                r"(taux d'erreurs?|error[- ]rates?|erreurs? rate|taux d'echec|failure rate|erreurs?\s*<|errors?\s*<)"
                    .into(),
            ),
            latency: mk(format!(
                r"(?:\bp\(?(50|75|90|95|99|999)\)?\s*)?{OP}\s*{num}\s*(ms|millisecondes?|milliseconds?|s|sec|secondes?|seconds?)\b"
            )),
            latency_word: mk(
                r"(temps de reponse|response time|latence|latency|\bp\(?\d{2,3}\)?\b|reponse|repond|respond)".into(),
            ),
            mean_word: mk(r"(moyenne|moyen|mean|average|avg)".into()),
            concurrency: mk(format!(
                r"{OP}\s*(\d+)\s*\+?\s*(?:(?:requetes|requests|utilisateurs|users|connexions|connections|clients|appels|calls)\s+(?:simultane|concurren|parallel|en parallele|at once|en meme temps)|(?:concurrent|simultaneous|parallel)\s+(?:requests|users|connections|clients|calls))"
            )),
            length: mk(format!(
                r"(?:{OP}\s*(\d+)\s*(\+)?\s*(?:caracteres|characters|chars|car\.)|(?:longueur|length)\s*{OP}\s*(\d+))"
            )),
            rate: mk(
                r"(\d+)\s*(?:requetes|requests|req)\s*(?:/|par|per)\s*(s|sec|seconde|second|min|minute|h|heure|hour)\b".into(),
            ),
            throughput: mk(format!(r"{OP}\s*(\d+(?:[.,]\d+)?)\s*(rps|req/s|requetes par seconde|requests per second)\b")),
        }
    })
}

fn norm_op(op: Option<&str>, plus: bool) -> String {
    let o = op.map(str::trim).unwrap_or("");
    match o {
        "<" | "moins de" | "inferieur a" | "inferieure a" | "under" | "below" | "less than" => {
            "<".into()
        }
        "<=" | "≤" | "maximum" | "max" | "max." => "<=".into(),
        ">" | "plus de" | "superieur a" | "superieure a" | "more than" | "over" | "above" => {
            ">".into()
        }
        ">=" | "≥" | "au moins" | "at least" | "minimum" | "min" | "min." => ">=".into(),
        _ if plus => ">=".into(),
        _ => "=".into(),
    }
}

fn num(s: &str) -> Option<f64> {
    s.replace(',', ".").parse().ok()
}

fn latency_unit(u: &str) -> &'static str {
    if u.starts_with("ms") || u.starts_with("milli") {
        "ms"
    } else {
        "s"
    }
}

/// Extracts the parameters stated in an item's text.
pub fn extract(text: &str) -> BTreeMap<String, Param> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return BTreeMap::new();
    }
    let r = re();
    let t = fold(text);
    let mut out = BTreeMap::new();

    if r.coverage_word.is_match(&t)
        && let Some(c) = r.pct.captures(&t)
        && let Some(v) = num(&c[2])
    {
        out.insert(
            "coverage".into(),
            Param {
                op: norm_op(c.get(1).map(|m| m.as_str()), c.get(3).is_some()),
                value: v,
                unit: Some("%".into()),
            },
        );
    }
    if r.error_word.is_match(&t)
        && let Some(c) = r.pct.captures(&t)
        && let Some(v) = num(&c[2])
    {
        out.insert(
            "error_rate".into(),
            Param {
                op: norm_op(c.get(1).map(|m| m.as_str()), c.get(3).is_some()),
                value: v,
                unit: Some("%".into()),
            },
        );
    }
    if r.latency_word.is_match(&t) || t.contains(" p9") || t.starts_with("p9") {
        for c in r.latency.captures_iter(&t) {
            let Some(v) = num(&c[3]) else { continue };
            let op = norm_op(c.get(2).map(|m| m.as_str()), false);
            if op == "=" && c.get(1).is_none() {
                // "Cron (24h)" or "5 minutes" are not thresholds.
                continue;
            }
            let key = match c.get(1) {
                Some(p) => format!("p{}_latency", p.as_str()),
                None if r.mean_word.is_match(&t) => "mean_latency".into(),
                None => "latency".into(),
            };
            out.entry(key).or_insert(Param {
                op,
                value: v,
                unit: Some(latency_unit(&c[4]).into()),
            });
        }
    }
    if let Some(c) = r.concurrency.captures(&t)
        && let Some(v) = num(&c[2])
    {
        out.insert(
            "concurrency".into(),
            Param {
                op: norm_op(c.get(1).map(|m| m.as_str()), false),
                value: v,
                unit: None,
            },
        );
    }
    if let Some(c) = r.length.captures(&t) {
        let (op, v, plus) = match (c.get(2), c.get(5)) {
            (Some(n), _) => (c.get(1), n.as_str(), c.get(3).is_some()),
            (None, Some(n)) => (c.get(4), n.as_str(), false),
            _ => (None, "", false),
        };
        if let Some(v) = num(v) {
            out.insert(
                "min_length".into(),
                Param {
                    op: norm_op(op.map(|m| m.as_str()), plus),
                    value: v,
                    unit: Some("chars".into()),
                },
            );
        }
    }
    if let Some(c) = r.rate.captures(&t)
        && let Some(v) = num(&c[1])
    {
        let per = match &c[2] {
            "s" | "sec" | "seconde" | "second" => "s",
            "min" | "minute" => "min",
            _ => "h",
        };
        out.insert(
            "rate".into(),
            Param {
                op: "=".into(),
                value: v,
                unit: Some(format!("req/{per}")),
            },
        );
    }
    if let Some(c) = r.throughput.captures(&t)
        && let Some(v) = num(&c[2])
    {
        out.insert(
            "throughput".into(),
            Param {
                op: norm_op(c.get(1).map(|m| m.as_str()), false),
                value: v,
                unit: Some("req/s".into()),
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> BTreeMap<String, String> {
        extract(text)
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect()
    }

    #[test]
    fn issue_examples() {
        assert_eq!(
            p("Temps de réponse API < 2s en moyenne")["mean_latency"],
            "< 2 s"
        );
        assert_eq!(p("p95 < 200ms")["p95_latency"], "< 200 ms");
        assert_eq!(p("Taux d'erreur < 0.1%")["error_rate"], "< 0.1 %");
        assert_eq!(
            p("100 requêtes simultanées supportées")["concurrency"],
            "100"
        );
        assert_eq!(
            p("SECRET_KEY (50+ caractères)")["min_length"],
            ">= 50 chars"
        );
        assert_eq!(p("Coverage > 80%")["coverage"], "> 80 %");
        assert_eq!(
            p("Couverture de tests > 80% (`npm run test:coverage`)")["coverage"],
            "> 80 %"
        );
        assert_eq!(p("Coverage 95%+")["coverage"], ">= 95 %");
    }

    #[test]
    fn nothing_invented() {
        assert!(p("Cron `cleanup-traces` (24h) actif").is_empty());
        assert!(p("Cron `collect-metrics` (5 minutes) actif").is_empty());
        assert!(p("Node.js v20+ installé").is_empty());
        assert!(p("Health check endpoint répond (`GET /health`)").is_empty());
        assert!(p("Tests unitaires passent").is_empty());
    }

    #[test]
    fn roundtrip_display() {
        for s in ["< 200 ms", "100", ">= 50 chars", "> 80 %"] {
            assert_eq!(Param::parse(s).map(|x| x.to_string()).as_deref(), Some(s));
        }
        let x = Param::parse("< 2 s").unwrap();
        assert_eq!(x.as_millis(), Some(2000.0));
        assert!(x.holds(1.5) && !x.holds(2.0));
    }
}
