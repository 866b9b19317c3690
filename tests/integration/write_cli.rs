//! `write-policy`, `write-policy-dir` and `create-template` on the command line: a transcript
//! snapshot for every error case recorded from policy_sentry (`tests/golden/write/errors/`),
//! and the behaviour around files, standard input, warnings and exit codes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Run, file_names, policy_sentry, read, repo_path};

pub(crate) fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = policy_sentry();
    command.args(args).current_dir(dir);
    if let Some(stdin) = stdin {
        command.write_stdin(stdin);
    }
    let output = command.output().unwrap();
    Run::from(output)
}

/// How this implementation answers a case policy_sentry fails on (or answers oddly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exit 2, nothing on stdout, one `error: <file>: …` line.
    Error,
    /// A usage error from the argument parser: exit 2, nothing on stdout.
    Usage,
    /// Exit 0 with a warning naming the file; stdout as the reference's when it succeeded.
    Warning,
    /// Exit 0: a valid policy where policy_sentry fails, exactly `fixed/<case>.json`.
    Fixed,
    /// Exit 0 and the reference's exact output.
    Same,
}

fn expectation(name: &str) -> Expect {
    match name {
        "actions-missing"
        | "actions-no-colon"
        | "actions-unknown-action"
        | "actions-unknown-service"
        | "actions-with-crud-key"
        | "bad-mode"
        | "bad-yaml"
        | "empty-file"
        | "invalid-arn-string"
        | "missing-mode"
        | "read-not-a-list"
        | "sts-bad-key"
        | "unknown-service-service-read"
        | "unknown-service-single-action"
        | "unknown-top-level-key"
        | "unknown-wildcard-only-key" => Expect::Error,
        "cli-bad-fmt"
        | "cli-minimize-negative"
        | "cli-minimize-not-int"
        | "cli-short-m-with-value" => Expect::Usage,
        "arn-aws-partition-with-colons"
        | "arn-no-matching-type"
        | "arn-no-matching-type-kms"
        | "arn-unknown-service"
        | "crud-lowercase-arn-service-case"
        | "no-match-servicecatalog-arn" => Expect::Warning,
        "actions-uppercase-service"
        | "arn-then-empty-string"
        | "catalog-prefix-actions"
        | "catalog-prefix-actions-catalog-name"
        | "catalog-prefix-crud"
        | "cli-minimize-before-short-i"
        | "dynamodb-short-arn-indexerror"
        | "minimize-two-star-dependents-and-skip"
        | "minimize-two-star-statements"
        | "uppercase-service-single-action" => Expect::Fixed,
        "catalog-prefix-single-action" => Expect::Same,
        other => panic!("error case {other} has no expectation: add it to write_cli.rs"),
    }
}

