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
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policy_sentry"))
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

#[allow(dead_code)]
fn corpus_path(name: &str) -> PathBuf {
    repo_path(CORPUS).join(name)
}
