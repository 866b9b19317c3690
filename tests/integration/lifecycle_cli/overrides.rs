//! Run-time access-level overrides with `query` and `write-policy`: the flag, the
//! environment variable, and bad overrides files named with their line.

use policy_sentry::data::{AccessLevel, Service};
use serde_json::Value;

use super::{Run, path, run, run_with};
use crate::support::read;

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
