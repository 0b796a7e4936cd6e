//! CI: a pipeline exists (GitHub Actions, GitLab CI, CircleCI, Jenkins, Azure Pipelines,
//! Bitbucket, Drone, Woodpecker, Travis, Buildkite) and it runs the tests, the linters, the type
//! checker and a dependency/security scan; GitHub Actions hygiene (third-party actions pinned to a
//! commit SHA, `permissions` set and not write-all, no `pull_request_target` that checks out the
//! pull request's code); deployment automated with a manual approval for production.
//!
//! YAML pipelines are parsed with `serde_yaml`; the commands of every `run`/`script`/`commands`…
//! key are collected, and `npm run X`/`yarn X`/`make X` are followed into package.json scripts
//! and Makefile targets, so `npm run ci` → `jest && eslint .` counts as running tests and lint.
//! A malformed file is a finding naming the file and line, never a crash.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use serde::Deserialize as _;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// Which CI system a file belongs to, from its path.
fn system_of(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if yaml
        && lower.starts_with(".github/workflows/")
        && !lower[".github/workflows/".len()..].contains('/')
    {
        return Some("GitHub Actions");
    }
    if (name == "action.yml" || name == "action.yaml") && lower.starts_with(".github/actions/") {
        return Some(COMPOSITE);
    }
    if name == ".gitlab-ci.yml"
        || name == ".gitlab-ci.yaml"
        || (yaml && lower.starts_with(".gitlab/ci/"))
    {
        return Some("GitLab CI");
    }
    if lower == ".circleci/config.yml" || lower == ".circleci/config.yaml" {
        return Some("CircleCI");
    }
    if name.starts_with("jenkinsfile") && !lower.contains('/')
        || lower.starts_with("jenkins/") && name.starts_with("jenkinsfile")
    {
        return Some("Jenkins");
    }
    if (yaml
        && (name.starts_with("azure-pipelines")
            || lower.starts_with(".azure-pipelines/")
            || lower.starts_with(".azure/pipelines/")))
        && !lower[..lower.len() - name.len()].contains("node_modules")
    {
        return Some("Azure Pipelines");
    }
    if name == "bitbucket-pipelines.yml" {
        return Some("Bitbucket Pipelines");
    }
    if lower == ".drone.yml" || lower == ".drone.yaml" {
        return Some("Drone");
    }
    if lower == ".woodpecker.yml"
        || lower == ".woodpecker.yaml"
        || (yaml && lower.starts_with(".woodpecker/"))
    {
        return Some("Woodpecker");
    }
    if lower == ".travis.yml" {
        return Some("Travis CI");
    }
    if yaml && lower.starts_with(".buildkite/") {
        return Some("Buildkite");
    }
    None
}

/// A local composite action (`.github/actions/*/action.yml`): its steps run inside workflows,
/// so its commands and `uses:` count, but it is not a pipeline of its own.
const COMPOSITE: &str = "GitHub composite action";

/// A command found in a pipeline, with the line it is on.
#[derive(Debug, Clone)]
struct Cmd {
    text: String,
    line: u32,
}

/// A GitHub Actions `uses:` reference.
#[derive(Debug, Clone)]
struct Uses {
    action: String,
    line: u32,
}

/// A job that deploys.
#[derive(Debug, Clone)]
struct DeployJob {
    name: String,
    line: u32,
    production: bool,
    approval: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Pipeline {
    path: String,
    system: &'static str,
    /// Parse error: (message, line).
    error: Option<(String, Option<u32>)>,
    cmds: Vec<Cmd>,
    uses: Vec<Uses>,
    /// GitLab: local files included (`include: local: …`).
    includes: Vec<String>,
    /// Raw text (for includes of GitLab templates and text searches).
    text: String,
    /// GitHub: triggers.
    triggers: Vec<String>,
    /// GitHub: (top-level permissions value, every job sets its own).
    permissions: Option<Value>,
    jobs_all_have_permissions: bool,
    /// GitHub: checkouts of the pull request head in a pull_request_target workflow.
    prt_checkouts: Vec<(u32, String)>,
    deploys: Vec<DeployJob>,
}

fn line_of(text: &str, needle: &str) -> u32 {
    let first = needle
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if first.is_empty() {
        return 1;
    }
    match text.find(first) {
        Some(i) => crate::repo::line_col(text, i).0,
        None => 1,
    }
}

/// Keys whose scalar values are shell commands, across CI systems.
const CMD_KEYS: &[&str] = &[
    "run",
    "script",
    "scripts",
    "before_script",
    "after_script",
    "commands",
    "command",
    "bash",
    "pwsh",
    "powershell",
    "inlineScript",
    "install",
    "before_install",
    "after_success",
    "entrypoint",
    "args",
];

fn as_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_mapping()?.get(Value::String(key.to_string()))
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(seq) => seq.iter().for_each(|x| collect_strings(x, out)),
        Value::Mapping(m) => {
            // CircleCI `run: {command: …}`
            if let Some(c) = m.get(Value::String("command".into())) {
                collect_strings(c, out);
            }
        }
        Value::Tagged(t) => collect_strings(&t.value, out),
        _ => {}
    }
}

/// Walks a YAML document: commands under command keys, `uses:` references.
fn walk(v: &Value, text: &str, p: &mut Pipeline) {
    match v {
        Value::Mapping(m) => {
            for (k, val) in m {
                let Some(key) = k.as_str() else {
                    walk(val, text, p);
                    continue;
                };
                if CMD_KEYS.contains(&key) {
                    let mut strings = Vec::new();
                    collect_strings(val, &mut strings);
                    for s in strings {
                        p.cmds.push(Cmd {
                            line: line_of(text, &s),
                            text: s,
                        });
                    }
                    if matches!(val, Value::Mapping(_)) {
                        walk(val, text, p);
                    }
                } else if key == "uses" {
                    if let Some(s) = val.as_str() {
                        p.uses.push(Uses {
                            action: s.to_string(),
                            line: line_of(text, &format!("uses: {s}")).max(line_of(text, s)),
                        });
                        // actions-rs/cargo with `command: test`
                        if s.starts_with("actions-rs/cargo")
                            && let Some(with) = m.get(Value::String("with".into()))
                        {
                            let c = get(with, "command").and_then(as_str).unwrap_or("");
                            let a = get(with, "args").and_then(as_str).unwrap_or("");
                            p.cmds.push(Cmd {
                                text: format!("cargo {c} {a}"),
                                line: line_of(text, s),
                            });
                        }
                    }
                } else {
                    walk(val, text, p);
                }
            }
        }
        Value::Sequence(seq) => seq.iter().for_each(|x| walk(x, text, p)),
        Value::Tagged(t) => walk(&t.value, text, p),
        _ => {}
    }
}

