//! `write-policy --max-size`: fits as written when it can, minimized only as far as needed,
//! else split; the parts are within the limit as AWS counts it and together grant exactly the
//! (action, resource) pairs of the unminimized policy.

use std::collections::BTreeSet;

use policy_sentry::analyze::expand;
use serde_json::Value;

use crate::support::{Run, policy_sentry, repo_path};

const TEMPLATE: &str = "benches/fixtures/actions-200.yml";

fn write(args: &[&str]) -> Run {
    Run::from(
        policy_sentry()
            .arg("write-policy")
            .arg("--input-file")
            .arg(repo_path(TEMPLATE))
            .args(args)
            .output()
            .unwrap(),
    )
}

/// Characters without the white space outside strings: compact JSON.
fn aws_size(policy: &Value) -> usize {
    serde_json::to_string(policy).unwrap().chars().count()
}

/// (action, resource) pairs a policy grants, its patterns expanded over the data.
fn grants(policies: &[Value]) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for policy in policies {
        for statement in policy["Statement"].as_array().unwrap() {
            let patterns: Vec<String> = statement["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect();
            let expansion = expand(&patterns);
            assert!(expansion.unknown.is_empty(), "{:?}", expansion.unknown);
            for resource in statement["Resource"].as_array().unwrap() {
                for action in expansion.actions.iter() {
                    pairs.insert((action.to_string(), resource.as_str().unwrap().to_owned()));
                }
            }
        }
    }
    pairs
}

#[test]
fn split_parts_fit_and_grant_exactly_the_unminimized_policy() {
    let plain = write(&[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let unminimized: Value = serde_json::from_str(&plain.stdout).unwrap();
    let expected = grants(std::slice::from_ref(&unminimized));
    for limit in ["managed", "user-inline", "1000"] {
        let run = write(&["--max-size", limit]);
        assert_eq!(run.code, 0, "{limit}: {}", run.stderr);
        let parts: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        let chars = match limit {
            "managed" => 6_144,
            "user-inline" => 2_048,
            number => number.parse().unwrap(),
        };
        assert!(parts.len() > 1, "{limit}");
        for part in &parts {
            assert!(aws_size(part) <= chars, "{limit}: {}", aws_size(part));
        }
        assert_eq!(grants(&parts), expected, "{limit}");
        assert!(
            run.stderr
                .contains(&format!("split into {} policies", parts.len())),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_policy_that_fits_is_unchanged_and_minimizing_stops_when_it_fits() {
    let plain = write(&[]);
    let unminimized: Value = serde_json::from_str(&plain.stdout).unwrap();
    let size = aws_size(&unminimized);
    let roomy = write(&["--max-size", &size.to_string()]);
    assert_eq!(
        (roomy.code, roomy.stdout.as_str(), roomy.stderr.as_str()),
        (0, plain.stdout.as_str(), "")
    );

    // Just below: a mild minimizing fits; the note names the length used.
    let tight = write(&["--max-size", &(size - 1).to_string()]);
    assert_eq!(tight.code, 0, "{}", tight.stderr);
    let minimized: Value = serde_json::from_str(&tight.stdout).unwrap();
    assert!(minimized.is_object(), "one policy, not a list");
    assert!(aws_size(&minimized) < size);
    let note = tight.stderr.trim_end();
    let length: usize = note
        .strip_prefix("note: minimized (as --minimize ")
        .and_then(|rest| rest.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{note}"));
    // The next milder length would not have fitted, or writes the same policy (lengths past
    // the longest action name shorten nothing more).
    let milder = write(&["--minimize", &(length + 1).to_string()]);
    let milder_policy: Value = serde_json::from_str(&milder.stdout).unwrap();
    assert!(
        milder.stdout == tight.stdout || aws_size(&milder_policy) >= size,
        "--minimize {} fits too",
        length + 1
    );
    assert_eq!(grants(&[minimized]), grants(&[unminimized]));
}

#[test]
fn bad_limits_and_formats_are_errors() {
    let bad = write(&["--max-size", "huge"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("expected managed, role-inline, user-inline, group-inline or a number"),
        "{}",
        bad.stderr
    );
    let both = write(&["--max-size", "managed", "--minimize"]);
    assert_eq!(both.code, 2);
    let terraform = write(&["--max-size", "1000", "--fmt", "terraform"]);
    assert_eq!(terraform.code, 2);
    assert_eq!(terraform.stdout, "");
    assert!(
        terraform
            .stderr
            .contains("--fmt terraform holds one policy"),
        "{}",
        terraform.stderr
    );
}
