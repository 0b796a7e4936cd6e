//! Dockerfile checks (`docker.*`): presence, parse errors, non-root final stage, pinned base
//! images, HEALTHCHECK (not applicable when Kubernetes probes cover the image), `.dockerignore`,
//! ADD of local files, shell-form CMD/ENTRYPOINT, apt/apk hygiene, `curl | sh`, secrets in
//! ENV/ARG and SSH exposed.

use super::compose::CheckedBuild;
use super::dockerfile::{self, Dockerfile, ImageRef, Instruction, Pin, Stage};
use super::k8s::K8sSummary;
use super::{finding_at, lowered_for};
use crate::repo::Repo;
use golive_core::{Catalog, Evidence, Finding, Outcome, mask_secret};
use regex::Regex;
use std::sync::OnceLock;

/// A Dockerfile as read during the walk.
#[derive(Debug, Clone)]
pub struct ParsedDockerfile {
    pub path: String,
    pub df: Dockerfile,
    /// The bytes were not valid UTF-8.
    pub lossy: bool,
}

/// Every docker check id this module owns.
pub const CHECKS: &[&str] = &[
    "docker.dockerfile",
    "docker.parse",
    "docker.non-root-user",
    "docker.pinned-base-image",
    "docker.healthcheck",
    "docker.dockerignore",
    "docker.add-local",
    "docker.exec-form",
    "docker.package-hygiene",
    "docker.curl-pipe-shell",
    "docker.secrets-in-env",
    "docker.ssh-port",
];

/// Web frameworks whose presence means the repository is a service (not a library).
const SERVICE_FRAMEWORKS: &[&str] = &[
    "express", "fastify", "nestjs", "encore", "koa", "hono", "next", "django", "fastapi", "flask",
    "axum", "actix", "rocket", "warp", "gin", "echo", "fiber", "chi", "gorilla",
];

fn cat(id: &str) -> &'static golive_core::Check {
    Catalog::builtin().check(id)
}

/// A Dockerfile with its stages and variables worked out.
struct Analysed<'a> {
    file: &'a ParsedDockerfile,
    stages: Vec<Stage>,
    vars: Vec<(String, String)>,
    /// Indices of the stages that end up in the final image, final stage first.
    chain: Vec<usize>,
    /// Stage name (lower-case) → indices of the stages with that name, ascending.
    names: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> Analysed<'a> {
    /// A passing finding of check `id` on this Dockerfile.
    fn pass(&self, id: &str, message: impl Into<String>) -> Finding {
        Finding::new(cat(id), Outcome::Pass, message).with_evidence(Evidence::file(self.path()))
    }

    fn new(file: &'a ParsedDockerfile) -> Self {
        let stages = file.df.stages();
        let mut vars = file.df.all_arg_defaults();
        // ENV values also substitute into USER.
        for ins in &file.df.instructions {
            if ins.keyword == "ENV" {
                vars.extend(dockerfile::env_decls(&ins.args));
            }
        }
        let mut names: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, st) in stages.iter().enumerate() {
            if let Some(n) = &st.name {
                names.entry(n.clone()).or_default().push(i);
            }
        }
        let mut chain = Vec::new();
        if let Some(mut cur) = stages.len().checked_sub(1) {
            chain.push(cur);
            loop {
                let img = stages[cur].image.to_ascii_lowercase();
                let parent = last_before(&names, &img, cur);
                match parent {
                    Some(p) => {
                        chain.push(p);
                        cur = p;
                    }
                    None => break,
                }
            }
        }
        Analysed {
            file,
            stages,
            vars,
            chain,
            names,
        }
    }

    /// Whether a stage before `before` is named `name` (lower-case).
    fn earlier_stage(&self, name: &str, before: usize) -> bool {
        last_before(&self.names, name, before).is_some()
    }

    fn path(&self) -> &str {
        &self.file.path
    }

    fn ins(&self, idx: usize) -> &Instruction {
        &self.file.df.instructions[idx]
    }

    /// The last instruction with this keyword in the final image (final stage first, then the
    /// stages it inherits from).
    fn last_in_chain(&self, keyword: &str) -> Option<&Instruction> {
        self.chain.iter().find_map(|&s| {
            self.stages[s]
                .body
                .iter()
                .rev()
                .map(|&i| self.ins(i))
                .find(|i| i.keyword == keyword)
        })
    }

    /// Every instruction of the final image's stages with this keyword.
    fn all_in_chain(&self, keyword: &str) -> Vec<&Instruction> {
        let mut out: Vec<&Instruction> = self
            .chain
            .iter()
            .flat_map(|&s| self.stages[s].body.iter().map(|&i| self.ins(i)))
            .filter(|i| i.keyword == keyword)
            .collect();
        out.sort_by_key(|i| i.line);
        out
    }

    /// Every instruction of the file with this keyword.
    fn all(&self, keyword: &str) -> impl Iterator<Item = &Instruction> {
        self.file
            .df
            .instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }

    /// The root stage of the final image (the one with a real base image).
    fn base_stage(&self) -> Option<&Stage> {
        self.chain.last().map(|&i| &self.stages[i])
    }

    fn usable(&self) -> bool {
        !self.stages.is_empty()
    }
}

