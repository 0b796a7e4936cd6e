//! The fuzz targets on the stable toolchain: each body of `golive_fuzz` gets a bounded number of
//! proptest inputs of three kinds: arbitrary bytes, structure-aware text (keys, values and
//! shapes each parser knows), and random mutations of the seed files in `fuzz/seeds/` (and of
//! the sample checklists in `fixtures/checklists/`). `GOLIVE_FUZZ_CASES` sets the number of
//! cases per kind (default 1000, a few seconds in all); a failure prints the input that broke the invariant.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::PathBuf;

fn cases() -> u32 {
    std::env::var("GOLIVE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The seed files of a target (and the sample checklists for `checklist`).
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let mut dirs = vec![root().join("fuzz/seeds").join(target)];
    if target == "checklist" {
        dirs.push(root().join("fixtures/checklists"));
    }
    let mut out = Vec::new();
    for d in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        out.extend(files.iter().map(|p| std::fs::read(p).unwrap()));
    }
    assert!(!out.is_empty(), "no seeds for {target}");
    out
}

/// One edit of a byte string: overwrite, insert, delete a range, or duplicate a range.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Repeat(usize, usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop::sample::select(vec![
        b'0', b'9', b'.', b'"', b'\'', b'[', b']', b'{', b'}', b'=', b':', b'\n', b'#', b'-', b'%',
        b'<', b'>', b' ', 0xC3, 0xFF,
    ]);
    prop_oneof![
        (any::<usize>(), prop_oneof![any::<u8>(), interesting]).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (
            any::<usize>(),
            prop_oneof![
                Just(b"99999999999999999999".to_vec()),
                Just(b"1e400".to_vec())
            ]
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<usize>(), 1usize..32, 1usize..4).prop_map(|(i, n, k)| Edit::Repeat(i, n, k)),
    ]
}

fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len();
        match e {
            Edit::Set(i, b) if len > 0 => data[i % len] = *b,
            Edit::Insert(i, b) => {
                let at = i % (len + 1);
                data.splice(at..at, b.iter().copied());
            }
            Edit::Delete(i, n) if len > 0 => {
                let at = i % len;
                data.drain(at..(at + n).min(len));
            }
            Edit::Repeat(i, n, k) if len > 0 => {
                let at = i % len;
                let piece = data[at..(at + n).min(len)].to_vec();
                for _ in 0..*k {
                    data.splice(at..at, piece.iter().copied());
                }
            }
            _ => {}
        }
    }
    data
}

fn run_target(name: &str, f: fn(&[u8]), structured: BoxedStrategy<String>) {
    // A runner per kind of input: one runner counts its cases across runs.
    runner()
        .run(&prop::collection::vec(any::<u8>(), 0..512), |d| {
            f(&d);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}, arbitrary bytes: {e}"));
    runner()
        .run(&structured, |s| {
            f(s.as_bytes());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}, structured: {e}"));
    let seeds = seeds(name);
    let n = seeds.len();
    runner()
        .run(
            &(0..n, prop::collection::vec(edit(), 1..6)),
            |(i, edits)| {
                f(&apply(seeds[i].clone(), &edits));
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{name}, mutated seeds: {e}"));
    // The seeds themselves, as they are.
    for s in &seeds {
        f(s);
    }
}

// ------------------------------------------------------------------ structure-aware inputs

/// Numbers that reach every corner of the unit parsers: 0, the edges of ranges, fractions,
/// huge, malformed.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["0", "1", "100", "1000", "0.0", "0.5", "1.0"])
            .prop_map(str::to_string),
        (0u64..=100).prop_map(|n| n.to_string()),
        (0u64..100_000).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u64..1000, 0u64..1_000_000).prop_map(|(a, b)| format!("{a}.{b}")),
        prop::sample::select(vec![
            "99999999999999999999",
            "340282366920938463463374607431768211456",
            "1e400",
            ".5",
            "5.",
            "1.2.3",
            "-1",
            "",
            "inf",
            "NaN",
        ])
        .prop_map(str::to_string),
    ]
}

fn duration_text() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(vec![
        "", "ns", "us", "µs", "ms", "s", "sec", "m", "min", "h", "d", "w", "y", " s", "parsecs",
    ]);
    (number(), unit).prop_map(|(n, u)| format!("{n}{u}"))
}

