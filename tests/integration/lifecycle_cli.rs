//! CLI transcripts of the data life cycle: `initialize`, run-time access-level overrides
//! with `query`, `data-info`, `data-diff`, and their errors.

use std::path::Path;

use policy_sentry::config::{EXAMPLE_EXCLUSIONS, example_overrides};
use policy_sentry::data::{AccessLevel, Service};
use policy_sentry::date::Date;
use serde_json::{Value, json};

use crate::support::{TODAY_VARIABLE, policy_sentry, read};

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = policy_sentry();
    command.env_remove("POLICY_SENTRY_ACCESS_OVERRIDES");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.args(args).output().unwrap();
    Run {
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        code: output.status.code().unwrap_or(-1),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, &[])
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

// ---- initialize ----

#[cfg(unix)]
#[test]
fn initialize_does_not_write_through_a_planted_symlink() {
    // The old code wrote `<file>.tmp` under that fixed name with fs::write, which follows a
    // symlink planted there.
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    std::fs::create_dir(&dir).unwrap();
    let victim = temp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    for name in ["access-level-overrides.yml.tmp", "exclusions.yml.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let first = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(read_file(&victim), "precious");
    assert_eq!(
        read_file(&dir.join("access-level-overrides.yml")),
        example_overrides().unwrap()
    );
}

#[test]
fn initialize_writes_the_example_files_and_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    let overrides = dir.join("access-level-overrides.yml");
    let exclusions = dir.join("exclusions.yml");

    let first = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, "");
    assert!(
        first.stderr.starts_with(&format!(
            "created: {} (access-level overrides)\ncreated: {} (analysis exclusions example)\n",
            overrides.display(),
            exclusions.display()
        )),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("No database to build"),
        "{}",
        first.stderr
    );
    assert_eq!(read_file(&overrides), example_overrides().unwrap());
    assert_eq!(read_file(&exclusions), EXAMPLE_EXCLUSIONS);

    let again = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(again.code, 0);
    assert!(
        again
            .stderr
            .starts_with(&format!("unchanged: {}", overrides.display())),
        "{}",
        again.stderr
    );

    // An edited file is kept, and said to be.
    std::fs::write(&overrides, "s3:\n  Write: [getobject]\n").unwrap();
    let kept = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(kept.code, 0);
    assert!(
        kept.stderr.starts_with(&format!(
            "kept (edited; --force overwrites it): {}",
            overrides.display()
        )),
        "{}",
        kept.stderr
    );
    assert_eq!(read_file(&overrides), "s3:\n  Write: [getobject]\n");

    let forced = run(&["initialize", "--config-dir", path(&dir), "--force"]);
    assert_eq!(forced.code, 0);
    assert!(
        forced
            .stderr
            .starts_with(&format!("overwrote: {}", overrides.display())),
        "{}",
        forced.stderr
    );
    assert_eq!(read_file(&overrides), example_overrides().unwrap());
    // No stray temporary files.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["access-level-overrides.yml", "exclusions.yml"]);
}

fn read_file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn initialize_defaults_to_the_home_folder() {
    let temp = tempfile::tempdir().unwrap();
    let home = path(temp.path());
    let run = run_with(&["initialize"], &[("HOME", home), ("USERPROFILE", home)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        temp.path()
            .join(".policy_sentry/access-level-overrides.yml")
            .is_file()
    );
    assert!(temp.path().join(".policy_sentry/exclusions.yml").is_file());

    let output = policy_sentry()
        .arg("initialize")
        .env_remove("HOME")
        .env_remove("USERPROFILE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no home folder (HOME is not set); give --config-dir\n"
    );
}

#[test]
fn initialize_installs_a_given_overrides_file_after_checking_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    let mine = temp.path().join("mine.yml");
    std::fs::write(&mine, "s3:\n  Write:\n    - getobject\n").unwrap();
    let installed = dir.join("access-level-overrides.yml");

    let run1 = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--access-level-overrides-file",
        path(&mine),
    ]);
    assert_eq!(run1.code, 0, "{}", run1.stderr);
    assert_eq!(read_file(&installed), read_file(&mine));

    // Another file over an edited one needs --force.
    let other = temp.path().join("other.yml");
    std::fs::write(&other, "s3:\n  Tagging:\n    - getobject\n").unwrap();
    let refused = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--access-level-overrides-file",
        path(&other),
    ]);
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        format!(
            "error: {} exists and differs from the file to be written (edited?); use --force to overwrite it\n",
            installed.display()
        )
    );
    assert_eq!(read_file(&installed), read_file(&mine));
    let forced = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--force",
        "--access-level-overrides-file",
        path(&other),
    ]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(read_file(&installed), read_file(&other));

    // A bad file is refused before anything is written.
    let bad = temp.path().join("bad.yml");
    std::fs::write(&bad, "s3:\n  Write:\n    - getobjekt\n").unwrap();
    let fresh = temp.path().join("fresh");
    let refused = run(&[
        "initialize",
        "--config-dir",
        path(&fresh),
        "--access-level-overrides-file",
        path(&bad),
    ]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.starts_with(&format!(
            "error: {}:3:7: unknown action s3:getobjekt",
            bad.display()
        )),
        "{}",
        refused.stderr
    );
    assert!(!fresh.exists());
}