fn deploy_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(kubectl\s+(apply|set\s+image|rollout\s+restart|replace)|helm\s+(upgrade|install)|helmfile\s+(apply|sync)|fly(ctl)?\s+deploy|vercel\b.*--prod|netlify\s+deploy|(serverless|sls)\s+deploy|terraform\s+apply|aws\s+ecs\s+update-service|aws\s+deploy|aws\s+lambda\s+update-function-code|gcloud\s+(run|app|functions)\s+deploy|heroku\s+(container:release|releases)|git\s+push\s+heroku|railway\s+up|cdk\s+deploy|pulumi\s+up|ansible-playbook|kamal\s+deploy|argocd\s+app\s+sync|eb\s+deploy|az\s+webapp\s+deploy|docker\s+stack\s+deploy|cap\s+\w+\s+deploy|skaffold\s+run|kustomize\s+build.*kubectl)",
        )
        .expect("static regex")
    })
}

const DEPLOY_ACTIONS: &[&str] = &[
    "azure/webapps-deploy",
    "azure/k8s-deploy",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-appengine",
    "superfly/flyctl-actions",
    "amondnet/vercel-action",
    "akhileshns/heroku-deploy",
    "cloudflare/wrangler-action",
    "appleboy/ssh-action",
];

fn is_prod_name(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("prod") || l.contains("live")
}

fn is_nonprod_name(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        "staging",
        "stage",
        "dev",
        "preview",
        "review",
        "test",
        "qa",
        "sandbox",
        "docs",
        "pages",
        "storybook",
    ]
    .iter()
    .any(|w| l.contains(w))
}

fn env_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Mapping(_) => get(v, "name").and_then(as_str).map(str::to_string),
        _ => None,
    }
}

fn job_cmds(job: &Value) -> Vec<String> {
    let mut p = Pipeline::default();
    walk(job, "", &mut p);
    let mut out: Vec<String> = p.cmds.into_iter().map(|c| c.text).collect();
    out.extend(p.uses.into_iter().map(|u| u.action));
    out
}

fn is_deploy_job(id: &str, job: &Value) -> bool {
    let name = get(job, "name").and_then(as_str).unwrap_or("");
    let named = [id, name]
        .iter()
        .any(|s| s.to_ascii_lowercase().contains("deploy"));
    let cmds = job_cmds(job);
    named
        || cmds
            .iter()
            .any(|c| deploy_re().is_match(c) || DEPLOY_ACTIONS.iter().any(|a| c.starts_with(a)))
}

fn github(doc: &Value, text: &str, p: &mut Pipeline) {
    let on = get(doc, "on").or_else(|| doc.as_mapping().and_then(|m| m.get(Value::Bool(true))));
    match on {
        Some(Value::String(s)) => p.triggers.push(s.clone()),
        Some(Value::Sequence(seq)) => p
            .triggers
            .extend(seq.iter().filter_map(|x| x.as_str().map(str::to_string))),
        Some(Value::Mapping(m)) => p
            .triggers
            .extend(m.keys().filter_map(|k| k.as_str().map(str::to_string))),
        _ => {}
    }
    p.permissions = get(doc, "permissions").cloned();
    let jobs = get(doc, "jobs").and_then(Value::as_mapping);
    let prt = p.triggers.iter().any(|t| t == "pull_request_target");
    let manual_only = !p.triggers.is_empty() && p.triggers.iter().all(|t| t == "workflow_dispatch");
    let mut all_perm = jobs.is_some_and(|j| !j.is_empty());
    if let Some(jobs) = jobs {
        for (k, job) in jobs {
            let id = k.as_str().unwrap_or("");
            if get(job, "permissions").is_none() {
                all_perm = false;
            }
            if prt {
                for step in get(job, "steps")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let uses = get(step, "uses").and_then(as_str).unwrap_or("");
                    let head_ref = |s: &str| {
                        s.contains("github.event.pull_request.head")
                            || s.contains("github.head_ref")
                            || s.contains("refs/pull/")
                    };
                    if uses.starts_with("actions/checkout") {
                        if let Some(r) = get(step, "with")
                            .and_then(|w| get(w, "ref"))
                            .and_then(as_str)
                            && head_ref(r)
                        {
                            p.prt_checkouts.push((
                                line_of(text, r),
                                format!("actions/checkout with ref: {r}"),
                            ));
                        }
                        if let Some(r) = get(step, "with")
                            .and_then(|w| get(w, "repository"))
                            .and_then(as_str)
                            && r.contains("github.event.pull_request.head.repo")
                        {
                            p.prt_checkouts.push((
                                line_of(text, r),
                                format!("actions/checkout with repository: {r}"),
                            ));
                        }
                    }
                    if let Some(run) = get(step, "run").and_then(as_str)
                        && (run.contains("git checkout")
                            || run.contains("git fetch")
                            || run.contains("gh pr checkout"))
                        && (head_ref(run) || run.contains("gh pr checkout"))
                    {
                        p.prt_checkouts.push((line_of(text, run), one_line(run)));
                    }
                }
            }
            if is_deploy_job(id, job) {
                let env = get(job, "environment").and_then(env_name);
                let label = format!("{id} {}", env.clone().unwrap_or_default());
                let production = env.as_deref().map(is_prod_name).unwrap_or(false)
                    || (is_prod_name(id) || !is_nonprod_name(&label));
                let approval = if let Some(e) = &env {
                    Some(format!(
                        "GitHub environment `{e}` (its required reviewers are set in the repository settings)"
                    ))
                } else if manual_only {
                    Some(
                        "the workflow only runs on manual dispatch (workflow_dispatch)".to_string(),
                    )
                } else {
                    None
                };
                p.deploys.push(DeployJob {
                    name: id.to_string(),
                    line: line_of(text, &format!("{id}:")),
                    production,
                    approval,
                });
            }
        }
    }
    p.jobs_all_have_permissions = all_perm;
}

