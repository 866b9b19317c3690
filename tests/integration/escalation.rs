//! `escalation-paths` over an account with one principal per escalation method (and some
//! that must not escalate), the graph checked against `simulate`'s evaluation both ways;
//! `principal-can`; resource policies in `simulate`.

use std::collections::BTreeSet;

use serde_json::Value;

use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::simulate::escalation::{EscalationGraph, StepKind, escalation_graph};
use policy_sentry::simulate::principal::Principal;
use policy_sentry::simulate::resource_policy::trust_policy_for;
use policy_sentry::simulate::{Context, Decision, Request, evaluate};

use crate::support::{Run, policy_sentry, repo_path};

const ACCOUNT: &str = "examples/escalation/authorization-details.json";

fn run(command: &str, args: &[&str]) -> Run {
    Run::from(
        policy_sentry()
            .current_dir(repo_path(""))
            .arg(command)
            .args(args)
            .output()
            .unwrap(),
    )
}

fn short(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap()
}

/// Each path as `principal: method>target, …`.
fn paths_of(json: &Value) -> BTreeSet<String> {
    json["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|path| {
            let steps: Vec<String> = path["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|step| {
                    format!(
                        "{}>{}",
                        step["method"].as_str().unwrap(),
                        short(step["to"].as_str().unwrap())
                    )
                })
                .collect();
            let conditional = if path["conditional"].as_bool().unwrap() {
                " (if)"
            } else {
                ""
            };
            format!(
                "{}: {}{conditional}",
                short(path["principal"].as_str().unwrap()),
                steps.join(", ")
            )
        })
        .collect()
}