// ---- run-time access-level overrides ----

fn text_lines(run: &Run) -> Vec<String> {
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.lines().map(str::to_owned).collect()
}

/// s3's actions at `level` in page order, with s3:GetObject moved to Write.
fn expected_with_get_object_as_write(level: AccessLevel) -> Vec<String> {
    Service::find("s3")
        .unwrap()
        .actions()
        .filter(|action| {
            let effective = if action.name() == "GetObject" {
                AccessLevel::Write
            } else {
                action.builtin_access_level()
            };
            effective == level
        })
        .map(|action| action.to_string())
        .collect()
}

#[test]
fn an_override_changes_query_results_exactly_as_it_says() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("overrides.yml");
    std::fs::write(&file, "s3:\n    Write:\n        - getobject\n").unwrap();
    let file = path(&file);

    let write_before = text_lines(&run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "-a",
        "write",
        "--fmt",
        "text",
    ]));
    let read_before = text_lines(&run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "-a",
        "read",
        "--fmt",
        "text",
    ]));
    assert!(read_before.contains(&"s3:GetObject".to_owned()));
    assert!(!write_before.contains(&"s3:GetObject".to_owned()));

    for (args, env) in [
        (vec!["--access-level-overrides-file", file], vec![]),
        (vec![], vec![("POLICY_SENTRY_ACCESS_OVERRIDES", file)]),
    ] {
        let query = |level: &str| {
            let mut all = vec![
                "query",
                "action-table",
                "-s",
                "s3",
                "-a",
                level,
                "--fmt",
                "text",
            ];
            all.extend(&args);
            text_lines(&run_with(&all, &env))
        };
        let write_after = query("write");
        let read_after = query("read");
        assert_eq!(
            write_after,
            expected_with_get_object_as_write(AccessLevel::Write)
        );
        assert_eq!(
            read_after,
            expected_with_get_object_as_write(AccessLevel::Read)
        );
        // Exactly one action moved, and nothing else changed.
        assert_eq!(write_after.len(), write_before.len() + 1);
        assert_eq!(read_after.len(), read_before.len() - 1);
        let mut moved: Vec<&String> = write_after
            .iter()
            .filter(|a| !write_before.contains(a))
            .collect();
        moved.extend(read_before.iter().filter(|a| !read_after.contains(a)));
        assert_eq!(moved, ["s3:GetObject", "s3:GetObject"]);
    }

    // The flag goes before or after the subcommand, and shows in details and --service all.
    let details = run(&[
        "--access-level-overrides-file",
        file,
        "query",
        "action-table",
        "-s",
        "s3",
        "-n",
        "getobject",
    ]);
    let details: Value = serde_json::from_str(&details.stdout).unwrap();
    assert_eq!(details["s3"][0]["access_level"], "Write");
    let all = text_lines(&run(&[
        "query",
        "action-table",
        "-s",
        "all",
        "-a",
        "write",
        "--fmt",
        "text",
        "--access-level-overrides-file",
        file,
    ]));
    assert!(all.contains(&"s3:GetObject".to_owned()));
    // Resource-type queries at a level see it too.
    let by_type = |level: &str| {
        text_lines(&run(&[
            "query",
            "action-table",
            "-s",
            "s3",
            "-r",
            "object",
            "-a",
            level,
            "--fmt",
            "text",
            "--access-level-overrides-file",
            file,
        ]))
    };
    assert!(by_type("write").contains(&"s3:GetObject".to_owned()));
    assert!(!by_type("read").contains(&"s3:GetObject".to_owned()));
}

