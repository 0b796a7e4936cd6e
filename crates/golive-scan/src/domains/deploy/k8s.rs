//! Kubernetes manifests (`k8s.*`): every Deployment, StatefulSet, DaemonSet, Job and CronJob in
//! the repository's YAML (multi-document files, Kustomize bases, overlays and image overrides;
//! Helm templates are skipped with a note), judged together with the Services, HPAs and
//! PodDisruptionBudgets around them.

use super::docker::{placeholder_value, secret_name, url_password};
use super::dockerfile::{ImageRef, Pin};
use super::{finding_at, lowered_for};
use crate::domains::ParseError;
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome, mask_secret};
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every k8s check id this module owns.
pub const CHECKS: &[&str] = &[
    "k8s.parse",
    "k8s.readiness-probe",
    "k8s.liveness-probe",
    "k8s.probes-identical",
    "k8s.resources",
    "k8s.image-pinned",
    "k8s.run-as-non-root",
    "k8s.privilege-escalation",
    "k8s.read-only-root-fs",
    "k8s.replicas",
    "k8s.pdb",
    "k8s.hpa",
    "k8s.db-backup",
    "k8s.env-secrets",
];

/// Kinds judged as workloads.
const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Rollout",
    "Pod",
];

/// Image names (last path component, prefix match) of databases.
const DATABASES: &[&str] = &[
    "postgres",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "percona",
    "mongo",
    "cassandra",
    "scylla",
    "cockroach",
    "clickhouse",
    "couchdb",
    "neo4j",
    "influxdb",
];

/// Words that show a CronJob or Job takes database backups.
const BACKUP_WORDS: &[&str] = &[
    "backup",
    "pg_dump",
    "pg_dumpall",
    "pg_basebackup",
    "pgbackrest",
    "wal-g",
    "mysqldump",
    "mariadb-dump",
    "mariabackup",
    "xtrabackup",
    "mongodump",
    "velero",
    "restic",
];

/// Kinds of backup operators' resources (Velero, CloudNativePG, Zalando, Percona…).
const BACKUP_KINDS: &[&str] = &[
    "Schedule",
    "ScheduledBackup",
    "Backup",
    "PerconaXtraDBClusterBackup",
];

/// One YAML document of a manifest file.
#[derive(Debug, Clone)]
pub struct Doc {
    pub path: String,
    /// 1-based line where the document starts in the file.
    pub line: u32,
    pub text: String,
    pub value: Value,
}

/// What was read from one YAML file that looks like Kubernetes.
#[derive(Debug, Clone, Default)]
pub struct K8sFile {
    pub path: String,
    pub docs: Vec<Doc>,
    /// YAML errors, located in the file.
    pub errors: Vec<ParseError>,
    /// A Helm template (not valid YAML before rendering): skipped.
    pub helm: bool,
}

/// What the Dockerfile checks need to know about the manifests.
#[derive(Debug, Clone, Default)]
pub struct K8sSummary {
    /// Application containers of long-running workloads.
    pub containers: usize,
    /// Those with a readiness or liveness probe.
    pub probed: Vec<Probed>,
}

/// A container with probes.
#[derive(Debug, Clone)]
pub struct Probed {
    pub image: String,
    pub image_basename: String,
    pub path: String,
    pub line: u32,
}

/// Whether a YAML file may be a Kubernetes manifest (cheap path test).
pub fn wants(f: &FileMeta) -> bool {
    matches!(f.ext(), Some("yaml" | "yml"))
        && !f.is_vendored()
        && !f.path.starts_with(".github/")
        && !f.path.starts_with(".gitlab")
        && !super::compose::is_compose_name(f.name())
}