const GITLAB_RESERVED: &[&str] = &[
    "stages",
    "variables",
    "include",
    "default",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "pages",
];

fn gitlab(doc: &Value, text: &str, p: &mut Pipeline) {
    let Some(m) = doc.as_mapping() else { return };
    let mut add_include = |v: &Value| {
        let local = match v {
            Value::String(s) if !s.contains("://") => Some(s.as_str()),
            Value::Mapping(_) => get(v, "local").and_then(as_str),
            _ => None,
        };
        if let Some(l) = local {
            let l = l.trim_start_matches('/');
            // inside the repository only: no globs, no `..`
            if !l.contains('*') && !l.is_empty() && !l.split('/').any(|c| c == "..") {
                p.includes.push(l.to_string());
            }
        }
    };
    match get(doc, "include") {
        Some(Value::Sequence(seq)) => seq.iter().for_each(&mut add_include),
        Some(v) => add_include(v),
        None => {}
    }
    for (k, job) in m {
        let Some(id) = k.as_str() else { continue };
        if GITLAB_RESERVED.contains(&id) || id.starts_with('.') || !job.is_mapping() {
            continue;
        }
        let stage = get(job, "stage").and_then(as_str).unwrap_or("");
        let env = get(job, "environment").and_then(env_name);
        let deploy = stage.contains("deploy")
            || id.contains("deploy")
            || env.is_some()
            || is_deploy_job(id, job);
        if !deploy {
            continue;
        }
        let when_manual = |v: &Value| get(v, "when").and_then(as_str) == Some("manual");
        let manual = when_manual(job)
            || get(job, "rules")
                .and_then(Value::as_sequence)
                .is_some_and(|r| r.iter().any(when_manual));
        let label = format!("{id} {}", env.clone().unwrap_or_default());
        let production = env.as_deref().map(is_prod_name).unwrap_or(false)
            || is_prod_name(id)
            || !is_nonprod_name(&label);
        p.deploys.push(DeployJob {
            name: id.to_string(),
            line: line_of(text, &format!("{id}:")),
            production,
            approval: manual.then(|| "`when: manual`".to_string()),
        });
    }
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Parses one pipeline file.
fn parse(path: &str, system: &'static str, text: &str) -> Pipeline {
    let mut p = Pipeline {
        path: path.to_string(),
        system,
        text: text.to_string(),
        ..Default::default()
    };
    if system == "Jenkins" {
        // Groovy: every non-comment line may hold a `sh '…'` step; approval is an `input` step.
        let mut in_block = false;
        for (i, l) in text.lines().enumerate() {
            let t = l.trim();
            if in_block {
                if t.contains("*/") {
                    in_block = false;
                }
                continue;
            }
            if t.starts_with("/*") {
                in_block = !t.contains("*/");
                continue;
            }
            if t.starts_with("//") || t.is_empty() {
                continue;
            }
            p.cmds.push(Cmd {
                text: t.to_string(),
                line: i as u32 + 1,
            });
        }
        let lower = text.to_ascii_lowercase();
        if let Some(i) = lower
            .find("stage('deploy")
            .or_else(|| lower.find("stage(\"deploy"))
        {
            let approval = (lower.contains("input(")
                || lower.contains("input ")
                || lower.contains("input message"))
            .then(|| "Jenkins `input` step".to_string());
            p.deploys.push(DeployJob {
                name: "deploy stage".into(),
                line: crate::repo::line_col(text, i).0,
                production: true,
                approval,
            });
        }
        return p;
    }
    // The YAML parser's time grows quadratically with nesting depth: refuse absurd nesting first.
    if let Some((line, msg)) = super::deploy::yaml_too_deep(text) {
        p.error = Some((msg, Some(line)));
        return p;
    }
    let mut docs = Vec::new();
    for de in serde_yaml::Deserializer::from_str(text) {
        match Value::deserialize(de) {
            Ok(v) => docs.push(v),
            Err(e) => {
                let line = e.location().map(|l| l.line() as u32);
                p.error = Some((e.to_string(), line));
                return p;
            }
        }
    }
    for doc in &docs {
        walk(doc, text, &mut p);
        if system == "CircleCI" {
            // orb jobs (`- node/test`) run commands defined in the orb
            for wf in get(doc, "workflows")
                .and_then(Value::as_mapping)
                .into_iter()
                .flat_map(|m| m.values())
            {
                for job in get(wf, "jobs")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let name = match job {
                        Value::String(s) => Some(s.as_str()),
                        Value::Mapping(m) => m.keys().next().and_then(Value::as_str),
                        _ => None,
                    };
                    if let Some(n) = name.filter(|n| n.contains('/')) {
                        p.cmds.push(Cmd {
                            text: format!("orb job {n}"),
                            line: line_of(text, n),
                        });
                    }
                }
            }
        }
        match system {
            "GitHub Actions" => github(doc, text, &mut p),
            "GitLab CI" => gitlab(doc, text, &mut p),
            _ => {
                // CircleCI approval jobs, Azure deployment jobs, Bitbucket manual triggers, Drone promotions
                let lower = text.to_ascii_lowercase();
                let has_deploy = p.cmds.iter().any(|c| deploy_re().is_match(&c.text))
                    || lower.contains("deployment:")
                    || lower.contains("deploy");
                if has_deploy && p.deploys.is_empty() {
                    let approval = if lower.contains("type: approval") {
                        Some("CircleCI approval job".to_string())
                    } else if lower.contains("trigger: manual") {
                        Some("Bitbucket `trigger: manual`".to_string())
                    } else if lower.contains("deployment:") && lower.contains("environment:") {
                        Some("Azure Pipelines deployment job with an environment (approvals are set on the environment)".to_string())
                    } else if lower.contains("promote") {
                        Some("promotion event".to_string())
                    } else if lower.contains("when: manual") {
                        Some("`when: manual`".to_string())
                    } else {
                        None
                    };
                    let i = lower.find("deploy").unwrap_or(0);
                    p.deploys.push(DeployJob {
                        name: "deploy".into(),
                        line: crate::repo::line_col(text, i).0,
                        production: true,
                        approval,
                    });
                }
            }
        }
    }
    p
}