/// The last stage before `before` named `name`.
fn last_before(
    names: &std::collections::HashMap<String, Vec<usize>>,
    name: &str,
    before: usize,
) -> Option<usize> {
    let list = names.get(name)?;
    let k = list.partition_point(|&i| i < before);
    k.checked_sub(1).map(|k| list[k])
}

/// Docker findings for the repository.
pub fn findings(
    files: &[ParsedDockerfile],
    repo: &Repo,
    k8s: &K8sSummary,
    compose: &[CheckedBuild],
) -> Vec<Finding> {
    let mut out = Vec::new();
    // Dockerfiles the walk could not read (binary, too large, unreadable).
    let unreadable: Vec<_> = repo
        .files
        .iter()
        .filter(|f| {
            f.skipped.is_some()
                && !f.is_vendored()
                && !f.path.split('/').any(|c| c == ".devcontainer")
                && dockerfile::is_dockerfile_name(f.name())
        })
        .collect();

    if files.is_empty() && unreadable.is_empty() {
        let mut service: Vec<&str> = SERVICE_FRAMEWORKS
            .iter()
            .copied()
            .filter(|f| repo.has_framework(f))
            .collect();
        if service.is_empty() && go_http_server(repo) {
            service.push("Go net/http server");
        }
        out.push(if !service.is_empty() {
            Finding::new(
                cat("docker.dockerfile"),
                Outcome::Fail,
                format!(
                    "no Dockerfile or Containerfile, but the repository is a service ({})",
                    service.join(", ")
                ),
            )
            .with_evidence(Evidence::note(
                "looked for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile",
            ))
        } else {
            Finding::new(
                cat("docker.dockerfile"),
                Outcome::NotApplicable,
                "no Dockerfile, and no web service framework detected (a library or tool is not \
                 shipped as an image)",
            )
        });
        for id in &CHECKS[1..] {
            out.push(Finding::new(
                cat(id),
                Outcome::NotApplicable,
                "no Dockerfile in the repository",
            ));
        }
        return out;
    }

    let mut present = Finding::new(
        cat("docker.dockerfile"),
        Outcome::Pass,
        format!("{} Dockerfile(s) found", files.len() + unreadable.len()),
    );
    for f in files {
        present.evidence.push(Evidence::file(&f.path));
    }
    out.push(present);

    for f in &unreadable {
        let reason = f.skipped.as_deref().unwrap_or("unreadable");
        out.push(
            Finding::new(
                cat("docker.parse"),
                Outcome::Fail,
                format!("{} could not be read as a Dockerfile: {reason}", f.path),
            )
            .with_evidence(Evidence::file(&f.path)),
        );
        for id in &CHECKS[2..] {
            out.push(
                Finding::new(
                    cat(id),
                    Outcome::Inconclusive,
                    format!("{} could not be read ({reason})", f.path),
                )
                .with_evidence(Evidence::file(&f.path)),
            );
        }
    }

    for file in files {
        let a = Analysed::new(file);
        parse_findings(&a, &mut out);
        if !a.usable() {
            for id in &CHECKS[2..] {
                out.push(
                    Finding::new(
                        cat(id),
                        Outcome::Inconclusive,
                        format!("{} has no FROM instruction: nothing to evaluate", a.path()),
                    )
                    .with_evidence(Evidence::file(a.path())),
                );
            }
            continue;
        }
        let mut local = Vec::new();
        non_root(&a, &mut local);
        pinned(&a, &mut local);
        healthcheck(
            &a,
            k8s,
            compose,
            repo,
            files.len() + unreadable.len(),
            &mut local,
        );
        dockerignore(&a, repo, &mut local);
        add_local(&a, &mut local);
        exec_form(&a, &mut local);
        package_hygiene(&a, &mut local);
        curl_pipe(&a, &mut local);
        secrets_in_env(&a, &mut local);
        ssh_port(&a, &mut local);
        out.extend(local.into_iter().map(|f| lowered_for(f, &file.path)));
    }
    out
}

/// A Go program serving HTTP with the standard library (no framework for stack detection to
/// name): a `main.go` calling `ListenAndServe`.
fn go_http_server(repo: &Repo) -> bool {
    repo.has_language("go")
        && repo
            .files_named("main.go")
            .filter(|f| f.skipped.is_none() && !f.is_test())
            .take(20)
            .any(|f| {
                repo.read(&f.path)
                    .is_some_and(|t| t.contains("ListenAndServe"))
            })
}

