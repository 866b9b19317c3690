//! CLI transcripts of the data life cycle: `data-info`, `data-diff`, the companion binary,
//! and their errors; `initialize` and run-time access-level overrides in the submodules.

use std::path::Path;

use policy_sentry::data::Service;
use policy_sentry::date::Date;
use serde_json::{Value, json};

use crate::support::{Run, TODAY_VARIABLE, policy_sentry, read};

mod initialize;
mod overrides;

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = policy_sentry();
    command.env_remove("POLICY_SENTRY_ACCESS_OVERRIDES");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.args(args).output().unwrap();
    Run::from(output)
}

fn run(args: &[&str]) -> Run {
    run_with(args, &[])
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

// ---- data-info ----

/// `data-info` runs with today fixed (its test hook), so the age cannot change mid-test.
const TODAY: &str = "2026-01-01";

fn age_days() -> i64 {
    Date::parse(TODAY)
        .unwrap()
        .days_since(Date::parse("2024-07-15").unwrap())
}

#[test]
fn data_info_text_and_json() {
    let text = run_with(&["data-info"], &[(TODAY_VARIABLE, TODAY)]);
    assert_eq!(text.code, 0);
    let age = age_days();
    let head: Vec<&str> = text.stdout.lines().take(7).collect();
    assert_eq!(
        head,
        [
            format!("snapshot date:  2024-07-15 ({age} days old)").as_str(),
            "pages:          457",
            "services:       405",
            "actions:        17033",
            "resource types: 1817",
            "condition keys: 1764",
            "",
        ]
    );
    let header = text.stdout.lines().nth(7).unwrap();
    assert!(header.starts_with("service  "), "{header}");
    assert!(
        header.ends_with("  actions  resource types  condition keys"),
        "{header}"
    );
    let s3 = Service::find("s3").unwrap();
    let row = text
        .stdout
        .lines()
        .find(|line| line.starts_with("s3 "))
        .unwrap();
    let numbers: Vec<String> = row.split_whitespace().map(str::to_owned).collect();
    assert_eq!(
        numbers,
        [
            "s3".to_owned(),
            s3.actions().len().to_string(),
            s3.resource_types().len().to_string(),
            s3.condition_keys().len().to_string()
        ]
    );
    assert_eq!(text.stdout.lines().count(), 8 + 405);
    assert!(age > 365);
    assert_eq!(
        text.stderr,
        format!(
            "warning: the data in use is from 2024-07-15, {age} days ago (more than 365); \
             newer data is embedded: 2026-10-27 (the default without --data-snapshot); \
             `policy_sentry data-diff --from 2024-07-15 --to 2026-10-27 --policy FILE` shows what it changes for a policy\n"
        )
    );

    let json_run = run_with(&["data-info", "--fmt", "json"], &[(TODAY_VARIABLE, TODAY)]);
    assert_eq!(json_run.code, 0);
    let info: Value = serde_json::from_str(&json_run.stdout).unwrap();
    assert_eq!(info["snapshot_date"], "2024-07-15");
    assert_eq!(info["age_days"], age);
    assert_eq!(info["pages"], 457);
    assert_eq!(info["actions"], 17_033);
    assert_eq!(info["access_level_overrides"], Value::Null);
    let services = info["per_service"].as_array().unwrap();
    assert_eq!(services.len(), 405);
    let cloud9 = services.iter().find(|s| s["prefix"] == "cloud9").unwrap();
    let service = Service::find("cloud9").unwrap();
    assert_eq!(
        cloud9,
        &json!({
            "prefix": "cloud9",
            "name": service.name(),
            "actions": service.actions().len(),
            "resource_types": service.resource_types().len(),
            "condition_keys": service.condition_keys().len(),
        })
    );
    let sum: u64 = services
        .iter()
        .map(|s| s["actions"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, 17_033);
}

#[test]
fn data_info_names_the_overrides_in_use() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("o.yml");
    std::fs::write(&file, "s3:\n  Write: [getobject, putobject]\n").unwrap();
    let run = run(&[
        "data-info",
        "--fmt",
        "json",
        "--access-level-overrides-file",
        path(&file),
    ]);
    let info: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        info["access_level_overrides"],
        json!({"file": path(&file), "actions_listed": 2, "actions_changed": 1})
    );
    let text = self::run(&["data-info", "--access-level-overrides-file", path(&file)]);
    assert!(
        text.stdout.contains(&format!(
            "overrides:      {} (2 actions listed, 1 changed)\n",
            file.display()
        )),
        "{}",
        text.stdout
    );
    let bad = self::run(&["data-info", "--fmt", "xml"]);
    assert_eq!(bad.code, 2);
}

