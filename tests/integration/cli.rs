//! CLI behaviour: help texts (snapshots), version, errors and exit codes, output formats.

use serde_json::Value;

use crate::support::{Run, TODAY_VARIABLE, policy_sentry};

fn run(args: &[&str]) -> Run {
    let output = policy_sentry().args(args).output().unwrap();
    Run::from(output)
}

fn json(args: &[&str]) -> Value {
    let run = run(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", run.stdout))
}

#[test]
fn help_texts() {
    for args in [
        vec!["--help"],
        vec!["query", "--help"],
        vec!["query", "action-table", "--help"],
        vec!["query", "arn-table", "--help"],
        vec!["query", "condition-table", "--help"],
        vec!["query", "service-table", "--help"],
        vec!["completions", "--help"],
        vec!["write-policy", "--help"],
        vec!["write-policy-dir", "--help"],
        vec!["create-template", "--help"],
        vec!["initialize", "--help"],
        vec!["fetch-docs", "--help"],
        vec!["data-info", "--help"],
        vec!["data-diff", "--help"],
        vec!["analyze", "--help"],
        vec!["analyze", "policy-file", "--help"],
        vec!["analyze", "policy-dir", "--help"],
        vec!["analyze", "account", "--help"],
        vec!["analyze", "downloaded-policies", "--help"],
        vec!["expand-policy", "--help"],
        vec!["check", "--help"],
        vec!["explain", "--help"],
        vec!["simulate", "--help"],
        vec!["who-can", "--help"],
        vec!["principal-can", "--help"],
        vec!["escalation-paths", "--help"],
        vec!["diff", "--help"],
        vec!["lint", "--help"],
        vec!["check", "no-new-access", "--help"],
        vec!["check", "access-not-granted", "--help"],
        vec!["create-exclusions-file", "--help"],
    ] {
        let run = run(&args);
        assert_eq!(run.code, 0);
        let name = format!("help-{}", args.join("-").trim_start_matches('-'));
        insta::assert_snapshot!(name.replace("--", ""), run.stdout);
    }
}

#[test]
fn version_names_the_data_snapshot() {
    let run = run(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("policy_sentry "), "{}", run.stdout);
    for fact in ["2024-07-15", "457 pages", "405 services", "17033 actions"] {
        assert!(run.stdout.contains(fact), "{fact} missing: {}", run.stdout);
    }
}

#[test]
fn unknown_inputs_are_errors_naming_them() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["query", "action-table", "-s", "s4"],
            "error: unknown service prefix \"s4\" (did you mean s3?)\n",
        ),
        (
            &["query", "action-table", "-s", "s3", "-n", "GetObjekt"],
            "error: unknown action s3:GetObjekt (did you mean one of: GetObject, GetObjectAcl, GetObjectTagging?)\n",
        ),
        (
            &["query", "action-table", "-s", "s3", "-r", "buckett"],
            "error: service s3 has no resource type \"buckett\" (did you mean bucket?)\n",
        ),
        (
            &[
                "query",
                "action-table",
                "-s",
                "ses",
                "-c",
                "ses:FeedbackAdress",
            ],
            "error: service ses has no condition key \"ses:FeedbackAdress\" (did you mean ses:FeedbackAddress?)\n",
        ),
        (
            &["query", "arn-table", "-s", "cloud9", "-n", "enviroment"],
            "error: service cloud9 has no resource type \"enviroment\" (did you mean environment?)\n",
        ),
        (
            &[
                "query",
                "condition-table",
                "-s",
                "cloud9",
                "-n",
                "cloud9:Nope",
            ],
            "error: service cloud9 has no condition key \"cloud9:Nope\"\n",
        ),
    ];
    for (args, message) in cases {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?} wrote to stdout");
        assert_eq!(run.stderr, message, "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["query", "action-table"],
        vec!["query", "action-table", "-s", "s3", "-a", "admin"],
        vec!["query", "service-table", "--fmt", "xml"],
        vec![
            "query",
            "action-table",
            "-s",
            "s3",
            "-r",
            "bucket",
            "--wildcard-only",
        ],
        vec![
            "query",
            "action-table",
            "-s",
            "s3",
            "-n",
            "GetObject",
            "--fmt",
            "csv",
        ],
    ] {
        let run = run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(!run.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn input_names_are_case_insensitive() {
    let lower = json(&["query", "action-table", "-s", "s3", "-n", "getobject"]);
    let upper = json(&["query", "action-table", "-s", "S3", "-n", "GETOBJECT"]);
    assert_eq!(lower, upper);
    assert_eq!(lower["s3"][0]["action"], "s3:GetObject");
}

#[test]
fn name_globs_select_several_actions() {
    let details = json(&["query", "action-table", "-s", "cloud9", "-n", "Describe*"]);
    let names: Vec<&str> = details["cloud9"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    assert!(names.iter().all(|name| name.starts_with("cloud9:Describe")));
}

#[test]
fn detail_entries_have_their_own_condition_keys_and_dependents() {
    // ec2:RunInstances has many resource types; each entry lists its own type's keys.
    let details = json(&["query", "action-table", "-s", "ec2", "-n", "RunInstances"]);
    let entries = details["ec2"].as_array().unwrap();
    let image = entries
        .iter()
        .find(|entry| {
            entry["resource_arn_format"]
                .as_str()
                .unwrap()
                .contains(":image/")
        })
        .unwrap();
    let keys: Vec<&str> = image["condition_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key.as_str().unwrap())
        .collect();
    assert!(keys.contains(&"ec2:ImageType"), "{keys:?}");
    assert!(!keys.contains(&"ec2:InstanceMarketType"), "{keys:?}");
}

#[test]
fn service_all_results_are_sorted() {
    let all = json(&[
        "query",
        "action-table",
        "-s",
        "all",
        "-a",
        "permissions-management",
    ]);
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert!(names.contains(&"iam:CreatePolicy"));
    assert!(names.contains(&"ram:CreateResourceShare"));
    let wildcard = json(&["query", "action-table", "-s", "all", "--wildcard-only"]);
    assert!(wildcard.as_array().unwrap().len() > 1000);
}

#[test]
fn every_format_parses() {
    let yaml = run(&["query", "service-table", "--fmt", "yaml"]);
    let parsed: Vec<serde_json::Map<String, Value>> = serde_norway::from_str(&yaml.stdout).unwrap();
    assert_eq!(parsed.len(), 405);

    let csv = run(&["query", "service-table", "--fmt", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["prefix", "service_name"]);
    assert_eq!(reader.records().count(), 405);

    let text = run(&["query", "action-table", "-s", "cloud9", "--fmt", "text"]);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines.contains(&"cloud9:CreateEnvironmentEC2"));
    assert!(lines.iter().all(|line| line.starts_with("cloud9:")));

    let details = run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "-n",
        "GetObject",
        "--fmt",
        "yaml",
    ]);
    let parsed: Value = serde_norway::from_str(&details.stdout).unwrap();
    assert_eq!(parsed["s3"][0]["access_level"], "Read");
}

#[test]
fn closed_pipe_is_success_for_json_and_reports() {
    // The reader goes away before the writer starts.
    for args in [
        ["query", "action-table", "-s", "all", "-a", "read"].as_slice(),
        &["data-info", "--fmt", "json"],
    ] {
        let mut child = crate::support::policy_sentry_std()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[test]
fn closed_pipe_is_success() {
    // The reader takes one line and goes away while the writer is still writing.
    use std::io::BufRead;
    let mut child = crate::support::policy_sentry_std()
        .args([
            "query",
            "action-table",
            "-s",
            "all",
            "-a",
            "read",
            "--fmt",
            "text",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(':'), "{first:?}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn completions_for_every_shell() {
    let zsh = run(&["completions", "zsh"]);
    assert!(
        zsh.stdout.starts_with("#compdef policy_sentry"),
        "{}",
        &zsh.stdout[..40]
    );
    assert!(zsh.stdout.contains("action-table"));
    for shell in ["bash", "fish", "powershell"] {
        let run = run(&["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(run.stdout.contains("policy_sentry"), "{shell}");
    }
}

#[test]
fn data_info_warns_only_after_a_year() {
    let at = |today: &str| {
        let output = policy_sentry()
            .args(["data-info", "--fmt", "json"])
            .env(TODAY_VARIABLE, today)
            .output()
            .unwrap();
        let info: Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            output.status.code(),
            info["age_days"].as_i64(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    // The snapshot is from 2024-07-15; the warning starts after 365 days.
    assert_eq!(at("2025-07-15"), (Some(0), Some(365), String::new()));
    let (code, age, stderr) = at("2025-07-16");
    assert_eq!((code, age), (Some(0), Some(366)));
    assert!(
        stderr.starts_with("warning: the data in use is from 2024-07-15, 366 days ago"),
        "{stderr}"
    );
    // The newest snapshot has nothing newer to point at: refreshing is the advice.
    let newest = policy_sentry()
        .args([
            "--data-snapshot",
            "2026-10-27",
            "data-info",
            "--fmt",
            "json",
        ])
        .env(TODAY_VARIABLE, "2027-10-28")
        .output()
        .unwrap();
    assert_eq!(newest.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(newest.stderr).unwrap(),
        "warning: the data in use is from 2026-10-27, 366 days ago (more than 365); \
         refresh it with `policy_sentry fetch-docs --output-dir DIR` and build with POLICY_SENTRY_AWS_DOCS=DIR\n"
    );
    let bad = policy_sentry()
        .arg("data-info")
        .env(TODAY_VARIABLE, "tomorrow")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(bad.stderr).unwrap(),
        "error: POLICY_SENTRY_TODAY=\"tomorrow\": not a YYYY-MM-DD date\n"
    );
}