fn is_kustomization(path: &str) -> bool {
    matches!(
        crate::paths::file_name(path),
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// Reads a YAML file; `None` when it is not Kubernetes.
pub fn read(path: &str, text: &str) -> Option<K8sFile> {
    let kustomization = is_kustomization(path);
    let looks_k8s = text.contains("apiVersion") && text.contains("kind");
    if !kustomization && !looks_k8s {
        return None;
    }
    let in_templates = path.split('/').any(|c| c == "templates");
    if in_templates && text.contains("{{") {
        return Some(K8sFile {
            path: path.to_string(),
            helm: true,
            ..Default::default()
        });
    }
    let mut file = K8sFile {
        path: path.to_string(),
        ..Default::default()
    };
    for (start, chunk) in split_documents(text) {
        if chunk.trim().is_empty() {
            continue;
        }
        if let Some((line, msg)) = super::yaml_too_deep(&chunk) {
            file.errors
                .push(ParseError::new(path, start + line - 1, 1, msg));
            continue;
        }
        match serde_yaml::from_str::<Value>(&chunk) {
            Ok(mut value) => {
                // `<<: *anchor` merge keys; on a malformed merge the unmerged value is kept.
                let _ = value.apply_merge();
                if let Some(items) = value.get("items").and_then(Value::as_sequence)
                    && value.get("kind").and_then(Value::as_str) == Some("List")
                {
                    for item in items {
                        file.docs.push(Doc {
                            path: path.to_string(),
                            line: start,
                            text: chunk.clone(),
                            value: item.clone(),
                        });
                    }
                    continue;
                }
                file.docs.push(Doc {
                    path: path.to_string(),
                    line: start,
                    text: chunk,
                    value,
                });
            }
            // The message repeats the chunk-relative position; the error keeps only the reason
            // and the position in the file.
            Err(e) => file.errors.push(ParseError::yaml(path, start, &e)),
        }
    }
    // A templated manifest (Helm outside `templates/`, Jinja, gomplate…) is not YAML until
    // rendered: skipped with a note rather than reported as broken.
    if !file.errors.is_empty() && text.contains("{{") && text.contains("}}") {
        return Some(K8sFile {
            path: path.to_string(),
            helm: true,
            ..Default::default()
        });
    }
    // Plain YAML that is not Kubernetes at all (no kind/apiVersion in any document) is ignored,
    // unless it failed to parse and mentions both keys.
    let any_k8s = file.docs.iter().any(|d| {
        d.value.get("kind").and_then(Value::as_str).is_some() && d.value.get("apiVersion").is_some()
    });
    if !any_k8s && !kustomization && file.errors.is_empty() {
        return None;
    }
    if !any_k8s && !kustomization && !text.contains("apiVersion:") {
        return None;
    }
    Some(file)
}

/// Splits a multi-document YAML text on `---` lines: (1-based start line, text).
fn split_documents(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 1u32;
    for (i, line) in text.split('\n').enumerate() {
        let is_sep = line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '#');
        let is_end = line.trim_end() == "...";
        if is_sep || is_end {
            out.push((start, std::mem::take(&mut cur)));
            start = i as u32 + 2;
            let rest = if is_sep { line[3..].trim() } else { "" };
            if !rest.is_empty() && !rest.starts_with('#') {
                // `--- value` on the separator line: keep the content, on its own line number.
                start = i as u32 + 1;
                cur.push_str(rest);
                cur.push('\n');
            }
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    out.push((start, cur));
    out
}

fn s(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in keys {
        cur = cur.get(*k)?;
    }
    Some(cur)
}

fn labels(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(m) = v.and_then(Value::as_mapping) {
        for (k, v) in m {
            if let (Some(k), Some(v)) = (s(Some(k)), s(Some(v))) {
                out.insert(k, v);
            }
        }
    }
    out
}

fn as_u64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// The 1-based file line of the first line of `doc` containing `needle` (the doc start when
/// absent).
fn line_of(doc: &Doc, needle: &str) -> u32 {
    doc.text
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| doc.line + i as u32)
        .unwrap_or(doc.line)
}

/// Where `name:` and `image:` values sit in a document, built once per workload so that
/// locating many containers stays linear.
#[derive(Default)]
struct LineIndex {
    names: std::collections::HashMap<String, Vec<usize>>,
    images: std::collections::HashMap<String, Vec<usize>>,
}

impl LineIndex {
    fn new(doc: &Doc) -> Self {
        let mut idx = LineIndex::default();
        for (i, l) in doc.text.lines().enumerate() {
            let t = l.trim_start().trim_start_matches("- ").trim_end();
            let unquote = |v: &str| v.trim().trim_matches(['"', '\'']).to_string();
            if let Some(v) = t.strip_prefix("name:") {
                idx.names.entry(unquote(v)).or_default().push(i);
            } else if let Some(v) = t.strip_prefix("image:") {
                idx.images.entry(unquote(v)).or_default().push(i);
            }
        }
        idx
    }

    /// The line of a container's `image:` (the one nearest its `name:` when several containers
    /// use the same image), or of its name.
    fn container(&self, doc: &Doc, name: &str, image: &str) -> u32 {
        let names = self.names.get(name).map(Vec::as_slice).unwrap_or(&[]);
        let images = self.images.get(image).map(Vec::as_slice).unwrap_or(&[]);
        // For each name line, the nearest image line (both lists are sorted).
        let nearest = names
            .iter()
            .filter_map(|&n| {
                let k = images.partition_point(|&i| i < n);
                [k.checked_sub(1), Some(k)]
                    .into_iter()
                    .flatten()
                    .filter_map(|k| images.get(k))
                    // On a tie, the image below the name: `- name:` usually comes first.
                    .min_by_key(|&&i| (i.abs_diff(n), i < n))
                    .map(|&i| (i.abs_diff(n), i))
            })
            .min();
        let line = nearest
            .map(|(_, i)| i)
            .or(images.first().copied())
            .or(names.last().copied());
        line.map(|i| doc.line + i as u32).unwrap_or(doc.line)
    }

    /// The first line of `name: NAME`.
    fn name(&self, doc: &Doc, name: &str) -> u32 {
        self.names
            .get(name)
            .and_then(|v| v.first())
            .map(|&i| doc.line + i as u32)
            .unwrap_or(doc.line)
    }
}

/// A Kubernetes object.
struct Obj<'a> {
    doc: &'a Doc,
    kind: String,
    name: String,
    namespace: String,
}

impl Obj<'_> {
    fn v(&self) -> &Value {
        &self.doc.value
    }
    fn line(&self) -> u32 {
        line_of(self.doc, "kind:")
    }
    fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

struct Container<'a> {
    name: String,
    image: String,
    v: &'a Value,
    init: bool,
    line: u32,
}

