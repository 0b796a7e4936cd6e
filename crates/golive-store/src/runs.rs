//! Runs: inserting a report (with its findings and category scores, all or nothing), listing and
//! reading runs, the previous run, the delta between two runs, category trends and re-scoring.

use crate::db::{
    Arg, Conditions, Store, bind_all, bind_opt_f64, col, from_ms, ms, new_id, opt_from_ms,
    sha256_hex,
};
use crate::error::{Result, StoreError, invalid, not_found};
use golive_core::diff::ReportDiff;
use golive_core::score::{CategoryScore, Decision, Evaluation, Verdict};
use golive_core::{Catalog, Category, Config, Evidence, Finding, Outcome, Report, Severity};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// What produced a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunKind {
    #[default]
    Audit,
    Probe,
    Load,
    Smoke,
    Check,
    Deploy,
}

impl RunKind {
    pub const ALL: [RunKind; 6] = [
        RunKind::Audit,
        RunKind::Probe,
        RunKind::Load,
        RunKind::Smoke,
        RunKind::Check,
        RunKind::Deploy,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Audit => "audit",
            RunKind::Probe => "probe",
            RunKind::Load => "load",
            RunKind::Smoke => "smoke",
            RunKind::Check => "check",
            RunKind::Deploy => "deploy",
        }
    }
}

impl fmt::Display for RunKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RunKind {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        RunKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                invalid(
                    "run kind",
                    format!("`{s}`: use audit, probe, load, smoke, check or deploy"),
                )
            })
    }
}

fn decision_of(s: &str) -> Result<Decision> {
    match s {
        "GO" => Ok(Decision::Go),
        "ATTENTION" => Ok(Decision::Attention),
        "NO-GO" => Ok(Decision::NoGo),
        other => Err(invalid("stored verdict", format!("`{other}`"))),
    }
}

/// What is known about a run besides its report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub kind: RunKind,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub pushed_by: Option<String>,
    /// Defaults to the report's `generated_at`.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// Unique per project: sending the same report again with the same key returns the run
    /// already stored instead of a second one (a retried upload). The same key with a different
    /// report is an error.
    pub idempotency_key: Option<String>,
    /// Hash of the policy the report was built with; defaults to the SHA-256 of the project's
    /// stored policy text.
    pub policy_hash: Option<String>,
}

/// A run without its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: String,
    /// Project slug.
    pub project: String,
    /// Environment name.
    pub environment: Option<String>,
    pub kind: RunKind,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub pushed_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub score: Option<f64>,
    pub decision: Decision,
    pub policy_hash: Option<String>,
    pub idempotency_key: Option<String>,
}

/// A run with its full report.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub summary: RunSummary,
    pub report: Report,
}

/// The result of [`Store::insert_run`].
#[derive(Debug, Clone, PartialEq)]
pub struct Inserted {
    pub run: RunSummary,
    /// True when the idempotency key was already used for this very report: nothing was written.
    pub existed: bool,
}

