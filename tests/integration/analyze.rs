//! Policy analysis against the reference tools' recorded outputs (tests/golden/analyze), and
//! properties of expansion.

use std::collections::{BTreeMap, BTreeSet};

use policy_sentry::analyze::expand::expanded_names;
use policy_sentry::analyze::{
    ActionClause, ActionSet, Category, Config, Effect, PolicyDocument, analyze, expand,
};
use policy_sentry::data::Action;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{read, repo_path};

fn fixtures() -> Vec<(String, PolicyDocument)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(repo_path("examples/policies")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((name, PolicyDocument::from_path(&path).unwrap()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn statements(value: &Value) -> Vec<Value> {
    match &value["Statement"] {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    }
}

/// Our expansion of every Allow `Action` list equals policy_sentry 0.12.15's
/// `get_expanded_policy`, compared as sets (it sorts unknown entries in, we append them).
/// Where it empties a list (Deny statements, `NotAction`), we expand; that is checked too.
#[test]
fn expansion_equals_policy_sentry() {
    for (name, policy) in fixtures() {
        let golden: Value =
            serde_json::from_str(&read(&format!("tests/golden/analyze/expand/{name}.json")))
                .unwrap();
        let golden = statements(&golden);
        assert_eq!(golden.len(), policy.statements.len(), "{name}");
        for (index, (statement, recorded)) in policy.statements.iter().zip(&golden).enumerate() {
            let (ours, _) = expanded_names(statement.actions.patterns());
            let ours: BTreeSet<String> = ours.into_iter().collect();
            let theirs: BTreeSet<String> = match (&recorded["Action"], &recorded["NotAction"]) {
                (Value::Array(list), _) | (_, Value::Array(list)) => list
                    .iter()
                    .map(|v| v.as_str().unwrap().to_owned())
                    .collect(),
                other => panic!("{name} #{index}: {other:?}"),
            };
            match (&statement.effect, &statement.actions) {
                (Effect::Allow, ActionClause::Action(_)) => {
                    assert_eq!(ours, theirs, "{name} statement {index}")
                }
                // The reference's documented gap: it empties these lists.
                _ => assert!(theirs.is_empty() && !ours.is_empty(), "{name} #{index}"),
            }
        }
    }
}

/// cloudsplaining's printed findings, by category.
fn parse_cloudsplaining(text: &str) -> BTreeMap<Category, BTreeSet<String>> {
    let mut out: BTreeMap<Category, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Potential Issue found: ") {
            current = Some(match rest {
                r if r.contains("Privilege Escalation") => Category::PrivilegeEscalation,
                r if r.contains("Data Exfiltration") => Category::DataExfiltration,
                r if r.contains("Resource Exposure") => Category::ResourceExposure,
                r if r.contains("ALL Actions from a service") => Category::ServiceWildcard,
                r if r.contains("return credentials") => Category::CredentialsExposure,
                r if r.contains("Infrastructure Modification") => {
                    Category::InfrastructureModification
                }
                other => panic!("unknown heading {other}"),
            });
        } else if let Some(method) = line.strip_prefix("- Method: ") {
            out.entry(Category::PrivilegeEscalation)
                .or_default()
                .insert(method.to_owned());
        } else if let Some(actions) = line.strip_prefix("Actions: ") {
            let category = current.expect("a heading first");
            out.entry(category)
                .or_default()
                .extend(actions.split(", ").map(str::to_owned));
        }
    }
    out
}

/// Ours, in cloudsplaining's terms: method names, service prefixes, action names.
fn ours(policy: &PolicyDocument, flag_all: bool) -> BTreeMap<Category, BTreeSet<String>> {
    let config = Config {
        flag_all_risky_actions: flag_all,
        ..Config::default()
    };
    let report = analyze(policy, &config);
    let mut out = BTreeMap::new();
    for category in Category::POLICY {
        let items: BTreeSet<String> = match category {
            Category::PrivilegeEscalation => report
                .findings
                .privilege_escalation
                .iter()
                .map(|m| m.name.to_owned())
                .collect(),
            Category::ServiceWildcard => report
                .findings
                .service_wildcard
                .iter()
                .map(|s| s.prefix().to_owned())
                .collect(),
            _ => report.findings.actions(category).into_iter().collect(),
        };
        if !items.is_empty() && category != Category::NetworkExposure {
            out.insert(category, items);
        }
    }
    out
}

/// The documented rules where we differ from cloudsplaining 0.9.1, applied to its output so
/// that what remains must be equal (docs-analysis.md, "Differences from the references").
fn adjust_cloudsplaining(
    policy: &PolicyDocument,
    mut theirs: BTreeMap<Category, BTreeSet<String>>,
) -> BTreeMap<Category, BTreeSet<String>> {
    use policy_sentry::data::AccessLevel;
    let denied = analyze(policy, &Config::default()).grants.denied;
    for (category, items) in theirs.iter_mut() {
        match category {
            // Its InfrastructureModification also lists the exclusions file's read-level
            // include-actions; ours keeps those in DataExfiltration only.
            Category::InfrastructureModification => items.retain(|action| {
                Action::find(action).is_none_or(|a| {
                    !matches!(a.access_level(), AccessLevel::Read | AccessLevel::List)
                })
            }),
            // It names a service wildcard of an unknown service; ours reports the pattern in
            // unknown_actions instead.
            Category::ServiceWildcard => {
                items.retain(|service| policy_sentry::data::Service::find(service).is_some())
            }
            _ => {}
        }
        // It does not subtract Deny statements from ResourceExposure and
        // InfrastructureModification; ours subtracts actions denied on "*" everywhere.
        if matches!(
            category,
            Category::ResourceExposure | Category::InfrastructureModification
        ) {
            items.retain(|action| Action::find(action).is_none_or(|a| !denied.contains(a)));
        }
    }
    theirs.retain(|_, items| !items.is_empty());
    theirs
}

fn adjust_ours(
    mut ours: BTreeMap<Category, BTreeSet<String>>,
) -> BTreeMap<Category, BTreeSet<String>> {
    for (category, items) in ours.iter_mut() {
        match category {
            // ssm:GetParameterHistory returns parameter values too: it is on our list only.
            Category::DataExfiltration => {
                items.remove("ssm:GetParameterHistory");
            }
            // Its list spells these two with the prefix "gamelist", so they never match there.
            Category::CredentialsExposure => {
                items.remove("gamelift:GetComputeAccess");
                items.remove("gamelift:GetComputeAuthToken");
            }
            _ => {}
        }
    }
    ours.retain(|_, items| !items.is_empty());
    ours
}

#[test]
fn findings_agree_with_cloudsplaining() {
    let mut disagreements = Vec::new();
    for (name, policy) in fixtures() {
        for flag_all in [false, true] {
            let file = if flag_all {
                format!("{name}.all")
            } else {
                name.clone()
            };
            let text = read(&format!("tests/golden/analyze/cloudsplaining/{file}.txt"));
            let theirs = adjust_cloudsplaining(&policy, parse_cloudsplaining(&text));
            let ours = adjust_ours(ours(&policy, flag_all));
            for category in Category::POLICY {
                let empty = BTreeSet::new();
                let a = ours.get(&category).unwrap_or(&empty);
                let b = theirs.get(&category).unwrap_or(&empty);
                if a != b {
                    let only_ours: Vec<_> = a.difference(b).take(8).collect();
                    let only_theirs: Vec<_> = b.difference(a).take(8).collect();
                    disagreements.push(format!(
                        "{file} {category}: only ours {only_ours:?} ({}), only theirs {only_theirs:?} ({})",
                        a.difference(b).count(),
                        b.difference(a).count()
                    ));
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A small glob matcher written independently of the library's, for brute force.
fn brute_glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            brute_glob(&pattern[1..], text) || (!text.is_empty() && brute_glob(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => brute_glob(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p.eq_ignore_ascii_case(t) => brute_glob(&pattern[1..], &text[1..]),
        _ => false,
    }
}

fn brute_force(pattern: &str) -> ActionSet {
    Action::all()
        .filter(|action| {
            pattern == "*"
                || pattern.split_once(':').is_some_and(|(service, name)| {
                    brute_glob(service.as_bytes(), action.service().prefix().as_bytes())
                        && brute_glob(name.as_bytes(), action.name().as_bytes())
                })
        })
        .collect()
}

/// Patterns made from real action names: a random action's name with a random stretch
/// replaced by `*`, random characters by `?`, random case.
fn pattern() -> impl Strategy<Value = String> {
    let count = Action::count();
    (0..count, any::<u64>(), 0usize..4).prop_map(move |(index, seed, shape)| {
        let action = Action::from_index(index).unwrap();
        let service = action.service().prefix().to_owned();
        let name = action.name().to_owned();
        let mut rng = seed;
        let mut next = |bound: usize| {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((rng >> 33) as usize) % bound.max(1)
        };
        let mut glob = |text: &str| -> String {
            let chars: Vec<char> = text.chars().collect();
            let start = next(chars.len() + 1);
            let end = (start + next(chars.len() + 1 - start)).min(chars.len());
            let mut out = String::new();
            for (i, c) in chars.iter().enumerate() {
                if i == start {
                    out.push('*');
                }
                if (start..end).contains(&i) {
                    continue;
                }
                match next(8) {
                    0 => out.push('?'),
                    1 => out.push(c.to_ascii_uppercase()),
                    2 => out.push(c.to_ascii_lowercase()),
                    _ => out.push(*c),
                }
            }
            if start == chars.len() {
                out.push('*');
            }
            out
        };
        match shape {
            0 => format!("{service}:{}", glob(&name)),
            1 => format!("{}:{}", glob(&service), glob(&name)),
            2 => format!("{}:{name}", glob(&service)),
            _ => format!("{service}:{name}"),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Expansion of a glob equals brute-force matching over every action.
    #[test]
    fn expansion_equals_brute_force(pattern in pattern()) {
        let expanded = expand(&[pattern.as_str()]).actions;
        prop_assert_eq!(expanded, brute_force(&pattern), "{}", pattern);
    }

    /// Expanding a list is the union of expanding each pattern.
    #[test]
    fn expansion_is_a_union(a in pattern(), b in pattern()) {
        let mut union = expand(&[a.as_str()]).actions;
        union.union_with(&expand(&[b.as_str()]).actions);
        prop_assert_eq!(expand(&[a.as_str(), b.as_str()]).actions, union);
    }
}

#[allow(dead_code)]
#[path = "../../examples/generate_account.rs"]
pub(crate) mod generate_account;

#[test]
fn the_parallel_json_report_equals_the_plain_one() {
    use policy_sentry::analyze::account::{AuthorizationDetails, audit_account};
    use policy_sentry::analyze::exclusions::Exclusions;
    // More policies and principals than one block of the parallel writer.
    let text = generate_account::generate(300, 300, 10, 300).to_string();
    let details = AuthorizationDetails::parse(&text, "generated").unwrap();
    let report = audit_account(&details, &Exclusions::defaults(), &Config::default());
    assert!(report.policies.len() > 256 && report.principals.len() > 256);
    let mut plain = Vec::new();
    policy_sentry::output::json::write_pretty(&report.to_json(), &mut plain).unwrap();
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .unwrap();
        let mut parallel = Vec::new();
        pool.install(|| report.write_json(&mut parallel)).unwrap();
        assert!(parallel == plain, "--jobs {jobs}");
    }
}

#[test]
fn the_html_report_is_the_same_with_any_number_of_threads() {
    use policy_sentry::analyze::account::{AuthorizationDetails, audit_account};
    use policy_sentry::analyze::exclusions::Exclusions;
    let text = generate_account::generate(300, 300, 10, 300).to_string();
    let details = AuthorizationDetails::parse(&text, "generated").unwrap();
    let report = audit_account(&details, &Exclusions::defaults(), &Config::default());
    let render = |jobs: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .unwrap();
        let mut html = Vec::new();
        pool.install(|| policy_sentry::output::html::write_account(&report, None, &mut html))
            .unwrap();
        String::from_utf8(html).unwrap()
    };
    let serial = render(1);
    // Findings rows of every category and a section per principal, well past one block.
    assert!(serial.matches("<tr class=\"finding\">").count() > 256);
    assert_eq!(
        serial.matches("<details class=\"principal\">").count(),
        report.principals.len()
    );
    for jobs in [2, 3] {
        assert!(render(jobs) == serial, "--jobs {jobs}");
    }
}