struct Workload<'a> {
    obj: Obj<'a>,
    pod_spec: Option<&'a Value>,
    pod_labels: BTreeMap<String, String>,
    replicas: Option<u64>,
    containers: Vec<Container<'a>>,
    index: LineIndex,
}

impl Workload<'_> {
    fn long_running(&self) -> bool {
        matches!(
            self.obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "Rollout"
        )
    }
    fn scalable(&self) -> bool {
        matches!(
            self.obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "Rollout"
        )
    }
    fn app_containers(&self) -> impl Iterator<Item = &Container<'_>> {
        self.containers.iter().filter(|c| !c.init)
    }
    fn is_database(&self) -> bool {
        self.app_containers().any(|c| {
            let r = ImageRef::parse(&c.image);
            let base = r.basename().to_ascii_lowercase();
            DATABASES.iter().any(|d| base.starts_with(d))
        })
    }
}

fn workload<'a>(obj: Obj<'a>) -> Workload<'a> {
    let v = &obj.doc.value;
    // A bare Pod is its own template.
    let template = match obj.kind.as_str() {
        "CronJob" => path(v, &["spec", "jobTemplate", "spec", "template"]),
        "Pod" => Some(v),
        _ => path(v, &["spec", "template"]),
    };
    let pod_spec = template.and_then(|t| t.get("spec"));
    let pod_labels = labels(template.and_then(|t| path(t, &["metadata", "labels"])));
    let replicas = as_u64(path(v, &["spec", "replicas"]));
    let mut containers = Vec::new();
    let index = LineIndex::new(obj.doc);
    for (key, init) in [("initContainers", true), ("containers", false)] {
        if let Some(list) = pod_spec
            .and_then(|p| p.get(key))
            .and_then(Value::as_sequence)
        {
            for c in list {
                let name = s(c.get("name")).unwrap_or_default();
                let image = s(c.get("image")).unwrap_or_default();
                let line = index.container(obj.doc, &name, &image);
                containers.push(Container {
                    name,
                    image,
                    v: c,
                    init,
                    line,
                });
            }
        }
    }
    Workload {
        obj,
        pod_spec,
        pod_labels,
        replicas,
        containers,
        index,
    }
}

/// What kustomizations add: patch files (not whole resources), image and replica overrides.
#[derive(Default)]
struct Kustomize {
    patch_files: BTreeSet<String>,
    pinned_images: BTreeSet<String>,
    replicas: BTreeMap<String, u64>,
}

fn normalise(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn kustomize(files: &[K8sFile]) -> Kustomize {
    let mut k = Kustomize::default();
    for f in files.iter().filter(|f| is_kustomization(&f.path)) {
        let dir = f.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for d in &f.docs {
            let v = &d.value;
            for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
                for p in v
                    .get(key)
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let rel = s(Some(p)).or_else(|| s(p.get("path")));
                    if let Some(rel) = rel {
                        k.patch_files.insert(normalise(dir, &rel));
                    }
                }
            }
            for i in v
                .get("images")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let pinned =
                    i.get("digest").is_some() || s(i.get("newTag")).is_some_and(|t| t != "latest");
                if let (true, Some(name)) = (pinned, s(i.get("name"))) {
                    k.pinned_images.insert(name);
                }
            }
            for r in v
                .get("replicas")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                if let (Some(n), Some(c)) = (s(r.get("name")), as_u64(r.get("count"))) {
                    let e = k.replicas.entry(n).or_insert(0);
                    *e = (*e).max(c);
                }
            }
        }
    }
    k
}

fn subset(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn cat(id: &str) -> &'static golive_core::Check {
    Catalog::builtin().check(id)
}

fn wl_at(id: &str, outcome: Outcome, msg: impl Into<String>, w: &Workload) -> Finding {
    let snippet = format!("kind: {} (name: {})", w.obj.kind, w.obj.name);
    finding_at(
        cat(id),
        outcome,
        msg,
        &w.obj.doc.path,
        w.obj.line(),
        &snippet,
    )
}

fn c_at(
    id: &str,
    outcome: Outcome,
    msg: impl Into<String>,
    w: &Workload,
    c: &Container,
) -> Finding {
    let snippet = if c.image.is_empty() {
        format!("name: {}", c.name)
    } else {
        format!("image: {}", c.image)
    };
    finding_at(cat(id), outcome, msg, &w.obj.doc.path, c.line, &snippet)
}