fn parse_findings(a: &Analysed, out: &mut Vec<Finding>) {
    let check = cat("docker.parse");
    let df = &a.file.df;
    if df.errors.is_empty() {
        let mut f = Finding::new(check, Outcome::Pass, format!("{} parses", a.path()))
            .with_evidence(Evidence::file(a.path()));
        if a.file.lossy {
            f.outcome = Outcome::Warn;
            f.message = format!(
                "{} parses, but is not valid UTF-8 (decoded lossily)",
                a.path()
            );
        }
        out.push(f);
        return;
    }
    for e in &df.errors {
        out.push(lowered_for(
            finding_at(
                check,
                Outcome::Fail,
                format!("{}:{}: {}", a.path(), e.line, e.message),
                a.path(),
                e.line,
                &e.snippet,
            ),
            a.path(),
        ));
    }
    if df.more_errors > 0 {
        out.push(
            Finding::new(
                check,
                Outcome::Fail,
                format!(
                    "{}: {} more parse errors not shown",
                    a.path(),
                    df.more_errors
                ),
            )
            .with_evidence(Evidence::file(a.path())),
        );
    }
}

fn snippet(ins: &Instruction) -> String {
    let s = format!("{} {}", ins.keyword, ins.args);
    s.chars().take(160).collect()
}

fn at(
    id: &str,
    outcome: Outcome,
    msg: impl Into<String>,
    a: &Analysed,
    ins: &Instruction,
) -> Finding {
    finding_at(cat(id), outcome, msg, a.path(), ins.line, &snippet(ins))
}

fn stage_at(
    id: &str,
    outcome: Outcome,
    msg: impl Into<String>,
    a: &Analysed,
    s: &Stage,
) -> Finding {
    finding_at(
        cat(id),
        outcome,
        msg,
        a.path(),
        s.line,
        &format!("FROM {}", s.image),
    )
}

/// `Some(true)` root, `Some(false)` non-root, `None` unknown (an unresolved variable).
fn is_root_user(user: &str, vars: &[(String, String)]) -> Option<bool> {
    let resolved = dockerfile::substitute(user.trim(), vars)?;
    let name = resolved.split(':').next().unwrap_or("").trim();
    if name.is_empty() || name.contains('$') {
        return None;
    }
    Some(name == "root" || name == "0")
}

/// Base images known to run as a non-root user by default.
fn nonroot_base(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let tag = r.tag.as_deref().unwrap_or("");
    (r.repository.contains("distroless") && tag.contains("nonroot"))
        || (r.repository.starts_with("cgr.dev/chainguard/") && !tag.contains("dev"))
}

fn non_root(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.non-root-user";
    let final_stage = &a.stages[a.chain[0]];
    if let Some(ins) = a.last_in_chain("USER") {
        match is_root_user(&ins.args, &a.vars) {
            Some(true) => out.push(at(
                id,
                Outcome::Fail,
                format!("the final image runs as root (`USER {}`)", ins.args),
                a,
                ins,
            )),
            Some(false) => out.push(at(
                id,
                Outcome::Pass,
                format!("the final image runs as `{}`", ins.args),
                a,
                ins,
            )),
            None => out.push(at(
                id,
                Outcome::Inconclusive,
                format!(
                    "`USER {}` uses a build argument without a default: the user is decided at \
                     build time",
                    ins.args
                ),
                a,
                ins,
            )),
        }
        return;
    }
    let base = a.base_stage().unwrap_or(final_stage);
    let image = dockerfile::substitute(&base.image, &a.vars).unwrap_or(base.image.clone());
    if nonroot_base(&image) {
        out.push(stage_at(
            id,
            Outcome::Pass,
            format!("no USER, but the base image `{image}` runs as a non-root user"),
            a,
            base,
        ));
    } else if image.eq_ignore_ascii_case("scratch") {
        out.push(stage_at(
            id,
            Outcome::Fail,
            "the final stage is `scratch` without USER: the process runs as uid 0",
            a,
            final_stage,
        ));
    } else {
        out.push(stage_at(
            id,
            Outcome::Fail,
            format!(
                "the final stage sets no USER: the process runs as the base image's user (root \
                 for `{image}`)"
            ),
            a,
            final_stage,
        ));
    }
}