// ───────────────────────────── command classes ─────────────────────────────

struct Matchers {
    install: Regex,
    test: Regex,
    lint: Regex,
    types_ts: Regex,
    types_py: Regex,
    compile_rust: Regex,
    compile_go: Regex,
    security: Regex,
    script_ref: Regex,
}

fn matchers() -> &'static Matchers {
    static M: OnceLock<Matchers> = OnceLock::new();
    M.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("static regex");
        Matchers {
            install: r(r"(?i)^\s*(#|echo\b|printf\b|(sudo\s+)?(pip3?\s+install|python[\d.]*\s+-m\s+pip\s+install|uv\s+(pip\s+install|add|sync)|poetry\s+(add|install)|npm\s+(install|i|ci)\b|yarn\s+(add|install)|pnpm\s+(add|install|i)\b|apt(-get)?\s+install|apk\s+add|cargo\s+(install|binstall)|go\s+install|brew\s+install|gem\s+install))"),
            test: r(r"(?i)(^orb job \S+/(test|tests|run-tests|pytest|test-\S+)$|\b(npm|pnpm|yarn|bun)\s+(run\s+)?test\b|\bnpm\s+t\b|\bnpx\s+(jest|vitest|mocha|ava|playwright\s+test|cypress\s+run)\b|(^|[\s;&|(/])(jest|vitest|mocha|ava|jasmine|karma|tap)(\s|$|;)|\bplaywright\s+test\b|\bcypress\s+run\b|\bpytest\b|\bpython[\d.]*\s+-m\s+(pytest|unittest)\b|\bmanage\.py\s+test\b|(^|[\s;&|(])(tox|nox)(\s|$|;)|\bcargo\s+(test|nextest|llvm-cov|tarpaulin)\b|\bgo\s+test\b|\bgotestsum\b|\bginkgo\b|\b(make|just|task)\s+(test|tests|check|unit|unit-test|test-\w+)\b|\b(rspec|phpunit)\b|\b(mvn|mvnw|gradle|gradlew)\b.*\b(test|verify|check)\b|\bdotnet\s+test\b|\b(deno|bun)\s+test\b|\btests?\.sh\b)"),
            lint: r(r"(?i)(^(black|isort|prettier|ruff-format|gofmt|rustfmt|fmt|orb job \S+/lint)$|\beslint\b|\bprettier\b.*(--check|\s-c\b)|\bbiome\s+(check|lint|ci)\b|\boxlint\b|\btslint\b|\bstylelint\b|\bruff\b|\bflake8\b|\bpylint\b|\bblack\b.*--check|\bisort\b.*--check|\bpycodestyle\b|\bcargo\s+clippy\b|\bcargo\s+fmt\b.*--check|\bgolangci-lint\b|\bgo\s+vet\b|\bstaticcheck\b|\bgofmt\s+-l\b|\brevive\b|\bpre-commit\s+run\b|\b(npm|pnpm|yarn|bun)\s+(run\s+)?lint\b|\b(make|just|task)\s+lint\b|\bhadolint\b|\bshellcheck\b|\brubocop\b|\bdeno\s+lint\b|golangci/golangci-lint-action|super-linter|ruff-action|reviewdog/|pre-commit/action|clippy-check|wearerequired/lint-action)"),
            types_ts: r(r"(?i)(\btsc\b|\bvue-tsc\b|\bsvelte-check\b|\b(npm|pnpm|yarn|bun)\s+(run\s+)?(typecheck|type-check|types|check-types|check:types|types:check|tsc|lint:types)\b|\bnext\s+build\b|\bnest\s+build\b|\bdeno\s+check\b|\bastro\s+check\b)"),
            types_py: r(r"(?i)(\bmypy\b|\bpyright\b|\bbasedpyright\b|\bpytype\b|\bpyre\b|pyright-action|\b(make|just|task)\s+(typecheck|type-check|mypy)\b)"),
            compile_rust: r(r"(?i)\bcargo\s+(build|check|test|clippy|nextest|llvm-cov|tarpaulin)\b|actions-rs/cargo"),
            compile_go: r(r"(?i)\bgo\s+(build|vet|test)\b|\bgotestsum\b|golangci-lint"),
            security: r(r"(?i)(\bnpm\s+audit\b|\byarn\s+(npm\s+)?audit\b|\bpnpm\s+audit\b|\bbun\s+audit\b|\baudit-ci\b|\bpip-audit\b|\bsafety\s+(check|scan)\b|\bcargo\s+audit\b|\bcargo[\s-]deny\b|\bbandit\b|\btrivy\b|\bgrype\b|\bosv-scanner\b|\bgovulncheck\b|\bgosec\b|\bsnyk\b|\bsemgrep\b|\bdependency-check\b|\bgitleaks\b|\btrufflehog\b|github/codeql-action|aquasecurity/trivy-action|snyk/actions|actions/dependency-review-action|google/osv-scanner|rustsec/audit-check|actions-rs/audit-check|pypa/gh-action-pip-audit|cargo-deny-action|anchore/scan-action|semgrep-action|govulncheck-action|securego/gosec|gitleaks-action|ossf/scorecard-action|Security/(SAST|Dependency-Scanning|Container-Scanning|Secret-Detection)|Jobs/(SAST|Dependency-Scanning|Container-Scanning|Secret-Detection))"),
            script_ref: r(r"(?i)\b(?:(npm|pnpm|bun)\s+run(?:-script)?\s+|yarn\s+(?:run\s+)?|pnpm\s+|(make|just|task)\s+(?:-\S+\s+)*)([A-Za-z0-9:_\-.]+)"),
        }
    })
}

