//! Operations: database backups automated (dump scripts, a backup CronJob, managed backup
//! settings in infrastructure code), and the documents an on-call engineer needs — a runbook /
//! incident / troubleshooting guide, the deployment procedure, the rollback procedure.
//!
//! Backups count only when automated in code or configuration (a script, a CronJob, a Terraform
//! setting, an operator resource); a README that mentions `pg_dump` is not a backup. Documents
//! count by file name or by a heading (Markdown `#`, reStructuredText underlines, AsciiDoc `=`);
//! a rollback mentioned in the body of the deployment or runbook document counts too.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use crate::rx::Literals;
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::sync::{Mutex, OnceLock};

/// Commands and settings that show automated backups.
const BACKUP: &[&str] = &[
    "pg_dump",
    "pg_dumpall",
    "pg_basebackup",
    "mysqldump",
    "mariadb-dump",
    "mongodump",
    "pgbackrest",
    "wal-g",
    "wal-e",
    "barman",
    "velero",
    "restic backup",
    "borg create",
    "xtrabackup",
    "litestream",
    "backup_retention_period",
    "backup_retention_days",
    "point_in_time_recovery",
    "backup_configuration",
    "aws_backup_plan",
    "azurerm_backup_policy",
    "geo_redundant_backup_enabled",
    "kind: ScheduledBackup",
    "barmanObjectStore",
    "enableLogicalBackup",
    "postgres-backup",
    "pg-backup",
    "mysql-backup",
];

/// Database images / drivers that show the service keeps data.
const DB_USE: &[&str] = &[
    "image: postgres",
    "image: \"postgres",
    "image: 'postgres",
    "image: postgis/",
    "image: bitnami/postgresql",
    "image: mysql",
    "image: \"mysql",
    "image: mariadb",
    "image: bitnami/mysql",
    "image: mongo",
    "image: \"mongo",
    "image: bitnami/mongodb",
    "image: timescale/",
    "image: cockroachdb/",
    "image: clickhouse/",
    "\"pg\":",
    "\"mysql2\":",
    "\"mongoose\":",
    "\"mongodb\":",
    "\"@prisma/client\":",
    "\"typeorm\":",
    "\"sequelize\":",
    "\"knex\":",
    "\"drizzle-orm\":",
    "psycopg",
    "asyncpg",
    "mysqlclient",
    "pymysql",
    "sqlalchemy",
    "pymongo",
    "django",
    "Django",
    "SQLAlchemy",
    "PyMySQL",
    "tokio-postgres",
    "sqlx",
    "diesel",
    "sea-orm",
    "mongodb",
    "github.com/lib/pq",
    "github.com/jackc/pgx",
    "github.com/go-sql-driver/mysql",
    "gorm.io/",
    "go.mongodb.org",
    "aws_db_instance",
    "aws_rds_cluster",
    "google_sql_database_instance",
    "azurerm_postgresql",
    "postgresql.cnpg.io",
];

/// BACKUP then DB_USE in one automaton, case-sensitive (so that it keeps its fast prefilter);
/// the needles are written the way they appear in scripts, manifests and manifests' YAML.
fn matcher() -> &'static Literals {
    static M: OnceLock<Literals> = OnceLock::new();
    M.get_or_init(|| Literals::new(BACKUP.iter().chain(DB_USE)))
}

/// Topic words, matched on lower-case file names (`-`/`_` as separators) and headings.
const RUNBOOK: &[&str] = &[
    "runbook",
    "run book",
    "playbook",
    "incident",
    "troubleshoot",
    "on-call",
    "oncall",
    "on call",
    "postmortem",
    "post-mortem",
    "disaster recovery",
    "dépannage",
    "astreinte",
    "operations manual",
    "when things go wrong",
];
const DEPLOY: &[&str] = &[
    "deploy",
    "release process",
    "releasing",
    "how to release",
    "déploiement",
    "mise en production",
    "going live",
    "go-live",
];
const ROLLBACK: &[&str] = &[
    "rollback",
    "roll back",
    "roll-back",
    "rolling back",
    "revert a deploy",
    "revert the deploy",
    "retour arrière",
    "retour en arrière",
];