#[test]
fn a_template_policy_changes_exactly_as_the_override_says() {
    // Golden files recorded from policy_sentry 0.12.15 (tests/golden/write/overrides/README.md).
    let dir = crate::support::repo_path("tests/golden/write/overrides");
    let template = dir.join("crud.yml");
    let overrides = dir.join("s3-getobject-write.yml");
    let without = run(&["write-policy", "--input-file", path(&template)]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert_eq!(
        without.stdout,
        read("tests/golden/write/overrides/without-override.json")
    );
    let with = run(&[
        "write-policy",
        "--input-file",
        path(&template),
        "--access-level-overrides-file",
        path(&overrides),
    ]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert_eq!(
        with.stdout,
        read("tests/golden/write/overrides/with-override.json")
    );
    // The environment variable gives the same policy.
    let from_env = run_with(
        &["write-policy", "--input-file", path(&template)],
        &[("POLICY_SENTRY_ACCESS_OVERRIDES", path(&overrides))],
    );
    assert_eq!(from_env.stdout, with.stdout);
}

#[test]
fn the_flag_wins_over_the_environment() {
    let temp = tempfile::tempdir().unwrap();
    let to_write = temp.path().join("w.yml");
    let to_tagging = temp.path().join("t.yml");
    std::fs::write(&to_write, "s3:\n  Write: [getobject]\n").unwrap();
    std::fs::write(&to_tagging, "s3:\n  Tagging: [getobject]\n").unwrap();
    let run = run_with(
        &[
            "query",
            "action-table",
            "-s",
            "s3",
            "-n",
            "GetObject",
            "--access-level-overrides-file",
            path(&to_tagging),
        ],
        &[("POLICY_SENTRY_ACCESS_OVERRIDES", path(&to_write))],
    );
    let details: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(details["s3"][0]["access_level"], "Tagging");
}

#[test]
fn bad_overrides_files_are_errors_naming_file_and_line() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("o.yml");
    let cases = [
        (
            "s3:\n  Write:\n    - getobjekt\n",
            ":3:7: unknown action s3:getobjekt (did you mean one of: GetObject, GetObjectAcl, GetObjectTagging?)\n",
        ),
        (
            "s33:\n  Write: [getobject]\n",
            ":1:1: unknown service prefix \"s33\" (did you mean s3?)\n",
        ),
        (
            "s3:\n  Writ:\n    - getobject\n",
            ":2:3: \"Writ\" is not an access level (expected one of: Read, Write, List, Tagging, Permissions management)\n",
        ),
    ];
    for (yaml, message) in cases {
        std::fs::write(&file, yaml).unwrap();
        for env in [
            vec![],
            vec![("POLICY_SENTRY_ACCESS_OVERRIDES", path(&file))],
        ] {
            let args: Vec<&str> = if env.is_empty() {
                vec![
                    "query",
                    "service-table",
                    "--access-level-overrides-file",
                    path(&file),
                ]
            } else {
                vec!["query", "service-table"]
            };
            let run = run_with(&args, &env);
            assert_eq!(run.code, 2, "{yaml}");
            assert_eq!(run.stdout, "");
            assert_eq!(run.stderr, format!("error: {}{message}", file.display()));
        }
    }
    let missing = temp.path().join("missing.yml");
    let run = run(&[
        "query",
        "service-table",
        "--access-level-overrides-file",
        path(&missing),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with(&format!("error: {}: ", missing.display())),
        "{}",
        run.stderr
    );

    // Commands that read no access levels ignore a broken environment file.
    std::fs::write(&file, "nonsense: [").unwrap();
    let completions = run_with(
        &["completions", "bash"],
        &[("POLICY_SENTRY_ACCESS_OVERRIDES", path(&file))],
    );
    assert_eq!(completions.code, 0);
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
            "warning: the embedded AWS pages are from 2024-07-15, {age} days ago (more than 365); \
             refresh them with `policy_sentry fetch-docs --output-dir DIR` and build with POLICY_SENTRY_AWS_DOCS=DIR\n"
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
    insta::assert_snapshot!("data-diff-text", kept.join("\n"));
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
        "pages read: 457\nno differences from the embedded data\n"
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
        stderr.starts_with("error: fetch-docs, data-diff, initialize --fetch and download-policies run in policy_sentry-aws, which is not beside this program ("),
        "{stderr}"
    );
    // Everything else works without it.
    let output = crate::support::hermetic(&mut std::process::Command::new(&alone))
        .args(["data-info", "--fmt", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}