/// The classes of a command: it and the scripts it calls (package.json, Makefile), to depth 3.
fn expand(cmd: &str, scripts: &Scripts, depth: usize, out: &mut Vec<String>) {
    out.push(cmd.to_string());
    if depth == 0 {
        return;
    }
    if cmd.contains("pre-commit run") || cmd.contains("pre-commit/action") {
        out.extend(scripts.precommit.iter().cloned());
    }
    for c in matchers().script_ref.captures_iter(cmd) {
        let Some(name) = c.get(3).map(|m| m.as_str()) else {
            continue;
        };
        let make = c.get(2).is_some();
        let bodies: Vec<&String> = if make {
            scripts.make.get(name).into_iter().flatten().collect()
        } else {
            scripts.npm.get(name).into_iter().flatten().collect()
        };
        for b in bodies {
            expand(b, scripts, depth - 1, out);
        }
    }
}

#[derive(Default, Debug)]
struct Scripts {
    /// package.json scripts by name (every package.json of the repo).
    npm: BTreeMap<String, Vec<String>>,
    /// Makefile / justfile / Taskfile targets → recipe lines.
    make: BTreeMap<String, Vec<String>>,
    /// pre-commit hooks (`id` and `entry`): what `pre-commit run` runs.
    precommit: Vec<String>,
}

/// The hooks of a `.pre-commit-config.yaml`: each `id` (and `entry` for local hooks).
fn read_precommit(text: &str, out: &mut Scripts) {
    if super::deploy::yaml_too_deep(text).is_some() {
        return;
    }
    let Ok(v) = serde_yaml::from_str::<Value>(text) else {
        return;
    };
    for repo in v
        .get("repos")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        for hook in repo
            .get("hooks")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            for key in ["id", "entry"] {
                if let Some(s) = hook.get(key).and_then(Value::as_str) {
                    out.precommit.push(s.to_string());
                }
            }
        }
    }
}

fn read_package_scripts(text: &str, out: &mut Scripts) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    if let Some(s) = v.get("scripts").and_then(|s| s.as_object()) {
        for (k, v) in s {
            if let Some(v) = v.as_str() {
                out.npm.entry(k.clone()).or_default().push(v.to_string());
            }
        }
    }
}

fn read_make_targets(text: &str, out: &mut Scripts) {
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('\t') || (line.starts_with("    ") && !current.is_empty()) {
            for t in &current {
                out.make
                    .entry(t.clone())
                    .or_default()
                    .push(line.trim().to_string());
            }
            continue;
        }
        let t = line.trim_end();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        current.clear();
        if let Some((targets, deps)) = t.split_once(':') {
            if targets.contains('=') || deps.starts_with('=') {
                continue;
            }
            for target in targets.split_whitespace() {
                current.push(target.to_string());
                // prerequisites are run too
                for d in deps.split_whitespace() {
                    if d.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    {
                        out.make
                            .entry(target.to_string())
                            .or_default()
                            .push(format!("make {d}"));
                    }
                }
            }
        }
    }
}

// ───────────────────────────── the domain ─────────────────────────────

#[derive(Default)]
struct State {
    pipelines: Vec<Pipeline>,
    scripts: Scripts,
    /// Python type checker configured: (path, what).
    py_types: Vec<(String, String)>,
    tsconfig: bool,
}

#[derive(Default)]
pub struct Ci {
    state: Mutex<State>,
}

fn py_type_config(name: &str, text: &str) -> Option<&'static str> {
    match name {
        "mypy.ini" | ".mypy.ini" => Some("mypy"),
        "pyrightconfig.json" => Some("pyright"),
        "pyproject.toml" if text.contains("[tool.mypy") => Some("mypy"),
        "pyproject.toml"
            if text.contains("[tool.pyright") || text.contains("[tool.basedpyright") =>
        {
            Some("pyright")
        }
        "setup.cfg" if text.contains("[mypy") => Some("mypy"),
        n if n.starts_with("requirements")
            && (text.contains("mypy") || text.contains("pyright")) =>
        {
            Some("mypy/pyright")
        }
        _ => None,
    }
}