fn pinned(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.pinned-base-image";
    for (i, s) in a.stages.iter().enumerate() {
        let lower = s.image.to_ascii_lowercase();
        if lower == "scratch" {
            out.push(stage_at(id, Outcome::Pass, "`scratch` needs no pin", a, s));
            continue;
        }
        if a.earlier_stage(&lower, i) {
            out.push(stage_at(
                id,
                Outcome::Pass,
                format!("`{}` is an earlier build stage", s.image),
                a,
                s,
            ));
            continue;
        }
        let resolved = if s.image.contains('$') {
            match dockerfile::substitute(&s.image, &a.vars) {
                Some(r) if !r.contains('$') && !r.is_empty() => r,
                _ => {
                    out.push(stage_at(
                        id,
                        Outcome::Inconclusive,
                        format!(
                            "`{}` depends on a build argument without a default: the pin is \
                             decided at build time",
                            s.image
                        ),
                        a,
                        s,
                    ));
                    continue;
                }
            }
        } else {
            s.image.clone()
        };
        if a.earlier_stage(&resolved.to_ascii_lowercase(), i) {
            out.push(stage_at(
                id,
                Outcome::Pass,
                format!("`{resolved}` is an earlier build stage"),
                a,
                s,
            ));
            continue;
        }
        let via = if resolved != s.image {
            format!(" (`{}` with its ARG default)", s.image)
        } else {
            String::new()
        };
        let r = ImageRef::parse(&resolved);
        let (outcome, msg) = match r.pin() {
            Pin::Digest => (
                Outcome::Pass,
                format!("`{resolved}`{via} is pinned by digest"),
            ),
            Pin::Tag => (
                Outcome::Pass,
                format!(
                    "`{resolved}`{via} is pinned to tag `{}`",
                    r.tag.as_deref().unwrap_or("")
                ),
            ),
            Pin::Latest => (
                Outcome::Fail,
                format!("`{resolved}`{via} uses the moving `latest` tag"),
            ),
            Pin::NoTag => (
                Outcome::Fail,
                format!("`{resolved}`{via} has no tag (it means `latest`)"),
            ),
        };
        out.push(stage_at(id, outcome, msg, a, s));
    }
    // `COPY --from=IMAGE` pulls an image too (a stage name or index is fine).
    for ins in a.all("COPY") {
        let (flags, _) = ins.flags();
        let Some((_, from)) = flags.iter().find(|(k, _)| k == "from") else {
            continue;
        };
        let lower = from.to_ascii_lowercase();
        let is_stage = lower.chars().all(|c| c.is_ascii_digit()) || a.names.contains_key(&lower);
        if is_stage || from.contains('$') || from.is_empty() {
            continue;
        }
        let r = ImageRef::parse(from);
        let (outcome, msg) = match r.pin() {
            Pin::Digest | Pin::Tag => (
                Outcome::Pass,
                format!("`COPY --from={from}` uses a pinned image"),
            ),
            Pin::Latest | Pin::NoTag => (
                Outcome::Fail,
                format!("`COPY --from={from}` copies from an unpinned image (`latest`)"),
            ),
        };
        out.push(at(id, outcome, msg, a, ins));
    }
}

/// Names under which the image built from this Dockerfile is likely referred to: its directory,
/// the `api` of `api.Dockerfile`/`Dockerfile.api`, the repository directory for a root file.
fn image_names(path: &str, repo: &Repo) -> Vec<String> {
    let mut names = Vec::new();
    let name = crate::paths::file_name(path).to_ascii_lowercase();
    for suffix in [".dockerfile", ".containerfile"] {
        if let Some(n) = name.strip_suffix(suffix) {
            names.push(n.to_string());
        }
    }
    for prefix in ["dockerfile.", "containerfile."] {
        if let Some(n) = name.strip_prefix(prefix) {
            names.push(n.to_string());
        }
    }
    match path.rsplit_once('/') {
        Some((dir, _)) => {
            if let Some(d) = dir.rsplit('/').next() {
                names.push(d.to_ascii_lowercase());
            }
        }
        None => names.push(crate::project_name(&repo.root).to_ascii_lowercase()),
    }
    names.retain(|n| !n.is_empty());
    names
}

