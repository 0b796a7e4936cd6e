//! Item → check mapping. The table is data (`data/mapping.toml`, French and English), extended by
//! `[[checklist.mapping]]` rules in golive.toml, which are tried first: when one of them matches,
//! it decides alone (an empty `checks` list makes the item manual). Built-in rules all apply:
//! an item about "HTTPS forcé avec HSTS" gets both the redirect and the HSTS checks.
//!
//! Patterns are regular expressions matched against the folded item text (lowercase, accents
//! removed: write `securite`, not `sécurité`).

use crate::ChecklistError;
use crate::text::fold;
use golive_core::Category;
use golive_core::config::ChecklistMappingRule;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

/// The built-in mapping table.
pub const BUILTIN_TABLE: &str = include_str!("../data/mapping.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    #[serde(default)]
    rule: Vec<ChecklistMappingRule>,
    #[serde(default)]
    category: Vec<CategoryRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRule {
    category: Category,
    any: Vec<String>,
}

struct Rule {
    checks: Vec<String>,
    all: Vec<Regex>,
    unless: Vec<Regex>,
    user: bool,
}

/// A compiled mapping table.
pub struct Mapper {
    rules: Vec<Rule>,
    /// One set over every `any` pattern; `owner[i]` is the rule of pattern `i`.
    any: RegexSet,
    owner: Vec<usize>,
    categories: Vec<(Category, Vec<Regex>)>,
}

/// Patterns run over the folded text reduced to ASCII (every other character becomes a space),
/// as bytes, ASCII case-insensitive: that keeps every pattern on the fast DFA path (a Unicode
/// `\b` on non-ASCII text would not be), which matters for a checklist of 50 000 items.
fn compile(p: &str, origin: &str) -> Result<Regex, ChecklistError> {
    RegexBuilder::new(p)
        .unicode(false)
        .case_insensitive(true)
        .build()
        .map_err(|e| ChecklistError::Mapping {
            origin: origin.to_string(),
            message: format!("bad pattern `{p}`: {e}"),
        })
}

/// Folded, then every non-ASCII character replaced by a space.
fn ascii_folded(text: &str) -> Vec<u8> {
    fold(text)
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b' ' })
        .collect()
}

impl Mapper {
    /// The built-in table alone.
    pub fn builtin() -> Result<Mapper, ChecklistError> {
        Mapper::new(&[])
    }

