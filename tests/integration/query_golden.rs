//! Query output against the outputs recorded from policy_sentry 0.12.15
//! (`tests/golden/query/cases.json`). The reference prints header lines and one item per
//! line; we print clean JSON. So both sides are parsed into data and compared, with the
//! deliberate differences the README lists checked explicitly.

use serde::Deserialize;
use serde_json::Value;

use crate::support::{policy_sentry, read};

#[derive(Debug, Deserialize)]
struct Case {
    args: Vec<String>,
    stdout: String,
    exit: i32,
    #[serde(default)]
    unordered: bool,
}

/// What the reference printed, as data.
#[derive(Debug, PartialEq)]
enum Printed {
    /// A JSON or YAML document.
    Document(Value),
    /// One item per line (policy_sentry's `print_list` with json).
    Lines(Vec<String>),
    /// CSV rows.
    Csv(Vec<Vec<String>>),
    /// Nothing (unknown inputs).
    Empty,
}

fn arg_value<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    args.windows(2)
        .find(|pair| names.contains(&pair[0].as_str()))
        .map(|pair| pair[1].as_str())
}

fn has_flag(args: &[String], names: &[&str]) -> bool {
    args.iter().any(|arg| names.contains(&arg.as_str()))
}

/// Parses the reference's stdout: drops header lines, then reads JSON, YAML, CSV or lines.
fn parse_reference(case: &Case) -> Printed {
    let fmt = arg_value(&case.args, &["--fmt"]).unwrap_or("json");
    let text = case.stdout.trim_end();
    if text.is_empty() {
        return Printed::Empty;
    }
    let lines: Vec<&str> = text.lines().collect();
    // Try the whole text, then without one or two header lines.
    for skip in 0..=2.min(lines.len()) {
        let body = lines[skip..].join("\n");
        let body = body.trim();
        if body.is_empty() {
            return Printed::Empty;
        }
        match fmt {
            "csv" => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(body.as_bytes());
                let rows: Vec<Vec<String>> = reader
                    .records()
                    .map(|row| row.unwrap().iter().map(str::to_owned).collect())
                    .collect();
                return Printed::Csv(rows);
            }
            "yaml" => {
                if skip == 0 && lines[0].ends_with(':') && !lines[0].starts_with(['-', ' ']) {
                    // A header line such as "ALL s3 actions:" also parses as YAML.
                    if !body.contains('\n') || lines.len() > 1 && lines[1].is_empty() {
                        continue;
                    }
                }
                if let Ok(value) = serde_norway::from_str::<Value>(body) {
                    if !value.is_string() {
                        return Printed::Document(value);
                    }
                }
            }
            _ => {
                if let Ok(value) = serde_json::from_str::<Value>(body) {
                    return Printed::Document(value);
                }
                let looks_like_items = lines[skip..]
                    .iter()
                    .filter(|line| !line.is_empty())
                    .all(|line| !line.contains(' '));
                if looks_like_items && skip > 0 {
                    return Printed::Lines(
                        lines[skip..]
                            .iter()
                            .filter(|line| !line.is_empty())
                            .map(|line| (*line).to_owned())
                            .collect(),
                    );
                }
            }
        }
    }
    panic!("cannot read the reference output of {:?}:\n{}", case.args, case.stdout);
}

struct Ours {
    value: Option<Value>,
    stderr: String,
    code: i32,
}

