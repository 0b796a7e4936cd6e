//! frontend domain: production build script, no public source maps, no secrets in client env vars.

use golive_core::Outcome;
use golive_scan::{ScanOptions, scan};

mod support;
use support::code::*;

const BUILD: &str = "frontend.build-script";
const MAPS: &str = "frontend.source-maps";
const ENV: &str = "frontend.client-env-secrets";

#[test]
fn vite_app_passes() {
    let fs = findings(&fixture("frontend/vite-ok"));
    for id in [BUILD, MAPS, ENV] {
        assert_eq!(outcome(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    assert_eq!(loc(of(&fs, BUILD)[0]), "package.json:6");
}

#[test]
fn leaky_next_app_fails() {
    let fs = findings(&fixture("frontend/next-leaky"));
    assert_eq!(outcome(&fs, BUILD), Outcome::Fail);
    assert_eq!(outcome(&fs, MAPS), Outcome::Fail);
    assert_eq!(loc(of(&fs, MAPS)[0]), "next.config.js:3");
    assert_eq!(outcome(&fs, ENV), Outcome::Fail);
    let locs: Vec<String> = of(&fs, ENV).into_iter().map(loc).collect();
    assert_eq!(
        locs,
        vec![
            ".env.production:2",
            "app/admin/page.tsx:2",
            "next.config.js:5"
        ]
    );
    // the secret value is masked everywhere
    let all = format!("{:?}", of(&fs, ENV));
    assert!(
        !all.contains("sk_live_51HxQ2dK8vLmN3pRsT7uWyZ0aBcDeFgHiJk"),
        "{all}"
    );
    assert!(all.contains("sk_l"), "{all}");
    // a publishable analytics id is not a secret
    assert!(!all.contains("ANALYTICS"), "{all}");
}

#[test]
fn backend_only_is_not_applicable() {
    let fs = findings(&fixture("health/express"));
    for id in [BUILD, MAPS, ENV] {
        assert_eq!(outcome(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

const REACT: (&str, &str) = (
    "package.json",
    "{\"scripts\":{\"build\":\"vite build\"},\"dependencies\":{\"react-dom\":\"18\"},\"devDependencies\":{\"vite\":\"5\"}}\n",
);

#[test]
fn source_map_variants() {
    let cra = (
        "package.json",
        "{\"scripts\":{\"build\":\"react-scripts build\"},\"dependencies\":{\"react-scripts\":\"5\",\"react-dom\":\"18\"}}\n",
    );
    for (files, want) in [
        (
            vec![
                REACT,
                (
                    "vite.config.js",
                    "export default { build: { sourcemap: true } }\n",
                ),
            ],
            Outcome::Fail,
        ),
        (
            vec![
                REACT,
                (
                    "vite.config.js",
                    "export default { build: { sourcemap: 'inline' } }\n",
                ),
            ],
            Outcome::Fail,
        ),
        (
            vec![
                REACT,
                (
                    "webpack.config.js",
                    "module.exports = { mode: 'production', devtool: 'source-map' };\n",
                ),
            ],
            Outcome::Fail,
        ),
        (
            vec![
                REACT,
                (
                    "webpack.config.js",
                    "module.exports = { devtool: 'hidden-source-map' };\n",
                ),
            ],
            Outcome::Pass,
        ),
        (
            vec![
                REACT,
                (
                    "webpack.dev.js",
                    "module.exports = { devtool: 'eval-source-map' };\n",
                ),
            ],
            Outcome::Pass,
        ),
        (
            vec![
                REACT,
                (
                    "public/assets/index-3f9a.js.map",
                    "{\"version\":3,\"sources\":[]}\n",
                ),
            ],
            Outcome::Fail,
        ),
        (vec![cra], Outcome::Fail),
        (
            vec![cra, (".env.production", "GENERATE_SOURCEMAP=false\n")],
            Outcome::Pass,
        ),
        (
            vec![
                REACT,
                (
                    "angular.json",
                    "{\"projects\":{\"web\":{\"architect\":{\"build\":{\"configurations\":{\"production\":{\"sourceMap\":true}}}}}}}\n",
                ),
            ],
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&files, MAPS);
        assert_eq!(o, want, "{files:?}\n{f:#?}");
    }
}

#[test]
fn build_script_variants() {
    for (pkg, want) in [
        (
            "{\"scripts\":{\"build\":\"next build\"},\"dependencies\":{\"next\":\"14\"}}",
            Outcome::Pass,
        ),
        (
            "{\"scripts\":{\"build\":\"vite build --mode development\"},\"devDependencies\":{\"vite\":\"5\"}}",
            Outcome::Warn,
        ),
        (
            "{\"scripts\":{\"start\":\"ng serve\"},\"dependencies\":{\"@angular/core\":\"17\"}}",
            Outcome::Fail,
        ),
        (
            "{\"scripts\":{\"build\":\"tsc\"},\"dependencies\":{\"express\":\"4\"}}",
            Outcome::NotApplicable,
        ),
        ("{ not json", Outcome::NotApplicable),
    ] {
        let (o, f) = check(&[("package.json", pkg)], BUILD);
        assert_eq!(o, want, "{pkg}\n{f:#?}");
    }
}

#[test]
fn client_env_variants() {
    for (file, want) in [
        (
            (
                ".env",
                "VITE_SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZSJ9.abc\n",
            ),
            Outcome::Fail,
        ),
        (
            (
                ".env",
                "VITE_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.abc\n",
            ),
            Outcome::Pass,
        ),
        (
            (".env.local", "REACT_APP_AWS_KEY=AKIAQ3EGRTZL5XN7WB2K\n"),
            Outcome::Fail,
        ),
        (
            (".env", "VITE_DB_PASSWORD=\n# VITE_SECRET=abc\n"),
            Outcome::Pass,
        ),
        ((".env", "VITE_API_SECRET=${API_SECRET}\n"), Outcome::Pass),
        (
            (".env", "API_SECRET=s3cr3t-server-side-only\n"),
            Outcome::Pass,
        ),
        (
            (
                "src/pay.ts",
                "const k = import.meta.env.VITE_STRIPE_SECRET_KEY;\n",
            ),
            Outcome::Fail,
        ),
        (
            (
                "src/pay.ts",
                "// const k = import.meta.env.VITE_STRIPE_SECRET_KEY;\nconst u = import.meta.env.VITE_API_URL;\n",
            ),
            Outcome::Pass,
        ),
    ] {
        let (o, f) = check(&[REACT, file], ENV);
        assert_eq!(o, want, "{file:?}\n{f:#?}");
    }
}

#[test]
fn huge_minified_bundle_is_skipped_cleanly() {
    let dir = repo(&[
        REACT,
        ("src/main.tsx", "const u = import.meta.env.VITE_API_URL;\n"),
    ]);
    // 50 MB of minified JavaScript on one line, with a secret-named env read buried in it
    let chunk = "var a=function(b){return b.map(function(c){return c*2})};console.log(a([1,2,3]));";
    let mut big = String::with_capacity(50 * 1024 * 1024 + chunk.len());
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(chunk);
    }
    big.push_str("var s=process.env.NEXT_PUBLIC_ADMIN_PASSWORD;");
    let bundle = dir.path().join("public/assets/app.min.js");
    std::fs::create_dir_all(bundle.parent().expect("parent")).expect("mkdir");
    std::fs::write(&bundle, &big).expect("write bundle");
    drop(big);
    let out = scan(&ScanOptions::new(dir.path())).expect("scan");
    let skipped = out
        .skipped
        .iter()
        .find(|s| s.path == "public/assets/app.min.js")
        .unwrap_or_else(|| panic!("bundle not reported as skipped: {:?}", out.skipped));
    assert!(skipped.reason.contains("larger than"), "{}", skipped.reason);
    // the rest of the audit still ran, and nothing came from the skipped file
    assert_eq!(outcome(&out.findings, BUILD), Outcome::Pass);
    assert_eq!(outcome(&out.findings, ENV), Outcome::Pass);
    assert_eq!(
        outcome(&out.findings, "observability.debug-prints"),
        Outcome::Pass
    );
}

#[test]
fn long_minified_line_within_the_limit_is_read() {
    // 3 MB on a single line, read with a raised limit: lexed and matched without trouble.
    let chunk = "function f(a){return a+1}var x=f(2);";
    let mut big = String::new();
    while big.len() < 3 * 1024 * 1024 {
        big.push_str(chunk);
    }
    big.push_str("var k=process.env.NEXT_PUBLIC_STRIPE_SECRET;console.log(k);");
    let dir = repo(&[REACT, ("src/vendor-bundle.js", &big)]);
    let mut opts = ScanOptions::new(dir.path());
    opts.scan.max_file_size = 8 * 1024 * 1024;
    let out = scan(&opts).expect("scan");
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert_eq!(outcome(&out.findings, ENV), Outcome::Fail);
    let f = of(&out.findings, ENV)[0];
    assert_eq!(loc(f), "src/vendor-bundle.js:1");
    // the snippet of a huge line is bounded
    if let Some(golive_core::Evidence::File {
        snippet: Some(s), ..
    }) = f.evidence.first()
    {
        assert!(s.chars().count() <= 200, "{}", s.len());
    }
}

#[test]
fn a_front_end_package_json_that_does_not_parse_is_undecided_not_absent() {
    // A trailing comma in the React app's package.json.
    let broken = (
        "package.json",
        "{\"scripts\":{\"build\":\"vite build\"},\n \"dependencies\":{\"react-dom\":\"18\",}}\n",
    );
    let dir = repo(&[broken]);
    let fs = scan(&ScanOptions::new(dir.path())).expect("scan").findings;
    for id in [BUILD, MAPS, ENV] {
        let f = of(&fs, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!(f[0].outcome, Outcome::Inconclusive, "{id}: {f:#?}");
        assert!(
            f[0].message
                .starts_with("could not decide: package.json at line 2 does not parse"),
            "{f:#?}"
        );
    }
    // A broken package.json that names no front-end dependency leaves "no front-end" standing.
    let dir = repo(&[("package.json", "{\"dependencies\":{\"express\":\"4\",}}\n")]);
    let fs = scan(&ScanOptions::new(dir.path())).expect("scan").findings;
    for id in [BUILD, MAPS, ENV] {
        assert_eq!(outcome(&fs, id), Outcome::NotApplicable, "{id}");
    }
    // The correct side: the same app, well-formed, is judged.
    let dir = repo(&[REACT]);
    let fs = scan(&ScanOptions::new(dir.path())).expect("scan").findings;
    for id in [BUILD, MAPS, ENV] {
        assert_eq!(outcome(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
}