fn size_text() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(vec![
        "", "B", "kB", "MB", "GB", "K", "KiB", "M", "MiB", "G", "GiB", " MiB", "TB",
    ]);
    (number(), unit).prop_map(|(n, u)| format!("{n}{u}"))
}

fn threshold_text() -> impl Strategy<Value = String> {
    let metric = prop::sample::select(vec![
        "p95",
        "p(99.9)",
        "p0",
        "p100",
        "p120",
        "median",
        "mean",
        "avg",
        "max",
        "error_rate",
        "errors",
        "rps",
        "throughput",
        "mem_growth",
        "latency",
    ]);
    let op = prop::sample::select(vec!["<", "<=", ">", ">=", "=", ""]);
    let suffix = prop::sample::select(vec!["", "ms", "s", "m", "h", "%", "/s", "MB/min", "x"]);
    // The limits at the edges of each metric's range, where a threshold turns constant.
    let edge = prop::sample::select(vec![
        "0",
        "0ms",
        "0%",
        "1",
        "100%",
        "100.1%",
        "200%",
        "-1%",
        "1.5",
        "600000",
        "600001",
        "10m",
        "11m",
        "1e9",
        "1000000000",
        "1000000001",
        "1000000MB/min",
        "1000001MB/min",
    ]);
    (
        metric,
        op,
        prop_oneof![
            1 => (number(), suffix).prop_map(|(n, s)| format!("{n}{s}")),
            1 => edge.prop_map(str::to_string),
        ],
    )
        .prop_map(|(m, o, l)| format!("{m}{o}{l}"))
}

fn expiry_text() -> impl Strategy<Value = String> {
    prop_oneof![
        duration_text(),
        (1900i32..10_000, 0u8..14, 0u8..33).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
    ]
}

fn ramp_text() -> impl Strategy<Value = String> {
    let stage = prop_oneof![
        (number(), number(), duration_text()).prop_map(|(a, b, d)| format!("{a}:{b}/{d}")),
        (number(), duration_text()).prop_map(|(a, d)| format!("{a}/{d}")),
        number(),
    ];
    prop::collection::vec(stage, 0..4).prop_map(|v| v.join(","))
}

/// What a golive.toml key holds, to generate values of the right shape (and, one time in
/// four, of any shape).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Dur,
    Size,
    Num,
    Bool,
    Url,
    Str,
    Thresholds,
    Ramp,
    Ids,
    Id,
    Patterns,
    Date,
}

fn value_of(kind: Kind) -> BoxedStrategy<String> {
    let q = |s: String| format!("{s:?}");
    match kind {
        Kind::Dur => duration_text().prop_map(q).boxed(),
        Kind::Size => prop_oneof![size_text().prop_map(q), number()].boxed(),
        Kind::Num => prop_oneof![
            2 => prop::sample::select(vec!["0", "1", "-1", "100", "101", "500", "501", "1000", "1001"])
                .prop_map(str::to_string),
            1 => number().prop_map(|n| if n.is_empty() { "0".into() } else { n }),
        ]
        .boxed(),
        Kind::Bool => prop::sample::select(vec!["true", "false"])
            .prop_map(str::to_string)
            .boxed(),
        Kind::Url => prop::sample::select(vec![
            "http://127.0.0.1:8080/",
            "https://api.example.com",
            "localhost:8080",
            "ftp://x/",
            "http://",
            "not a url",
        ])
        .prop_map(q_str)
        .boxed(),
        Kind::Str => prop::sample::select(vec!["x", "", "attention", "no-go", "high", "urgent"])
            .prop_map(q_str)
            .boxed(),
        Kind::Thresholds => prop::collection::vec(threshold_text().prop_map(q), 0..3)
            .prop_map(|v| format!("[{}]", v.join(", ")))
            .boxed(),
        Kind::Ramp => ramp_text().prop_map(q).boxed(),
        Kind::Ids => prop::collection::vec(id(), 0..3)
            .prop_map(|v| format!("[{}]", v.join(", ")))
            .boxed(),
        Kind::Id => id().boxed(),
        Kind::Patterns => prop::sample::select(vec![
            "[\"ping\"]",
            "[\"(unclosed\"]",
            "[]",
            "[\"a\", \"b\"]",
        ])
        .prop_map(str::to_string)
        .boxed(),
        Kind::Date => prop::sample::select(vec![
            "2027-01-31",
            "2020-01-01",
            "\"soon\"",
            "2027-01-31T00:00:00Z",
        ])
        .prop_map(str::to_string)
        .boxed(),
    }
}

