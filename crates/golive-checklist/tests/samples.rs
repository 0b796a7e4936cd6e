//! The three sample checklists of `fixtures/checklists/`, read as they are (damage included).

use golive_checklist::mapping::Mapper;
use golive_checklist::parse::{ItemKind, ItemState};
use golive_checklist::repair::DAMAGE_MARKERS;
use golive_checklist::{Checklist, import_files};
use golive_core::Severity;
use std::path::PathBuf;

fn sample(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/checklists/"
    ))
    .join(name)
}

fn import(name: &str) -> Checklist {
    let p = sample(name);
    import_files(&[p.as_path()], &Mapper::builtin().unwrap()).unwrap()
}

fn no_damage_left(cl: &Checklist) {
    for i in &cl.items {
        for m in DAMAGE_MARKERS {
            assert!(!i.text.contains(m), "damaged text left: {:?} ({m})", i.text);
            for s in &i.section {
                assert!(!s.contains(m), "damaged section left: {s:?}");
            }
        }
    }
}

#[test]
fn sample_000_french_mac_roman() {
    let cl = import("000_c4e17f35aa7585ef.txt");
    assert_eq!(cl.items.len(), 102);
    assert!(cl.items.iter().all(|i| i.state == ItemState::Unchecked));
    no_damage_left(&cl);
    assert!(cl.repairs.mac_roman > 100, "{:?}", cl.repairs);
    assert_eq!(cl.repairs.windows_1252, 0);
    let first = &cl.items[0];
    assert_eq!(first.text, "Node.js v20+ installé");
    assert_eq!(
        first.section,
        [
            "✅ CHECKLIST DE DÉPLOIEMENT - Nümtema Studio",
            "🔧 Développement Local",
            "Installation & Configuration"
        ]
    );
    assert_eq!(first.line, 6);
    let t: Vec<&str> = cl.items.iter().map(|i| i.text.as_str()).collect();
    assert!(t.contains(&"Base de données PostgreSQL accessible"));
    assert!(t.contains(&"100 requêtes simultanées supportées"));
    // The success criteria are plain bullets, not items.
    assert!(!t.contains(&"Tests > 80% de couverture"));
    // Accents in sections, emoji repaired.
    assert!(
        cl.items
            .iter()
            .any(|i| i.section.iter().any(|s| s == "🗄️ Base de Données"))
    );
    // All unique ids.
    let mut ids: Vec<&str> = cl.items.iter().map(|i| i.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 102);
}

#[test]
fn sample_003_status_headings() {
    let cl = import("003_7abe0c74370f0ebe.txt");
    no_damage_left(&cl);
    let done: Vec<_> = cl
        .items
        .iter()
        .filter(|i| i.state == ItemState::Done)
        .collect();
    let gaps: Vec<_> = cl
        .items
        .iter()
        .filter(|i| i.state == ItemState::Gap)
        .collect();
    let tasks: Vec<_> = cl
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Task)
        .collect();
    assert_eq!(done.len(), 33);
    assert!(done.iter().all(|i| i.kind == ItemKind::Heading));
    assert_eq!(gaps.len(), 27);
    let sev = |s| gaps.iter().filter(|i| i.severity == Some(s)).count();
    assert_eq!(sev(Severity::Critical), 6);
    assert_eq!(sev(Severity::High), 11);
    assert_eq!(sev(Severity::Medium), 10);
    assert_eq!(tasks.len(), 15);
    assert!(tasks.iter().all(|i| i.state == ItemState::Unchecked));
    assert_eq!(cl.items.len(), 33 + 27 + 15);
    // The READY FOR / NOT READY FOR summary lists are notes, not items.
    assert!(
        cl.warnings
            .iter()
            .any(|w| w.contains("READY FOR:") && w.contains("4 entries"))
    );
    assert!(cl.warnings.iter().any(|w| w.contains("NOT READY FOR:")));
    // Descriptions and fields kept.
    let jwt = gaps
        .iter()
        .find(|i| i.text == "JWT Authentication Implementation")
        .unwrap();
    assert!(jwt.fields["Définition"].starts_with("JSON Web Tokens"));
    assert!(jwt.fields.contains_key("Impact"));
    assert_eq!(jwt.section.last().unwrap(), "🔒 Security (CRITICAL)");
    // The bad paste: Impact twice under Deployment Procedures.
    assert!(
        cl.warnings
            .iter()
            .any(|w| w.contains("Impact") && w.contains("twice"))
    );
    let fastapi = &done[0];
    assert_eq!(fastapi.text, "FastAPI REST API with async support");
    assert!(
        fastapi
            .description
            .as_deref()
            .unwrap()
            .contains("Framework web moderne Python")
    );
}

#[test]
fn sample_004_fenced_markdown() {
    let cl = import("004_0808210ae3f7932e.txt");
    assert_eq!(cl.items.len(), 24);
    assert!(cl.items.iter().all(|i| i.state == ItemState::Unchecked));
    assert_eq!(cl.repairs.total(), 0, "clean UTF-8 must not be touched");
    no_damage_left(&cl);
    let first = &cl.items[0];
    assert_eq!(first.text, "Branche à jour avec main");
    assert_eq!(
        first.section,
        [
            "Workflow : Déploiement",
            "Détail des étapes",
            "1. Pre-Deploy",
            "Code"
        ]
    );
    let last = cl.items.last().unwrap();
    assert_eq!(last.text, "Documentation mise à jour");
    assert_eq!(last.section.last().unwrap(), "Déploiement terminé");
    // Nothing from the YAML blocks.
    assert!(!cl.items.iter().any(|i| i.text.contains("All steps passed")));
}
