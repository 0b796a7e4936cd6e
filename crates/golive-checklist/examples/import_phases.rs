//! Times the phases of an import (used when tuning `benches/checklist.sh`):
//! `cargo run --release -p golive-checklist --example import_phases -- FILE`.

use golive_checklist::mapping::Mapper;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: import_phases FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let (text, _) = golive_checklist::repair::repair_bytes(&bytes);
    println!("repair: {:?}", t.elapsed());
    let t = Instant::now();
    let parsed = golive_checklist::parse::parse(&text);
    println!("parse: {:?} ({} items)", t.elapsed(), parsed.items.len());
    let m = Mapper::builtin().expect("built-in table");
    let t = Instant::now();
    let n: usize = parsed.items.iter().map(|i| m.map(&i.text).len()).sum();
    println!("map: {:?} ({n} mappings)", t.elapsed());
    let t = Instant::now();
    let n: usize = parsed
        .items
        .iter()
        .map(|i| golive_checklist::params::extract(&i.text).len())
        .sum();
    println!("params: {:?} ({n})", t.elapsed());
    let t = Instant::now();
    let cl = golive_checklist::import_bytes(&[(&path, &bytes)], &m).expect("import");
    println!("import total: {:?}", t.elapsed());
    let t = Instant::now();
    let dir = std::env::temp_dir().join("golive-import-phases.toml");
    cl.save(&dir).expect("save");
    println!("save: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = golive_checklist::Checklist::load(&dir).expect("load");
    println!("load: {:?}", t.elapsed());
    let mut no_docs = cl.clone();
    for d in &mut no_docs.documents {
        d.text.clear();
    }
    let t = Instant::now();
    no_docs.save(&dir).expect("save");
    println!("save without document text: {:?}", t.elapsed());
    let t = Instant::now();
    let j = serde_json::to_string(&cl).expect("json");
    println!("json of the same: {:?} ({} bytes)", t.elapsed(), j.len());
    let _ = std::fs::remove_file(dir);
}
