//! Documentation: a README that explains how to install, run and test.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::sync::Mutex;

/// (topic, words that show the README covers it). Matched case-insensitively on the text.
const TOPICS: &[(&str, &[&str])] = &[
    (
        "install",
        &[
            "install",
            "setup",
            "set up",
            "set-up",
            "getting started",
            "prerequisite",
            "prérequis",
            "requirements",
            "quick start",
            "quickstart",
            "build",
        ],
    ),
    (
        "run",
        &[
            "run",
            "usage",
            "start",
            "launch",
            "lancer",
            "démarrer",
            "execute",
            "serve",
            "docker compose up",
            "docker-compose up",
            "deploy",
        ],
    ),
    (
        "test",
        &[
            "test",
            "pytest",
            "jest",
            "vitest",
            "cargo test",
            "go test",
            "npm test",
        ],
    ),
];

#[derive(Default)]
pub struct Docs {
    readmes: Mutex<Vec<(String, String)>>,
}

fn is_root_readme(f: &FileMeta) -> bool {
    !f.path.contains('/') && f.lower_name().starts_with("readme")
}

impl Domain for Docs {
    fn name(&self) -> &'static str {
        "docs"
    }
    fn wants(&self, file: &FileMeta) -> bool {
        is_root_readme(file)
    }
    fn visit(&self, file: &SourceFile<'_>) {
        if let Ok(mut r) = self.readmes.lock() {
            r.push((file.path().to_string(), file.text.to_string()));
        }
    }
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let check = Catalog::builtin().check("docs.readme");
        let mut readmes = self.readmes.into_inner().unwrap_or_else(|e| e.into_inner());
        readmes.sort();
        // Prefer README.md, then any other README.
        let best = readmes
            .iter()
            .find(|(p, _)| p.eq_ignore_ascii_case("README.md"))
            .or_else(|| readmes.first());
        let Some((path, text)) = best else {
            let unreadable = repo
                .files
                .iter()
                .find(|f| is_root_readme(f) && f.skipped.is_some());
            return vec![match unreadable {
                Some(f) => Finding::new(
                    check,
                    Outcome::Fail,
                    format!(
                        "{} could not be read ({})",
                        f.path,
                        f.skipped.as_deref().unwrap_or("")
                    ),
                )
                .with_evidence(Evidence::file(&f.path)),
                None => Finding::new(check, Outcome::Fail, "no README at the repository root")
                    .with_evidence(Evidence::note(
                        "looked for README, README.md, README.rst, README.txt at the root",
                    )),
            }];
        };
        let lower = text.to_ascii_lowercase();
        let mut missing = Vec::new();
        let mut found = Vec::new();
        for (topic, words) in TOPICS {
            match words.iter().find_map(|w| lower.find(w).map(|i| (w, i))) {
                Some((_, offset)) => {
                    let (line, col) = crate::repo::line_col(&lower, offset);
                    found.push(Evidence::at_with_snippet(
                        path,
                        line,
                        col,
                        format!(
                            "{topic}: {}",
                            crate::repo::line_at(text, offset.min(text.len()))
                        ),
                    ));
                }
                None => missing.push(*topic),
            }
        }
        let f = if missing.is_empty() {
            Finding::new(
                check,
                Outcome::Pass,
                format!("{path} explains how to install, run and test"),
            )
        } else if missing.len() == TOPICS.len() {
            Finding::new(
                check,
                Outcome::Fail,
                format!("{path} says nothing about how to install, run or test the service"),
            )
            .with_evidence(Evidence::file(path))
        } else {
            Finding::new(
                check,
                Outcome::Warn,
                format!("{path} does not explain how to {}", missing.join(" or ")),
            )
        };
        let mut f = f;
        f.evidence.extend(found);
        vec![f]
    }
}