fn healthcheck(
    a: &Analysed,
    k8s: &K8sSummary,
    compose: &[CheckedBuild],
    repo: &Repo,
    dockerfiles: usize,
    out: &mut Vec<Finding>,
) {
    let id = "docker.healthcheck";
    if let Some(ins) = a.last_in_chain("HEALTHCHECK") {
        let (_, rest) = ins.flags();
        if rest.trim().eq_ignore_ascii_case("none") {
            out.push(at(
                id,
                Outcome::Fail,
                "`HEALTHCHECK NONE` disables the health check",
                a,
                ins,
            ));
        } else {
            out.push(at(
                id,
                Outcome::Pass,
                "the image declares a HEALTHCHECK",
                a,
                ins,
            ));
        }
        return;
    }
    // Kubernetes ignores HEALTHCHECK: probes in the manifests make it not applicable.
    let names = image_names(a.path(), repo);
    let by_name = k8s
        .probed
        .iter()
        .find(|p| names.iter().any(|n| n == &p.image_basename));
    let only = dockerfiles == 1 && k8s.containers > 0 && k8s.containers == k8s.probed.len();
    let final_stage = &a.stages[a.chain[0]];
    if let Some(c) = compose.iter().find(|c| c.dockerfile == a.path()) {
        out.push(stage_at(
            id,
            Outcome::NotApplicable,
            format!(
                "no HEALTHCHECK in the image, but compose service `{}` ({}:{}) defines one",
                c.service, c.path, c.line
            ),
            a,
            final_stage,
        ));
    } else if let Some(p) = by_name {
        out.push(stage_at(
            id,
            Outcome::NotApplicable,
            format!(
                "no HEALTHCHECK, but the image `{}` is deployed with Kubernetes probes ({}:{}), \
                 which Kubernetes uses instead",
                p.image, p.path, p.line
            ),
            a,
            final_stage,
        ));
    } else if only {
        let p = &k8s.probed[0];
        out.push(stage_at(
            id,
            Outcome::NotApplicable,
            format!(
                "no HEALTHCHECK, but every container in the Kubernetes manifests has probes \
                 (e.g. {}:{}), which Kubernetes uses instead",
                p.path, p.line
            ),
            a,
            final_stage,
        ));
    } else {
        out.push(stage_at(
            id,
            Outcome::Fail,
            "the final image has no HEALTHCHECK and no Kubernetes probes cover it",
            a,
            final_stage,
        ));
    }
}

fn dockerignore(a: &Analysed, repo: &Repo, out: &mut Vec<Finding>) {
    let id = "docker.dockerignore";
    let path = a.path();
    let dir = path.rsplit_once('/').map(|(d, _)| d);
    let mut candidates = vec![format!("{path}.dockerignore")];
    match dir {
        Some(d) => {
            candidates.push(format!("{d}/.dockerignore"));
            candidates.push(".dockerignore".into());
        }
        None => candidates.push(".dockerignore".into()),
    }
    match candidates.iter().find(|c| repo.exists(c)) {
        Some(c) => {
            // The context is the directory of the .dockerignore (Docker reads it from the
            // context root), or the Dockerfile's for `Dockerfile.dockerignore`.
            let context = if *c == candidates[0] {
                dir.unwrap_or("")
            } else {
                c.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
            };
            out.push(judge_dockerignore(c, context, path, repo))
        }
        None => out.push(
            Finding::new(
                cat(id),
                Outcome::Fail,
                format!("no .dockerignore for {path}"),
            )
            .with_evidence(Evidence::file(path))
            .with_evidence(Evidence::note(format!(
                "looked for {}",
                candidates.join(", ")
            ))),
        ),
    }
}

/// Whether `.dockerignore` patterns exclude a path of the build context (Docker semantics: `*`
/// stays within a directory, `**` crosses them, a matched directory excludes its content, `!`
/// re-includes, the last matching pattern wins).
fn dockerignore_excludes(patterns: &[(bool, globset::GlobMatcher)], rel: &str) -> bool {
    let mut prefixes: Vec<&str> = rel.match_indices('/').map(|(i, _)| &rel[..i]).collect();
    prefixes.push(rel);
    let mut excluded = false;
    for (negated, glob) in patterns {
        if prefixes.iter().any(|p| glob.is_match(p)) {
            excluded = !negated;
        }
    }
    excluded
}

/// The .dockerignore found for a Dockerfile: a pass, or a warning when it is empty or lets a
/// `.env` file of the context into the build.
fn judge_dockerignore(ignore_path: &str, context: &str, dockerfile: &str, repo: &Repo) -> Finding {
    let check = cat("docker.dockerignore");
    let Some(text) = repo.read(ignore_path) else {
        return Finding::new(
            check,
            Outcome::Pass,
            format!("{ignore_path} limits the build context of {dockerfile}"),
        )
        .with_evidence(Evidence::file(ignore_path));
    };
    let mut patterns = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let (negated, pat) = match l.strip_prefix('!') {
            Some(p) => (true, p.trim()),
            None => (false, l),
        };
        let pat = pat.trim_start_matches("./").trim_start_matches('/');
        let pat = pat.trim_end_matches('/');
        if let Ok(g) = globset::GlobBuilder::new(pat)
            .literal_separator(true)
            .build()
        {
            patterns.push((negated, g.compile_matcher()));
        }
    }
    if patterns.is_empty() {
        return Finding::new(
            check,
            Outcome::Warn,
            format!(
                "{ignore_path} is empty: it excludes nothing from the build context of {dockerfile}"
            ),
        )
        .with_evidence(Evidence::file(ignore_path));
    }
    let prefix = if context.is_empty() {
        String::new()
    } else {
        format!("{context}/")
    };
    let leaked: Vec<&str> = repo
        .files
        .iter()
        .filter(|f| f.path.starts_with(&prefix) && !f.is_vendored())
        .filter(|f| {
            let n = f.name();
            (n == ".env" || n.starts_with(".env."))
                && ![".example", ".sample", ".template", ".dist", ".defaults"]
                    .iter()
                    .any(|s| n.ends_with(s))
        })
        .map(|f| f.path.as_str())
        .filter(|p| !dockerignore_excludes(&patterns, &p[prefix.len()..]))
        .collect();
    if leaked.is_empty() {
        Finding::new(
            check,
            Outcome::Pass,
            format!("{ignore_path} limits the build context of {dockerfile}"),
        )
        .with_evidence(Evidence::file(ignore_path))
    } else {
        let mut f = Finding::new(
            check,
            Outcome::Warn,
            format!(
                "{ignore_path} does not exclude {}: it is sent to the builder and `COPY . .` \
                 puts it in the image",
                leaked.join(", ")
            ),
        )
        .with_evidence(Evidence::file(ignore_path));
        for l in leaked {
            f.evidence.push(Evidence::file(l));
        }
        f
    }
}