/// Which runs [`Store::list_runs`] returns. Times: `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub project: Option<String>,
    pub environment: Option<String>,
    pub kind: Option<RunKind>,
    pub decision: Option<Decision>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Page size: default 50, at most 500.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of results, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Which runs count as "previous" for [`Store::previous_run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindScope {
    /// Only runs of the same kind (an audit is compared with the audit before it).
    Same,
    /// Runs of any kind.
    Any,
}

const RUN_SELECT: &str = "SELECT r.id, p.slug AS project, e.name AS environment, r.kind, \
     r.commit_sha, r.branch, r.pushed_by, r.started_at, r.finished_at, r.score, r.verdict, \
     r.policy_hash, r.idempotency_key, r.report_sha256 \
     FROM runs r JOIN projects p ON p.id = r.project_id \
     LEFT JOIN environments e ON e.id = r.environment_id";

fn summary_of(row: &AnyRow) -> Result<RunSummary> {
    Ok(RunSummary {
        id: col(row, "id")?,
        project: col(row, "project")?,
        environment: col(row, "environment")?,
        kind: col::<String>(row, "kind")?.parse()?,
        commit: col(row, "commit_sha")?,
        branch: col(row, "branch")?,
        pushed_by: col(row, "pushed_by")?,
        started_at: from_ms(col(row, "started_at")?),
        finished_at: opt_from_ms(col(row, "finished_at")?),
        score: col(row, "score")?,
        decision: decision_of(&col::<String>(row, "verdict")?)?,
        policy_hash: col(row, "policy_hash")?,
        idempotency_key: col(row, "idempotency_key")?,
    })
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

fn decompress_report(run: &str, blob: &[u8]) -> Result<Report> {
    let corrupt = |message: String| StoreError::CorruptReport {
        run: run.to_string(),
        message,
    };
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(blob)
        .read_to_end(&mut json)
        .map_err(|e| corrupt(format!("cannot decompress: {e}")))?;
    let text = String::from_utf8(json).map_err(|e| corrupt(e.to_string()))?;
    golive_core::diff::parse_report(&text, &format!("run {run}"))
        .map_err(|e| corrupt(e.to_string()))
}

/// Where a finding shows: its first file place, else its first other evidence (not a note).
fn location_of(f: &Finding) -> Option<String> {
    f.evidence
        .iter()
        .find(|e| matches!(e, Evidence::File { .. }))
        .or_else(|| {
            f.evidence
                .iter()
                .find(|e| !matches!(e, Evidence::Note { .. } | Evidence::SignOff { .. }))
        })
        .map(|e| match e {
            Evidence::Http { method, url, .. } => format!("{method} {url}"),
            other => other.locator(),
        })
}

fn cursor_of(r: &RunSummary) -> String {
    format!("{}.{}", ms(r.started_at), r.id)
}

fn parse_cursor(c: &str) -> Result<(i64, String)> {
    let bad = || {
        invalid(
            "cursor",
            format!("`{c}` is not a cursor this store returned"),
        )
    };
    let (t, id) = c.split_once('.').ok_or_else(bad)?;
    let t: i64 = t.parse().map_err(|_| bad())?;
    if id.is_empty() {
        return Err(bad());
    }
    Ok((t, id.to_string()))
}

/// Rows per multi-row INSERT of findings.
const FINDINGS_PER_INSERT: usize = 50;

impl Store {
    /// Stores a run: the report (compressed), its findings and its category scores in one
    /// transaction. With an idempotency key already used for the same report, returns the run
    /// stored then with `existed: true` and writes nothing.
    pub async fn insert_run(
        &self,
        project: &str,
        environment: Option<&str>,
        meta: &RunMeta,
        report: &Report,
    ) -> Result<Inserted> {
        let p = self.project(project).await?;
        let env_id = match environment {
            Some(name) => Some(self.environment(project, name).await?.id),
            None => None,
        };
        if let Some(k) = &meta.idempotency_key
            && (k.trim().is_empty() || k.len() > 200)
        {
            return Err(invalid(
                "idempotency key",
                format!("`{k}`: give 1 to 200 characters"),
            ));
        }
        let json = serde_json::to_vec(report)
            .map_err(|e| invalid("report", format!("cannot serialize: {e}")))?;
        let report_sha = sha256_hex(&json);
        let blob = compress(&json);
        let started = meta
            .started_at
            .or_else(|| {
                OffsetDateTime::parse(
                    &report.generated_at,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
            })
            .unwrap_or_else(OffsetDateTime::now_utc);
        let policy_hash = meta
            .policy_hash
            .clone()
            .unwrap_or_else(|| sha256_hex(p.policy.as_bytes()));
        let id = new_id();

        let mut tx = self.pool.begin().await?;
        let q = sqlx::query(
            "INSERT INTO runs (id, project_id, environment_id, kind, commit_sha, branch, pushed_by, \
             started_at, finished_at, report, report_sha256, score, verdict, policy_hash, \
             idempotency_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (project_id, idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(&id)
        .bind(&p.id)
        .bind(env_id.as_deref())
        .bind(meta.kind.as_str())
        .bind(meta.commit.as_deref())
        .bind(meta.branch.as_deref())
        .bind(meta.pushed_by.as_deref())
        .bind(ms(started))
        .bind(meta.finished_at.map(ms))
        .bind(blob)
        .bind(&report_sha);
        let row = bind_opt_f64(q, report.score)
            .bind(report.verdict.decision.as_str())
            .bind(&policy_hash)
            .bind(meta.idempotency_key.as_deref())
            .bind(ms(OffsetDateTime::now_utc()))
            .fetch_optional(&mut *tx)
            .await?;
        if row.is_none() {
            tx.rollback().await?;
            let key = meta.idempotency_key.clone().unwrap_or_default();
            let row = sqlx::query(&format!(
                "{RUN_SELECT} WHERE r.project_id = $1 AND r.idempotency_key = $2"
            ))
            .bind(&p.id)
            .bind(&key)
            .fetch_one(&self.pool)
            .await?;
            let run = summary_of(&row)?;
            if col::<String>(&row, "report_sha256")? != report_sha {
                return Err(StoreError::IdempotencyConflict {
                    project: project.to_string(),
                    key,
                    run: run.id,
                });
            }
            return Ok(Inserted { run, existed: true });
        }

        let rows: Vec<(&Finding, bool)> = report
            .findings
            .iter()
            .map(|f| (f, false))
            .chain(report.suppressed.iter().map(|f| (f, true)))
            .collect();
        let mut seq: i64 = 0;
        for chunk in rows.chunks(FINDINGS_PER_INSERT) {
            let mut args = Vec::with_capacity(chunk.len() * 9);
            let mut values = Vec::with_capacity(chunk.len());
            for (f, suppressed) in chunk {
                let base = args.len();
                values.push(format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    base + 1,
                    base + 2,
                    base + 3,
                    base + 4,
                    base + 5,
                    base + 6,
                    base + 7,
                    base + 8,
                    base + 9
                ));
                args.push(Arg::Text(id.clone()));
                args.push(Arg::Int(seq));
                args.push(Arg::Text(f.check.clone()));
                args.push(Arg::Text(f.outcome.as_str().to_string()));
                args.push(Arg::Text(f.severity.as_str().to_string()));
                args.push(Arg::OptText(
                    report
                        .check(&f.check)
                        .map(|c| c.category.as_str().to_string()),
                ));
                args.push(Arg::Text(f.message.clone()));
                args.push(Arg::OptText(location_of(f)));
                args.push(Arg::Int(i64::from(*suppressed)));
                seq += 1;
            }
            let sql = format!(
                "INSERT INTO findings (run_id, seq, check_id, outcome, severity, category, message, location, suppressed) VALUES {}",
                values.join(", ")
            );
            bind_all(sqlx::query(&sql), &args).execute(&mut *tx).await?;
        }
        if !report.categories.is_empty() {
            let mut args = Vec::new();
            let mut values = Vec::new();
            for c in &report.categories {
                let base = args.len();
                let ph: Vec<String> = (1..=10).map(|i| format!("${}", base + i)).collect();
                values.push(format!("({})", ph.join(", ")));
                let n = |v: usize| Arg::Int(v as i64);
                args.push(Arg::Text(id.clone()));
                args.push(Arg::Text(c.category.as_str().to_string()));
                args.push(Arg::OptReal(c.score));
                args.push(n(c.counts.pass));
                args.push(n(c.counts.warn));
                args.push(n(c.counts.fail));
                args.push(n(c.counts.manual));
                args.push(n(c.counts.inconclusive));
                args.push(n(c.counts.error));
                args.push(n(c.counts.not_applicable));
            }
            let sql = format!(
                "INSERT INTO category_scores (run_id, category, score, pass, warn, fail, manual, inconclusive, error, not_applicable) VALUES {}",
                values.join(", ")
            );
            bind_all(sqlx::query(&sql), &args).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Inserted {
            run: self.run_summary(&id).await?,
            existed: false,
        })
    }

    /// A run without its report.
    pub async fn run_summary(&self, id: &str) -> Result<RunSummary> {
        let row = sqlx::query(&format!("{RUN_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("run", id))?;
        summary_of(&row)
    }

    /// A run with its report, decompressed and checked.
    pub async fn get_run(&self, id: &str) -> Result<StoredRun> {
        let summary = self.run_summary(id).await?;
        let row = sqlx::query("SELECT report FROM runs WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let blob: Vec<u8> = col(&row, "report")?;
        let report = decompress_report(id, &blob)?;
        Ok(StoredRun { summary, report })
    }

    /// Runs matching a filter, newest first, one page at a time.
    pub async fn list_runs(&self, filter: &RunFilter) -> Result<Page<RunSummary>> {
        let limit = filter.limit.unwrap_or(50).clamp(1, 500) as i64;
        let mut c = Conditions::default();
        if let Some(p) = &filter.project {
            c.push("p.slug = {}", Arg::Text(p.clone()));
        }
        if let Some(e) = &filter.environment {
            c.push("e.name = {}", Arg::Text(e.clone()));
        }
        if let Some(k) = filter.kind {
            c.push("r.kind = {}", Arg::Text(k.as_str().into()));
        }
        if let Some(d) = filter.decision {
            c.push("r.verdict = {}", Arg::Text(d.as_str().into()));
        }
        if let Some(t) = filter.from {
            c.push("r.started_at >= {}", Arg::Int(ms(t)));
        }
        if let Some(t) = filter.to {
            c.push("r.started_at < {}", Arg::Int(ms(t)));
        }
        if let Some(cur) = &filter.cursor {
            let (t, id) = parse_cursor(cur)?;
            let pt = c.arg(Arg::Int(t));
            let pid = c.arg(Arg::Text(id));
            c.push_raw(format!(
                "(r.started_at < {pt} OR (r.started_at = {pt} AND r.id < {pid}))"
            ));
        }
        let pl = c.arg(Arg::Int(limit + 1));
        let sql = format!(
            "{RUN_SELECT} {} ORDER BY r.started_at DESC, r.id DESC LIMIT {pl}",
            c.where_clause()
        );
        let rows = bind_all(sqlx::query(&sql), &c.args)
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows.iter().map(summary_of).collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(cursor_of)
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// The run before this one in the same project and environment (and of the same kind with
    /// [`KindScope::Same`]).
    pub async fn previous_run(&self, id: &str, scope: KindScope) -> Result<Option<RunSummary>> {
        let kind = match scope {
            KindScope::Same => "AND r.kind = c.kind",
            KindScope::Any => "",
        };
        let sql = format!(
            "{RUN_SELECT} JOIN runs c ON c.id = $1 \
             WHERE r.project_id = c.project_id \
             AND r.environment_id IS NOT DISTINCT FROM c.environment_id {kind} \
             AND (r.started_at < c.started_at OR (r.started_at = c.started_at AND r.id < c.id)) \
             ORDER BY r.started_at DESC, r.id DESC LIMIT 1"
        );
        // Make sure the run itself exists, so that "none" means "first run".
        self.run_summary(id).await?;
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary_of).transpose()
    }

    /// What changed between two runs, and which checks explain the score change.
    pub async fn run_delta(&self, before: &str, after: &str) -> Result<RunDelta> {
        let b = self.get_run(before).await?;
        let a = self.get_run(after).await?;
        Ok(RunDelta::between(&b, &a))
    }

    /// Category scores (and the overall score) of a project's last `limit` runs, oldest first.
    pub async fn category_trend(
        &self,
        project: &str,
        environment: Option<&str>,
        kind: Option<RunKind>,
        limit: u32,
    ) -> Result<Vec<TrendPoint>> {
        self.project(project).await?;
        let page = self
            .list_runs(&RunFilter {
                project: Some(project.to_string()),
                environment: environment.map(str::to_string),
                kind,
                limit: Some(limit),
                ..RunFilter::default()
            })
            .await?;
        if page.items.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = Conditions::default();
        let ph: Vec<String> = page
            .items
            .iter()
            .map(|r| c.arg(Arg::Text(r.id.clone())))
            .collect();
        let sql = format!(
            "SELECT run_id, category, score FROM category_scores WHERE run_id IN ({})",
            ph.join(", ")
        );
        let rows = bind_all(sqlx::query(&sql), &c.args)
            .fetch_all(&self.pool)
            .await?;
        let mut by_run: BTreeMap<String, BTreeMap<Category, Option<f64>>> = BTreeMap::new();
        for row in &rows {
            let cat: String = col(row, "category")?;
            let Ok(cat) = cat.parse::<Category>() else {
                continue;
            };
            by_run
                .entry(col(row, "run_id")?)
                .or_default()
                .insert(cat, col(row, "score")?);
        }
        Ok(page
            .items
            .into_iter()
            .rev()
            .map(|r| TrendPoint {
                categories: by_run.remove(&r.id).unwrap_or_default(),
                run_id: r.id,
                started_at: r.started_at,
                score: r.score,
                decision: r.decision,
                commit: r.commit,
            })
            .collect())
    }

    /// Re-scores one stored run under a policy (see [`rescore_report`]).
    pub async fn rescore_run(&self, id: &str, policy: &Config) -> Result<Rescored> {
        let run = self.get_run(id).await?;
        Ok(Rescored::of(&run, policy))
    }

    /// Re-scores a page of runs. With `policy` `None`, each run is re-scored under its project's
    /// current stored policy.
    pub async fn rescore_runs(
        &self,
        filter: &RunFilter,
        policy: Option<&Config>,
    ) -> Result<Page<Rescored>> {
        let page = self.list_runs(filter).await?;
        let mut policies: BTreeMap<String, Config> = BTreeMap::new();
        let mut items = Vec::with_capacity(page.items.len());
        for s in &page.items {
            let run = self.get_run(&s.id).await?;
            let cfg = match policy {
                Some(c) => c,
                None => {
                    if !policies.contains_key(&s.project) {
                        let cfg = self.project(&s.project).await?.policy_config()?;
                        policies.insert(s.project.clone(), cfg);
                    }
                    &policies[&s.project]
                }
            };
            items.push(Rescored::of(&run, cfg));
        }
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }
}

/// A finding row of a stored run (the report keeps the whole finding; this is for queries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub seq: i64,
    pub check: String,
    pub outcome: Outcome,
    pub severity: Severity,
    pub category: Option<Category>,
    pub message: String,
    /// Primary location: `path:line:col`, `GET url`, …
    pub location: Option<String>,
    /// Listed in the report as suppressed: not scored.
    pub suppressed: bool,
}

fn stored_finding_of(row: &AnyRow) -> Result<StoredFinding> {
    let bad = |field: &'static str| move |e: String| invalid(field, e);
    Ok(StoredFinding {
        seq: col(row, "seq")?,
        check: col(row, "check_id")?,
        outcome: col::<String>(row, "outcome")?
            .parse()
            .map_err(bad("stored outcome"))?,
        severity: col::<String>(row, "severity")?
            .parse()
            .map_err(bad("stored severity"))?,
        category: col::<Option<String>>(row, "category")?.and_then(|c| c.parse().ok()),
        message: col(row, "message")?,
        location: col(row, "location")?,
        suppressed: crate::db::flag(row, "suppressed")?,
    })
}

impl Store {
    /// The findings of a run (counted ones first, then suppressed ones), in report order.
    pub async fn run_findings(&self, run_id: &str) -> Result<Vec<StoredFinding>> {
        self.run_summary(run_id).await?;
        let rows = sqlx::query("SELECT * FROM findings WHERE run_id = $1 ORDER BY seq")
            .bind(run_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(stored_finding_of).collect()
    }

    /// The project's runs in which a check has a counted finding with one of `outcomes`, newest
    /// first (`["fail", "manual"]` answers "when did this check fail?").
    pub async fn runs_with_check(
        &self,
        project: &str,
        check: &str,
        outcomes: &[Outcome],
        limit: u32,
    ) -> Result<Vec<RunSummary>> {
        let mut c = Conditions::default();
        c.push("p.slug = {}", Arg::Text(project.to_string()));
        let pc = c.arg(Arg::Text(check.to_string()));
        let mut oc = Vec::new();
        for o in outcomes {
            oc.push(c.arg(Arg::Text(o.as_str().to_string())));
        }
        let outcome_cond = if oc.is_empty() {
            String::new()
        } else {
            format!(" AND f.outcome IN ({})", oc.join(", "))
        };
        c.push_raw(format!(
            "EXISTS (SELECT 1 FROM findings f WHERE f.run_id = r.id AND f.check_id = {pc} AND f.suppressed = 0{outcome_cond})"
        ));
        let pl = c.arg(Arg::Int(i64::from(limit.clamp(1, 500))));
        let sql = format!(
            "{RUN_SELECT} {} ORDER BY r.started_at DESC, r.id DESC LIMIT {pl}",
            c.where_clause()
        );
        let rows = bind_all(sqlx::query(&sql), &c.args)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(summary_of).collect()
    }
}

/// One point of a trend: a run's overall and per-category scores (`None` = n/a).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub run_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    pub commit: Option<String>,
    pub score: Option<f64>,
    pub decision: Decision,
    pub categories: BTreeMap<Category, Option<f64>>,
}

fn empty_catalog() -> &'static Catalog {
    static EMPTY: OnceLock<Catalog> = OnceLock::new();
    EMPTY.get_or_init(|| {
        Catalog::parse(&[]).unwrap_or_else(|e| unreachable!("an empty catalog parses: {e}"))
    })
}

/// Scores a stored report's counted findings again under `policy`, with golive-core's scoring
/// ([`golive_core::score::evaluate`], the code `ReportBuilder` scores with). Checks are judged
/// by the definitions stored in the report (category, stage), so a later catalog does not change
/// an old run's numbers.
///
/// What a policy can change offline: the verdict thresholds (`[policy]`) and turning checks off
/// (`[checks."ID"] enabled = false`). Severity overrides and `[[suppress]]` rules are the ones
/// the run was built with: the stored findings already carry them, and a check that was turned
/// off when the run was made left no finding to bring back.
pub fn rescore_report(report: &Report, policy: &Config) -> Evaluation {
    let findings = report.findings.iter().filter(|f| policy.enabled(&f.check));
    golive_core::score::evaluate(findings, empty_catalog(), &report.checks, &policy.policy)
}

/// A run's stored score and verdict beside the ones a policy gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rescored {
    pub run_id: String,
    pub original_score: Option<f64>,
    pub original_decision: Decision,
    pub score: Option<f64>,
    pub verdict: Verdict,
    pub categories: Vec<CategoryScore>,
    /// True when the score or the decision differ.
    pub changed: bool,
}

impl Rescored {
    fn of(run: &StoredRun, policy: &Config) -> Rescored {
        let ev = rescore_report(&run.report, policy);
        let changed = ev.verdict.decision != run.summary.decision
            || match (ev.score, run.summary.score) {
                (Some(a), Some(b)) => (a - b).abs() > 1e-9,
                (None, None) => false,
                _ => true,
            };
        Rescored {
            run_id: run.summary.id.clone(),
            original_score: run.summary.score,
            original_decision: run.summary.decision,
            score: ev.score,
            verdict: ev.verdict,
            categories: ev.categories,
            changed,
        }
    }
}

/// How a check's result moved between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckChange {
    /// Counted before with less than full credit, passes now.
    Fixed,
    /// More credit than before, not yet a pass (fail → warn).
    Improved,
    /// Less credit than before.
    Regressed,
    /// Counted now, not before (new check, or it was not applicable / inconclusive).
    Added,
    /// Counted before, not now.
    Removed,
    /// Same credit, another severity (so another weight).
    Regraded,
    /// The outcome changed between two uncounted outcomes (inconclusive → error).
    Changed,
}

impl CheckChange {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckChange::Fixed => "fixed",
            CheckChange::Improved => "improved",
            CheckChange::Regressed => "regressed",
            CheckChange::Added => "added",
            CheckChange::Removed => "removed",
            CheckChange::Regraded => "re-graded",
            CheckChange::Changed => "changed",
        }
    }
}

/// One check's part in a score change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckDelta {
    pub check: String,
    pub title: String,
    pub change: CheckChange,
    /// Outcome and severity before (`None` when the check was not in the run).
    pub before: Option<(Outcome, Severity)>,
    pub after: Option<(Outcome, Severity)>,
    /// Points of the overall score this check's change accounts for (see [`RunDelta`]).
    pub points: f64,
}

/// The change between two runs.
///
/// The overall score is `100 × Σ weightᵢ·creditᵢ / Σ weight`, so each counted check contributes
/// `100 × weightᵢ·creditᵢ / Σ weight` points and the score is the sum of the contributions. A
/// check's `points` is its contribution after minus before; `rebalanced` is the same for all the
/// checks whose result did not change (their weight share moves when checks come and go). So
/// `Σ points + rebalanced` is exactly `score_delta` when both scores exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDelta {
    pub before: RunSummary,
    pub after: RunSummary,
    pub score_delta: Option<f64>,
    /// Checks whose result changed, the largest effect first.
    pub checks: Vec<CheckDelta>,
    pub rebalanced: f64,
    /// Fixed, new and still-failing findings and category deltas (golive-core's report diff).
    pub diff: ReportDiff,
}

/// Each counted check's contribution to the overall score, and (outcome, severity) of all.
fn contributions(report: &Report) -> BTreeMap<String, (Outcome, Severity, f64)> {
    let total: f64 = report
        .results
        .iter()
        .filter(|r| r.outcome.credit().is_some())
        .map(|r| r.severity.weight())
        .sum();
    report
        .results
        .iter()
        .map(|r| {
            let points = match r.outcome.credit() {
                Some(c) if total > 0.0 => 100.0 * r.severity.weight() * c / total,
                _ => 0.0,
            };
            (r.check.clone(), (r.outcome, r.severity, points))
        })
        .collect()
}

impl RunDelta {
    /// Compares two stored runs.
    pub fn between(before: &StoredRun, after: &StoredRun) -> RunDelta {
        let b = contributions(&before.report);
        let a = contributions(&after.report);
        let mut ids: Vec<&String> = b.keys().chain(a.keys()).collect();
        ids.sort();
        ids.dedup();
        let mut checks = Vec::new();
        let mut rebalanced = 0.0;
        for id in ids {
            let (ob, oa) = (b.get(id), a.get(id));
            let points = oa.map_or(0.0, |x| x.2) - ob.map_or(0.0, |x| x.2);
            let credit = |x: Option<&(Outcome, Severity, f64)>| x.and_then(|x| x.0.credit());
            let change = match (credit(ob), credit(oa)) {
                (None, Some(_)) => Some(CheckChange::Added),
                (Some(_), None) => Some(CheckChange::Removed),
                (Some(cb), Some(ca)) if ca > cb && ca >= 1.0 => Some(CheckChange::Fixed),
                (Some(cb), Some(ca)) if ca > cb => Some(CheckChange::Improved),
                (Some(cb), Some(ca)) if ca < cb => Some(CheckChange::Regressed),
                (Some(_), Some(_)) if ob.map(|x| x.1) != oa.map(|x| x.1) => {
                    Some(CheckChange::Regraded)
                }
                (Some(_), Some(_)) => None,
                (None, None) if ob.map(|x| (x.0, x.1)) != oa.map(|x| (x.0, x.1)) => {
                    Some(CheckChange::Changed)
                }
                (None, None) => None,
            };
            match change {
                Some(change) => {
                    let title = after
                        .report
                        .check(id)
                        .or_else(|| before.report.check(id))
                        .map(|c| c.title.clone())
                        .unwrap_or_else(|| id.clone());
                    checks.push(CheckDelta {
                        check: id.clone(),
                        title,
                        change,
                        before: ob.map(|x| (x.0, x.1)),
                        after: oa.map(|x| (x.0, x.1)),
                        points,
                    });
                }
                None => rebalanced += points,
            }
        }
        checks.sort_by(|x, y| {
            y.points
                .abs()
                .total_cmp(&x.points.abs())
                .then_with(|| x.check.cmp(&y.check))
        });
        RunDelta {
            score_delta: match (before.summary.score, after.summary.score) {
                (Some(b), Some(a)) => Some(a - b),
                _ => None,
            },
            checks,
            rebalanced,
            diff: golive_core::diff::diff(&before.report, &after.report),
            before: before.summary.clone(),
            after: after.summary.clone(),
        }
    }

    /// One line: `65 → 85: +7.5 docker.non-root-user fixed, -2.5 docs.readme regressed`.
    pub fn summary(&self) -> String {
        let s = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.0}"));
        let mut parts: Vec<String> = self
            .checks
            .iter()
            .map(|c| format!("{:+.1} {} {}", c.points, c.check, c.change.as_str()))
            .collect();
        if self.rebalanced.abs() >= 0.05 {
            parts.push(format!(
                "{:+.1} unchanged checks re-weighted",
                self.rebalanced
            ));
        }
        let head = format!("{} → {}", s(self.before.score), s(self.after.score));
        if parts.is_empty() {
            format!("{head}: no check changed")
        } else {
            format!("{head}: {}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let (t, id) = parse_cursor("1700000000000.0190-abc").unwrap();
        assert_eq!((t, id.as_str()), (1_700_000_000_000, "0190-abc"));
        for bad in ["", "x.y", "12", "12."] {
            let e = parse_cursor(bad).unwrap_err().to_string();
            assert!(e.contains("cursor"), "{e}");
        }
    }

    #[test]
    fn compression_round_trips() {
        let r = golive_core::ReportBuilder::new(golive_core::Target {
            name: "t".into(),
            ..Default::default()
        })
        .build(Catalog::builtin(), &Config::default());
        let json = serde_json::to_vec(&r).unwrap();
        let back = decompress_report("x", &compress(&json)).unwrap();
        assert_eq!(back, r);
        let e = decompress_report("x", b"not zlib").unwrap_err().to_string();
        assert!(e.contains("run x") && e.contains("decompress"), "{e}");
    }
}
