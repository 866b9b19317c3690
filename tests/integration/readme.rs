//! The README's console examples, run as a reader would paste them. Each ```` ```console ````
//! block is one bash script, run in a fresh folder that links the repository's `examples/`,
//! with the built `policy_sentry` first on PATH and a private HOME. Each `$ ` command's output
//! (stdout and stderr together, in the order written) must match the lines under it, where a
//! line `...` stands for any number of lines and `[..]` for any text within a line (snapbox's
//! rules). A command ending in `\` continues on the next line.

use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::support::repo_path;

/// One `$ ` command of a block, with the output the README shows for it.
#[derive(Debug)]
struct Step {
    /// The README line the command starts on.
    line: usize,
    command: String,
    expected: String,
}

/// The console blocks of a Markdown text, each as its steps.
fn console_blocks(markdown: &str) -> Vec<Vec<Step>> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split(',').next() == Some("console") =>
            {
                // The block's first line is the one after the fence.
                let fence_line = markdown[..range.start].lines().count() + 1;
                current = Some((fence_line + 1, String::new()));
            }
            Event::Text(text) => {
                if let Some((_, body)) = current.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((first_line, body)) = current.take() {
                    blocks.push(steps(first_line, &body));
                }
            }
            _ => {}
        }
    }
    blocks
}

fn steps(first_line: usize, body: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut continued = false;
    for (index, line) in body.lines().enumerate() {
        if continued {
            let step = steps.last_mut().expect("a continued command");
            step.command.push('\n');
            step.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                line: first_line + index,
                command: command.to_owned(),
                expected: String::new(),
            });
            continued = command.ends_with('\\');
        } else {
            let step = steps.last_mut().unwrap_or_else(|| {
                panic!(
                    "README line {}: output before any `$ ` command",
                    first_line + index
                )
            });
            step.expected.push_str(line);
            step.expected.push('\n');
        }
    }
    steps
}

const MARK: &str = "<<<readme step>>>";

/// Runs a block's commands in one bash script in `dir`; returns each command's output.
fn run_block(block: &[Step], dir: &Path) -> Vec<String> {
    let bin_dir = assert_cmd::cargo::cargo_bin("policy_sentry")
        .parent()
        .expect("the binary's folder")
        .to_owned();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // Each command sees the previous one's status, as in an interactive shell.
    let mut script = String::from("exec 2>&1\nstatus=0\n");
    for step in block {
        script.push_str(&format!(
            "printf '%s\\n' '{MARK}'\n(exit $status)\n{}\nstatus=$?\n",
            step.command
        ));
    }
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("COLUMNS", "100")
        .env("LC_ALL", "C.UTF-8")
        // A fixed "today" (a test hook), so `data-info`'s age and staleness warning do not
        // change with the date; the examples show the default data snapshot.
        .env(crate::support::TODAY_VARIABLE, "2026-12-01")
        .output()
        .expect("bash runs");
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    let mut outputs: Vec<String> = text
        .split(&format!("{MARK}\n"))
        .skip(1)
        .map(str::to_owned)
        .collect();
    outputs.resize(block.len(), String::new());
    outputs
}

#[test]
fn every_console_example_of_the_readme_prints_what_it_shows() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let blocks = console_blocks(&readme);
    assert!(
        blocks.len() >= 10,
        "the README has {} console blocks",
        blocks.len()
    );
    let assert = snapbox::Assert::new().action_env("README_EXAMPLES");
    let mut failures = Vec::new();
    for block in &blocks {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(repo_path("examples"), dir.path().join("examples")).unwrap();
        for (step, actual) in block.iter().zip(run_block(block, dir.path())) {
            let expected = snapbox::Data::text(step.expected.clone());
            if let Err(error) =
                assert.try_eq(Some(&"actual"), snapbox::Data::text(actual), expected)
            {
                failures.push(format!(
                    "README line {}: $ {}\n{error}",
                    step.line, step.command
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn console_blocks_are_split_into_commands_and_their_output() {
    let markdown =
        "text\n\n```console\n$ one \\\n  --flag\nout 1\n...\n$ two\n```\n\n```sh\n$ not run\n```\n";
    let blocks = console_blocks(markdown);
    assert_eq!(blocks.len(), 1);
    let steps = &blocks[0];
    assert_eq!(steps.len(), 2);
    assert_eq!(
        (steps[0].line, steps[0].command.as_str()),
        (4, "one \\\n  --flag")
    );
    assert_eq!(steps[0].expected, "out 1\n...\n");
    assert_eq!(
        (
            steps[1].line,
            steps[1].command.as_str(),
            steps[1].expected.as_str()
        ),
        (8, "two", "")
    );
}
