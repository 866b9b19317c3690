//! `diff` and `check no-new-access`: pairs of policies whose answer is known, a property test
//! over random policies, and the commands' output.

use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::access_diff::{Newness, new_access};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{Run, policy_sentry};

fn run(args: &[&str]) -> Run {
    Run::from(policy_sentry().args(args).output().unwrap())
}

fn policy(statements: Value) -> PolicyDocument {
    PolicyDocument::parse(&json!({"Version": "2012-10-17", "Statement": statements}).to_string())
        .unwrap()
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn with_condition(mut statement: Value, condition: Value) -> Value {
    statement["Condition"] = condition;
    statement
}

const IP: fn() -> Value = || json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}});
const TLS: fn() -> Value = || json!({"Bool": {"aws:SecureTransport": "true"}});

/// (what, old statements, new statements, whether the new policy allows something new).
fn pairs() -> Vec<(&'static str, Value, Value, bool)> {
    let b = "arn:aws:s3:::b/*";
    let logs = "arn:aws:s3:::b/logs/*";
    vec![
        (
            "identical",
            json!([allow("s3:GetObject", b)]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "an added action",
            json!([allow("s3:GetObject", b)]),
            json!([allow("s3:GetObject", b), allow("s3:PutObject", b)]),
            true,
        ),
        (
            "a narrower resource",
            json!([allow("s3:GetObject", b)]),
            json!([allow("s3:GetObject", logs)]),
            false,
        ),
        (
            "a wider resource",
            json!([allow("s3:GetObject", logs)]),
            json!([allow("s3:GetObject", b)]),
            true,
        ),
        (
            "another bucket",
            json!([allow("s3:GetObject", b)]),
            json!([allow("s3:GetObject", "arn:aws:s3:::c/*")]),
            true,
        ),
        (
            "resources are case-sensitive",
            json!([allow("s3:GetObject", "arn:aws:s3:::B/*")]),
            json!([allow("s3:GetObject", b)]),
            true,
        ),
        (
            "actions are not",
            json!([allow("S3:getobject", b)]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "a condition added",
            json!([allow("s3:GetObject", b)]),
            json!([with_condition(allow("s3:GetObject", b), IP())]),
            false,
        ),
        (
            "a condition removed",
            json!([with_condition(allow("s3:GetObject", b), IP())]),
            json!([allow("s3:GetObject", b)]),
            true,
        ),
        (
            "another condition",
            json!([with_condition(allow("s3:GetObject", b), IP())]),
            json!([with_condition(allow("s3:GetObject", b), TLS())]),
            true,
        ),
        (
            "one more condition",
            json!([with_condition(allow("s3:GetObject", b), IP())]),
            json!([with_condition(
                allow("s3:GetObject", b),
                json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "Bool": {"aws:SecureTransport": "true"}})
            )]),
            false,
        ),
        (
            "condition values in another order",
            json!([with_condition(
                allow("s3:GetObject", b),
                json!({"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}})
            )]),
            json!([with_condition(
                allow("s3:GetObject", b),
                json!({"StringEquals": {"aws:PrincipalTag/team": ["b", "a"]}})
            )]),
            false,
        ),
        (
            "condition keys in another case",
            json!([with_condition(allow("s3:GetObject", b), IP())]),
            json!([with_condition(
                allow("s3:GetObject", b),
                json!({"IpAddress": {"aws:sourceip": "10.0.0.0/8"}})
            )]),
            false,
        ),
        (
            "a service wildcard narrowed",
            json!([allow("s3:*", "*")]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "a pattern narrowed",
            json!([allow("s3:Get*", b)]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "a pattern widened",
            json!([allow("s3:GetObject", b)]),
            json!([allow("s3:Get*", b)]),
            true,
        ),
        (
            "NotAction covers others",
            json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "NotAction excluded it",
            json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]),
            json!([allow("iam:PassRole", "*")]),
            true,
        ),
        (
            "a Deny dropped",
            json!([allow("*", "*"), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
            json!([allow("*", "*")]),
            true,
        ),
        (
            "a Deny kept",
            json!([allow("*", "*"), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
            json!([allow("*", "*"), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
            false,
        ),
        (
            "a Deny added",
            json!([allow("s3:*", "*")]),
            json!([allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]),
            false,
        ),
        (
            "a new grant removed by its own Deny",
            json!([]),
            json!([allow("iam:*", "*"), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
            false,
        ),
        (
            "a conditional Deny removes nothing for sure",
            json!([]),
            json!([
                allow("iam:PassRole", "*"),
                with_condition(
                    json!({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}),
                    TLS()
                )
            ]),
            true,
        ),
        (
            "NotResource inside *",
            json!([allow("s3:*", "*")]),
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}]),
            false,
        ),
        (
            "NotResource widened to *",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}]),
            json!([allow("s3:*", "*")]),
            true,
        ),
        (
            "NotResource excluding less",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}]),
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::a/*"}]),
            true,
        ),
        (
            "NotResource excluding more",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::a/*"}]),
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]}]),
            false,
        ),
        (
            "a resource outside a NotResource",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}]),
            json!([allow("s3:GetObject", b)]),
            false,
        ),
        (
            "a resource inside a NotResource",
            json!([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"}]),
            json!([allow("s3:GetObject", logs)]),
            true,
        ),
        (
            "two old statements, one new",
            json!([
                allow("s3:GetObject", b),
                allow("s3:GetObject", "arn:aws:s3:::c/*")
            ]),
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [b, "arn:aws:s3:::c/*"]}]),
            false,
        ),
        // Containment of `log?` over `logs/*` is not plain to see: "may be new", never "no new access".
        (
            "undecided containment counts",
            json!([allow("s3:GetObject", "arn:aws:s3:::b/log?/*")]),
            json!([allow("s3:GetObject", "arn:aws:s3:::b/logs/*")]),
            true,
        ),
        (
            "an empty new policy",
            json!([allow("s3:GetObject", b)]),
            json!([]),
            false,
        ),
        (
            "everything from nothing",
            json!([]),
            json!([allow("*", "*")]),
            true,
        ),
    ]
}

#[test]
fn known_pairs() {
    let pairs = pairs();
    assert!(pairs.len() >= 30);
    let mut checked = 0;
    for (what, old, new, expected) in pairs {
        // Each pair as written, and rewritten in ways IAM reads the same: the answer holds.
        for (how, old, new) in variants(&old, &new) {
            let found = new_access(&policy(old), &policy(new));
            assert_eq!(!found.is_empty(), expected, "{what} ({how}): {found:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked} pairs");
}

/// A pair and the same pair rewritten without changing what either allows: statements in
/// reverse order; single values as lists; an unrelated statement added to both; action
/// names upper-cased in the new policy.
fn variants(old: &Value, new: &Value) -> Vec<(&'static str, Value, Value)> {
    let map = |list: &Value, f: &dyn Fn(Value) -> Value| -> Value {
        Value::Array(list.as_array().unwrap().iter().cloned().map(f).collect())
    };
    let reversed = |list: &Value| -> Value {
        Value::Array(list.as_array().unwrap().iter().rev().cloned().collect())
    };
    let as_lists = |mut statement: Value| -> Value {
        for key in ["Action", "NotAction", "Resource", "NotResource"] {
            if let Some(Value::String(text)) = statement.get(key).cloned() {
                statement[key] = json!([text]);
            }
        }
        statement
    };
    let upper = |mut statement: Value| -> Value {
        for key in ["Action", "NotAction"] {
            match statement.get(key).cloned() {
                Some(Value::String(text)) => statement[key] = json!(text.to_uppercase()),
                Some(Value::Array(items)) => {
                    statement[key] = Value::Array(
                        items
                            .iter()
                            .map(|i| json!(i.as_str().unwrap().to_uppercase()))
                            .collect(),
                    )
                }
                _ => {}
            }
        }
        statement
    };
    let unrelated = |list: &Value| -> Value {
        let mut items = list.as_array().unwrap().clone();
        items.push(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:queue"));
        Value::Array(items)
    };
    vec![
        ("as written", old.clone(), new.clone()),
        ("reversed", reversed(old), reversed(new)),
        ("as lists", map(old, &as_lists), map(new, &as_lists)),
        (
            "an unrelated statement in both",
            unrelated(old),
            unrelated(new),
        ),
        (
            "upper-case actions in the new one",
            old.clone(),
            map(new, &upper),
        ),
    ]
}

#[test]
fn newness_says_whether_the_base_granted_the_action_anywhere() {
    let old = policy(json!([allow("s3:GetObject", "arn:aws:s3:::a/*")]));
    let new = policy(json!([
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        allow("s3:PutObject", "arn:aws:s3:::a/*")
    ]));
    let found = new_access(&old, &new);
    let summary: Vec<(&str, &str, Newness)> = found
        .iter()
        .map(|a| (a.action.as_str(), a.resource.as_str(), a.newness))
        .collect();
    assert_eq!(
        summary,
        [
            ("s3:GetObject", "arn:aws:s3:::b/*", Newness::MayBeNew),
            ("s3:PutObject", "arn:aws:s3:::a/*", Newness::New),
        ]
    );
    assert_eq!(
        found[0].reason,
        "the base grants it only on arn:aws:s3:::a/*"
    );
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:Get*",
    "s3:PutObject",
    "s3:*",
    "iam:PassRole",
    "iam:Get*",
    "*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/logs/*",
    "arn:aws:s3:::c",
    "arn:aws:iam::1:role/x",
];

prop_compose! {
    fn statement()(
        deny in prop::bool::weighted(0.2),
        actions in prop::sample::subsequence(ACTIONS, 1..3),
        resources in prop::sample::subsequence(RESOURCES, 1..3),
        condition in prop::option::weighted(0.3, 0..2usize),
    ) -> Value {
        let mut statement = json!({
            "Effect": if deny { "Deny" } else { "Allow" },
            "Action": actions,
            "Resource": resources,
        });
        if let Some(which) = condition {
            statement["Condition"] = if which == 0 { IP() } else { TLS() };
        }
        statement
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A policy grants nothing new over itself, nor when one of its own statements is added
    /// again; a statement granting an action it never names always is new.
    /// (Each case runs the whole expansion: 64 cases keep the debug build under a second.)
    #[test]
    fn nothing_new_unless_something_is_added(statements in prop::collection::vec(statement(), 1..5), pick in 0..5usize) {
        let base = policy(Value::Array(statements.clone()));
        prop_assert!(new_access(&base, &base).is_empty());
        let mut again = statements.clone();
        again.push(statements[pick % statements.len()].clone());
        prop_assert!(new_access(&base, &policy(Value::Array(again))).is_empty());
        // Only `*` (allowed or denied) names kms:Decrypt in these policies.
        let names_kms = statements.iter().any(|s| s["Action"].as_array().unwrap().contains(&json!("*")));
        let mut more = statements.clone();
        more.push(allow("kms:Decrypt", "*"));
        let found = new_access(&base, &policy(Value::Array(more)));
        if !names_kms {
            prop_assert!(found.iter().any(|a| a.action == "kms:Decrypt" && a.newness == Newness::New));
        }
    }
}

#[test]
fn the_commands_report_and_exit() {
    let temp = tempfile::tempdir().unwrap();
    let (base, new) = (temp.path().join("base"), temp.path().join("new"));
    for dir in [&base, &new] {
        std::fs::create_dir(dir).unwrap();
    }
    let write = |path: std::path::PathBuf, statements: Value| {
        std::fs::write(
            path,
            json!({"Version": "2012-10-17", "Statement": statements}).to_string(),
        )
        .unwrap();
    };
    write(
        base.join("same.json"),
        json!([allow("s3:GetObject", "arn:aws:s3:::b/*")]),
    );
    write(
        new.join("same.json"),
        json!([allow("s3:GetObject", "arn:aws:s3:::b/logs/*")]),
    );
    write(base.join("gone.json"), json!([allow("s3:GetObject", "*")]));
    write(
        new.join("added.json"),
        json!([{"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]),
    );
    let (base_s, new_s) = (base.to_str().unwrap(), new.to_str().unwrap());

    let check = run(&["check", "no-new-access", "--base", base_s, "--new", new_s]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let lines: Vec<&str> = check.stdout.lines().collect();
    assert_eq!(lines[0], "added.json (added): 1 new or possibly new grants");
    assert_eq!(lines[1], "  iam:");
    assert!(
        lines[2].starts_with("    + iam:PassRole (Permissions management) on *, statement 0 \"Pass\": new: the base grants it nowhere; risks: "),
        "{}",
        lines[2]
    );
    assert_eq!(
        &lines[3..],
        [
            "gone.json: removed",
            "same.json: no new access",
            "new access in 1 of 3 policies"
        ]
    );

    let json_run = run(&[
        "check",
        "no-new-access",
        "--base",
        base_s,
        "--new",
        new_s,
        "--fmt",
        "json",
    ]);
    let results: Value = serde_json::from_str(&json_run.stdout).unwrap();
    let statuses: Vec<(&str, &str, usize)> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["new_access"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("added.json", "added", 1),
            ("gone.json", "removed", 0),
            ("same.json", "changed", 0)
        ]
    );

    let sarif = run(&[
        "check",
        "no-new-access",
        "--base",
        base_s,
        "--new",
        new_s,
        "--fmt",
        "sarif",
    ]);
    assert_eq!(sarif.code, 1);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "NEW_ACCESS");
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        format!("{new_s}/added.json")
    );
    // The statement's `{` after `{"Version":"2012-10-17","Statement":[`.
    assert_eq!(
        location["region"],
        json!({"startLine": 1, "startColumn": 38})
    );
    let same = run(&[
        "check",
        "no-new-access",
        "--base",
        &format!("{base_s}/same.json"),
        "--new",
        &format!("{new_s}/same.json"),
    ]);
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (0, "same.json: no new access\nno new access\n")
    );
    let mixed = run(&[
        "check",
        "no-new-access",
        "--base",
        base_s,
        "--new",
        &format!("{new_s}/same.json"),
    ]);
    assert_eq!(mixed.code, 2);
    assert!(
        mixed.stderr.contains("is a directory and --new"),
        "{}",
        mixed.stderr
    );

    let diff = run(&[
        "diff",
        &format!("{base_s}/same.json"),
        &format!("{new_s}/same.json"),
    ]);
    assert_eq!(diff.code, 0);
    assert_eq!(
        diff.stdout,
        "added (0):\nremoved (1):\n  s3:\n    - s3:GetObject (Read) on arn:aws:s3:::b/*, statement 0: may be removed: \
         the new policy grants it only on arn:aws:s3:::b/logs/*; risks: DataExfiltration\n"
    );
    let markdown = run(&[
        "diff",
        &format!("{base_s}/same.json"),
        &format!("{new_s}/same.json"),
        "--fmt",
        "markdown",
    ]);
    assert!(
        markdown
            .stdout
            .starts_with("### Added access (0)\n\nNone.\n\n### Removed access (1)\n\n| action |"),
        "{}",
        markdown.stdout
    );
}

/// Thousands of distinct statements compare within the work bound, exactly; repeated
/// statements count once.
#[test]
fn large_policies_compare_exactly_within_the_bound() {
    let statements: Vec<Value> = (0..2_000)
        .map(|n| allow("s3:GetObject", &format!("arn:aws:s3:::bucket-{n}/*")))
        .collect();
    let big = policy(Value::Array(statements.clone()));
    assert!(new_access(&big, &big).is_empty());
    let mut repeated = statements.clone();
    repeated.extend(std::iter::repeat_n(statements[7].clone(), 5_000));
    assert!(new_access(&big, &policy(Value::Array(repeated))).is_empty());
    let mut one_more = statements;
    one_more.push(allow("s3:GetObject", "arn:aws:s3:::another/*"));
    let found = new_access(&big, &policy(Value::Array(one_more)));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource, "arn:aws:s3:::another/*");
}

/// A Terraform plan with one policy changed, one added and one removed: `diff` and
/// `no-new-access` pair its policies by address; CloudFormation templates by path (their
/// functions noted on stderr); SARIF points at the granting statement inside the plan.
#[test]
fn plans_and_templates_pair_their_policies_by_place() {
    let dir = crate::support::repo_path("tests/fixtures/review");
    let temp = tempfile::tempdir().unwrap();
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    let resources = plan["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let deploy = resources
        .iter_mut()
        .find(|r| r["address"] == "aws_iam_policy.deploy")
        .unwrap();
    let mut policy: Value =
        serde_json::from_str(deploy["values"]["policy"].as_str().unwrap()).unwrap();
    policy["Statement"]
        .as_array_mut()
        .unwrap()
        .push(allow("s3:DeleteObject", "arn:aws:s3:::b/*"));
    deploy["values"]["policy"] = Value::String(policy.to_string());
    // Renamed: the old address is removed, the new one added.
    let mut renamed = deploy.clone();
    renamed["address"] = json!("aws_iam_policy.deploy2");
    resources.push(renamed);
    std::fs::write(
        temp.path().join("new.json"),
        serde_json::to_string_pretty(&plan).unwrap(),
    )
    .unwrap();
    let old = dir.join("plan.json");
    let (old_s, new_s) = (old.to_str().unwrap(), temp.path().join("new.json"));
    let new_s = new_s.to_str().unwrap();

    let check = run(&[
        "check",
        "no-new-access",
        "--base",
        old_s,
        "--new",
        new_s,
        "--fmt",
        "json",
    ]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let results: Value = serde_json::from_str(&check.stdout).unwrap();
    let summary: Vec<String> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let actions: Vec<&str> = r["new_access"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["action"].as_str().unwrap())
                .collect();
            format!(
                "{} {} {}",
                r["file"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                actions.join(",")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "new.json: aws_iam_policy.deploy.policy changed s3:DeleteObject",
            "new.json: aws_iam_policy.deploy2.policy added ec2:RunInstances,iam:PassRole,s3:DeleteObject",
            "new.json: module.app.aws_iam_role.app.assume_role_policy changed ",
            "new.json: module.app.aws_iam_role.app.inline_policy[0] changed ",
            "new.json: module.app.aws_iam_role_policy.extra.policy changed ",
        ],
        "{}",
        check.stdout
    );
    // The same plan against itself: nothing new, and diff finds nothing either way.
    let same = run(&["check", "no-new-access", "--base", old_s, "--new", old_s]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    let diff = run(&["diff", new_s, old_s, "--fmt", "json"]);
    assert_eq!(diff.code, 0);
    let pairs: Value = serde_json::from_str(&diff.stdout).unwrap();
    let removed: Vec<String> = pairs
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|pair| {
            let policy = pair["policy"].as_str().unwrap().to_owned();
            let status = pair["status"].as_str().unwrap().to_owned();
            pair["removed"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |g| format!("{policy} {status} {}", g["action"].as_str().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        removed.contains(
            &"plan.json: aws_iam_policy.deploy.policy changed s3:DeleteObject".to_owned()
        ) && removed
            .iter()
            .filter(|r| r.contains("deploy2"))
            .all(|r| r.contains(" removed ")),
        "{removed:?}"
    );
    assert!(
        pairs
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["added"].as_array().unwrap().is_empty())
    );
    // SARIF: the new grant at its statement, inside the plan's policy string.
    let sarif = run(&["diff", old_s, new_s, "--fmt", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let deletes: Vec<&Value> = results
        .iter()
        .filter(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("s3:DeleteObject")
        })
        .collect();
    assert!(!deletes.is_empty());
    let text = std::fs::read_to_string(temp.path().join("new.json")).unwrap();
    for result in deletes {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let line = text
            .lines()
            .nth(region["startLine"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let rest: String = line
            .chars()
            .skip(region["startColumn"].as_u64().unwrap() as usize - 1)
            .collect();
        assert!(rest.starts_with("{\\\"Effect\\\":\\\"Allow\\\""), "{rest}");
    }
    // Mixed kinds are refused, naming both.
    let mixed = run(&[
        "diff",
        old_s,
        &format!("{}/examples/review/after.json", env!("CARGO_MANIFEST_DIR")),
    ]);
    assert_eq!(mixed.code, 2);
    assert!(
        mixed
            .stderr
            .contains("is a Terraform plan or CloudFormation template and NEW"),
        "{}",
        mixed.stderr
    );

    // A template against itself with one statement dropped: the drop is removed access, and
    // the functions read as wildcards are noted.
    let template = std::fs::read_to_string(dir.join("template.yaml")).unwrap();
    let narrowed = template.replace(
        "              - Effect: Allow\n                Action: iam:PassRole\n                Resource: !GetAtt AppRole.Arn\n",
        "",
    );
    assert_ne!(narrowed, template);
    std::fs::write(temp.path().join("narrowed.yaml"), narrowed).unwrap();
    let template_diff = run(&[
        "diff",
        dir.join("template.yaml").to_str().unwrap(),
        temp.path().join("narrowed.yaml").to_str().unwrap(),
    ]);
    assert_eq!(template_diff.code, 0);
    assert!(
        template_diff.stdout.contains(
            "narrowed.yaml: Resources.AppRole.Policies[0].PolicyDocument (changed):\nadded (0):\nremoved (1):\n  iam:\n    - iam:PassRole"
        ),
        "{}",
        template_diff.stdout
    );
    assert!(
        template_diff.stderr.contains("CloudFormation functions"),
        "{}",
        template_diff.stderr
    );
}