fn contains_any<'a>(hay: &str, words: &[&'a str]) -> Option<&'a str> {
    words.iter().copied().find(|w| hay.contains(w))
}

/// A documentation file as read: name, headings, rollback mentions in the body.
#[derive(Debug, Clone, Default)]
struct Doc {
    path: String,
    /// (line, heading text lower-case)
    headings: Vec<(u32, String)>,
    /// (line, text) of the first body line mentioning a rollback
    rollback_body: Option<(u32, String)>,
}

#[derive(Default)]
struct State {
    docs: Vec<Doc>,
    backups: Vec<(String, u32, String, bool)>,
    db_use: Vec<(String, u32, String)>,
}

#[derive(Default)]
pub struct Ops {
    state: Mutex<State>,
}

fn is_doc_file(f: &FileMeta) -> bool {
    let n = f.lower_name();
    if is_manifest(n) || n.starts_with("license") || n.starts_with("copying") {
        return false;
    }
    matches!(
        f.ext().map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("md" | "markdown" | "rst" | "adoc" | "txt" | "mdx")
    ) || (f.is_doc() && f.ext().is_none())
}

/// Files that can automate a backup or declare a database: scripts, YAML (Kubernetes, Compose,
/// CI), infrastructure code, task runners. Application source counts only under script-like
/// directories (`scripts/`, `bin/`, `ops/`, `deploy/`, `infra/`, `tools/`) or with "backup" in
/// its name: the database driver of application code is already named by its manifest.
fn is_ops_code(f: &FileMeta) -> bool {
    let n = f.lower_name();
    let ext = f.ext().map(|e| e.to_ascii_lowercase());
    let script_dir = f.path.split('/').rev().skip(1).any(|c| {
        matches!(
            c,
            "scripts"
                | "script"
                | "bin"
                | "ops"
                | "deploy"
                | "infra"
                | "tools"
                | "cron"
                | "backup"
                | "backups"
        )
    });
    matches!(
        ext.as_deref(),
        Some("sh" | "bash" | "yml" | "yaml" | "tf" | "hcl" | "ps1" | "cron")
    ) || matches!(
        n,
        "makefile"
            | "justfile"
            | "procfile"
            | "crontab"
            | "jenkinsfile"
            | "fly.toml"
            | "render.yaml"
    ) || n.starts_with("dockerfile")
        || ((script_dir || n.contains("backup"))
            && matches!(
                ext.as_deref(),
                Some("py" | "js" | "ts" | "mjs" | "go" | "rb")
            ))
}

fn is_manifest(n: &str) -> bool {
    matches!(
        n,
        "package.json" | "cargo.toml" | "go.mod" | "pyproject.toml" | "pipfile"
    ) || (n.starts_with("requirements") && n.ends_with(".txt"))
}

fn headings(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut in_code = false;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let md = t.starts_with('#') && t.trim_start_matches('#').starts_with(' ');
        let adoc = t.starts_with('=') && t.trim_start_matches('=').starts_with(' ');
        if md || adoc {
            out.push((
                i as u32 + 1,
                t.trim_start_matches(['#', '=']).trim().to_lowercase(),
            ));
            continue;
        }
        // reStructuredText / setext: a text line underlined with = - ~ ^
        if let Some(next) = lines.get(i + 1) {
            let n = next.trim();
            if !t.is_empty()
                && n.len() >= 3
                && n.len() >= t.chars().count().min(3)
                && n.chars().all(|c| matches!(c, '=' | '-' | '~' | '^'))
                && !t.starts_with(['-', '*', '|', '>'])
            {
                out.push((i as u32 + 1, t.to_lowercase()));
            }
        }
    }
    out
}