#[test]
fn every_recorded_error_case() {
    let dir = repo_path("tests/golden/write/errors");
    let cases: Value = serde_json::from_str(&read("tests/golden/write/errors/cases.json")).unwrap();
    for case in cases.as_array().unwrap() {
        let template = case["template"].as_str().unwrap();
        let name = template.trim_end_matches(".yml");
        let args: Vec<&str> = case["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|arg| arg.as_str().unwrap())
            .collect();
        let reference_exit = case["exit"].as_i64().unwrap();
        let reference_stdout = case["stdout"].as_str().unwrap();
        let run = run_in(&dir, &args, None);
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        match expectation(name) {
            Expect::Error => {
                assert_eq!(run.code, 2, "{name}: {}", run.stderr);
                assert_eq!(run.stdout, "", "{name}");
                assert_eq!(run.stderr.lines().count(), 1, "{name}: {}", run.stderr);
                assert!(
                    run.stderr.starts_with(&format!("error: {template}: ")),
                    "{name}: {}",
                    run.stderr
                );
            }
            Expect::Usage => {
                assert_eq!(run.code, 2, "{name}: {}", run.stderr);
                assert_eq!(reference_exit, 2, "{name}");
                assert_eq!(run.stdout, "", "{name}");
            }
            Expect::Warning => {
                assert_eq!(run.code, 0, "{name}: {}", run.stderr);
                assert!(
                    run.stderr.starts_with(&format!("warning: {template}: ")),
                    "{name}: {}",
                    run.stderr
                );
                if reference_exit == 0 {
                    assert_eq!(run.stdout, reference_stdout, "{name}");
                }
            }
            Expect::Fixed => {
                assert_eq!(run.code, 0, "{name}: {}", run.stderr);
                let fixed = read(&format!("tests/golden/write/fixed/{name}.json"));
                assert_eq!(run.stdout, fixed, "{name}: fixed/{name}.json");
                assert_ne!(
                    (reference_exit, reference_stdout),
                    (0, run.stdout.as_str()),
                    "{name}: same as the reference, so not a fix"
                );
            }
            Expect::Same => {
                assert_eq!(run.code, 0, "{name}: {}", run.stderr);
                assert_eq!(run.stdout, reference_stdout, "{name}");
            }
        }
        let transcript = format!(
            "$ policy_sentry {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            run.code,
            run.stdout,
            run.stderr
        );
        insta::assert_snapshot!(format!("write-error-{name}"), transcript);
    }
    // Each Fixed case read its file above; no other file is there.
    for file in file_names("tests/golden/write/fixed") {
        if let Some(name) = file.strip_suffix(".json") {
            assert_eq!(expectation(name), Expect::Fixed, "fixed/{file}");
        }
    }
}

/// `errors/cases.json` is what `every_recorded_error_case` runs; the `.reference.txt` files
/// are what a reader checks. Every template has both, and they say the same.
#[test]
fn error_cases_file_agrees_with_the_recorded_files() {
    let dir = repo_path("tests/golden/write/errors");
    let cases: Value = serde_json::from_str(&read("tests/golden/write/errors/cases.json")).unwrap();
    let mut listed: Vec<String> = Vec::new();
    for case in cases.as_array().unwrap() {
        let template = case["template"].as_str().unwrap();
        let name = template.trim_end_matches(".yml");
        let recorded = std::fs::read_to_string(dir.join(format!("{name}.reference.txt")))
            .unwrap_or_else(|error| panic!("{name}.reference.txt: {error}"));
        let (head, stdout) = recorded
            .split_once("\nstdout:\n")
            .unwrap_or_else(|| panic!("{name}.reference.txt: no `stdout:` line"));
        let expected = format!(
            "exit: {}\nstderr_last_line: {}\nargs: {}",
            case["exit"],
            case["stderr_last_line"].as_str().unwrap(),
            // Python's json.dumps spacing, as record.py wrote it.
            serde_json::to_string(&case["args"])
                .unwrap()
                .replace("\",\"", "\", \""),
        );
        assert_eq!(head, expected, "{name}");
        assert_eq!(stdout, case["stdout"].as_str().unwrap(), "{name}");
        listed.push(template.to_owned());
    }
    let files = file_names("tests/golden/write/errors");
    let on_disk: Vec<String> = files
        .iter()
        .filter(|f| f.ends_with(".yml"))
        .cloned()
        .collect();
    assert_eq!(listed, on_disk, "cases.json lists every template, in order");
    let references = files
        .iter()
        .filter(|f| f.ends_with(".reference.txt"))
        .count();
    assert_eq!(references, on_disk.len(), "one .reference.txt per template");
}

pub(crate) fn golden(name: &str) -> PathBuf {
    repo_path("tests/golden/write").join(name)
}

#[test]
fn reads_the_template_from_standard_input() {
    let template = read("tests/golden/write/17-ssm-parameter.yml");
    let run = run_in(
        &repo_path("."),
        &["write-policy", "--fmt", "yaml"],
        Some(&template),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        read("tests/golden/write/17-ssm-parameter.yaml.out")
    );
    let bad = run_in(
        &repo_path("."),
        &["write-policy"],
        Some("mode: crud\nread: x\n"),
    );
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "error: <stdin>: read: expected a list of strings, found a string (\"x\")\n"
    );
}

#[test]
fn minimize_spellings() {
    let dir = repo_path("tests/golden/write");
    let expected = read("tests/golden/write/17-ssm-parameter.json-min4.out");
    for args in [
        vec![
            "write-policy",
            "-i",
            "17-ssm-parameter.yml",
            "--minimize",
            "4",
        ],
        vec!["write-policy", "-i", "17-ssm-parameter.yml", "--minimize=4"],
        vec![
            "write-policy",
            "--minimize",
            "4",
            "-i",
            "17-ssm-parameter.yml",
        ],
        vec![
            "write-policy",
            "-m",
            "--minimize_length",
            "4",
            "-i",
            "17-ssm-parameter.yml",
        ],
    ] {
        let run = run_in(&dir, &args, None);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, expected, "{args:?}");
    }
    // A flag right after --minimize is not taken as its value (policy_sentry fails here).
    let run = run_in(
        &dir,
        &["write-policy", "--minimize", "-i", "17-ssm-parameter.yml"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        read("tests/golden/write/17-ssm-parameter.json-min0.out")
    );
}