impl Domain for Ci {
    fn name(&self) -> &'static str {
        "ci"
    }
    fn wants(&self, f: &FileMeta) -> bool {
        if f.is_vendored() {
            return false;
        }
        let n = f.lower_name();
        system_of(&f.path).is_some()
            || n == "package.json"
            || n == "makefile"
            || n == "justfile"
            || n == ".pre-commit-config.yaml"
            || n == "tsconfig.json"
            || n == "mypy.ini"
            || n == ".mypy.ini"
            || n == "pyrightconfig.json"
            || n == "pyproject.toml"
            || n == "setup.cfg"
            || (n.starts_with("requirements") && n.ends_with(".txt"))
    }
    fn visit(&self, file: &SourceFile<'_>) {
        let n = file.meta.lower_name();
        let mut local = State::default();
        if let Some(sys) = system_of(file.path()) {
            local.pipelines.push(parse(file.path(), sys, file.text));
        }
        if n == "package.json" {
            read_package_scripts(file.text, &mut local.scripts);
        }
        if n == "makefile" || n == "justfile" {
            read_make_targets(file.text, &mut local.scripts);
        }
        if n == ".pre-commit-config.yaml" {
            read_precommit(file.text, &mut local.scripts);
        }
        if n == "tsconfig.json" {
            local.tsconfig = true;
        }
        if let Some(what) = py_type_config(n, file.text) {
            local
                .py_types
                .push((file.path().to_string(), what.to_string()));
        }
        if let Ok(mut s) = self.state.lock() {
            s.pipelines.extend(local.pipelines);
            for (k, v) in local.scripts.npm {
                s.scripts.npm.entry(k).or_default().extend(v);
            }
            for (k, v) in local.scripts.make {
                s.scripts.make.entry(k).or_default().extend(v);
            }
            s.scripts.precommit.extend(local.scripts.precommit);
            s.py_types.extend(local.py_types);
            s.tsconfig |= local.tsconfig;
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        st.pipelines.sort_by(|a, b| a.path.cmp(&b.path));
        st.py_types.sort();
        // GitLab local includes (followed a few levels deep)
        for _ in 0..4 {
            let wanted: Vec<String> = st
                .pipelines
                .iter()
                .flat_map(|p| p.includes.iter().cloned())
                .filter(|i| !st.pipelines.iter().any(|p| &p.path == i))
                .collect();
            if wanted.is_empty() {
                break;
            }
            for path in wanted {
                if st.pipelines.iter().any(|p| p.path == path) {
                    continue;
                }
                let p = match repo.read(&path) {
                    Some(text) => parse(&path, "GitLab CI", &text),
                    None => Pipeline {
                        path: path.clone(),
                        system: "GitLab CI",
                        error: Some((
                            "included by .gitlab-ci.yml but not found in the repository".into(),
                            None,
                        )),
                        ..Default::default()
                    },
                };
                st.pipelines.push(p);
            }
        }
        st.pipelines.sort_by(|a, b| a.path.cmp(&b.path));
        let cat = Catalog::builtin();
        let mut out = Vec::new();

        // ci.config
        let check = cat.check("ci.config");
        let real = st
            .pipelines
            .iter()
            .filter(|p| p.system != COMPOSITE)
            .count();
        if real == 0 {
            out.push(
                Finding::new(check, Outcome::Fail, "no CI configuration found").with_evidence(Evidence::note(
                    "looked for .github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, Jenkinsfile, azure-pipelines.yml, bitbucket-pipelines.yml, .drone.yml, .woodpecker.yml, .travis.yml, .buildkite/",
                )),
            );
        } else {
            for p in &st.pipelines {
                match &p.error {
                    Some((msg, line)) => out.push(
                        Finding::new(
                            check,
                            Outcome::Fail,
                            format!(
                                "{} ({}) is not valid YAML, so the pipeline does not run: {msg}",
                                p.path, p.system
                            ),
                        )
                        .with_evidence(match line {
                            Some(l) => Evidence::at(&p.path, *l, 1),
                            None => Evidence::file(&p.path),
                        }),
                    ),
                    None if p.system == COMPOSITE => {}
                    None => out.push(
                        Finding::new(
                            check,
                            Outcome::Pass,
                            format!("{} pipeline: {}", p.system, p.path),
                        )
                        .with_evidence(Evidence::file(&p.path)),
                    ),
                }
            }
        }
        let ok: Vec<&Pipeline> = st.pipelines.iter().filter(|p| p.error.is_none()).collect();
        let none_reason = if real == 0 {
            Some("no CI configuration, so nothing runs it")
        } else if ok.is_empty() {
            None
        } else {
            Some("")
        };

        // commands, expanded through scripts
        let mut cmds: Vec<(&Pipeline, &Cmd, Vec<String>)> = Vec::new();
        for p in &ok {
            for c in &p.cmds {
                let mut lines = Vec::new();
                // each shell command on its own: `pip install … && pytest` still runs pytest
                for l in c
                    .text
                    .lines()
                    .flat_map(|l| l.split("&&"))
                    .flat_map(|l| l.split(';'))
                {
                    if matchers().install.is_match(l) {
                        continue;
                    }
                    expand(l, &st.scripts, 3, &mut lines);
                }
                cmds.push((p, c, lines));
            }
        }
        let uses: Vec<(&Pipeline, &Uses)> = ok
            .iter()
            .flat_map(|p| p.uses.iter().map(move |u| (*p, u)))
            .collect();
        let find = |re: &Regex| -> Option<Evidence> {
            for (p, c, lines) in &cmds {
                if lines.iter().any(|l| re.is_match(l)) {
                    return Some(Evidence::at_with_snippet(
                        &p.path,
                        c.line,
                        1,
                        one_line(&c.text),
                    ));
                }
            }
            for (p, u) in &uses {
                let mut lines = Vec::new();
                expand(&u.action, &st.scripts, 1, &mut lines);
                if lines.iter().any(|l| re.is_match(l)) {
                    return Some(Evidence::at_with_snippet(
                        &p.path,
                        u.line,
                        1,
                        format!("uses: {}", u.action),
                    ));
                }
            }
            for p in &ok {
                if p.system == "GitLab CI"
                    && re.is_match(&p.text)
                    && re.as_str().contains("Security/")
                    && let Some(m) = re.find(&p.text)
                {
                    let (l, c) = crate::repo::line_col(&p.text, m.start());
                    return Some(Evidence::at_with_snippet(
                        &p.path,
                        l,
                        c,
                        crate::repo::line_at(&p.text, m.start()),
                    ));
                }
            }
            None
        };
        let m = matchers();
        let unparsed = |id: &str| {
            let mut f = Finding::new(
                cat.check(id),
                Outcome::Inconclusive,
                "every CI file is malformed; what it runs cannot be read",
            );
            for p in &st.pipelines {
                f = f.with_evidence(Evidence::file(&p.path));
            }
            f
        };
        let simple = |id: &str, re: &Regex, what: &str, out: &mut Vec<Finding>| {
            let c = cat.check(id);
            match none_reason {
                None => out.push(unparsed(id)),
                Some(r) if !r.is_empty() => {
                    out.push(Finding::new(c, Outcome::Fail, format!("{what}: {r}")))
                }
                _ => match find(re) {
                    Some(e) => out.push(
                        Finding::new(c, Outcome::Pass, format!("CI {what}")).with_evidence(e),
                    ),
                    None => {
                        let mut f = Finding::new(c, Outcome::Fail, format!("no CI step {what}"));
                        for p in &ok {
                            f = f.with_evidence(Evidence::file(&p.path));
                        }
                        out.push(f);
                    }
                },
            }
        };
        simple("ci.runs-tests", &m.test, "runs the tests", &mut out);
        simple("ci.lint", &m.lint, "runs a linter", &mut out);
        simple(
            "ci.security-scan",
            &m.security,
            "runs a dependency/security scan",
            &mut out,
        );
        type_checks(repo, &st, none_reason, &find, &mut out);
        github_hygiene(&ok, &mut out);
        deploy_approval(&ok, none_reason, &mut out);
        unread_pipelines(repo, &mut out);
        out
    }
}