impl Domain for Ops {
    fn name(&self) -> &'static str {
        "ops"
    }
    fn wants(&self, f: &FileMeta) -> bool {
        !f.is_vendored()
            && (is_doc_file(f) || (is_ops_code(f) && !f.is_test()) || is_manifest(f.lower_name()))
    }
    fn visit(&self, file: &SourceFile<'_>) {
        let f = file.meta;
        let mut local = State::default();
        if is_doc_file(f) {
            // ASCII lower-casing keeps byte offsets (and costs a copy, not a Unicode pass)
            let lower = file.text.to_ascii_lowercase();
            let mut d = Doc {
                path: f.path.clone(),
                headings: headings(file.text),
                rollback_body: None,
            };
            if let Some(w) = contains_any(&lower, ROLLBACK)
                && let Some(pos) = lower.find(w)
            {
                let line = lower[..pos].matches('\n').count() as u32 + 1;
                let text = file
                    .text
                    .lines()
                    .nth(line as usize - 1)
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(200)
                    .collect();
                d.rollback_body = Some((line, text));
            }
            local.docs.push(d);
        } else {
            let ops_code = is_ops_code(f) && !f.is_test();
            let mut seen_backup = !ops_code;
            let mut seen_db = false;
            for m in matcher().find_iter(file.text) {
                let backup = m.pattern().as_usize() < BACKUP.len();
                if (backup && seen_backup) || (!backup && seen_db) {
                    continue;
                }
                let (line, _) = file.line_col(m.start());
                let snippet = file.line_at(m.start()).to_string();
                if backup {
                    seen_backup = true;
                    // `backup_retention_period = 0` turns managed backups off
                    let s = snippet.to_ascii_lowercase().replace(' ', "");
                    let off = (s.contains("backup_retention_period=0")
                        || s.contains("backup_retention_days=0"))
                        && !s.contains("=0.");
                    local.backups.push((f.path.clone(), line, snippet, !off));
                } else {
                    seen_db = true;
                    local.db_use.push((f.path.clone(), line, snippet));
                }
                if seen_backup && seen_db {
                    break;
                }
            }
            if ops_code
                && local.backups.is_empty()
                && f.lower_name().contains("backup")
                && (file.text.contains("kind: CronJob") || f.ext() == Some("sh"))
            {
                local.backups.push((
                    f.path.clone(),
                    1,
                    crate::repo::line_at(file.text, 0).to_string(),
                    true,
                ));
            }
        }
        if let Ok(mut s) = self.state.lock() {
            s.docs.extend(local.docs);
            s.backups.extend(local.backups);
            s.db_use.extend(local.db_use);
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        st.docs.sort_by(|a, b| a.path.cmp(&b.path));
        st.backups.sort();
        // manifests and code before CI files (`.github/…`) as the evidence of a database
        st.db_use.sort_by(|a, b| {
            (a.0.starts_with('.'), &a.0, a.1).cmp(&(b.0.starts_with('.'), &b.0, b.1))
        });
        let mut out = Vec::new();
        backups(repo, &st, &mut out);
        documents(repo, &st, &mut out);
        out
    }
}

fn uses_database(repo: &Repo) -> bool {
    [
        "prisma",
        "typeorm",
        "knex",
        "sqlalchemy",
        "alembic",
        "django",
        "sqlx",
        "diesel",
        "golang-migrate",
    ]
    .iter()
    .any(|f| repo.has_framework(f))
}

fn backups(repo: &Repo, st: &State, out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("ops.backup");
    if st.db_use.is_empty() && !uses_database(repo) {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "no database in use (no database driver, ORM, database image or managed database)",
        ));
        return;
    }
    let disabled: Vec<&(String, u32, String, bool)> = st.backups.iter().filter(|b| !b.3).collect();
    if let Some((p, l, s, _)) = disabled.first() {
        out.push(
            Finding::new(
                check,
                Outcome::Fail,
                "managed database backups are turned off",
            )
            .with_evidence(Evidence::at_with_snippet(p, *l, 1, s)),
        );
        return;
    }
    if let Some((p, l, s, _)) = st.backups.first() {
        let mut f = Finding::new(check, Outcome::Pass, "database backups are automated")
            .with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        for (p, l, s, _) in st.backups.iter().skip(1).take(2) {
            f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        }
        out.push(f);
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        "the service keeps data in a database but nothing in the repository automates its backups",
    );
    if let Some((p, l, s)) = st.db_use.first() {
        f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
    }
    out.push(f.with_evidence(Evidence::note(
        "looked for pg_dump/mysqldump/mongodump scripts, a backup CronJob, pgBackRest/WAL-G/Barman/Velero, CloudNativePG ScheduledBackup, Terraform backup_retention_period/point_in_time_recovery/aws_backup_plan",
    )));
}

