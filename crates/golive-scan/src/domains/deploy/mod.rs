//! Deployment: Dockerfiles ([`docker`], parsed by [`dockerfile`]), Docker Compose files
//! ([`compose`]) and Kubernetes manifests ([`k8s`]).
//!
//! They are one domain because they judge each other: a Dockerfile without HEALTHCHECK is fine
//! when the Kubernetes manifests probe the image, and a compose service built from a Dockerfile
//! with a HEALTHCHECK has one. Each file is parsed once, during the walk. Files under
//! `.devcontainer/` are developer tooling, not deployment, and are not read.

pub mod compose;
pub mod docker;
pub mod dockerfile;
pub mod k8s;

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Check, Evidence, Finding, Outcome};
use std::sync::Mutex;

/// The deployment domain.
#[derive(Default)]
pub struct Deploy {
    dockerfiles: Mutex<Vec<docker::ParsedDockerfile>>,
    compose: Mutex<Vec<compose::ComposeFile>>,
    k8s: Mutex<Vec<k8s::K8sFile>>,
}

/// Every check id the domain owns.
pub fn checks() -> impl Iterator<Item = &'static str> {
    docker::CHECKS
        .iter()
        .chain(compose::CHECKS)
        .chain(k8s::CHECKS)
        .copied()
}

pub(crate) use golive_core::yaml::too_deep as yaml_too_deep;

/// A finding located at `path:line` with a snippet.
pub(crate) fn finding_at(
    check: &Check,
    outcome: Outcome,
    msg: impl Into<String>,
    path: &str,
    line: u32,
    snippet: &str,
) -> Finding {
    let e = if snippet.is_empty() {
        Evidence::at(path, line.max(1), 1)
    } else {
        Evidence::at_with_snippet(path, line.max(1), 1, snippet)
    };
    Finding::new(check, outcome, msg).with_evidence(e)
}

/// Findings in test code, fixtures and examples are reported at a lower severity.
pub(crate) fn lowered_for(f: Finding, path: &str) -> Finding {
    if crate::paths::is_test_path(path) {
        let s = f.severity.lowered();
        f.with_severity(s)
    } else {
        f
    }
}

impl Domain for Deploy {
    fn name(&self) -> &'static str {
        "deploy"
    }

    fn wants(&self, file: &FileMeta) -> bool {
        // A dev container image is the developers' tooling, not what is deployed.
        if file.is_vendored() || file.path.split('/').any(|c| c == ".devcontainer") {
            return false;
        }
        let name = file.name();
        dockerfile::is_dockerfile_name(name) || compose::is_compose_name(name) || k8s::wants(file)
    }

    fn visit(&self, file: &SourceFile<'_>) {
        let name = file.meta.name();
        if dockerfile::is_dockerfile_name(name) {
            let parsed = docker::ParsedDockerfile {
                path: file.path().to_string(),
                df: dockerfile::parse(file.text),
                lossy: file.lossy,
            };
            if let Ok(mut v) = self.dockerfiles.lock() {
                v.push(parsed);
            }
        } else if compose::is_compose_name(name) {
            let c = compose::read(file.path(), file.text);
            if let Ok(mut v) = self.compose.lock() {
                v.push(c);
            }
        } else if let Some(k) = k8s::read(file.path(), file.text)
            && let Ok(mut v) = self.k8s.lock()
        {
            v.push(k);
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut dockerfiles = self
            .dockerfiles
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let mut compose_files = self.compose.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut k8s_files = self.k8s.into_inner().unwrap_or_else(|e| e.into_inner());
        // Compose files the walk did not read (too large, binary, unreadable): their services
        // are unknown, which is not "no compose file".
        for f in &repo.files {
            if let Some(why) = &f.skipped
                && !f.is_vendored()
                && !f.path.split('/').any(|c| c == ".devcontainer")
                && compose::is_compose_name(f.name())
            {
                compose_files.push(compose::ComposeFile {
                    path: f.path.clone(),
                    text: String::new(),
                    parsed: Err(crate::domains::ParseError::new(
                        &f.path,
                        1,
                        1,
                        format!("not read: {why}"),
                    )),
                });
            }
        }
        dockerfiles.sort_by(|a, b| a.path.cmp(&b.path));
        compose_files.sort_by(|a, b| a.path.cmp(&b.path));
        k8s_files.sort_by(|a, b| a.path.cmp(&b.path));

        let (mut out, summary) = k8s::findings(&k8s_files, repo);
        let has_hc = |path: &str| -> Option<bool> {
            let d = dockerfiles.iter().find(|d| d.path == path)?;
            Some(docker::final_healthcheck(&d.df))
        };
        out.extend(compose::findings(&compose_files, &has_hc));
        let checked = compose::healthchecked_builds(&compose_files);
        out.extend(docker::findings(&dockerfiles, repo, &summary, &checked));
        out
    }
}