fn q_str(s: &str) -> String {
    format!("{s:?}")
}

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\"probe.health\"",
        "\"probe.healthz\"",
        "\"secrets.*\"",
        "\"nosuch.*\"",
        "\"smoke.login\"",
        "\"checklist.\"",
        "\"docs.readme\"",
    ])
    .prop_map(str::to_string)
}

fn any_value() -> BoxedStrategy<String> {
    use Kind::*;
    prop::sample::select(vec![
        Dur, Size, Num, Bool, Url, Str, Thresholds, Ramp, Ids, Patterns, Date,
    ])
    .prop_flat_map(value_of)
    .boxed()
}

/// golive.toml's sections, each key with the shape of its value and a valid default.
#[allow(clippy::type_complexity)]
fn sections() -> Vec<(
    &'static str,
    Vec<(&'static str, Kind, Option<&'static str>)>,
)> {
    use Kind::*;
    vec![
        ("[project]", vec![("name", Str, Some("\"x\""))]),
        (
            "[scan]",
            vec![
                ("include", Patterns, None),
                ("max_file_size", Size, Some("\"1MiB\"")),
                ("no_ignore", Bool, None),
            ],
        ),
        (
            "[policy]",
            vec![
                ("no_go_below", Num, Some("50")),
                ("attention_below", Num, Some("75")),
                ("min_score", Num, None),
                ("fail_on", Str, None),
            ],
        ),
        (
            "[probe]",
            vec![
                ("url", Url, Some("\"http://127.0.0.1:8080/\"")),
                ("timeout", Dur, Some("\"5s\"")),
                ("latency_samples", Num, Some("5")),
                ("rate_limit_burst", Num, None),
                ("behind_tls_proxy", Bool, None),
            ],
        ),
        (
            "[probe.environments.staging]",
            vec![("url", Url, Some("\"https://staging.example.com/\""))],
        ),
        (
            "[load]",
            vec![
                ("url", Url, Some("\"http://127.0.0.1:8080/\"")),
                ("duration", Dur, Some("\"30s\"")),
                ("ramp", Ramp, None),
                ("timeout", Dur, Some("\"2s\"")),
                ("thresholds", Thresholds, Some("[\"p95<200ms\"]")),
                ("connections", Num, None),
                ("requests", Num, None),
                ("rate", Num, None),
                ("allow_long_run", Bool, None),
            ],
        ),
        (
            "[smoke]",
            vec![
                ("base_url", Url, Some("\"http://127.0.0.1:8080\"")),
                ("file", Str, None),
            ],
        ),
        (
            "[[checklist.mapping]]",
            vec![
                ("checks", Ids, Some("[\"probe.health\"]")),
                ("any", Patterns, Some("[\"ping\"]")),
                ("unless", Patterns, None),
            ],
        ),
        (
            "[[suppress]]",
            vec![
                ("check", Id, Some("\"secrets.*\"")),
                ("reason", Str, Some("\"test keys\"")),
                ("expires", Date, None),
            ],
        ),
        (
            "[checks.\"docs.readme\"]",
            vec![("enabled", Bool, Some("true")), ("severity", Str, None)],
        ),
    ]
}

/// A valid golive.toml with one to three values changed (most errors stop the parse at the
/// first one, so one bad value at a time reaches the validation behind it), or sections of
/// random keys.
fn config_text() -> impl Strategy<Value = String> {
    let secs = sections();
    let n = secs.len();
    let change = (0..n, any::<prop::sample::Index>()).prop_flat_map(|(si, ki)| {
        let (_, keys) = &sections()[si];
        let (_, kind, _) = keys[ki.index(keys.len())];
        let ki = ki.index(keys.len());
        prop_oneof![4 => value_of(kind), 1 => any_value()].prop_map(move |v| (si, ki, v))
    });
    let edited = prop::collection::vec(change, 1..4).prop_map(|changes| {
        let mut out = String::new();
        for (si, (name, keys)) in sections().into_iter().enumerate() {
            out.push_str(name);
            out.push('\n');
            for (ki, (k, _, default)) in keys.into_iter().enumerate() {
                let v = changes
                    .iter()
                    .rev()
                    .find(|(s, c, _)| *s == si && *c == ki)
                    .map(|(_, _, v)| v.as_str())
                    .or(default);
                if let Some(v) = v {
                    out.push_str(&format!("{k} = {v}\n"));
                }
            }
        }
        out
    });
    // Random sections, each key present one time in two.
    let block = prop::sample::select(secs).prop_flat_map(|(name, keys)| {
        let lines: Vec<_> = keys
            .into_iter()
            .map(|(k, kind, _)| {
                prop::option::of(
                    prop_oneof![3 => value_of(kind), 1 => any_value()]
                        .prop_map(move |v| format!("{k} = {v}\n")),
                )
            })
            .collect();
        lines.prop_map(move |l| format!("{name}\n{}", l.into_iter().flatten().collect::<String>()))
    });
    let random = prop::collection::vec(block, 0..4).prop_map(|b| b.concat());
    prop_oneof![3 => edited, 1 => random]
}