/// The best evidence of a document on a topic: a file named for it, or a heading.
fn find_doc<'a>(st: &'a State, words: &[&str]) -> Option<(&'a Doc, Option<u32>, String)> {
    for d in &st.docs {
        let name = crate::paths::file_name(&d.path)
            .to_lowercase()
            .replace(['-', '_'], " ");
        let dir_hit = d
            .path
            .to_lowercase()
            .split('/')
            .rev()
            .skip(1)
            .any(|c| contains_any(&c.replace(['-', '_'], " "), words).is_some());
        if contains_any(&name, words).is_some() || dir_hit {
            return Some((d, None, format!("{} is a {} document", d.path, words[0])));
        }
    }
    for d in &st.docs {
        for (l, h) in &d.headings {
            if contains_any(h, words).is_some() {
                return Some((d, Some(*l), h.clone()));
            }
        }
    }
    None
}

fn documents(repo: &Repo, st: &State, out: &mut Vec<Finding>) {
    let cat = Catalog::builtin();
    let ids = ["ops.runbook", "ops.deploy-doc", "ops.rollback-doc"];
    if repo.stacks.is_empty() {
        for id in ids {
            out.push(Finding::new(
                cat.check(id),
                Outcome::NotApplicable,
                "no service stack detected (no package.json, pyproject.toml, Cargo.toml, go.mod…)",
            ));
        }
        return;
    }
    let ev = |d: &Doc, line: Option<u32>, snippet: &str| match line {
        Some(l) => Evidence::at_with_snippet(&d.path, l, 1, snippet),
        None => Evidence::file(&d.path),
    };
    let runbook = find_doc(st, RUNBOOK);
    let deploy = find_doc(st, DEPLOY);
    for (id, found, what, looked) in [
        (
            "ops.runbook",
            &runbook,
            "a runbook / incident / troubleshooting guide",
            "RUNBOOK.md, docs/runbooks/, incident or troubleshooting documents or headings",
        ),
        (
            "ops.deploy-doc",
            &deploy,
            "the deployment procedure",
            "DEPLOY.md, docs/deployment*, a `Deployment` heading",
        ),
    ] {
        let c = cat.check(id);
        match found {
            Some((d, l, s)) => out.push(
                Finding::new(c, Outcome::Pass, format!("{what} is documented"))
                    .with_evidence(ev(d, *l, s)),
            ),
            None => out.push(
                Finding::new(c, Outcome::Fail, format!("no document describes {what}"))
                    .with_evidence(Evidence::note(format!("looked for {looked}"))),
            ),
        }
    }
    let c = cat.check("ops.rollback-doc");
    let by_heading = find_doc(st, ROLLBACK);
    let in_body = || {
        [&deploy, &runbook]
            .into_iter()
            .flatten()
            .find_map(|(d, _, _)| {
                d.rollback_body
                    .as_ref()
                    .map(|(l, s)| (*d, Some(*l), s.clone()))
            })
    };
    match by_heading.or_else(in_body) {
        Some((d, l, s)) => out.push(
            Finding::new(c, Outcome::Pass, "the rollback procedure is documented")
                .with_evidence(ev(d, l, &s)),
        ),
        None => {
            let mut f = Finding::new(
                c,
                Outcome::Fail,
                "no document says how to roll a release back",
            );
            if let Some((d, _, _)) = &deploy {
                f = f.with_evidence(Evidence::note(format!(
                    "{} describes deploying but not rolling back",
                    d.path
                )));
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles() {
        let h = headings(
            "# Title\ntext\n## Deploying\n```\n# not a heading\n```\nRollback\n========\n= Ascii\n",
        );
        let t: Vec<&str> = h.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(t, vec!["title", "deploying", "rollback", "ascii"]);
        assert_eq!(h[2].0, 7);
    }
}