#[test]
fn missing_input_file_is_an_error_naming_it() {
    let run = run_in(
        &repo_path("."),
        &["write-policy", "-i", "no/such/template.yml"],
        None,
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: no/such/template.yml: "),
        "{}",
        run.stderr
    );
}

#[test]
fn catalog_prefix_yields_servicecatalog_actions() {
    let dir = repo_path("tests/golden/write/errors");
    for (template, expected) in [
        (
            "catalog-prefix-crud.yml",
            "servicecatalog:AcceptPortfolioShare",
        ),
        (
            "catalog-prefix-actions.yml",
            "servicecatalog:AcceptPortfolioShare",
        ),
        (
            "catalog-prefix-actions-catalog-name.yml",
            "servicecatalog:AcceptPortfolioShare",
        ),
    ] {
        let run = run_in(&dir, &["write-policy", "-i", template], None);
        assert_eq!(run.code, 0, "{template}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{template}");
        let policy: Value = serde_json::from_str(&run.stdout).unwrap();
        let portfolio = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|statement| statement["Sid"] == "CatalogWritePortfolio")
            .unwrap_or_else(|| panic!("{template}: {}", run.stdout));
        let actions = portfolio["Action"].as_array().unwrap();
        assert!(
            actions.iter().any(|action| action == expected),
            "{template}"
        );
        assert!(
            actions
                .iter()
                .all(|action| action.as_str().unwrap().starts_with("servicecatalog:")),
            "{template}"
        );
    }
}

#[test]
fn deny_effect() {
    let template = "mode: crud\neffect: Deny\nread:\n- arn:aws:s3:::mybucket\nwildcard-only:\n  single-actions:\n  - s3:ListAllMyBuckets\n";
    let run = run_in(&repo_path("."), &["write-policy"], Some(template));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let policy: Value = serde_json::from_str(&run.stdout).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert!(statements.iter().all(|s| s["Effect"] == "Deny"));
}

/// The actions and resources of each statement, by Sid.
fn statements(stdout: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let policy: Value = serde_json::from_str(stdout).unwrap();
    let strings = |value: &Value| -> Vec<String> {
        let list = value.as_array().unwrap().iter();
        list.map(|item| item.as_str().unwrap().to_owned()).collect()
    };
    let list = policy["Statement"].as_array().unwrap().iter();
    list.map(|s| {
        (
            s["Sid"].as_str().unwrap().to_owned(),
            strings(&s["Action"]),
            strings(&s["Resource"]),
        )
    })
    .collect()
}

const S3_WRITE: &str = "mode: crud\nwrite:\n- arn:aws:s3:::mybucket\n";

/// A Deny policy denies the asked level on the asked bucket: no dependent actions of an Allow
/// (`iam:PassRole`, `s3:GetReplicationConfiguration`) and nothing on `*`.
#[test]
fn deny_denies_no_dependent_actions() {
    let template = format!("{S3_WRITE}effect: Deny\n");
    let run = run_in(&repo_path("."), &["write-policy"], Some(&template));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let statements = statements(&run.stdout);
    assert_eq!(statements.len(), 1, "{statements:?}");
    let (sid, actions, resources) = &statements[0];
    assert_eq!(sid, "S3WriteBucket");
    assert_eq!(resources, &["arn:aws:s3:::mybucket"]);
    assert!(actions.contains(&"s3:PutReplicationConfiguration".to_owned()));
    for dependent in ["iam:PassRole", "s3:GetReplicationConfiguration"] {
        assert!(!actions.contains(&dependent.to_owned()), "{actions:?}");
    }
}