// ---- data-diff ----

/// A pages folder with cloud9 changed (one action renamed, one level and one resource type
/// changed) and a new service `alpha`.
fn changed_docs(dir: &Path) {
    let cloud9 = read("aws-docs/list_awscloud9.html");
    let level = "IDE connects to\n               </td>\n               <td tabindex=\"-1\">\n                Write";
    assert!(cloud9.contains(level));
    let cloud9 = cloud9
        .replace(level, &level.replace("Write", "Read"))
        .replacen("environment*", "environment", 1)
        .replace(
            "CreateEnvironmentEC2\n                </a>",
            "CreateEnvironmentEC3\n                </a>",
        );
    std::fs::write(dir.join("list_awscloud9.html"), cloud9).unwrap();
    std::fs::write(
        dir.join("list_alpha.html"),
        read("tests/fixtures/pages/list_alpha.html"),
    )
    .unwrap();
}

#[test]
fn data_diff_reports_what_changed() {
    let temp = tempfile::tempdir().unwrap();
    changed_docs(temp.path());
    let run = run(&[
        "data-diff",
        "--docs-dir",
        path(temp.path()),
        "--fmt",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut diff: Value = serde_json::from_str(&run.stdout).unwrap();
    let removed = diff["services_removed"].take();
    let removed = removed.as_array().unwrap();
    assert_eq!(removed.len(), 404);
    assert!(removed.iter().all(|s| s["prefix"] != "cloud9"));
    let a2c = Service::find("a2c").unwrap();
    assert_eq!(
        removed[0],
        json!({"prefix": "a2c", "name": a2c.name(), "actions": a2c.actions().len()})
    );
    assert_eq!(
        diff,
        json!({
            "from": "2024-07-15",
            "to": temp.path().display().to_string(),
            "pages": 2,
            "services_added": [{"prefix": "alpha", "name": "Alpha Service", "actions": 3}],
            "services_removed": null,
            "actions_added": ["cloud9:CreateEnvironmentEC3"],
            "actions_removed": ["cloud9:CreateEnvironmentEC2"],
            "access_levels_changed": [
                {"action": "cloud9:ActivateEC2Remote", "from": "Write", "to": "Read"}
            ],
            "resource_types_changed": [
                {"action": "cloud9:ActivateEC2Remote", "added": ["environment"], "removed": ["environment*"]}
            ],
            "resource_types_added": [],
            "resource_types_removed": [],
            "arn_formats_changed": [],
            "condition_keys_added": [],
            "condition_keys_removed": [],
            "condition_key_types_changed": [],
        })
    );

    let text = self::run(&["data-diff", "--docs-dir", path(temp.path())]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout
            .contains("\n  - wam (Amazon WorkSpaces Application Manager, 1 action)\n"),
        "{}",
        text.stdout
    );
    let kept: Vec<&str> = text
        .stdout
        .lines()
        .filter(|line| {
            !(line.starts_with("  - ")
                && (line.ends_with(" actions)") || line.ends_with(" action)")))
        })
        .collect();
    let kept = kept
        .join("\n")
        .replace(&temp.path().display().to_string(), "<dir>");
    insta::assert_snapshot!("data-diff-text", kept);
}

#[test]
fn data_diff_of_the_vendored_pages_finds_nothing() {
    // Scraping at run time gives what build.rs compiled in.
    let run = run(&[
        "data-diff",
        "--docs-dir",
        crate::support::repo_path("aws-docs").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "from 2024-07-15 to {}\nfiles read: 457\nno differences\n",
            crate::support::repo_path("aws-docs").display()
        )
    );
}

#[test]
fn data_diff_errors_name_the_folder_or_page() {
    let temp = tempfile::tempdir().unwrap();
    let missing = temp.path().join("missing");
    let run1 = run(&["data-diff", "--docs-dir", path(&missing)]);
    assert_eq!(run1.code, 2);
    assert!(
        run1.stderr.starts_with(&format!(
            "error: cannot read the AWS pages: {}: cannot list the folder: ",
            missing.display()
        )),
        "{}",
        run1.stderr
    );
    let empty = run(&["data-diff", "--docs-dir", path(temp.path())]);
    assert_eq!(
        empty.stderr,
        format!(
            "error: cannot read the AWS pages: {}: no list_*.html pages in this folder\n",
            temp.path().display()
        )
    );
    std::fs::write(
        temp.path().join("list_broken.html"),
        "<html><body>nothing</body></html>",
    )
    .unwrap();
    let broken = run(&["data-diff", "--docs-dir", path(temp.path())]);
    assert_eq!(broken.code, 2);
    assert_eq!(
        broken.stderr,
        "error: cannot read the AWS pages: list_broken.html: no element with id \"main-content\"\n"
    );
    assert_eq!(broken.stdout, "");
    let usage = run(&["data-diff"]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("--docs-dir <DIR>"),
        "{}",
        usage.stderr
    );
}

// ---- the companion binary ----

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn the_html_parser_http_client_and_aws_sdk_stay_out_of_the_main_binary() {
    // Their static data would be relocated at every start of every query (see cli::companion).
    let main = std::fs::read(assert_cmd::cargo::cargo_bin("policy_sentry")).unwrap();
    let companion = std::fs::read(assert_cmd::cargo::cargo_bin("policy_sentry-aws")).unwrap();
    let mut markers = vec![b"(fetch-docs)".as_slice(), b"annotation-xml"];
    if cfg!(feature = "download") {
        // The header every AWS SDK request carries.
        markers.push(b"x-amz-user-agent");
    }
    for marker in markers {
        assert!(
            !contains(&main, marker),
            "{}",
            String::from_utf8_lossy(marker)
        );
        assert!(
            contains(&companion, marker),
            "{}",
            String::from_utf8_lossy(marker)
        );
    }
}

#[test]
fn the_companion_takes_the_same_command_line() {
    let companion = || {
        let mut command =
            std::process::Command::new(assert_cmd::cargo::cargo_bin("policy_sentry-aws"));
        crate::support::hermetic(&mut command);
        assert_cmd::Command::from_std(command)
    };
    let output = companion()
        .args(["query", "service-table", "--fmt", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        output.stdout,
        run(&["query", "service-table", "--fmt", "csv"])
            .stdout
            .into_bytes()
    );
    let output = companion()
        .args([
            "data-diff",
            "--docs-dir",
            crate::support::repo_path("tests/fixtures/pages")
                .to_str()
                .unwrap(),
            "--fmt",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let diff: Value = serde_json::from_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    assert_eq!(diff["pages"], 3);
}

#[test]
fn a_missing_companion_is_a_clear_error() {
    let temp = tempfile::tempdir().unwrap();
    let alone = temp
        .path()
        .join(format!("policy_sentry{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(assert_cmd::cargo::cargo_bin("policy_sentry"), &alone).unwrap();
    let output = crate::support::hermetic(&mut std::process::Command::new(&alone))
        .args(["data-diff", "--docs-dir", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: fetch-docs, data-diff --docs-dir, initialize --fetch and download-policies run in policy_sentry-aws, which is not beside this program ("),
        "{stderr}"
    );
    // Everything else works without it, comparing embedded snapshots included.
    let output = crate::support::hermetic(&mut std::process::Command::new(&alone))
        .args(["data-info", "--fmt", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = crate::support::hermetic(&mut std::process::Command::new(&alone))
        .args(["data-diff", "--to", "2026-10-27", "--fmt", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let diff: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (&diff["from"], &diff["to"]),
        (&json!("2024-07-15"), &json!("2026-10-27"))
    );
}
