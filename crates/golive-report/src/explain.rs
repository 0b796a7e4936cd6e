//! `golive explain`: the published scoring formula and the policy in force.

use golive_core::Severity;
use golive_core::config::{Config, FailOn};
use std::fmt::Write;

pub fn explain_policy(config: &Config) -> String {
    let p = &config.policy;
    let mut out = String::new();
    let source = config
        .source
        .as_ref()
        .map(|s| s.display().to_string())
        .unwrap_or_else(|| "built-in defaults (no golive.toml)".into());
    let _ = writeln!(out, "How golive scores (policy from {source})\n");
    let _ = writeln!(out, "Severity weights");
    for s in Severity::ALL {
        let _ = writeln!(out, "  {:9} {}", s.as_str(), s.weight());
    }
    let _ = writeln!(
        out,
        "\nOutcome credit\n  pass 1   warn 0.5   fail 0   manual (unsigned or expired sign-off) 0\n  not-applicable, inconclusive and error are left out of both sums\n  (inconclusive is never a pass; errors are shown and hold the verdict at ATTENTION at best)\n"
    );
    let _ = writeln!(
        out,
        "Score of a category, and overall over every applicable check\n  score = 100 × Σ(weight × credit) / Σ(weight)\n  a category with no applicable check shows n/a, not 100\n  a check with several findings takes its worst outcome (fail > manual > error > warn >\n  inconclusive > pass > not-applicable) and the highest severity among those findings\n  suppressed findings are listed in every report and left out of the score\n"
    );
    let _ = writeln!(
        out,
        "Sign-offs (manual items of an imported checklist)\n  \
         they are filed under the category their text is about and shown as their own progress\n  \
         (\"12 of 58 signed\"); in every score they weigh at most {share:.0} % of the total weight:\n  \
         when they would take more, their weights are scaled down together to that share\n  \
         (alone, with no evidence-based check, they are the whole score)\n  \
         why: a person's word is not evidence golive gathered; without a cap an imported\n  \
         checklist of 58 unsigned items outweighs every verified check and buries them, with\n  \
         it the items still move the score but evidence decides most of it\n  \
         an unsigned (or expired) critical item still fails: NO-GO and a production blocker;\n  \
         an unsigned high item is still a production blocker\n",
        share = golive_core::score::SIGNOFF_SHARE * 100.0
    );
    let _ = writeln!(out, "Verdict");
    let _ = writeln!(
        out,
        "  NO-GO      if any critical check fails, or the overall score is below {}{}",
        p.no_go_below,
        p.min_score
            .map(|m| format!(", or below the minimum score {m}"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  ATTENTION  if any high check fails, a critical check could not be decided (inconclusive\n             or error), the overall score is below {}, a check errored, or no check applied\n             at all (a report lists only the reasons of its decision; under NO-GO the ATTENTION\n             reasons are shown as \"also\")",
        p.attention_below
    );
    let _ = writeln!(out, "  GO         otherwise\n");
    let _ = writeln!(
        out,
        "Stage readiness (staging < production < scale)\n  a stage is blocked by every failing critical or high check required at that stage or an\n  earlier one (a failing critical check blocks production whatever its stage), and by\n  every critical check required by then that could not be decided: golive does not claim a\n  readiness it could not verify (such checks come in the action plan's \"decide these\n  first\" phase); production and scale are also blocked while the overall score is below\n  the NO-GO bar, so a NO-GO report is never \"ready for production\"\n"
    );
    let _ = writeln!(
        out,
        "Exit codes\n  0 GO{}   2 NO-GO   3 bad usage or config   4 internal error\n  (fail_on = {})",
        if p.fail_on == FailOn::Attention {
            ", 1 ATTENTION"
        } else {
            " (and ATTENTION)"
        },
        match p.fail_on {
            FailOn::Attention => "attention",
            FailOn::NoGo => "no-go",
        }
    );
    let _ = writeln!(
        out,
        "\nTests must meet a coverage threshold of at least {}%.",
        p.coverage_min
    );
    out
}