    /// The built-in table with golive.toml rules in front.
    pub fn new(user: &[ChecklistMappingRule]) -> Result<Mapper, ChecklistError> {
        let table: TableFile =
            toml::from_str(BUILTIN_TABLE).map_err(|e| ChecklistError::Mapping {
                origin: "golive-checklist data/mapping.toml".into(),
                message: e.to_string(),
            })?;
        let mut rules = Vec::new();
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        let all_rules = user
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r,
                    format!("golive.toml [[checklist.mapping]] #{}", i + 1),
                    true,
                )
            })
            .chain(table.rule.iter().enumerate().map(|(i, r)| {
                (
                    r,
                    format!("golive-checklist data/mapping.toml rule #{}", i + 1),
                    false,
                )
            }));
        for (r, origin, is_user) in all_rules {
            if r.any.is_empty() {
                return Err(ChecklistError::Mapping {
                    origin,
                    message: "`any` must list at least one pattern".into(),
                });
            }
            for p in &r.any {
                compile(p, &origin)?;
                patterns.push(p.clone());
                owner.push(rules.len());
            }
            rules.push(Rule {
                checks: r.checks.clone(),
                all: r
                    .all
                    .iter()
                    .map(|p| compile(p, &origin))
                    .collect::<Result<_, _>>()?,
                unless: r
                    .unless
                    .iter()
                    .map(|p| compile(p, &origin))
                    .collect::<Result<_, _>>()?,
                user: is_user,
            });
        }
        let any = RegexSetBuilder::new(&patterns)
            .unicode(false)
            .case_insensitive(true)
            .build()
            .map_err(|e| ChecklistError::Mapping {
                origin: "mapping table".into(),
                message: e.to_string(),
            })?;
        let mut categories = Vec::new();
        for c in &table.category {
            let res = c
                .any
                .iter()
                .map(|p| compile(p, "golive-checklist data/mapping.toml [[category]]"))
                .collect::<Result<Vec<_>, _>>()?;
            categories.push((c.category, res));
        }
        Ok(Mapper {
            rules,
            any,
            owner,
            categories,
        })
    }

    /// The check ids an item's text is about (empty = manual).
    pub fn map(&self, text: &str) -> Vec<String> {
        let t = ascii_folded(text);
        let mut hit: Vec<usize> = self
            .any
            .matches(&t)
            .into_iter()
            .map(|i| self.owner[i])
            .collect();
        hit.dedup();
        let mut out: Vec<String> = Vec::new();
        for ri in hit {
            let r = &self.rules[ri];
            if !r.all.iter().all(|re| re.is_match(&t)) || r.unless.iter().any(|re| re.is_match(&t))
            {
                continue;
            }
            if r.user {
                return r.checks.clone();
            }
            for c in &r.checks {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        out
    }

    /// The scoring category of a manual item, from its text and section path: a topic named in
    /// the item's own text, else in the nearest enclosing section that names one; configuration
    /// only when no topic is named anywhere (setting things up is what most items ask, so the
    /// topic says more); deployment otherwise.
    pub fn category(&self, section: &[String], text: &str) -> Category {
        let mut texts = vec![ascii_folded(text)];
        texts.extend(section.iter().rev().map(|s| ascii_folded(s)));
        let find = |topic: bool| {
            texts.iter().find_map(|t| {
                self.categories
                    .iter()
                    .filter(|(c, _)| (*c != Category::Configuration) == topic)
                    .find(|(_, res)| res.iter().any(|r| r.is_match(t)))
                    .map(|(c, _)| *c)
            })
        };
        find(true)
            .or_else(|| find(false))
            .unwrap_or(Category::Deployment)
    }

    /// Every check id the table can map to.
    pub fn check_ids(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .rules
            .iter()
            .flat_map(|r| r.checks.iter().cloned())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_compiles_and_maps_both_languages() {
        let m = Mapper::builtin().unwrap();
        let h = m.map("Health check endpoint répond (`GET /health`)");
        assert!(h.contains(&"observability.health-route".to_string()));
        assert!(h.contains(&"probe.health".to_string()));
        assert_eq!(
            m.map("Pas de secrets hardcodés dans le code")[0],
            "secrets.hardcoded"
        );
        assert_eq!(m.map("No hardcoded secrets")[0], "secrets.hardcoded");
        assert!(m.map("War room setup prêt").is_empty());
        assert!(m.map("Code review effectuée (2 approvals)").is_empty());
    }

    #[test]
    fn manual_items_are_filed_by_topic_not_by_the_verb_configure() {
        let m = Mapper::builtin().unwrap();
        let sec = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // the participle "configurée(s)" says nothing about the topic
        assert_eq!(
            m.category(
                &sec(&["Checklist", "📱 Frontend"]),
                "Analytics configurées (optionnel)"
            ),
            Category::Observability
        );
        assert_eq!(
            m.category(
                &sec(&["Checklist", "🔄 CI/CD (Optionnel)"]),
                "Notifications d'équipe configurées"
            ),
            Category::Ci
        );
        // the nearest section decides when the text names no topic
        assert_eq!(
            m.category(
                &sec(&["Sécurité", "Base de données"]),
                "Accès restreint aux admins"
            ),
            Category::Database
        );
        // configuration itself still files under configuration
        assert_eq!(
            m.category(&sec(&["Déploiement"]), "Variables d'environnement définies"),
            Category::Configuration
        );
        assert_eq!(
            m.category(&sec(&["Go-live"]), "Feature flags configurés"),
            Category::Configuration
        );
        // no topic at all: deployment
        assert_eq!(
            m.category(&sec(&["Go-live"]), "War room prête"),
            Category::Deployment
        );
    }

    #[test]
    fn user_rules_come_first() {
        let user = vec![ChecklistMappingRule {
            checks: vec![],
            any: vec!["health".into()],
            ..Default::default()
        }];
        let m = Mapper::new(&user).unwrap();
        assert!(m.map("Health check endpoint répond").is_empty());
        let bad = vec![ChecklistMappingRule {
            checks: vec!["x.y".into()],
            any: vec!["(".into()],
            ..Default::default()
        }];
        let e = Mapper::new(&bad).err().unwrap().to_string();
        assert!(e.contains("[[checklist.mapping]] #1"), "{e}");
    }
}