#[test]
fn finds_the_shortest_path_of_each_method_and_none_where_there_is_none() {
    let out = run("escalation-paths", &["--input", ACCOUNT, "--fmt", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    let expected: BTreeSet<String> = [
        "user/dev: AssumeRole>role/deployer, PassExistingRoleToNewLambdaThenInvoke>role/lambda-admin",
        "role/deployer: PassExistingRoleToNewLambdaThenInvoke>role/lambda-admin",
        "user/intern: CreateAccessKey>user/ops, PutUserPolicy>user/ops",
        "user/ops: PutUserPolicy>user/ops",
        "user/unboxed: PutUserPolicy>user/unboxed",
        "user/helpdesk: AddUserToGroup>user/helpdesk",
        "user/editor: CreateNewPolicyVersion>user/editor",
        "user/oncall: AssumeRole>role/break-glass (if)",
        "user/versioner: SetExistingDefaultPolicyVersion>user/versioner",
    ]
    .map(str::to_owned)
    .into();
    // Not auditor (its role reads S3), not boxed (its boundary stays).
    assert_eq!(paths_of(&json), expected);
    let administrators: Vec<&str> = json["administrators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|arn| short(arn.as_str().unwrap()))
        .collect();
    assert_eq!(
        administrators,
        ["user/admin", "role/lambda-admin", "role/break-glass"]
    );
    // Every step names its reference and the statements that allow it.
    for edge in json["edges"].as_array().unwrap() {
        assert!(
            edge["reference"].as_str().unwrap().starts_with("https://"),
            "{edge}"
        );
        assert!(!edge["statements"].as_array().unwrap().is_empty(), "{edge}");
    }
    let oncall = json["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|path| path["principal"] == "arn:aws:iam::111122223333:user/oncall")
        .unwrap();
    let oncall = &oncall["steps"][0];
    let trust = oncall["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "trust-policy")
        .unwrap();
    assert_eq!(
        trust["depends_on"],
        serde_json::json!(["aws:MultiFactorAuthPresent"])
    );
}

#[test]
fn an_scp_cuts_the_paths_it_denies() {
    let out = run(
        "escalation-paths",
        &[
            "--input",
            ACCOUNT,
            "--fmt",
            "json",
            "--scps",
            "examples/escalation/scps",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let paths = paths_of(&serde_json::from_str(&out.stdout).unwrap());
    assert!(
        !paths.iter().any(|p| p.starts_with("user/intern")),
        "{paths:?}"
    );
    assert_eq!(paths.len(), 8, "{paths:?}");
}

#[test]
fn text_dot_and_html_show_the_same_graph() {
    let text = run("escalation-paths", &["--input", ACCOUNT]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains(
        "arn:aws:iam::111122223333:user/intern can become administrator in 2 steps (user/ops can be made an administrator):\n  1. user/intern acts as user/ops by CreateAccessKey\n  2. user/ops grants itself any permission by PutUserPolicy\n"
    ), "{}", text.stdout);
    assert!(
        text.stdout.ends_with(
            "9 of 15 principals can become administrator; 3 already are; 17 steps in the graph\n"
        ),
        "{}",
        text.stdout
    );

    let dot = run("escalation-paths", &["--input", ACCOUNT, "--fmt", "dot"]);
    assert!(dot.stdout.starts_with("digraph escalation {"));
    assert_eq!(dot.stdout.matches(" -> ").count(), 17);
    assert_eq!(dot.stdout.matches("fillcolor=lightpink").count(), 3);
    assert!(dot.stdout.contains(
        "\"arn:aws:iam::111122223333:user/oncall\" -> \"arn:aws:iam::111122223333:role/break-glass\" [label=\"AssumeRole\", style=dashed];"
    ));
    assert!(dot.stdout.contains("[label=\"PutUserPolicy\", color=red];"));

    let html = run("escalation-paths", &["--input", ACCOUNT, "--fmt", "html"]);
    let page = &html.stdout;
    assert!(
        page.contains("<svg") && !page.contains("<?xml"),
        "inline SVG"
    );
    assert!(!page.contains("src=\"http"), "no fetches");
    // Each principal on a path is drawn, and tabled.
    for name in [
        "user/dev",
        "role/deployer",
        "role/lambda-admin",
        "user/oncall",
        "any permission",
    ] {
        assert!(
            page.contains(&format!(">{name}</tspan>")),
            "{name} not drawn"
        );
    }
    assert_eq!(page.matches("<tr><td>").count(), 9);
}

#[test]
fn jobs_do_not_change_the_answer_and_unreadable_principals_are_named() {
    let one = run(
        "escalation-paths",
        &["--input", ACCOUNT, "--fmt", "json", "--jobs", "1"],
    );
    let two = run(
        "escalation-paths",
        &["--input", ACCOUNT, "--fmt", "json", "--jobs", "2"],
    );
    assert_eq!(one.stdout, two.stdout);

    let dir = tempfile::tempdir().unwrap();
    let mut account: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_path(ACCOUNT)).unwrap()).unwrap();
    account["RoleDetailList"][0]["AssumeRolePolicyDocument"] = Value::String("%7Bnot json".into());
    let broken = dir.path().join("account.json");
    std::fs::write(&broken, account.to_string()).unwrap();
    let out = run("escalation-paths", &["--input", broken.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("arn:aws:iam::111122223333:role/deployer: left out of the graph: trust policy of arn:aws:iam::111122223333:role/deployer"),
        "{}",
        out.stderr
    );
    // The rest is still answered: without the deployer, neither it nor dev has a path.
    assert!(
        out.stdout
            .contains("7 of 14 principals can become administrator"),
        "{}",
        out.stdout
    );
}

/// The graph against the evaluation, both ways, over a generated account: a principal has
/// an AssumeRole edge to a role exactly when `evaluate` (its policies, the role's trust)
/// allows it, and a CreateAccessKey edge to a user exactly when `evaluate` allows that.
#[test]
fn edges_are_exactly_what_the_evaluation_allows() {
    let account: AuthorizationDetails =
        serde_json::from_value(crate::analyze::generate_account::generate(60, 60, 6, 60)).unwrap();
    let graph: EscalationGraph = escalation_graph(&account, &[]);
    assert!(graph.unreadable.is_empty());
    let has = |from: usize, to: usize, method: &str, kind: StepKind| {
        graph.edges.iter().any(|edge| {
            edge.source == from && edge.target == to && edge.method == method && edge.kind == kind
        })
    };
    // [act-as, grant] × [denied, allowed]
    let mut checked = [[0usize; 2]; 2];
    for (from, node) in graph.nodes.iter().enumerate() {
        if node
            .admin
            .as_ref()
            .is_some_and(|grounds| !grounds.conditional)
        {
            continue;
        }
        let principal = Principal::find(&account, &node.arn).unwrap();
        for (to, target) in graph.nodes.iter().enumerate() {
            let role = target.arn.contains(":role/");
            let steps = [
                match role {
                    true => ("sts:AssumeRole", "AssumeRole", StepKind::ActAs),
                    false => ("iam:CreateAccessKey", "CreateAccessKey", StepKind::ActAs),
                },
                match role {
                    true => ("iam:PutRolePolicy", "PutRolePolicy", StepKind::Grant),
                    false => ("iam:PutUserPolicy", "PutUserPolicy", StepKind::Grant),
                },
            ];
            for (action, method, kind) in steps {
                // Acting as oneself is no step; granting oneself is.
                if from == to && kind == StepKind::ActAs {
                    continue;
                }
                let mut policies = principal.policies.clone();
                policies.extend(trust_policy_for(&account, action, &target.arn).unwrap());
                let request = Request {
                    action: action.to_owned(),
                    resource: target.arn.clone(),
                    context: Context::partial_from(
                        principal.context.clone(),
                        Principal::decided_keys(),
                    ),
                };
                let decision = evaluate(&policies, &request).decision;
                let allowed = matches!(decision, Decision::Allowed | Decision::AllowedIf);
                assert_eq!(
                    has(from, to, method, kind),
                    allowed,
                    "{} {action} {}",
                    node.arn,
                    target.arn
                );
                checked[usize::from(kind == StepKind::Grant)][usize::from(allowed)] += 1;
            }
        }
    }
    for [denied, allowed] in checked {
        assert!(
            allowed > 20,
            "too few allowed pairs to mean much: {checked:?}"
        );
        assert!(denied > 1000, "{checked:?}");
    }
}

#[test]
fn principal_can_lists_actions_with_resources() {
    let out = run(
        "principal-can",
        &[
            "--input",
            ACCOUNT,
            "--principal",
            "arn:aws:iam::111122223333:user/auditor",
            "--fmt",
            "csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(rows[0], "action,access_level,resource,decision");
    // ReadOnly allows s3:Get* and s3:List* on "*": every such documented action, nothing else.
    assert!(rows.contains(&"s3:GetObject,Read,*,allowed"));
    assert!(rows.contains(&"s3:ListBucket,List,*,allowed"));
    assert!(
        rows[1..]
            .iter()
            .all(|row| row.starts_with("s3:Get") || row.starts_with("s3:List"))
    );
    let expected = policy_sentry::data::Service::find("s3")
        .unwrap()
        .actions()
        .filter(|a| a.name().starts_with("Get") || a.name().starts_with("List"))
        .count();
    assert_eq!(rows.len() - 1, expected);

    let filtered = run(
        "principal-can",
        &[
            "--input",
            ACCOUNT,
            "--principal",
            "arn:aws:iam::111122223333:user/dev",
            "--service",
            "sts",
        ],
    );
    assert_eq!(
        filtered.stdout,
        "sts:AssumeRole (Write): arn:aws:iam::111122223333:role/deployer\n\
         arn:aws:iam::111122223333:user/dev can do 1 action in 1 service\n"
    );
    let unknown = run(
        "principal-can",
        &[
            "--input",
            ACCOUNT,
            "--principal",
            "arn:aws:iam::111122223333:user/dev",
            "--service",
            "s4",
        ],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown service prefix \"s4\" (did you mean s3?)")
    );
}

/// A bucket policy naming a user allows alone in its account; another account's queue
/// needs its policy and the identity policies both; a role's trust policy must allow.
#[test]
fn resource_policies_take_part_by_whom_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("resource-policies.json");
    std::fs::write(
        &policies,
        r#"{"arn:aws:s3:::prod-data": {"Version": "2012-10-17", "Statement": [{"Sid": "AuditorReads",
             "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/dev"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-data/*"}]},
           "arn:aws:sqs:us-east-1:999999999999:q": {"Version": "2012-10-17", "Statement": [{"Sid": "Account",
             "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sqs:SendMessage", "Resource": "*"}]}}"#,
    )
    .unwrap();
    let policies = policies.to_str().unwrap();
    let simulate = |principal: &str, action: &str, resource: &str, extra: &[&str]| {
        let mut args = vec![
            "--input",
            ACCOUNT,
            "--principal",
            principal,
            "--action",
            action,
            "--resource",
            resource,
        ];
        args.extend(extra);
        run("simulate", &args)
    };
    let dev = "arn:aws:iam::111122223333:user/dev";
    let admin = "arn:aws:iam::111122223333:user/admin";
    let object = "arn:aws:s3:::prod-data/report.csv";
    let read = simulate(
        dev,
        "s3:GetObject",
        object,
        &["--resource-policies", policies],
    );
    assert_eq!(
        (read.code, read.stdout.as_str()),
        (
            0,
            "Allowed: resource policy of arn:aws:s3:::prod-data statement 0 \"AuditorReads\" (Allow)\n"
        )
    );
    assert_eq!(simulate(dev, "s3:GetObject", object, &[]).code, 1);
    let queue = "arn:aws:sqs:us-east-1:999999999999:q";
    // The queue's policy names the account: dev's own policies must allow too; the admin's do.
    assert_eq!(
        simulate(
            dev,
            "sqs:SendMessage",
            queue,
            &["--resource-policies", policies]
        )
        .code,
        1
    );
    assert_eq!(
        simulate(
            admin,
            "sqs:SendMessage",
            queue,
            &["--resource-policies", policies]
        )
        .code,
        0
    );
    // Another account's queue without a policy: not even the admin.
    let other = simulate(
        admin,
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:999999999999:other",
        &[],
    );
    assert_eq!(
        (other.code, other.stdout.as_str()),
        (
            1,
            "Denied (implicit): nothing allows it in resource policies\n"
        )
    );
    // The trust policy of break-glass asks for MFA: allowed only if it was used.
    let glass = "arn:aws:iam::111122223333:role/break-glass";
    let oncall = "arn:aws:iam::111122223333:user/oncall";
    assert_eq!(simulate(oncall, "sts:AssumeRole", glass, &[]).code, 3);
    assert_eq!(
        simulate(
            oncall,
            "sts:AssumeRole",
            glass,
            &["--context", "aws:MultiFactorAuthPresent=true"]
        )
        .code,
        0
    );
    assert_eq!(
        simulate(
            oncall,
            "sts:AssumeRole",
            glass,
            &["--context", "aws:MultiFactorAuthPresent=false"]
        )
        .code,
        1
    );
    // Named in the readers' trust, the auditor needs no identity policy for it.
    let readers = simulate(
        "arn:aws:iam::111122223333:user/auditor",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/readers",
        &[],
    );
    assert_eq!(
        readers.stdout,
        "Allowed: trust policy of arn:aws:iam::111122223333:role/readers statement 0 (Allow)\n"
    );
    // A key without a key policy given is judged by the IAM policies, and the user is told.
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let without_policy = simulate(admin, "kms:Decrypt", key, &[]);
    assert_eq!(without_policy.code, 0, "{}", without_policy.stderr);
    assert!(
        without_policy.stderr.contains(&format!(
            "warning: no key policy was given for {key} (--resource-policies)"
        )),
        "{}",
        without_policy.stderr
    );
    assert!(read.stderr.is_empty(), "{}", read.stderr);
    let bad = run(
        "simulate",
        &[
            "--input",
            ACCOUNT,
            "--principal",
            dev,
            "--action",
            "s3:GetObject",
            "--resource",
            object,
            "--resource-policies",
            ACCOUNT,
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    assert!(bad.stderr.contains(ACCOUNT), "{}", bad.stderr);
}

/// No step the evaluation does not allow: every edge of the example's graph and of a
/// generated account's, its action asked again of `evaluate` on the resource the method
/// acts on, is allowed (or allowed if conditions hold, as the edge says).
#[test]
fn every_edge_is_allowed_by_the_evaluation() {
    let generated: AuthorizationDetails =
        serde_json::from_value(crate::analyze::generate_account::generate(80, 80, 8, 80)).unwrap();
    let example: AuthorizationDetails =
        serde_json::from_str(&std::fs::read_to_string(repo_path(ACCOUNT)).unwrap()).unwrap();
    let mut methods = BTreeSet::new();
    for account in [&example, &generated] {
        let graph = escalation_graph(account, &[]);
        for edge in &graph.edges {
            let from = &graph.nodes[edge.source].arn;
            let to = &graph.nodes[edge.target].arn;
            let account_id = to.split(':').nth(4).unwrap();
            let via = edge.via.as_deref().unwrap_or_default();
            let group = |name: &str| format!("arn:aws:iam::{account_id}:group/{name}");
            let (action, resource, extra): (String, String, Option<(&str, &str)>) =
                match edge.method {
                    "AssumeRole" => ("sts:AssumeRole".to_owned(), to.clone(), None),
                    "UpdateRolePolicyToAssumeIt" => {
                        ("iam:UpdateAssumeRolePolicy".to_owned(), to.clone(), None)
                    }
                    "CreateAccessKey" | "CreateLoginProfile" | "UpdateLoginProfile"
                    | "PutUserPolicy" | "AttachUserPolicy" | "PutRolePolicy"
                    | "AttachRolePolicy" => (format!("iam:{}", edge.method), to.clone(), None),
                    "PutGroupPolicy" | "AttachGroupPolicy" => (
                        format!("iam:{}", edge.method),
                        group(via.strip_prefix("group ").unwrap()),
                        None,
                    ),
                    "AddUserToGroup" => (
                        "iam:AddUserToGroup".to_owned(),
                        group(via.strip_prefix("group ").unwrap()),
                        None,
                    ),
                    "CreateNewPolicyVersion" => {
                        ("iam:CreatePolicyVersion".to_owned(), via.to_owned(), None)
                    }
                    "SetExistingDefaultPolicyVersion" => (
                        "iam:SetDefaultPolicyVersion".to_owned(),
                        via.to_owned(),
                        None,
                    ),
                    // A pass-role method: via the service principal the role trusts.
                    _ if via.ends_with(".amazonaws.com") => (
                        "iam:PassRole".to_owned(),
                        to.clone(),
                        Some(("iam:PassedToService", via)),
                    ),
                    other => panic!("a method this test does not know: {other}"),
                };
            methods.insert(edge.method);
            let principal = Principal::find(account, from).unwrap();
            let mut policies = principal.policies.clone();
            policies.extend(trust_policy_for(account, &action, &resource).unwrap());
            let mut context = principal.context.clone();
            if let Some((key, value)) = extra {
                context.push((key.to_owned(), vec![value.to_owned()]));
            }
            let request = Request {
                action: action.clone(),
                resource: resource.clone(),
                context: Context::partial_from(context, Principal::decided_keys()),
            };
            let decision = evaluate(&policies, &request).decision;
            assert!(
                matches!(decision, Decision::Allowed | Decision::AllowedIf),
                "{from} {} {to}: {action} on {resource} is {decision:?}",
                edge.method
            );
            assert!(!edge.statements.is_empty());
            if decision == Decision::AllowedIf {
                assert!(edge.conditional, "{from} {} {to}", edge.method);
            }
        }
    }
    // The methods the two accounts exercise.
    for method in [
        "AssumeRole",
        "CreateAccessKey",
        "PutUserPolicy",
        "AddUserToGroup",
        "CreateNewPolicyVersion",
        "SetExistingDefaultPolicyVersion",
        "PassExistingRoleToNewLambdaThenInvoke",
        "CreateEC2WithExistingIP",
    ] {
        assert!(
            methods.contains(method),
            "{method} not exercised: {methods:?}"
        );
    }
}