const ARCHIVE_EXT: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
];

fn add_local(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.add-local";
    let mut any = false;
    for ins in a.all("ADD") {
        let (flags, rest) = ins.flags();
        let words: Vec<String> = match dockerfile::json_form(rest) {
            Some(w) => w,
            None => rest.split_whitespace().map(str::to_string).collect(),
        };
        if words.len() < 2 && ins.heredocs.is_empty() {
            continue;
        }
        let sources = &words[..words.len().saturating_sub(1)];
        let remote = |s: &str| {
            let l = s.to_ascii_lowercase();
            l.starts_with("http://")
                || l.starts_with("https://")
                || l.starts_with("git@")
                || l.ends_with(".git")
                || l.contains(".git#")
        };
        let archive = |s: &str| {
            let l = s.to_ascii_lowercase();
            ARCHIVE_EXT.iter().any(|e| l.ends_with(e))
        };
        let local: Vec<&String> = sources
            .iter()
            .filter(|s| !s.starts_with("<<") && !remote(s) && !archive(s))
            .collect();
        if flags.iter().any(|(k, _)| k == "checksum") || local.is_empty() {
            continue;
        }
        any = true;
        out.push(at(
            id,
            Outcome::Fail,
            format!(
                "ADD copies local files ({}): use COPY, which does no URL fetching or archive \
                 extraction",
                local
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            a,
            ins,
        ));
    }
    if !any {
        out.push(a.pass(
            id,
            format!("{}: local files are copied with COPY", a.path()),
        ));
    }
}

fn exec_form(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.exec-form";
    let cmd = a.last_in_chain("CMD");
    let ep = a.last_in_chain("ENTRYPOINT");
    // With an exec-form ENTRYPOINT, CMD is only its arguments: its form does not matter.
    let ep_exec = ep.is_some_and(|e| e.json_form().is_some());
    let relevant: Vec<&Instruction> = match (ep, cmd) {
        (Some(e), _) if ep_exec => vec![e],
        (Some(e), Some(c)) => vec![e, c],
        (Some(e), None) => vec![e],
        (None, Some(c)) => vec![c],
        (None, None) => Vec::new(),
    };
    if relevant.is_empty() {
        out.push(
            Finding::new(
                cat(id),
                Outcome::NotApplicable,
                format!(
                    "{}: no CMD or ENTRYPOINT (the base image's is used)",
                    a.path()
                ),
            )
            .with_evidence(Evidence::file(a.path())),
        );
        return;
    }
    for ins in relevant {
        let shell_exec = ins.args.trim_start().starts_with("exec ");
        if ins.json_form().is_some() {
            out.push(at(
                id,
                Outcome::Pass,
                format!(
                    "{} uses the exec form: the process receives signals",
                    ins.keyword
                ),
                a,
                ins,
            ));
        } else if shell_exec {
            out.push(at(
                id,
                Outcome::Pass,
                format!(
                    "{} uses the shell form with `exec`: the shell is replaced by the process",
                    ins.keyword
                ),
                a,
                ins,
            ));
        } else if ins.args.trim_start().starts_with('[') {
            out.push(at(
                id,
                Outcome::Fail,
                format!(
                    "{} looks like the exec form but is not a valid JSON array (single quotes? \
                     a trailing comma?), so Docker runs it through `/bin/sh -c`, which does not \
                     forward SIGTERM",
                    ins.keyword
                ),
                a,
                ins,
            ));
        } else {
            out.push(at(
                id,
                Outcome::Fail,
                format!(
                    "{} uses the shell form: `/bin/sh -c` is PID 1 and does not forward SIGTERM, \
                     so the process is killed after the grace period",
                    ins.keyword
                ),
                a,
                ins,
            ));
        }
    }
}

/// The shell text of a RUN: its arguments plus heredoc bodies.
fn run_text(ins: &Instruction) -> String {
    let mut t = ins.args.clone();
    for h in &ins.heredocs {
        t.push('\n');
        t.push_str(&h.body);
    }
    t
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).unwrap_or_else(|e| panic!("bad built-in regex: {e}")))
}

