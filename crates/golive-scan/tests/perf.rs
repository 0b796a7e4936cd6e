//! perf domain: a load test committed with the code.

use golive_core::Outcome;

mod support;
use support::code::*;

const LOAD: &str = "perf.load-test";

#[test]
fn k6_script_passes() {
    let fs = findings(&fixture("load/k6"));
    assert_eq!(outcome(&fs, LOAD), Outcome::Pass);
    assert_eq!(loc(of(&fs, LOAD)[0]), "load/orders.js:1");
}

#[test]
fn locustfile_passes() {
    let fs = findings(&fixture("load/locust"));
    assert_eq!(outcome(&fs, LOAD), Outcome::Pass);
    assert_eq!(loc(of(&fs, LOAD)[0]), "locustfile.py:4");
}

#[test]
fn artillery_yaml_passes() {
    let fs = findings(&fixture("load/artillery"));
    assert_eq!(outcome(&fs, LOAD), Outcome::Pass);
    assert_eq!(loc(of(&fs, LOAD)[0]), "perf/checkout.yml:1");
}

#[test]
fn golive_load_section_passes() {
    let fs = findings(&fixture("load/golive-toml"));
    assert_eq!(outcome(&fs, LOAD), Outcome::Pass);
    assert_eq!(loc(of(&fs, LOAD)[0]), "golive.toml:5");
}

#[test]
fn service_without_load_test_fails() {
    let fs = findings(&fixture("load/missing"));
    assert_eq!(outcome(&fs, LOAD), Outcome::Fail, "{:#?}", of(&fs, LOAD));
}

#[test]
fn library_is_not_applicable() {
    let fs = findings(&fixture("load/library"));
    assert_eq!(outcome(&fs, LOAD), Outcome::NotApplicable);
}

#[test]
fn other_tools() {
    let svc = ("package.json", "{\"dependencies\":{\"express\":\"4\"}}\n");
    for (file, want) in [
        (
            (
                "scripts/load.sh",
                "#!/bin/sh\necho 'GET http://localhost:3000/' | vegeta attack -rate=100 -duration=30s | vegeta report\n",
            ),
            Outcome::Pass,
        ),
        (
            ("scripts/load.sh", "#!/bin/sh\n# vegeta attack -rate=100\n"),
            Outcome::Fail,
        ),
        (
            (
                "Makefile",
                "bench:\n\twrk -t4 -c100 -d30s http://localhost:3000/\n",
            ),
            Outcome::Pass,
        ),
        (
            (
                ".github/workflows/perf.yml",
                "jobs:\n  perf:\n    steps:\n      - run: k6 run load/smoke.js\n",
            ),
            Outcome::Pass,
        ),
        (
            (
                "src/test/scala/BasicSimulation.scala",
                "import io.gatling.core.Predef._\nclass BasicSimulation extends Simulation {}\n",
            ),
            Outcome::Pass,
        ),
        (
            (
                "perf/plan.jmx",
                "<?xml version=\"1.0\"?>\n<jmeterTestPlan version=\"1.2\">\n</jmeterTestPlan>\n",
            ),
            Outcome::Pass,
        ),
        (
            (
                "bench/run.js",
                "const autocannon = require('autocannon');\nautocannon({ url: 'http://localhost:3000' });\n",
            ),
            Outcome::Pass,
        ),
        (
            (
                "load/targets.txt",
                "GET http://localhost:3000/api/items\nX-Request-Id: load\n\nPOST http://localhost:3000/api/cart\n",
            ),
            Outcome::Pass,
        ),
        (
            ("notes/targets.txt", "people we target this quarter\n"),
            Outcome::Fail,
        ),
        (
            (
                "locustfile.py",
                "# from locust import HttpUser\nprint('todo')\n",
            ),
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&[svc, file], LOAD);
        assert_eq!(o, want, "{file:?}\n{f:#?}");
    }
}
