#!/usr/bin/env python3
"""Score golive's audit reports against the blind labels of benches/accuracy/*.toml.

Usage: score.py LABELS_DIR REPORTS_DIR [--markdown FILE] [--json FILE]

REPORTS_DIR holds `<owner>__<name>.json` (golive audit --format json) for the repositories that
were audited; a label file without a report is listed as skipped.

Agreement: golive's outcome for a check is the `outcome` of its entry in the report's `results`
array (one entry per check; several findings of a check are already combined there by
precedence fail > manual > error > warn > inconclusive > pass > not-applicable). A check with no
entry in `results` counts as `not-applicable`. A fact agrees when that outcome equals the label.
`inconclusive`, `error` and `manual` never agree.
"""
import argparse
import json
import os
import sys
import tomllib
from collections import defaultdict

VALID_LABELS = {"pass", "fail", "warn", "not-applicable"}


def load_labels(labels_dir):
    files = sorted(f for f in os.listdir(labels_dir) if f.endswith(".toml"))
    out = []
    for name in files:
        path = os.path.join(labels_dir, name)
        with open(path, "rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as err:
                sys.exit(f"{path}: not valid TOML: {err}")
        for key in ("repository", "commit", "fair_verdict", "fact"):
            if key not in data:
                sys.exit(f"{path}: missing `{key}`")
        seen = set()
        for i, fact in enumerate(data["fact"], 1):
            for key in ("check", "expected", "evidence", "why"):
                if key not in fact:
                    sys.exit(f"{path}: fact #{i} has no `{key}`")
            if fact["expected"] not in VALID_LABELS:
                sys.exit(f"{path}: fact #{i} ({fact['check']}): expected must be one of "
                         f"{sorted(VALID_LABELS)}, not {fact['expected']!r}")
            if fact["check"] in seen:
                sys.exit(f"{path}: check {fact['check']} labelled twice")
            seen.add(fact["check"])
        data["_key"] = name[: -len(".toml")]
        out.append(data)
    return out


def golive_outcome(report, check):
    for res in report.get("results", []):
        if res.get("check") == check:
            return res.get("outcome", "?")
    return "absent"


def agrees(expected, got):
    if got == "absent":
        return expected == "not-applicable"
    return expected == got


def evidence_for(report, check, limit=3):
    """Up to `limit` locations of golive's non-passing findings for a check (for the analysis)."""
    locs = []
    for f in report.get("findings", []):
        if f.get("check") != check or f.get("suppressed"):
            continue
        if f.get("outcome") in ("pass", "not-applicable"):
            continue
        for ev in f.get("evidence", []) or []:
            if ev.get("kind") == "file" and ev.get("path"):
                loc = ev["path"] + (f":{ev['line']}" if ev.get("line") else "")
                if loc not in locs:
                    locs.append(loc)
        if not f.get("evidence"):
            msg = (f.get("message") or "").strip()
            if msg and msg not in locs:
                locs.append(msg[:90])
        if len(locs) >= limit:
            break
    return locs[:limit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("labels_dir")
    ap.add_argument("reports_dir")
    ap.add_argument("--markdown")
    ap.add_argument("--json")
    args = ap.parse_args()

    corpora = load_labels(args.labels_dir)
    rows, per_repo, skipped, verdicts = [], [], [], []
    per_check = defaultdict(lambda: [0, 0])
    for repo in corpora:
        rpath = os.path.join(args.reports_dir, repo["_key"] + ".json")
        if not os.path.exists(rpath):
            skipped.append(repo["repository"])
            continue
        with open(rpath) as fh:
            try:
                report = json.load(fh)
            except json.JSONDecodeError as err:
                print(f"{rpath}: not JSON ({err}); skipped", file=sys.stderr)
                skipped.append(repo["repository"])
                continue
        agree = 0
        for fact in repo["fact"]:
            got = golive_outcome(report, fact["check"])
            ok = agrees(fact["expected"], got)
            agree += ok
            per_check[fact["check"]][0] += ok
            per_check[fact["check"]][1] += 1
            rows.append({
                "repository": repo["repository"], "check": fact["check"],
                "expected": fact["expected"], "golive": got, "agree": ok,
                "label_evidence": fact["evidence"], "why": fact["why"],
                "golive_evidence": [] if ok else evidence_for(report, fact["check"]),
            })
        n = len(repo["fact"])
        per_repo.append({"repository": repo["repository"], "commit": repo["commit"],
                         "agree": agree, "facts": n})
        verdict = report.get("verdict", {}) or {}
        verdicts.append({"repository": repo["repository"],
                         "golive": verdict.get("decision", "?"),
                         "score": report.get("score"),
                         "fair": repo["fair_verdict"],
                         "reasons": verdict.get("reasons", [])})

    total = sum(r["facts"] for r in per_repo)
    total_agree = sum(r["agree"] for r in per_repo)

    def pct(a, n):
        return f"{100.0 * a / n:.1f}%" if n else "n/a"

    # ---- terminal output ------------------------------------------------------------------
    print("\n== per fact (disagreements only; AGREE lines with ACCURACY_VERBOSE=1)")
    verbose = os.environ.get("ACCURACY_VERBOSE") == "1"
    for r in rows:
        if r["agree"] and not verbose:
            continue
        mark = "AGREE   " if r["agree"] else "DISAGREE"
        extra = "" if r["agree"] else f"  golive at: {', '.join(r['golive_evidence']) or '-'}"
        print(f"{mark} {r['repository']:<40} {r['check']:<36} label={r['expected']:<15} "
              f"golive={r['golive']:<15} label at: {r['label_evidence']}{extra}")
    print("\n== per repository")
    for r in per_repo:
        print(f"{r['repository']:<40} {r['commit'][:12]}  {r['agree']:>3}/{r['facts']:<3} "
              f"{pct(r['agree'], r['facts'])}")
    for s in skipped:
        print(f"{s:<40} SKIPPED (no report: repository not available)")
    print("\n== per check")
    for check in sorted(per_check):
        a, n = per_check[check]
        print(f"{check:<36} {a:>3}/{n:<3} {pct(a, n)}")
    print("\n== verdicts")
    for v in verdicts:
        score = "n/a" if v["score"] is None else f"{v['score']:.0f}"
        same = "same" if v["golive"] == v["fair"] else "differs"
        print(f"{v['repository']:<40} golive={v['golive']:<9} (score {score:>3})  "
              f"fair={v['fair']:<9} {same}")
    print(f"\n== overall: {total_agree}/{total} facts agree ({pct(total_agree, total)}) on "
          f"{len(per_repo)} repositories; {len(skipped)} skipped")

    # ---- markdown / json -----------------------------------------------------------------
    if args.markdown:
        md = []
        md.append(f"Overall: **{total_agree}/{total} facts agree ({pct(total_agree, total)})** "
                  f"on {len(per_repo)} repositories"
                  + (f"; skipped: {', '.join(skipped)}" if skipped else "") + ".\n")
        md.append("### Per repository\n")
        md.append("| repository | commit | agree | facts | agreement | golive verdict (score) "
                  "| fair verdict |")
        md.append("|---|---|---:|---:|---:|---|---|")
        vmap = {v["repository"]: v for v in verdicts}
        for r in per_repo:
            v = vmap[r["repository"]]
            score = "n/a" if v["score"] is None else f"{v['score']:.0f}"
            md.append(f"| {r['repository']} | `{r['commit'][:12]}` | {r['agree']} | {r['facts']} "
                      f"| {pct(r['agree'], r['facts'])} | {v['golive']} ({score}) | {v['fair']} |")
        md.append("\n### Per check\n")
        md.append("| check | agree | facts | agreement |")
        md.append("|---|---:|---:|---:|")
        for check in sorted(per_check, key=lambda c: (per_check[c][0] / per_check[c][1], c)):
            a, n = per_check[check]
            md.append(f"| `{check}` | {a} | {n} | {pct(a, n)} |")
        md.append("\n### Disagreements\n")
        md.append("| repository | check | label | golive | label evidence | golive evidence |")
        md.append("|---|---|---|---|---|---|")
        for r in rows:
            if r["agree"]:
                continue
            gev = "<br>".join(f"`{e}`" for e in r["golive_evidence"]) or "—"
            md.append(f"| {r['repository']} | `{r['check']}` | {r['expected']} | {r['golive']} "
                      f"| `{r['label_evidence']}` | {gev} |")
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(md) + "\n")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"overall": {"agree": total_agree, "facts": total},
                       "repositories": per_repo, "skipped": skipped,
                       "checks": {c: {"agree": a, "facts": n} for c, (a, n) in per_check.items()},
                       "verdicts": verdicts, "facts": rows}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
