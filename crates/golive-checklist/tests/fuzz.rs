//! A bounded, deterministic fuzz corpus (cargo-fuzz needs nightly, which CI does not have):
//! mutations of the real samples — truncations (also inside UTF-8 sequences), byte flips,
//! inserted invalid UTF-8, runs of Mac-Roman-ish and Windows-1252-ish high bytes, Markdown
//! tokens dropped in at random places, lines deleted or duplicated. Import, evaluation and export
//! must never panic, whatever the input; an import either succeeds or says what is wrong.

use golive_checklist::evaluate::evaluate;
use golive_checklist::mapping::Mapper;
use golive_checklist::signoff::SignOffs;
use golive_checklist::{export, import_bytes};
use golive_core::Catalog;
use std::path::PathBuf;
use time::macros::datetime;

/// xorshift64*: a tiny deterministic generator, so every run sees the same corpus.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: [&[u8]; 14] = [
    b"\n```markdown\n",
    b"\n```\n",
    b"\n~~~\n",
    b"\n#### \xe2\x9c\x85 ",
    b"\n## \xe2\x9d\x8c ",
    b"\n- [ ] ",
    b"\n  * [X] ",
    b"\n1. [x] ",
    b"\\n",
    b"\"",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"(CRITICAL)",
    b"\n#######",
];

fn mutate(src: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = src.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = v.len();
        match rng.below(8) {
            0 => v.truncate(rng.below(len + 1)),
            1 => {
                for _ in 0..1 + rng.below(16) {
                    if !v.is_empty() {
                        let i = rng.below(v.len());
                        v[i] ^= 1 << rng.below(8);
                    }
                }
            }
            2 => {
                let i = rng.below(len + 1);
                let bad: [&[u8]; 4] = [b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x9a"];
                v.splice(i..i, bad[rng.below(4)].iter().copied());
            }
            3 => {
                // Mac-Roman-ish / Windows-1252-ish mojibake: UTF-8 of high Latin-1 and symbols.
                let i = rng.below(len + 1);
                let pool = [
                    "√©",
                    "‚úÖ",
                    "Ã©",
                    "âœ…",
                    "ðŸš€",
                    "Ô∏è",
                    "Ã",
                    "√",
                    "\u{F8FF}",
                    "Â",
                ];
                let mut s = String::new();
                for _ in 0..1 + rng.below(6) {
                    s.push_str(pool[rng.below(pool.len())]);
                }
                v.splice(i..i, s.into_bytes());
            }
            4 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(i..i, t.iter().copied());
            }
            5 => {
                // Delete a range of lines.
                let a = rng.below(len + 1);
                let b = (a + rng.below(400)).min(len);
                v.drain(a..b);
            }
            6 => {
                // Duplicate a range.
                let a = rng.below(len + 1);
                let b = (a + rng.below(400)).min(len);
                let chunk: Vec<u8> = v[a..b].to_vec();
                v.splice(b..b, chunk);
            }
            _ => {
                // Random bytes.
                let i = rng.below(len + 1);
                let n = rng.below(32);
                let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(i..i, junk);
            }
        }
    }
    v
}

#[test]
fn mutated_samples_never_panic() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/checklists/"
    ));
    let mapper = Mapper::builtin().unwrap();
    let catalog = Catalog::builtin();
    let now = datetime!(2026-11-20 10:00 UTC);
    let signoffs = SignOffs::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut refused) = (0usize, 0usize);
    for name in [
        "000_c4e17f35aa7585ef.txt",
        "003_7abe0c74370f0ebe.txt",
        "004_0808210ae3f7932e.txt",
    ] {
        let src = std::fs::read(dir.join(name)).unwrap();
        for _ in 0..200 {
            let input = mutate(&src, &mut rng);
            match import_bytes(&[(name, &input)], &mapper) {
                Ok(cl) => {
                    ok += 1;
                    let st = evaluate(&cl, &signoffs, &[], catalog, now);
                    let md = export::markdown(&cl, &st);
                    let _ = export::json(&cl, &st);
                    let again = import_bytes(&[(name, md.as_bytes())], &mapper)
                        .expect("an export re-imports");
                    assert_eq!(again.items.len(), cl.items.len(), "{name}");
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
    println!("fuzz corpus: {ok} imported, {refused} refused with a message, 0 panics");
    assert!(ok > 400, "most mutations still hold items ({ok})");
}

#[test]
fn bad_inputs_say_what_is_wrong() {
    let m = Mapper::builtin().unwrap();
    let e = import_bytes(&[("empty.md", b"")], &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty.md") && e.contains("empty"), "{e}");
    let e = import_bytes(&[("blank.md", b" \n\n\t\n")], &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("empty"), "{e}");
    let bin: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let e = import_bytes(&[("a.png", &bin)], &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.png") && e.contains("binary"), "{e}");
    let e = import_bytes(
        &[(
            "notes.md",
            "# Notes\n\nJust prose, - no boxes.\n- a plain list\n".as_bytes(),
        )],
        &m,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no checklist items found"), "{e}");
    // Non-UTF-8 bytes inside an otherwise good checklist: imported, with a warning.
    let cl = import_bytes(&[("l1.md", b"## S\n- [ ] caf\xe9 pr\xeat\n")], &m).unwrap();
    assert_eq!(cl.items.len(), 1);
    assert!(
        cl.warnings.iter().any(|w| w.contains("not UTF-8")),
        "{:?}",
        cl.warnings
    );
}

#[test]
fn a_big_checklist_imports() {
    // About 2 MB here (the 10 MB timing is measured by benches/checklist.sh, not asserted).
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/checklists/"
    ));
    let one = std::fs::read(dir.join("000_c4e17f35aa7585ef.txt")).unwrap();
    let mut big = Vec::new();
    let mut n = 0;
    while big.len() < 2_000_000 {
        big.extend_from_slice(format!("\n# Copy {n}\n").as_bytes());
        big.extend_from_slice(&one);
        n += 1;
    }
    let m = Mapper::builtin().unwrap();
    let cl = import_bytes(&[("big.md", &big)], &m).unwrap();
    assert_eq!(cl.items.len(), 102 * n);
    let mut ids: Vec<&str> = cl.items.iter().map(|i| i.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), cl.items.len(), "ids stay unique");
}