/// An Allow policy grants a dependent action that takes the bucket on the bucket; one that
/// cannot (`iam:PassRole`) goes on `*` with a warning naming it and the action needing it.
#[test]
fn dependent_actions_are_scoped_to_the_asked_arn() {
    let run = run_in(&repo_path("."), &["write-policy"], Some(S3_WRITE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let statements = statements(&run.stdout);
    let bucket = statements
        .iter()
        .find(|(sid, ..)| sid == "S3WriteBucket")
        .unwrap();
    assert!(
        bucket
            .1
            .contains(&"s3:GetReplicationConfiguration".to_owned())
    );
    assert_eq!(bucket.2, ["arn:aws:s3:::mybucket"]);
    let star = statements
        .iter()
        .find(|(.., resources)| resources == &["*"])
        .unwrap();
    assert_eq!(star.1, ["iam:PassRole"]);
    assert_eq!(
        run.stderr,
        "warning: <stdin>: write[0]: iam:PassRole, which s3:PutReplicationConfiguration needs, cannot be \
         restricted to \"arn:aws:s3:::mybucket\"; it is granted on \"*\"\n"
    );
}

#[test]
fn seed_era_templates() {
    let seed = "policy_with_crud_levels:\n- name: reader\n  description: ''\n  role_arn: ''\n  read:\n  - arn:aws:s3:::mybucket\n";
    let run = run_in(&repo_path("."), &["write-policy"], Some(seed));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("S3ReadBucket"));
    let two = format!("{seed}- name: writer\n  write:\n  - arn:aws:s3:::mybucket\n");
    let run = run_in(&repo_path("."), &["write-policy"], Some(&two));
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("write-policy-dir"), "{}", run.stderr);
}

#[test]
fn warnings_name_file_key_and_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yml"),
        "mode: crud\nread:\n- arn:aws:s3:::mybucket\n- arn:aws:kms:us-east-1:1:notakey\nwildcard-only:\n  single-actions:\n  - s3:GetObject\n",
    )
    .unwrap();
    let run = run_in(dir.path(), &["write-policy", "-i", "t.yml"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("S3ReadBucket"));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].starts_with(
        "warning: t.yml: wildcard-only.single-actions[0]: s3:GetObject can be restricted"
    ));
    assert!(lines[1].starts_with(
        "warning: t.yml: read[1]: \"arn:aws:kms:us-east-1:1:notakey\" matches no resource type of kms"
    ));
}

#[test]
fn create_template_to_a_file_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &["create-template", "-t", "CRUD", "-o", "t.yml"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("write-policy template file written to: ")
    );
    let crud = read("tests/golden/write/template-crud.yml.golden");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
        crud
    );

    let again = run_in(
        dir.path(),
        &["create-template", "-t", "actions", "-o", "t.yml"],
        None,
    );
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        "error: t.yml already exists; pass --force to replace it\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
        crud
    );

    let forced = run_in(
        dir.path(),
        &["create-template", "-t", "actions", "-o", "t.yml", "--force"],
        None,
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
        read("tests/golden/write/template-actions.yml.golden")
    );
    let usage = run_in(
        dir.path(),
        &["create-template", "-t", "crud", "--force"],
        None,
    );
    assert_eq!(usage.code, 2);
}

/// Templates and policies are files like any other: a new one gets the mode a plain create
/// gives (the umask decides), a replaced one keeps its mode.
#[cfg(unix)]
#[test]
fn written_files_get_the_usual_mode_and_replaced_ones_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    // This process's umask, which the command inherits, applied to 0o666.
    std::fs::File::create(dir.path().join("plain")).unwrap();
    let usual = mode(&dir.path().join("plain"));

    let run = run_in(
        dir.path(),
        &["create-template", "-t", "crud", "-o", "t.yml"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mode(&dir.path().join("t.yml")), usual);

    std::fs::set_permissions(
        dir.path().join("t.yml"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let forced = run_in(
        dir.path(),
        &["create-template", "-t", "actions", "-o", "t.yml", "--force"],
        None,
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(mode(&dir.path().join("t.yml")), 0o640);

    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(
        golden("16-kms-key-exclude-delete.yml"),
        input.join("kms.yml"),
    )
    .unwrap();
    let written = run_in(
        dir.path(),
        &[
            "write-policy-dir",
            "--input-dir",
            "in",
            "--output-dir",
            "out",
        ],
        None,
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(mode(&dir.path().join("out/kms.json")), usual);
}

#[test]
fn created_templates_write_empty_policies() {
    for kind in ["crud", "actions"] {
        let template = run_in(&repo_path("."), &["create-template", "-t", kind], None).stdout;
        let run = run_in(&repo_path("."), &["write-policy"], Some(&template));
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{kind}");
        assert_eq!(
            run.stdout,
            "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": []\n}\n"
        );
    }
}