/// CI files the walk did not read (too large, binary, unreadable): what they run is unknown, so
/// "no CI step does X" and "no CI configuration" become undecided, and no CI check passes (or is
/// not applicable) without them.
fn unread_pipelines(repo: &Repo, out: &mut Vec<Finding>) {
    let unread: Vec<(&str, &'static str, &str)> = repo
        .files
        .iter()
        .filter(|f| !f.is_vendored())
        .filter_map(|f| Some((f.path.as_str(), system_of(&f.path)?, f.skipped.as_deref()?)))
        .collect();
    if unread.is_empty() {
        return;
    }
    let list: Vec<String> = unread
        .iter()
        .map(|(p, _, why)| format!("{p} ({why})"))
        .collect();
    let prefix = format!(
        "could not decide ({} CI file(s) not read: {}): ",
        unread.len(),
        list.join(", ")
    );
    for f in out.iter_mut() {
        if f.outcome == Outcome::Fail
            && (f.message.starts_with("no CI step") || f.message.contains("no CI configuration"))
        {
            f.outcome = Outcome::Inconclusive;
            f.message = format!("{prefix}{}", f.message);
        }
    }
    let cat = Catalog::builtin();
    let github_only = [
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
    ];
    for id in [
        "ci.config",
        "ci.runs-tests",
        "ci.lint",
        "ci.typecheck",
        "ci.security-scan",
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
        "ci.deploy-approval",
    ] {
        // The type check is not applicable for want of a typed language, not of CI files.
        if id == "ci.typecheck"
            && out
                .iter()
                .any(|f| f.check == id && f.outcome == Outcome::NotApplicable)
        {
            continue;
        }
        for (path, system, why) in &unread {
            if github_only.contains(&id) && *system != "GitHub Actions" {
                continue;
            }
            out.push(
                Finding::new(
                    cat.check(id),
                    Outcome::Inconclusive,
                    format!("could not decide: {path} ({system}) was not read ({why})"),
                )
                .with_evidence(Evidence::file(*path)),
            );
        }
    }
}

fn type_checks(
    repo: &Repo,
    st: &State,
    none_reason: Option<&str>,
    find: &dyn Fn(&Regex) -> Option<Evidence>,
    out: &mut Vec<Finding>,
) {
    let c = Catalog::builtin().check("ci.typecheck");
    let m = matchers();
    let ts = st.tsconfig || repo.has_framework("typescript");
    let py = repo.has_language("python");
    let rust = repo.has_language("rust");
    let go = repo.has_language("go");
    if !(ts || py || rust || go) {
        out.push(Finding::new(
            c,
            Outcome::NotApplicable,
            "no typed language in use (TypeScript, typed Python, Rust, Go)",
        ));
        return;
    }
    match none_reason {
        None => {
            out.push(Finding::new(
                c,
                Outcome::Inconclusive,
                "every CI file is malformed; what it runs cannot be read",
            ));
            return;
        }
        Some(r) if !r.is_empty() => {
            out.push(Finding::new(c, Outcome::Fail, format!("type checks: {r}")));
            return;
        }
        _ => {}
    }
    let mut judge = |lang: &str, re: &Regex, what: &str| match find(re) {
        Some(e) => out.push(
            Finding::new(
                c,
                Outcome::Pass,
                format!("CI type-checks the {lang} code ({what})"),
            )
            .with_evidence(e),
        ),
        None => out.push(Finding::new(
            c,
            Outcome::Fail,
            format!("no CI step type-checks the {lang} code ({what})"),
        )),
    };
    if ts {
        judge(
            "TypeScript",
            &m.types_ts,
            "tsc, vue-tsc, a typecheck script, next/nest build",
        );
    }
    if rust {
        judge("Rust", &m.compile_rust, "cargo build/check/test/clippy");
    }
    if go {
        judge("Go", &m.compile_go, "go build/vet/test");
    }
    if py {
        match (find(&m.types_py), st.py_types.first()) {
            (Some(e), _) => out.push(
                Finding::new(c, Outcome::Pass, "CI type-checks the Python code").with_evidence(e),
            ),
            (None, Some((p, what))) => out.push(
                Finding::new(
                    c,
                    Outcome::Fail,
                    format!("{what} is configured but no CI step runs it"),
                )
                .with_evidence(Evidence::file(p)),
            ),
            (None, None) => out.push(Finding::new(
                c,
                Outcome::Warn,
                "no type checker (mypy, pyright) is configured or run for the Python code",
            )),
        }
    }
}

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())
}

fn github_hygiene(ok: &[&Pipeline], out: &mut Vec<Finding>) {
    let cat = Catalog::builtin();
    let gh: Vec<&&Pipeline> = ok.iter().filter(|p| p.system == "GitHub Actions").collect();
    let gh_and_actions: Vec<&&Pipeline> = ok
        .iter()
        .filter(|p| p.system.starts_with("GitHub"))
        .collect();
    let ids = [
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
    ];
    if gh.is_empty() {
        for id in ids {
            out.push(Finding::new(
                cat.check(id),
                Outcome::NotApplicable,
                "no GitHub Actions workflow",
            ));
        }
        return;
    }
    // pinned
    let c = cat.check("ci.actions-pinned");
    let mut bad = 0;
    let mut third = 0;
    for p in &gh_and_actions {
        for u in &p.uses {
            let a = u.action.trim();
            if a.starts_with("./") || a.starts_with("../") {
                continue;
            }
            let (pinned, name) = if let Some(img) = a.strip_prefix("docker://") {
                (img.contains("@sha256:"), img)
            } else {
                let (name, r) = a.split_once('@').unwrap_or((a, ""));
                let owner = name.split('/').next().unwrap_or("").to_ascii_lowercase();
                if owner == "actions" || owner == "github" {
                    continue;
                }
                (is_sha(r), name)
            };
            third += 1;
            if !pinned {
                bad += 1;
                out.push(
                    Finding::new(c, Outcome::Fail, format!("third-party action `{name}` is not pinned to a commit SHA: a moved tag runs someone else's code with this repository's secrets"))
                        .with_evidence(Evidence::at_with_snippet(&p.path, u.line, 1, format!("uses: {a}"))),
                );
            }
        }
    }
    if bad == 0 {
        out.push(Finding::new(
            c,
            Outcome::Pass,
            if third == 0 {
                "no third-party actions used".to_string()
            } else {
                format!("all {third} third-party action reference(s) are pinned to a commit SHA")
            },
        ));
    }
    // permissions
    let c = cat.check("ci.permissions");
    for p in &gh {
        let f = match &p.permissions {
            Some(Value::String(s)) if s == "write-all" => {
                Finding::new(c, Outcome::Fail, format!("{}: `permissions: write-all` gives every job write access to the repository", p.path))
                    .with_evidence(Evidence::at_with_snippet(&p.path, line_of(&p.text, "permissions:"), 1, "permissions: write-all"))
            }
            Some(v) => Finding::new(c, Outcome::Pass, format!("{}: top-level permissions set", p.path)).with_evidence(
                Evidence::at_with_snippet(&p.path, line_of(&p.text, "permissions:"), 1, one_line(&serde_yaml::to_string(v).unwrap_or_default())),
            ),
            None if p.jobs_all_have_permissions => {
                Finding::new(c, Outcome::Pass, format!("{}: every job sets its own permissions", p.path)).with_evidence(Evidence::file(&p.path))
            }
            None => Finding::new(
                c,
                Outcome::Fail,
                format!("{}: no top-level `permissions`, so the GITHUB_TOKEN gets the repository's default (often read/write on everything)", p.path),
            )
            .with_evidence(Evidence::file(&p.path)),
        };
        out.push(f);
    }
    // pull_request_target
    let c = cat.check("ci.pull-request-target");
    let mut any = false;
    for p in &gh {
        if !p.triggers.iter().any(|t| t == "pull_request_target") {
            continue;
        }
        any = true;
        if p.prt_checkouts.is_empty() {
            out.push(
                Finding::new(
                    c,
                    Outcome::Pass,
                    format!(
                        "{}: pull_request_target does not check out the pull request's code",
                        p.path
                    ),
                )
                .with_evidence(Evidence::file(&p.path)),
            );
        }
        for (line, what) in &p.prt_checkouts {
            out.push(
                Finding::new(
                    c,
                    Outcome::Fail,
                    format!("{}: a pull_request_target workflow checks out the pull request's code, running untrusted code with secrets and a write token", p.path),
                )
                .with_evidence(Evidence::at_with_snippet(&p.path, *line, 1, what)),
            );
        }
    }
    if !any {
        out.push(Finding::new(
            c,
            Outcome::Pass,
            "no workflow is triggered by pull_request_target",
        ));
    }
}