fn run_ours(args: &[String]) -> Ours {
    let output = policy_sentry().args(args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let fmt = arg_value(args, &["--fmt"]).unwrap_or("json");
    let value = (!stdout.is_empty()).then(|| match fmt {
        "yaml" => serde_norway::from_str(&stdout).unwrap(),
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(stdout.as_bytes());
            let rows: Vec<Value> = reader
                .records()
                .map(|row| Value::from(row.unwrap().iter().collect::<Vec<_>>()))
                .collect();
            Value::from(rows)
        }
        _ => serde_json::from_str(&stdout).unwrap(),
    });
    Ours {
        value,
        stderr: String::from_utf8(output.stderr).unwrap(),
        code: output.status.code().unwrap_or(-1),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
        .iter()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}

/// Compares `--name` details: everything equal but `condition_keys` and
/// `dependent_actions`, which are each entry's own in ours (the README's difference).
fn compare_details(args: &[String], reference: &Value, ours: &Value) {
    let reference = reference.as_object().unwrap();
    let ours = ours.as_object().unwrap();
    assert_eq!(reference.len(), 1, "{args:?}");
    let (_, reference_entries) = reference.iter().next().unwrap();
    let (_, our_entries) = ours.iter().next().unwrap();
    let reference_entries = reference_entries.as_array().unwrap();
    let our_entries = our_entries.as_array().unwrap();
    assert_eq!(reference_entries.len(), our_entries.len(), "{args:?}");
    let mut all_dependents: Vec<Value> = Vec::new();
    for (theirs, mine) in reference_entries.iter().zip(our_entries) {
        for field in [
            "action",
            "description",
            "access_level",
            "api_documentation_link",
            "resource_arn_format",
        ] {
            if field == "api_documentation_link" && mine[field].is_null() {
                continue; // a leaked link in the reference
            }
            assert_eq!(theirs[field], mine[field], "{args:?}: {field}");
        }
        if theirs["resource_arn_format"] != "*" {
            // A typed entry: the resource type's keys come first in both.
            let their_keys = theirs["condition_keys"].as_array().unwrap();
            let my_keys = mine["condition_keys"].as_array().unwrap();
            assert_eq!(&my_keys[..their_keys.len()], their_keys.as_slice(), "{args:?}");
        }
        all_dependents.extend(mine["dependent_actions"].as_array().unwrap().iter().cloned());
    }
    // The reference shares one list of every entry's dependents between the entries.
    if let Some(last) = reference_entries.last() {
        assert_eq!(&Value::from(all_dependents), &last["dependent_actions"], "{args:?}");
    }
}

#[test]
fn query_outputs_equal_the_reference() {
    let cases: Vec<Case> = serde_json::from_str(&read("tests/golden/query/cases.json")).unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let (mut compared, mut errors) = (0, 0);
    for case in &cases {
        let args = &case.args;
        let service = arg_value(args, &["--service", "-s"]).unwrap_or("");
        let reference = parse_reference(case);
        let ours = run_ours(args);
        if case.exit != 0 || reference == Printed::Empty || reference == Printed::Document(Value::Object(Default::default())) {
            // Unknown input: the reference printed nothing useful (or crashed); we fail clearly.
            assert_eq!(ours.code, 2, "{args:?} should fail: {:?}", ours.value);
            assert!(ours.stderr.starts_with("error: "), "{args:?}: {}", ours.stderr);
            assert!(ours.value.is_none(), "{args:?} printed a result");
            errors += 1;
            continue;
        }
        assert_eq!(ours.code, 0, "{args:?}: {}", ours.stderr);
        let ours_value = ours.value.unwrap();
        let is_details = has_flag(args, &["--name", "-n"])
            && !has_flag(args, &["--access-level", "-a", "--condition", "-c", "--resource-type", "-r"])
            && args[1] == "action-table";
        match reference {
            Printed::Document(value) if is_details => compare_details(args, &value, &ours_value),
            Printed::Document(value) if case.unordered => {
                let mut theirs = strings(&value);
                let mut mine = strings(&ours_value);
                theirs.sort();
                mine.sort();
                assert_eq!(theirs, mine, "{args:?}");
            }
            Printed::Document(value) => assert_eq!(value, ours_value, "{args:?}"),
            Printed::Lines(mut items) => {
                let mut mine = strings(&ours_value);
                if case.unordered || service.eq_ignore_ascii_case("all") {
                    items.sort();
                    mine.sort();
                }
                assert_eq!(items, mine, "{args:?}");
            }
            Printed::Csv(rows) => {
                let mine: Vec<Vec<String>> = ours_value
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(strings)
                    .collect();
                assert_eq!(rows, mine, "{args:?}");
            }
            Printed::Empty => unreachable!(),
        }
        compared += 1;
    }
    assert!(compared >= 50, "only {compared} cases compared");
    assert!(errors >= 3, "only {errors} error cases");
}