fn na(id: &str, msg: &str) -> Finding {
    Finding::new(cat(id), Outcome::NotApplicable, msg)
}

/// The probe handler (what is called), without its timing.
fn handler(probe: &Value) -> Option<Value> {
    let m = probe.as_mapping()?;
    let mut h = serde_yaml::Mapping::new();
    for key in ["httpGet", "tcpSocket", "exec", "grpc"] {
        if let Some(v) = m.get(key) {
            h.insert(Value::String(key.into()), v.clone());
        }
    }
    (!h.is_empty()).then_some(Value::Mapping(h))
}

/// Kubernetes findings and the summary the Dockerfile checks use.
pub fn findings(files: &[K8sFile], _repo: &Repo) -> (Vec<Finding>, K8sSummary) {
    let mut out = Vec::new();
    let mut summary = K8sSummary::default();
    let helm: Vec<&K8sFile> = files.iter().filter(|f| f.helm).collect();
    let kz = kustomize(files);

    // Objects, with patch documents set aside.
    let mut objs = Vec::new();
    let mut patches: Vec<&Doc> = Vec::new();
    for f in files
        .iter()
        .filter(|f| !f.helm && !is_kustomization(&f.path))
    {
        let is_patch = kz.patch_files.contains(&f.path);
        for d in &f.docs {
            let kind = s(d.value.get("kind")).unwrap_or_default();
            if kind.is_empty() || d.value.get("apiVersion").is_none() {
                continue;
            }
            if is_patch {
                patches.push(d);
                continue;
            }
            objs.push(Obj {
                doc: d,
                name: s(path(&d.value, &["metadata", "name"])).unwrap_or_default(),
                namespace: s(path(&d.value, &["metadata", "namespace"])).unwrap_or_default(),
                kind,
            });
        }
    }

    // k8s.parse
    let errors: Vec<&ParseError> = files.iter().flat_map(|f| f.errors.iter()).collect();
    let helm_note = (!helm.is_empty()).then(|| {
        Evidence::note(format!(
            "{} Helm or other templated manifest(s) skipped (render them, e.g. `helm template`, and audit the \
             output): {}",
            helm.len(),
            helm.iter()
                .take(5)
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    });
    if errors.is_empty() {
        let parsed = files.iter().filter(|f| !f.helm).count();
        let mut f = if parsed == 0 {
            Finding::new(
                cat("k8s.parse"),
                if helm.is_empty() {
                    Outcome::NotApplicable
                } else {
                    Outcome::Inconclusive
                },
                if helm.is_empty() {
                    "no Kubernetes manifests".to_string()
                } else {
                    "only Helm templates, which are not YAML until rendered".to_string()
                },
            )
        } else {
            Finding::new(
                cat("k8s.parse"),
                Outcome::Pass,
                format!("{parsed} Kubernetes manifest file(s) parse"),
            )
        };
        f.evidence.extend(helm_note.clone());
        out.push(f);
    } else {
        for e in &errors {
            let mut fi = Finding::new(
                cat("k8s.parse"),
                Outcome::Fail,
                format!("{}: invalid YAML: {}", e.locator(), e.msg),
            )
            .with_evidence(e.evidence());
            fi.evidence.extend(helm_note.clone());
            out.push(lowered_for(fi, &e.path));
        }
    }

    let workloads: Vec<Workload> = objs
        .into_iter()
        .filter(|o| WORKLOADS.contains(&o.kind.as_str()))
        .map(workload)
        .collect();
    // Everything else again (the iterator consumed objs): rebuild the supporting objects.
    let support: Vec<Obj> = files
        .iter()
        .filter(|f| !f.helm && !is_kustomization(&f.path) && !kz.patch_files.contains(&f.path))
        .flat_map(|f| f.docs.iter())
        .filter_map(|d| {
            let kind = s(d.value.get("kind"))?;
            (!WORKLOADS.contains(&kind.as_str())).then(|| Obj {
                doc: d,
                name: s(path(&d.value, &["metadata", "name"])).unwrap_or_default(),
                namespace: s(path(&d.value, &["metadata", "namespace"])).unwrap_or_default(),
                kind,
            })
        })
        .collect();

    // What the manifests that do not parse would deploy is unknown: no other check can pass (or
    // be not applicable) without them. Once per file.
    let mut undecided: Vec<&ParseError> = Vec::new();
    for e in &errors {
        if !undecided.iter().any(|u| u.path == e.path) {
            undecided.push(e);
        }
    }
    for id in &CHECKS[1..] {
        for e in &undecided {
            out.push(lowered_for(e.undecided(cat(id)), &e.path));
        }
    }
    if workloads.is_empty() {
        if !undecided.is_empty() {
            return (out, summary);
        }
        let msg = if !helm.is_empty() {
            "no workloads outside Helm templates (not rendered, so not audited)"
        } else {
            "no Kubernetes workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, Rollout)"
        };
        let outcome = if helm.is_empty() {
            Outcome::NotApplicable
        } else {
            Outcome::Inconclusive
        };
        for id in &CHECKS[1..] {
            let mut f = Finding::new(cat(id), outcome, msg);
            f.evidence.extend(helm_note.clone());
            out.push(f);
        }
        return (out, summary);
    }

    let services: Vec<(&Obj, BTreeMap<String, String>)> = support
        .iter()
        .filter(|o| o.kind == "Service")
        .map(|o| (o, labels(path(o.v(), &["spec", "selector"]))))
        .collect();
    let hpas: Vec<(&Obj, String, String, u64)> = support
        .iter()
        .filter(|o| o.kind == "HorizontalPodAutoscaler" || o.kind == "ScaledObject")
        .filter_map(|o| {
            let t = path(o.v(), &["spec", "scaleTargetRef"])?;
            let kind = s(t.get("kind")).unwrap_or_else(|| "Deployment".into());
            let name = s(t.get("name"))?;
            let min = as_u64(path(o.v(), &["spec", "minReplicas"]))
                .or_else(|| as_u64(path(o.v(), &["spec", "minReplicaCount"])))
                .unwrap_or(1);
            Some((o, kind, name, min))
        })
        .collect();
    let pdbs: Vec<(&Obj, BTreeMap<String, String>)> = support
        .iter()
        .filter(|o| o.kind == "PodDisruptionBudget")
        .map(|o| (o, labels(path(o.v(), &["spec", "selector", "matchLabels"]))))
        .collect();

    let mut long_running = false;
    let mut any_pair = false;
    for w in &workloads {
        let ns = &w.obj.namespace;
        let p = &w.obj.doc.path;
        let push = |out: &mut Vec<Finding>, f: Finding| out.push(lowered_for(f, p));
        if w.long_running() {
            long_running = true;
            for c in w.app_containers() {
                summary.containers += 1;
                if c.v.get("readinessProbe").is_some() || c.v.get("livenessProbe").is_some() {
                    let r = ImageRef::parse(&c.image);
                    summary.probed.push(Probed {
                        image: c.image.clone(),
                        image_basename: r.basename().to_ascii_lowercase(),
                        path: p.clone(),
                        line: c.line,
                    });
                }
            }
            // Readiness: matters when a Service sends traffic to the pods.
            let selected_by = services
                .iter()
                .find(|(o, sel)| &o.namespace == ns && subset(sel, &w.pod_labels));
            match selected_by {
                Some((svc, _)) => {
                    let with_ports: Vec<&Container> = w
                        .app_containers()
                        .filter(|c| c.v.get("ports").is_some())
                        .collect();
                    let must: Vec<&Container> = if with_ports.is_empty() {
                        w.app_containers().collect()
                    } else {
                        with_ports
                    };
                    let missing: Vec<&&Container> = must
                        .iter()
                        .filter(|c| c.v.get("readinessProbe").is_none())
                        .collect();
                    if missing.is_empty() {
                        push(
                            &mut out,
                            wl_at(
                                "k8s.readiness-probe",
                                Outcome::Pass,
                                format!(
                                    "{} has readiness probes (selected by Service {})",
                                    w.obj.label(),
                                    svc.name
                                ),
                                w,
                            ),
                        );
                    }
                    for c in missing {
                        push(
                            &mut out,
                            c_at(
                                "k8s.readiness-probe",
                                Outcome::Fail,
                                format!(
                                    "container `{}` of {} has no readinessProbe, but Service {} \
                                     sends it traffic: requests reach pods that are not ready",
                                    c.name,
                                    w.obj.label(),
                                    svc.name
                                ),
                                w,
                                c,
                            ),
                        );
                    }
                }
                None => push(
                    &mut out,
                    wl_at(
                        "k8s.readiness-probe",
                        Outcome::NotApplicable,
                        format!(
                            "no Service selects the pods of {}: readiness only gates Service \
                             traffic",
                            w.obj.label()
                        ),
                        w,
                    ),
                ),
            }
            // Liveness.
            let mut all = true;
            for c in w.app_containers() {
                if c.v.get("livenessProbe").is_none() {
                    all = false;
                    push(
                        &mut out,
                        c_at(
                            "k8s.liveness-probe",
                            Outcome::Fail,
                            format!(
                                "container `{}` of {} has no livenessProbe: a hung process is \
                                 never restarted",
                                c.name,
                                w.obj.label()
                            ),
                            w,
                            c,
                        ),
                    );
                }
            }
            if all {
                push(
                    &mut out,
                    wl_at(
                        "k8s.liveness-probe",
                        Outcome::Pass,
                        format!("every container of {} has a livenessProbe", w.obj.label()),
                        w,
                    ),
                );
            }
            // Identical probes.
            for c in w.app_containers() {
                let (Some(r), Some(l)) = (c.v.get("readinessProbe"), c.v.get("livenessProbe"))
                else {
                    continue;
                };
                any_pair = true;
                let same = handler(r).is_some() && handler(r) == handler(l);
                push(
                    &mut out,
                    c_at(
                        "k8s.probes-identical",
                        if same { Outcome::Fail } else { Outcome::Pass },
                        if same {
                            format!(
                                "container `{}` of {} uses the same check for readiness and \
                                 liveness: when a dependency is slow, Kubernetes restarts every \
                                 pod instead of only taking them out of rotation",
                                c.name,
                                w.obj.label()
                            )
                        } else {
                            format!(
                                "container `{}` of {} has distinct readiness and liveness checks",
                                c.name,
                                w.obj.label()
                            )
                        },
                        w,
                        c,
                    ),
                );
            }
        }

        // Resources.
        for c in &w.containers {
            let mut missing = Vec::new();
            for (k, label) in [
                (["resources", "requests", "cpu"], "requests.cpu"),
                (["resources", "requests", "memory"], "requests.memory"),
                (["resources", "limits", "memory"], "limits.memory"),
            ] {
                if path(c.v, &k).is_none() {
                    missing.push(label);
                }
            }
            let f = if missing.is_empty() {
                c_at(
                    "k8s.resources",
                    Outcome::Pass,
                    format!(
                        "container `{}` of {} sets CPU/memory requests and a memory limit",
                        c.name,
                        w.obj.label()
                    ),
                    w,
                    c,
                )
            } else {
                c_at(
                    "k8s.resources",
                    Outcome::Fail,
                    format!(
                        "container `{}` of {} has no {}",
                        c.name,
                        w.obj.label(),
                        missing.join(", ")
                    ),
                    w,
                    c,
                )
            };
            push(&mut out, f);
        }

        // Image pinned.
        for c in &w.containers {
            let r = ImageRef::parse(&c.image);
            let overridden =
                kz.pinned_images.contains(&r.repository) || kz.pinned_images.contains(r.basename());
            let (outcome, msg) = if c.image.is_empty() {
                (
                    Outcome::Fail,
                    format!("container `{}` has no image", c.name),
                )
            } else if c.image.contains('$') || c.image.contains("{{") {
                (
                    Outcome::Inconclusive,
                    format!("image `{}` is substituted at deploy time", c.image),
                )
            } else if overridden {
                (
                    Outcome::Pass,
                    format!(
                        "image `{}` is pinned by the kustomization's `images:` override",
                        c.image
                    ),
                )
            } else {
                match r.pin() {
                    Pin::Digest => (
                        Outcome::Pass,
                        format!("image `{}` is pinned by digest", c.image),
                    ),
                    Pin::Tag => (
                        Outcome::Pass,
                        format!("image `{}` is pinned to a tag", c.image),
                    ),
                    Pin::Latest => (
                        Outcome::Fail,
                        format!("image `{}` uses the moving `latest` tag", c.image),
                    ),
                    Pin::NoTag => (
                        Outcome::Fail,
                        format!("image `{}` has no tag (it means `latest`)", c.image),
                    ),
                }
            };
            push(&mut out, c_at("k8s.image-pinned", outcome, msg, w, c));
        }

        // Security context.
        let pod_sc = w.pod_spec.and_then(|p| p.get("securityContext"));
        for c in &w.containers {
            let sc = c.v.get("securityContext");
            let get = |k: &str| {
                sc.and_then(|s| s.get(k))
                    .or_else(|| pod_sc.and_then(|s| s.get(k)))
            };
            let user = as_u64(get("runAsUser"));
            let non_root = get("runAsNonRoot").and_then(Value::as_bool);
            let (outcome, msg) = match (user, non_root) {
                (Some(0), _) => (Outcome::Fail, "runs as uid 0 (`runAsUser: 0`)".to_string()),
                (Some(u), _) => (Outcome::Pass, format!("runs as uid {u}")),
                (None, Some(true)) => (Outcome::Pass, "sets `runAsNonRoot: true`".to_string()),
                (None, Some(false)) => (Outcome::Fail, "sets `runAsNonRoot: false`".to_string()),
                (None, None) => (
                    Outcome::Fail,
                    "sets neither `runAsNonRoot: true` nor a non-zero `runAsUser`: it runs as \
                     whatever user the image defaults to, often root"
                        .to_string(),
                ),
            };
            push(
                &mut out,
                c_at(
                    "k8s.run-as-non-root",
                    outcome,
                    format!("container `{}` of {} {msg}", c.name, w.obj.label()),
                    w,
                    c,
                ),
            );

            let privileged = sc
                .and_then(|s| s.get("privileged"))
                .and_then(Value::as_bool);
            let escalation = sc
                .and_then(|s| s.get("allowPrivilegeEscalation"))
                .and_then(Value::as_bool);
            let sys_admin = sc
                .and_then(|s| path(s, &["capabilities", "add"]))
                .and_then(Value::as_sequence)
                .is_some_and(|l| {
                    l.iter().any(|c| {
                        s(Some(c)).is_some_and(|c| {
                            matches!(
                                c.to_ascii_uppercase().as_str(),
                                "SYS_ADMIN" | "CAP_SYS_ADMIN" | "ALL"
                            )
                        })
                    })
                });
            let (outcome, msg) = if privileged == Some(true) {
                (Outcome::Fail, "is privileged (full access to the node)")
            } else if sys_admin {
                (Outcome::Fail, "adds the SYS_ADMIN (or ALL) capability")
            } else if escalation == Some(true) {
                (Outcome::Fail, "sets `allowPrivilegeEscalation: true`")
            } else if escalation == Some(false) {
                (
                    Outcome::Pass,
                    "is unprivileged with `allowPrivilegeEscalation: false`",
                )
            } else {
                (
                    Outcome::Warn,
                    "does not set `allowPrivilegeEscalation: false` (the default allows setuid \
                     binaries to gain privileges)",
                )
            };
            push(
                &mut out,
                c_at(
                    "k8s.privilege-escalation",
                    outcome,
                    format!("container `{}` of {} {msg}", c.name, w.obj.label()),
                    w,
                    c,
                ),
            );

            if !c.init {
                let ro = sc
                    .and_then(|s| s.get("readOnlyRootFilesystem"))
                    .and_then(Value::as_bool)
                    == Some(true);
                push(
                    &mut out,
                    c_at(
                        "k8s.read-only-root-fs",
                        if ro { Outcome::Pass } else { Outcome::Fail },
                        if ro {
                            format!(
                                "container `{}` of {} has a read-only root filesystem",
                                c.name,
                                w.obj.label()
                            )
                        } else {
                            format!(
                                "container `{}` of {} has a writable root filesystem (set \
                                 `readOnlyRootFilesystem: true`, mount an emptyDir for scratch)",
                                c.name,
                                w.obj.label()
                            )
                        },
                        w,
                        c,
                    ),
                );
            }

            // Secrets in plain env values.
            for e in
                c.v.get("env")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
            {
                let (Some(name), Some(value)) = (s(e.get("name")), s(e.get("value"))) else {
                    continue;
                };
                let in_url = url_password(&value).is_some();
                if (secret_name(&name) && !placeholder_value(&value)) || in_url {
                    let line = w.index.name(w.obj.doc, &name);
                    let what = if in_url {
                        "a URL with a literal password in"
                    } else {
                        "the secret"
                    };
                    push(
                        &mut out,
                        finding_at(
                            cat("k8s.env-secrets"),
                            Outcome::Fail,
                            format!(
                                "container `{}` of {} has {what} {name} as a plain env \
                                 value: use `valueFrom.secretKeyRef`",
                                c.name,
                                w.obj.label()
                            ),
                            p,
                            line,
                            &format!("{name}: {}", mask_secret(&value)),
                        ),
                    );
                }
            }
        }

        // Replicas, HPA, PDB.
        if w.scalable() {
            let hpa = hpas.iter().find(|(o, kind, name, _)| {
                &o.namespace == ns && kind == &w.obj.kind && name == &w.obj.name
            });
            let patched = patches
                .iter()
                .filter(|d| {
                    s(d.value.get("kind")).as_deref() == Some(w.obj.kind.as_str())
                        && s(path(&d.value, &["metadata", "name"])).as_deref()
                            == Some(w.obj.name.as_str())
                })
                .filter_map(|d| as_u64(path(&d.value, &["spec", "replicas"])))
                .chain(kz.replicas.get(&w.obj.name).copied())
                .max();
            let replicas = match (w.replicas, patched) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let database = w.is_database();
            let (outcome, msg) = match (replicas.unwrap_or(1), hpa) {
                (_, Some((o, _, _, min))) => (
                    Outcome::Pass,
                    format!(
                        "{} is scaled by {} {} (minReplicas {min})",
                        w.obj.label(),
                        o.kind,
                        o.name
                    ),
                ),
                (n, None) if n >= 2 => (
                    Outcome::Pass,
                    format!("{} runs {n} replicas", w.obj.label()),
                ),
                (n, None) => (
                    Outcome::Fail,
                    format!(
                        "{} runs {n} replica{}: one node drain or crash is an outage",
                        w.obj.label(),
                        if replicas.is_none() {
                            " (the default)"
                        } else {
                            ""
                        }
                    ),
                ),
            };
            push(&mut out, wl_at("k8s.replicas", outcome, msg, w));

            let multi = replicas.unwrap_or(1) >= 2 || hpa.is_some();
            if multi {
                let pdb = pdbs
                    .iter()
                    .find(|(o, sel)| &o.namespace == ns && subset(sel, &w.pod_labels));
                push(
                    &mut out,
                    match pdb {
                        Some((o, _)) => wl_at(
                            "k8s.pdb",
                            Outcome::Pass,
                            format!(
                                "{} is covered by PodDisruptionBudget {}",
                                w.obj.label(),
                                o.name
                            ),
                            w,
                        ),
                        None => wl_at(
                            "k8s.pdb",
                            Outcome::Fail,
                            format!(
                                "{} runs several replicas but no PodDisruptionBudget selects its \
                                 pods: a node drain may evict them all at once",
                                w.obj.label()
                            ),
                            w,
                        ),
                    },
                );
            } else {
                push(
                    &mut out,
                    wl_at(
                        "k8s.pdb",
                        Outcome::NotApplicable,
                        format!("{} runs a single replica", w.obj.label()),
                        w,
                    ),
                );
            }

            push(
                &mut out,
                if database && hpa.is_none() {
                    wl_at(
                        "k8s.hpa",
                        Outcome::NotApplicable,
                        format!("{} is a database: it is not autoscaled", w.obj.label()),
                        w,
                    )
                } else {
                    match hpa {
                        Some((o, _, _, _)) => wl_at(
                            "k8s.hpa",
                            Outcome::Pass,
                            format!("{} is autoscaled by {} {}", w.obj.label(), o.kind, o.name),
                            w,
                        ),
                        None => wl_at(
                            "k8s.hpa",
                            Outcome::Fail,
                            format!(
                                "no HorizontalPodAutoscaler targets {}: load spikes need a manual \
                                 scale-up",
                                w.obj.label()
                            ),
                            w,
                        ),
                    }
                },
            );
        }
    }

    // Secrets check: a pass when nothing was found.
    if !out.iter().any(|f| f.check == "k8s.env-secrets") {
        out.push(Finding::new(
            cat("k8s.env-secrets"),
            Outcome::Pass,
            format!(
                "no secret-looking env value in {} workload(s)",
                workloads.len()
            ),
        ));
    }
    if !long_running {
        for id in ["k8s.readiness-probe", "k8s.liveness-probe"] {
            out.push(na(
                id,
                "no long-running workload (Deployment, StatefulSet, DaemonSet)",
            ));
        }
    }
    if !any_pair {
        out.push(na(
            "k8s.probes-identical",
            "no container has both a readiness and a liveness probe",
        ));
    }
    if !workloads.iter().any(|w| w.scalable()) {
        for id in ["k8s.replicas", "k8s.pdb", "k8s.hpa"] {
            out.push(na(id, "no Deployment or StatefulSet"));
        }
    }

    // Database backups.
    let dbs: Vec<&Workload> = workloads
        .iter()
        .filter(|w| w.long_running() && w.is_database())
        .collect();
    if dbs.is_empty() {
        out.push(na(
            "k8s.db-backup",
            "no database runs in the cluster manifests",
        ));
    } else {
        let backup_job = workloads
            .iter()
            .filter(|w| w.obj.kind == "CronJob")
            .find(|w| {
                let name = w.obj.name.to_ascii_lowercase();
                let text = w.obj.doc.text.to_ascii_lowercase();
                name.contains("backup") || BACKUP_WORDS.iter().any(|b| text.contains(b))
            })
            .map(|w| (w.obj.label(), w.obj.doc.path.clone(), w.obj.line()));
        let operator = support
            .iter()
            .find(|o| BACKUP_KINDS.contains(&o.kind.as_str()))
            .map(|o| (o.label(), o.doc.path.clone(), o.line()));
        for w in dbs {
            out.push(lowered_for(
                match backup_job.as_ref().or(operator.as_ref()) {
                    Some((label, p, line)) => wl_at(
                        "k8s.db-backup",
                        Outcome::Pass,
                        format!("database {} is backed up by {label}", w.obj.label()),
                        w,
                    )
                    .with_evidence(Evidence::at(p, *line, 1)),
                    None => wl_at(
                        "k8s.db-backup",
                        Outcome::Fail,
                        format!(
                            "database {} has no backup CronJob (pg_dump/mysqldump/mongodump…) or \
                             backup operator schedule in the manifests",
                            w.obj.label()
                        ),
                        w,
                    ),
                },
                &w.obj.doc.path,
            ));
        }
    }
    (out, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_lines() {
        let t = "apiVersion: v1\nkind: Service\n---\n# c\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n";
        let f = read("k/a.yaml", t).expect("k8s");
        assert_eq!(f.docs.len(), 1);
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].line >= 7, "{:?}", f.errors);
        assert!(read("k/other.yaml", "name: x\nlist: [1]\n").is_none());
        let h = read(
            "chart/templates/d.yaml",
            "apiVersion: v1\nkind: {{ .Values.k }}\n",
        )
        .expect("helm");
        assert!(h.helm);
        assert_eq!(
            normalise("overlays/prod", "../../base/d.yaml"),
            "base/d.yaml"
        );
    }
}