fn smoke_text() -> impl Strategy<Value = String> {
    let expect = prop_oneof![
        Just("{ status: 200 }".to_string()),
        Just("{ status: \"2xx,404\" }".to_string()),
        duration_text().prop_map(|d| format!("{{ status: 200, max_latency: {d} }}")),
        Just("{ json: { /a/b: { exists: true } } }".to_string()),
        Just("{ body_contains: [a, b] }".to_string()),
    ];
    let test = (
        prop::sample::select(vec!["home", "a b", "", "${x}"]),
        prop::sample::select(vec!["/", "/api/${id}", "http://127.0.0.1/", ""]),
        expect,
    )
        .prop_map(|(n, p, e)| format!("  - name: {n}\n    path: {p}\n    expect: {e}\n"));
    (
        prop::option::of(duration_text()),
        prop::collection::vec(test, 0..4),
    )
        .prop_map(|(t, tests)| {
            let head = t.map(|t| format!("timeout: {t}\n")).unwrap_or_default();
            format!("{head}tests:\n{}", tests.concat())
        })
}

fn checklist_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        prop::sample::select(vec![
            "# Title",
            "## 🔒 Security (CRITICAL)",
            "### Performance (high)",
            "#### ✅ Done thing",
            "#### ❌ Missing thing",
            "#### ⚠️ Warned thing",
            "#### [ ] Heading item",
            "```markdown",
            "```",
            "",
            "   ",
            "> quote",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec!["- ", "* ", "+ ", "1. ", "  - ", "        - "]),
            prop::sample::select(vec!["[ ] ", "[x] ", "[X] ", "[] ", ""]),
            prop::sample::select(vec![
                "p95 < 200ms",
                "Couverture > 80%",
                "Rate limit 100 req/min",
                "Health endpoint /healthz",
                "Sauvegardes testées",
                "JWT",
                "Ã©tÃ© â€” ✓",
            ]),
        )
            .prop_map(|(b, c, t)| format!("{b}{c}{t}")),
    ];
    prop::collection::vec(line, 0..20).prop_map(|l| l.join("\n"))
}

// ------------------------------------------------------------------ the targets

#[test]
fn fuzz_config() {
    run_target("config", golive_fuzz::config, config_text().boxed());
}

#[test]
fn fuzz_smoke() {
    run_target("smoke", golive_fuzz::smoke, smoke_text().boxed());
}

#[test]
fn fuzz_checklist() {
    run_target(
        "checklist",
        golive_fuzz::checklist,
        checklist_text().boxed(),
    );
}

#[test]
fn fuzz_units() {
    let any_unit = prop_oneof![duration_text(), size_text(), expiry_text(), ramp_text()];
    run_target("units", golive_fuzz::units, any_unit.boxed());
}

#[test]
fn fuzz_threshold() {
    run_target(
        "threshold",
        golive_fuzz::threshold,
        threshold_text().boxed(),
    );
}

#[test]
fn every_target_has_a_cargo_fuzz_binary_and_seeds() {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    for (name, _) in golive_fuzz::TARGETS {
        assert!(
            manifest.contains(&format!("path = \"fuzz_targets/{name}.rs\"")),
            "fuzz/Cargo.toml lacks {name}"
        );
        let src =
            std::fs::read_to_string(root().join(format!("fuzz/fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            src.contains(&format!("golive_fuzz::{name}(data)")),
            "{name}: {src}"
        );
        assert!(!seeds(name).is_empty());
    }
}