fn deploy_approval(ok: &[&Pipeline], none_reason: Option<&str>, out: &mut Vec<Finding>) {
    let c = Catalog::builtin().check("ci.deploy-approval");
    match none_reason {
        None => {
            out.push(Finding::new(
                c,
                Outcome::Inconclusive,
                "every CI file is malformed; its deployment jobs cannot be read",
            ));
            return;
        }
        Some(r) if !r.is_empty() => {
            out.push(Finding::new(
                c,
                Outcome::Fail,
                format!("deployment is not automated: {r}"),
            ));
            return;
        }
        _ => {}
    }
    let deploys: Vec<(&Pipeline, &DeployJob)> = ok
        .iter()
        .flat_map(|p| p.deploys.iter().map(move |d| (*p, d)))
        .collect();
    if deploys.is_empty() {
        let mut f = Finding::new(
            c,
            Outcome::Warn,
            "no deployment job in CI: deployment is manual or happens elsewhere (GitOps, a platform integration)",
        );
        for p in ok {
            f = f.with_evidence(Evidence::file(&p.path));
        }
        out.push(f);
        return;
    }
    let prod: Vec<&(&Pipeline, &DeployJob)> =
        deploys.iter().filter(|(_, d)| d.production).collect();
    if prod.is_empty() {
        let (p, d) = deploys[0];
        out.push(
            Finding::new(
                c,
                Outcome::Warn,
                "deployment is automated, but only to non-production environments",
            )
            .with_evidence(Evidence::at_with_snippet(&p.path, d.line, 1, &d.name)),
        );
        return;
    }
    let mut bad = false;
    for (p, d) in &prod {
        if d.approval.is_none() {
            bad = true;
            out.push(
                Finding::new(
                    c,
                    Outcome::Fail,
                    format!("{}: job `{}` deploys to production automatically, with no manual approval step", p.path, d.name),
                )
                .with_evidence(Evidence::at_with_snippet(&p.path, d.line, 1, &d.name)),
            );
        }
    }
    if !bad {
        let (p, d) = prod[0];
        out.push(
            Finding::new(
                c,
                Outcome::Pass,
                format!(
                    "production deployment is automated and gated: {}",
                    d.approval.clone().unwrap_or_default()
                ),
            )
            .with_evidence(Evidence::at_with_snippet(&p.path, d.line, 1, &d.name)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems() {
        assert_eq!(
            system_of(".github/workflows/ci.yml"),
            Some("GitHub Actions")
        );
        assert_eq!(system_of(".github/workflows/sub/ci.yml"), None);
        assert_eq!(system_of(".gitlab-ci.yml"), Some("GitLab CI"));
        assert_eq!(system_of("Jenkinsfile"), Some("Jenkins"));
        assert_eq!(system_of("src/Jenkinsfile"), None);
        assert_eq!(system_of("azure-pipelines.yml"), Some("Azure Pipelines"));
        assert_eq!(system_of(".circleci/config.yml"), Some("CircleCI"));
        assert_eq!(system_of("ci.yml"), None);
    }

    #[test]
    fn classes() {
        let m = matchers();
        assert!(m.test.is_match("npm test"));
        assert!(m.test.is_match("python -m pytest -q"));
        assert!(m.test.is_match("cargo nextest run"));
        assert!(m.test.is_match("go test ./..."));
        assert!(!m.test.is_match("npm run build"));
        assert!(m.install.is_match("pip install pytest"));
        assert!(m.lint.is_match("npx eslint ."));
        assert!(m.security.is_match("cargo deny check"));
        assert!(m.types_ts.is_match("npx tsc --noEmit"));
        let mut s = Scripts::default();
        read_package_scripts(
            r#"{"scripts":{"ci":"npm run check && vitest run","check":"tsc --noEmit"}}"#,
            &mut s,
        );
        let mut out = Vec::new();
        expand("npm run ci", &s, 3, &mut out);
        assert!(out.iter().any(|l| m.test.is_match(l)));
        assert!(out.iter().any(|l| m.types_ts.is_match(l)));
        read_make_targets("test: lint\n\tpytest -q\nlint:\n\truff check .\n", &mut s);
        let mut out = Vec::new();
        expand("make test", &s, 3, &mut out);
        assert!(out.iter().any(|l| m.lint.is_match(l)));
    }
}