fn package_hygiene(a: &Analysed, out: &mut Vec<Finding>) {
    static APT: OnceLock<Regex> = OnceLock::new();
    static APK: OnceLock<Regex> = OnceLock::new();
    let apt = re(&APT, r"\bapt(-get)?\s+(-\S+\s+)*install\b");
    let apk = re(&APK, r"\bapk\s+(-\S+\s+)*add\b");
    let id = "docker.package-hygiene";
    let mut seen = false;
    for ins in a.all_in_chain("RUN") {
        let text = run_text(ins);
        let cache_mount = ins
            .flags()
            .0
            .iter()
            .any(|(k, v)| k == "mount" && v.contains("type=cache"));
        if apt.is_match(&text) {
            seen = true;
            let mut problems = Vec::new();
            if !text.contains("--no-install-recommends") {
                problems.push("without --no-install-recommends");
            }
            if !cache_mount && !text.contains("/var/lib/apt/lists") {
                problems.push("without removing /var/lib/apt/lists");
            }
            out.push(if problems.is_empty() {
                at(
                    id,
                    Outcome::Pass,
                    "apt-get install is lean and cleaned up",
                    a,
                    ins,
                )
            } else {
                at(
                    id,
                    Outcome::Fail,
                    format!("apt-get install {}", problems.join(" and ")),
                    a,
                    ins,
                )
            });
        }
        if apk.is_match(&text) {
            seen = true;
            out.push(
                if text.contains("--no-cache") || cache_mount || text.contains("/var/cache/apk") {
                    at(id, Outcome::Pass, "apk add uses --no-cache", a, ins)
                } else {
                    at(
                        id,
                        Outcome::Fail,
                        "apk add without --no-cache keeps the package index in the image",
                        a,
                        ins,
                    )
                },
            );
        }
    }
    if !seen {
        out.push(
            Finding::new(
                cat(id),
                Outcome::NotApplicable,
                format!("{}: the final image installs no apt/apk packages", a.path()),
            )
            .with_evidence(Evidence::file(a.path())),
        );
    }
}

fn curl_pipe(a: &Analysed, out: &mut Vec<Finding>) {
    static PIPE: OnceLock<Regex> = OnceLock::new();
    let pipe = re(
        &PIPE,
        r"\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|z|da|k)?sh\b",
    );
    let id = "docker.curl-pipe-shell";
    let mut any = false;
    for ins in a.all("RUN") {
        let text = run_text(ins);
        if let Some(m) = pipe.find(&text) {
            any = true;
            out.push(at(
                id,
                Outcome::Fail,
                format!(
                    "downloads a script and pipes it to a shell: `{}`",
                    m.as_str().chars().take(100).collect::<String>()
                ),
                a,
                ins,
            ));
        }
    }
    if !any {
        out.push(a.pass(
            id,
            format!(
                "{}: no script is piped from the network into a shell",
                a.path()
            ),
        ));
    }
}

/// Whether a variable name looks like it holds a secret.
pub fn secret_name(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    const WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
        "AUTH_KEY",
    ];
    // Names that hold settings about a secret rather than the secret itself.
    const NOT_SECRET: &[&str] = &[
        "_FILE",
        "_PATH",
        "_DIR",
        "_NAME",
        "_HEADER",
        "_LENGTH",
        "_TTL",
        "_EXPIRY",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_HOST",
        "_PORT",
        "_ENABLED",
        "_TIMEOUT",
        "_SECONDS",
        "_REF",
    ];
    WORDS.iter().any(|w| u.contains(w)) && !NOT_SECRET.iter().any(|s| u.ends_with(s))
}

/// The password of a URL with credentials, whatever the scheme (`postgres://app:s3cret@db/app`,
/// `mysql://root:password@db`), unless it is a placeholder, a variable reference
/// (`$(DB_PASSWORD)`, `${DB_PASSWORD}`), a template's `user:password`, or the URL points at a
/// reserved example host (documentation), as the secrets checks judge it.
pub fn url_password(v: &str) -> Option<&str> {
    let (_, rest) = v.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let (userinfo, host) = authority.rsplit_once('@')?;
    let (user, password) = userinfo.split_once(':')?;
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next().unwrap_or(host)
    };
    (!placeholder_value(password)
        && !password.contains('$')
        && !crate::domains::secrets::template_userinfo(user, password)
        && !crate::domains::secrets::is_reserved_example_host(host))
    .then_some(password)
}

