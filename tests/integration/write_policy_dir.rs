//! `write-policy-dir` on the command line: every good template written, the bad ones
//! reported, names never claimed twice.

use crate::support::{names_in, read, repo_path};
use crate::write_cli::{golden, run_in};

#[test]
fn write_policy_dir_writes_every_good_template_and_reports_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for name in [
        "16-kms-key-exclude-delete.yml",
        "44-actions-with-dependents.yml",
    ] {
        std::fs::copy(golden(name), input.join(name)).unwrap();
    }
    std::fs::write(input.join("bad.yaml"), "mode: crud\nread:\n- mybucket\n").unwrap();
    std::fs::write(
        input.join("seed.yml"),
        "policy_with_crud_levels:\n- name: reader\n  read:\n  - arn:aws:s3:::b\n- name: writer\n  write:\n  - arn:aws:s3:::b\n",
    )
    .unwrap();
    std::fs::write(input.join("notes.txt"), "not a template").unwrap();

    let run = run_in(
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
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let output = dir.path().join("out");
    assert_eq!(
        names_in(&output),
        [
            "16-kms-key-exclude-delete.json",
            "44-actions-with-dependents.json",
            "seed.reader.json",
            "seed.writer.json"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(output.join("16-kms-key-exclude-delete.json")).unwrap(),
        read("tests/golden/write/deviations/16-kms-key-exclude-delete.json.out")
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "warning: in/16-kms-key-exclude-delete.yml: write[0]: iam:CreateServiceLinkedRole, which kms:ReplicateKey needs, cannot be restricted to \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"; it is granted on \"*\"",
            "warning: in/16-kms-key-exclude-delete.yml: write[0]: kms:CreateKey, which kms:ReplicateKey needs, cannot be restricted to \"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\"; it is granted on \"*\"",
            "warning: in/seed.yml: write[0]: iam:PassRole, which s3:PutReplicationConfiguration needs, cannot be restricted to \"arn:aws:s3:::b\"; it is granted on \"*\"",
            "wrote 4 policies to out",
            "error: in/bad.yaml: read[0]: \"mybucket\" is not an ARN: it does not start with \"arn:\"",
            "error: 1 of 4 templates failed",
        ]
    );

    // A rerun replaces the outputs; YAML goes to .yml files.
    std::fs::remove_file(input.join("bad.yaml")).unwrap();
    let run = run_in(
        dir.path(),
        &[
            "write-policy-dir",
            "--input-dir",
            "in",
            "--output-dir",
            "out",
            "--fmt",
            "yaml",
            "--minimize",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(output.join("16-kms-key-exclude-delete.yml")).unwrap(),
        run_in(
            &repo_path("tests/golden/write"),
            &[
                "write-policy",
                "-i",
                "16-kms-key-exclude-delete.yml",
                "--fmt",
                "yaml",
                "--minimize"
            ],
            None
        )
        .stdout
    );
    assert_eq!(names_in(&output).len(), 8, "{:?}", names_in(&output));
}

#[test]
fn write_policy_dir_needs_templates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for (input, message) in [
        ("missing", "error: missing: "),
        ("empty", "error: empty holds no .yml or .yaml templates"),
    ] {
        let run = run_in(
            dir.path(),
            &[
                "write-policy-dir",
                "--input-dir",
                input,
                "--output-dir",
                "out",
            ],
            None,
        );
        assert_eq!(run.code, 2, "{input}");
        assert!(run.stderr.starts_with(message), "{input}: {}", run.stderr);
    }
}

/// A file whose second template fails writes nothing and claims no output name, so a later
/// file may write that name.
#[test]
fn write_policy_dir_a_failed_file_claims_no_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // Sorted first: its first policy would be `a.z.json`, its second fails.
    std::fs::write(
        input.join("a.yml"),
        "policy_with_actions:\n- name: z\n  actions: [s3:GetObject]\n- name: zz\n  actions: [s3:NoSuchAction]\n",
    )
    .unwrap();
    std::fs::write(
        input.join("a.z.yml"),
        "mode: actions\nactions: [s3:GetObject]\n",
    )
    .unwrap();
    let run = run_in(
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
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("already written"), "{}", run.stderr);
    assert!(run.stderr.contains("NoSuchAction"), "{}", run.stderr);
    assert_eq!(names_in(&dir.path().join("out")), ["a.z.json"]);
}