/// Whether a value is a placeholder or a reference rather than a literal secret.
pub fn placeholder_value(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    golive_core::secrets::gates::is_placeholder(v)
        || l.is_empty()
        || l.starts_with('$')
        || l.starts_with('<')
        || l.starts_with("{{")
        || matches!(
            l.as_str(),
            "changeme"
                | "change-me"
                | "change_me"
                | "changethis"
                | "todo"
                | "none"
                | "null"
                | "false"
                | "true"
                | "placeholder"
                | "example"
                | "dummy"
                | "xxx"
        )
        || l.chars().all(|c| c == 'x' || c == '*')
        // A file path or a number is a setting, not a secret.
        || l.starts_with('/')
        || l.starts_with("./")
        || l.chars().all(|c| c.is_ascii_digit())
}

fn secrets_in_env(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.secrets-in-env";
    let mut any = false;
    for ins in a.file.df.instructions.iter() {
        match ins.keyword.as_str() {
            "ENV" => {
                for (k, v) in dockerfile::env_decls(&ins.args) {
                    let in_url = url_password(&v).is_some();
                    if (secret_name(&k) && !placeholder_value(&v)) || in_url {
                        any = true;
                        let what = if in_url {
                            "a URL with a literal password"
                        } else {
                            "a literal secret"
                        };
                        out.push(finding_at(
                            cat(id),
                            Outcome::Fail,
                            format!(
                                "ENV {k} holds {what}: it is stored in the image layers and \
                                 visible with `docker inspect`"
                            ),
                            a.path(),
                            ins.line,
                            &format!("ENV {k}={}", mask_secret(&v)),
                        ));
                    }
                }
            }
            "ARG" => {
                for (k, v) in dockerfile::arg_decls(&ins.args) {
                    if !secret_name(&k) {
                        continue;
                    }
                    any = true;
                    match v {
                        Some(v) if !placeholder_value(&v) => out.push(finding_at(
                            cat(id),
                            Outcome::Fail,
                            format!("ARG {k} has a literal secret default"),
                            a.path(),
                            ins.line,
                            &format!("ARG {k}={}", mask_secret(&v)),
                        )),
                        _ => out.push(finding_at(
                            cat(id),
                            Outcome::Warn,
                            format!(
                                "ARG {k} passes a secret as a build argument: its value is \
                                 recorded in the image history; use `RUN --mount=type=secret`"
                            ),
                            a.path(),
                            ins.line,
                            &format!("ARG {k}"),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    if !any {
        out.push(a.pass(id, format!("{}: no secret-looking ENV or ARG", a.path())));
    }
}

fn ssh_port(a: &Analysed, out: &mut Vec<Finding>) {
    let id = "docker.ssh-port";
    let mut any = false;
    for ins in a.all_in_chain("EXPOSE") {
        let exposes_22 = ins.args.split_whitespace().any(|p| {
            let port = p.split('/').next().unwrap_or("");
            match port.split_once('-') {
                Some((lo, hi)) => matches!(
                    (lo.parse::<u32>(), hi.parse::<u32>()),
                    (Ok(lo), Ok(hi)) if lo <= 22 && 22 <= hi
                ),
                None => port == "22",
            }
        });
        if exposes_22 {
            any = true;
            out.push(at(
                id,
                Outcome::Fail,
                "the image exposes port 22 (SSH): containers are debugged with `exec`, not SSH",
                a,
                ins,
            ));
        }
    }
    if !any {
        out.push(a.pass(id, format!("{}: port 22 is not exposed", a.path())));
    }
}

/// Whether the final image of a Dockerfile declares a HEALTHCHECK (other than `NONE`).
pub fn final_healthcheck(df: &Dockerfile) -> bool {
    let file = ParsedDockerfile {
        path: String::new(),
        df: df.clone(),
        lossy: false,
    };
    let a = Analysed::new(&file);
    a.usable()
        && a.last_in_chain("HEALTHCHECK")
            .is_some_and(|i| !i.flags().1.trim().eq_ignore_ascii_case("none"))
}

#[cfg(test)]
mod url_tests {
    use super::url_password;

    #[test]
    fn url_passwords_of_any_scheme() {
        for (url, pw) in [
            ("mysql://root:password@db:3306/app", "password"),
            ("postgres://app:s3cret@db/app", "s3cret"),
            ("amqp://svc:Zq8kLp2v@broker/vhost", "Zq8kLp2v"),
            (
                "mongodb+srv://admin:hunter2x@cluster0.abcd.mongodb.net/app",
                "hunter2x",
            ),
        ] {
            assert_eq!(url_password(url), Some(pw), "{url}");
        }
        for quiet in [
            "mysql://user:password@db/app",
            "postgres://app:${DB_PASSWORD}@db/app",
            "postgres://app:changeme@db/app",
            "mysql://root:s3cret@db.example.com/app",
            "redis://:s3cret@cache.test:6379/0",
            "https://example.org/a@b",
        ] {
            assert_eq!(url_password(quiet), None, "{quiet}");
        }
    }
}
