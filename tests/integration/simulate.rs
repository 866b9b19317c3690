//! `simulate`: a principal of the example account under its policies, a boundary, SCPs and
//! the request's context; exit codes; and the evaluation against recorded answers of an
//! independent simulator.

use serde_json::{Value, json};

use crate::support::{Run, policy_sentry, repo_path};

const ACCOUNT: &str = "examples/account/authorization-details.json";

fn simulate(args: &[&str]) -> Run {
    Run::from(
        policy_sentry()
            .current_dir(repo_path(""))
            .args(["simulate", "--input", ACCOUNT])
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn decisions_name_what_decided_and_exit_by_decision() {
    let bob = "arn:aws:iam::111122223333:user/bob";
    let admin = "arn:aws:iam::111122223333:user/break-glass";
    // ScopedS3 allows s3:GetObject on app-bucket only.
    let allowed = simulate(&[
        "--principal",
        bob,
        "--action",
        "s3:getobject",
        "--resource",
        "arn:aws:s3:::app-bucket/k",
    ]);
    assert_eq!(
        (allowed.code, allowed.stdout.as_str()),
        (
            0,
            "Allowed: arn:aws:iam::111122223333:policy/ScopedS3 statement 0 (Allow)\n"
        )
    );
    let elsewhere = simulate(&[
        "--principal",
        bob,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::other/k",
    ]);
    assert_eq!(
        (elsewhere.code, elsewhere.stdout.as_str()),
        (
            1,
            "Denied (implicit): nothing allows it in identity policies\n"
        )
    );
    // An SCP folder: each file a level that must allow; a Deny in one wins.
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("1-root.json"),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}).to_string(),
    )
    .unwrap();
    std::fs::write(
        temp.path().join("2-workloads.json"),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "ec2:*"], "Resource": "*"},
            {"Sid": "DenyDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "storage"}}}]})
        .to_string(),
    )
    .unwrap();
    let scps = temp.path().to_str().unwrap();
    let denied = simulate(&[
        "--principal",
        admin,
        "--action",
        "s3:DeleteObject",
        "--resource",
        "arn:aws:s3:::x/y",
        "--scps",
        scps,
    ]);
    assert_eq!(denied.code, 1, "{}", denied.stderr);
    assert!(
        denied.stdout.starts_with("Denied (explicit): ")
            && denied
                .stdout
                .contains("2-workloads.json statement 1 \"DenyDeletes\""),
        "{}",
        denied.stdout
    );
    // The second level does not allow IAM actions.
    let iam = simulate(&[
        "--principal",
        admin,
        "--action",
        "iam:CreateUser",
        "--resource",
        "arn:aws:iam::111122223333:user/x",
        "--scps",
        scps,
    ]);
    assert_eq!(iam.code, 1);
    assert!(
        iam.stdout.contains("nothing allows it in SCP ") && iam.stdout.contains("2-workloads.json"),
        "{}",
        iam.stdout
    );
    // A condition on a key the request does not give: allowed only if it holds (exit 3).
    let conditional_policy = temp.path().join("conditional.json");
    std::fs::write(
        &conditional_policy,
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
        .to_string(),
    )
    .unwrap();
    let conditional_policy = conditional_policy.to_str().unwrap();
    let unknown = simulate(&[
        "--principal",
        admin,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::x/y",
        "--scps",
        conditional_policy,
    ]);
    assert_eq!(unknown.code, 3, "{}", unknown.stdout);
    assert!(
        unknown
            .stdout
            .contains("OfficeOnly\" (Deny) (depends on aws:SourceIp)"),
        "{}",
        unknown.stdout
    );
    let inside = simulate(&[
        "--principal",
        admin,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::x/y",
        "--scps",
        conditional_policy,
        "--context",
        "aws:SourceIp=10.1.2.3",
    ]);
    assert_eq!(inside.code, 0, "{}", inside.stdout);
    let outside = simulate(&[
        "--principal",
        admin,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::x/y",
        "--scps",
        conditional_policy,
        "--context",
        "aws:SourceIp=192.0.2.1",
        "--fmt",
        "json",
    ]);
    assert_eq!(outside.code, 1);
    let result: Value = serde_json::from_str(&outside.stdout).unwrap();
    assert_eq!(result["decision"], "explicit-deny");
    assert_eq!(result["deciding"][0]["sid"], "OfficeOnly");
    assert_eq!(result["deciding"][0]["kind"], "scp");
    // Bad input names itself and exits 2.
    let nobody = simulate(&[
        "--principal",
        "arn:aws:iam::111122223333:user/nobody",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(nobody.code, 2);
    assert!(
        nobody
            .stderr
            .contains("--principal arn:aws:iam::111122223333:user/nobody"),
        "{}",
        nobody.stderr
    );
    // A request the data rules out is bad input, named.
    let typo = simulate(&[
        "--principal",
        bob,
        "--action",
        "s3:GetObjekt",
        "--resource",
        "*",
    ]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("unknown action s3:GetObjekt"),
        "{}",
        typo.stderr
    );
    let unfit = simulate(&[
        "--principal",
        bob,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::app-bucket",
    ]);
    assert_eq!(unfit.code, 2);
    assert!(unfit.stderr.contains("s3:GetObject cannot act on arn:aws:s3:::app-bucket: its resource types are arn:${Partition}:s3:::${BucketName}/${ObjectName}"), "{}", unfit.stderr);
    let bad_context = simulate(&[
        "--principal",
        bob,
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--context",
        "aws:SourceIp",
    ]);
    assert_eq!(bad_context.code, 2);
    assert!(
        bad_context.stderr.contains("KEY=VALUE"),
        "{}",
        bad_context.stderr
    );
}

/// Cases where the recorded answer is iam-simulate's mistake, each checked with a minimal
/// request against it and against AWS's documentation:
/// - `ip`: `NotIpAddress` with a bare IPv4 address (`"10.0.0.1"`, no prefix length) and an
///   IPv6 request address: it answers "no match"; an IPv6 address is not that IPv4 address,
///   so the operator holds.
/// - `arn-variable`: a policy variable in an `ArnEquals`/`ArnLike`/`ArnNot…` value
///   (`arn:aws:iam::${aws:PrincipalAccount}:user/carol`) is left unfilled; AWS fills
///   variables in ARN operators as in string ones.
/// - `resource-variable`: `${aws:PrincipalTag/team}` in `Resource`/`NotResource` is left
///   unfilled, so the pattern matches nothing.
const ORACLE_MISTAKES: &[(u64, &str)] = &[
    (114, "ip"),
    (239, "ip"),
    (354, "ip"),
    (773, "ip"),
    (1257, "arn-variable"),
    (2265, "resource-variable"),
    (3030, "arn-variable"),
    (3137, "ip"),
    (4651, "resource-variable"),
    (4837, "arn-variable"),
    (5325, "resource-variable"),
    (5635, "resource-variable"),
    (5899, "arn-variable"),
    (6030, "arn-variable"),
    (6239, "arn-variable"),
    (6496, "resource-variable"),
    (6901, "arn-variable"),
];

/// Requests recorded with `@cloud-copilot/iam-simulate` (an independent implementation, run
/// as an oracle only; its answers are the facts kept here): 8,000 generated requests over
/// every condition operator with and without `IfExists`, the set prefixes, policy variables
/// and their escapes, Allow and Deny, NotAction and NotResource, several identity policies,
/// permissions boundaries and SCPs (each document a level that must allow). The context of
/// each request is complete: a key it lacks is absent.
#[test]
fn agrees_with_an_independent_simulator() {
    use std::io::BufRead;

    use policy_sentry::analyze::PolicyDocument;
    use policy_sentry::simulate::{
        Context, Decision, NamedPolicy, PolicyKind, Request, check_request, evaluate,
    };

    let file = std::fs::File::open(repo_path(
        "tests/golden/simulate/iam-simulate-cases.jsonl.gz",
    ))
    .unwrap();
    let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let (mut compared, mut disagreements, mut unfit) = (0, Vec::new(), Vec::new());
    for line in lines {
        let case: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let parse = |document: &Value| PolicyDocument::parse(&document.to_string()).unwrap();
        let mut policies: Vec<NamedPolicy> = Vec::new();
        for (index, document) in case["identity"].as_array().unwrap().iter().enumerate() {
            policies.push(NamedPolicy {
                kind: PolicyKind::Identity,
                name: format!("identity {index}"),
                document: parse(document),
            });
        }
        if !case["boundary"].is_null() {
            policies.push(NamedPolicy {
                kind: PolicyKind::PermissionsBoundary,
                name: "boundary".into(),
                document: parse(&case["boundary"]),
            });
        }
        for (index, document) in case["scps"].as_array().unwrap().iter().enumerate() {
            policies.push(NamedPolicy {
                kind: PolicyKind::Scp(index as u16),
                name: format!("scp {index}"),
                document: parse(document),
            });
        }
        let context = Context::complete_from(case["context"].as_object().unwrap().iter().map(
            |(key, value)| {
                let values = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect(),
                    other => vec![other.as_str().unwrap().to_owned()],
                };
                (key.clone(), values)
            },
        ));
        let request = Request {
            action: case["action"].as_str().unwrap().to_owned(),
            resource: case["resource"].as_str().unwrap().to_owned(),
            context,
        };
        // The oracle accepted the request only if the resource fits one of the action's
        // resource types in its data: ours must agree.
        if let Err(error) = check_request(&request.action, &request.resource) {
            unfit.push(format!("case {}: {error}", case["id"]));
        }
        let evaluation = evaluate(&policies, &request);
        let ours = match evaluation.decision {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit-deny",
            Decision::ImplicitDeny => "implicit-deny",
            Decision::AllowedIf => "allowed-if",
        };
        compared += 1;
        let id = case["id"].as_u64().unwrap();
        if ORACLE_MISTAKES.iter().any(|(mistake, _)| *mistake == id) {
            assert_ne!(
                ours, case["expected"],
                "case {id} is listed as the oracle's mistake but agrees"
            );
            continue;
        }
        if ours != case["expected"] {
            disagreements.push(format!(
                "case {}: ours {ours}, theirs {} (ours decided by {})",
                case["id"],
                case["expected"],
                serde_json::to_string(&evaluation.deciding).unwrap()
            ));
        }
    }
    assert!(compared >= 8_000, "{compared} cases");
    assert!(
        unfit.is_empty(),
        "{} requests do not fit their action: {}",
        unfit.len(),
        unfit[..unfit.len().min(20)].join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} of {compared} disagree:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(40)].join("\n")
    );
}

fn who_can(args: &[&str]) -> Run {
    Run::from(
        policy_sentry()
            .current_dir(repo_path(""))
            .arg("who-can")
            .args(args)
            .output()
            .unwrap(),
    )
}

/// `who-can` answers as `simulate` does for each principal, lists the allowed ones (every
/// one with `--all`), and says which principals it could not evaluate (exit 2).
#[test]
fn who_can_lists_the_principals_simulate_allows() {
    let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
    let run = who_can(&[
        "--input",
        ACCOUNT,
        "--action",
        "secretsmanager:GetSecretValue",
        "--resource",
        secret,
        "--fmt",
        "json",
        "--all",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answers: Value = serde_json::from_str(&run.stdout).unwrap();
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 7, "every user and role with --all");
    for answer in answers {
        let principal = answer["principal"].as_str().unwrap();
        let alone = simulate(&[
            "--principal",
            principal,
            "--action",
            "secretsmanager:GetSecretValue",
            "--resource",
            secret,
            "--fmt",
            "json",
        ]);
        let alone: Value = serde_json::from_str(&alone.stdout).unwrap();
        assert_eq!(answer["decision"], alone["decision"], "{principal}");
    }
    let allowed: Vec<&str> = answers
        .iter()
        .filter(|a| a["decision"] == "allowed")
        .map(|a| a["principal"].as_str().unwrap())
        .collect();
    let csv = who_can(&[
        "--input",
        ACCOUNT,
        "--action",
        "secretsmanager:GetSecretValue",
        "--resource",
        secret,
        "--fmt",
        "csv",
        "--jobs",
        "1",
    ]);
    let expected: String = std::iter::once("principal,decision".to_owned())
        .chain(allowed.iter().map(|p| format!("{p},allowed")))
        .map(|line| line + "\n")
        .collect();
    assert_eq!(csv.stdout, expected);
    assert!(
        allowed.contains(&"arn:aws:iam::111122223333:user/break-glass"),
        "{allowed:?}"
    );
    // A principal whose attached policy the file lacks is named, the others still answered.
    let mut account: Value =
        serde_json::from_str(&std::fs::read_to_string(repo_path(ACCOUNT)).unwrap()).unwrap();
    account["UserDetailList"][1]["AttachedManagedPolicies"]
        .as_array_mut()
        .unwrap()
        .push(json!({"PolicyName": "Gone", "PolicyArn": "arn:aws:iam::111122223333:policy/Gone"}));
    let temp = tempfile::tempdir().unwrap();
    let broken = temp.path().join("account.json");
    std::fs::write(&broken, account.to_string()).unwrap();
    let partial = who_can(&[
        "--input",
        broken.to_str().unwrap(),
        "--action",
        "secretsmanager:GetSecretValue",
        "--resource",
        secret,
    ]);
    assert_eq!(partial.code, 2);
    assert!(
        partial
            .stderr
            .contains("user/bob: not evaluated: arn:aws:iam::111122223333:policy/Gone"),
        "{}",
        partial.stderr
    );
    assert!(
        partial.stdout.contains("of 6 principals can"),
        "{}",
        partial.stdout
    );
}

/// SCPs by level: the files of one subfolder are one level (any may allow), each level must
/// allow; an `aws organizations` levels file reads the same, its RCPs included; RCPs govern
/// only the services they apply to.
#[test]
fn organization_levels_scps_and_rcps() {
    let admin = "arn:aws:iam::111122223333:user/break-glass";
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let allow = |action: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
        )
    };
    write("scps/1-root/s3.json", &allow("s3:*"));
    write("scps/1-root/ec2.json", &allow("ec2:*"));
    write("scps/2-ou.json", &allow("*"));
    let scps = dir.path().join("scps");
    let scps = scps.to_str().unwrap();
    let ask = |action: &str, resource: &str, extra: &[&str]| {
        let mut args = vec![
            "--principal",
            admin,
            "--action",
            action,
            "--resource",
            resource,
        ];
        args.extend(extra);
        simulate(&args)
    };
    // Either root SCP may allow: they are one level.
    assert_eq!(ask("ec2:RunInstances", "*", &["--scps", scps]).code, 0);
    assert_eq!(
        ask("s3:GetObject", "arn:aws:s3:::b/k", &["--scps", scps]).code,
        0
    );
    let sqs = ask(
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111122223333:q",
        &["--scps", scps],
    );
    assert_eq!(sqs.code, 1);
    assert!(
        sqs.stdout.contains("nothing allows it in SCPs"),
        "{}",
        sqs.stdout
    );

    let content = |document: &str| serde_json::to_string(document).unwrap();
    let levels = format!(
        r#"[{{"Target": "r-ab12", "Policies": [
              {{"Policy": {{"PolicySummary": {{"Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY"}}, "Content": {}}}}},
              {{"Policy": {{"PolicySummary": {{"Name": "RCPFullAWSAccess", "Type": "RESOURCE_CONTROL_POLICY"}}, "Content": {}}}}}]}},
            {{"Target": "ou-ab12-cd34", "Policies": [
              {{"Policy": {{"PolicySummary": {{"Name": "OnlyS3", "Type": "RESOURCE_CONTROL_POLICY"}}, "Content": {}}}}},
              {{"Policy": {{"PolicySummary": {{"Name": "Tags", "Type": "TAG_POLICY"}}, "Content": "{{}}"}}}}]}}]"#,
        content(&allow("*")),
        content(&allow("*")),
        content(&allow("s3:*")),
    );
    write("org.json", &levels);
    let org = dir.path().join("org.json");
    let org = org.to_str().unwrap();
    // The OU's RCP allows S3 only: SQS is cut, EC2 is not a service RCPs govern.
    let queue = ask(
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111122223333:q",
        &["--scps", org],
    );
    assert_eq!(queue.code, 1);
    assert!(
        queue.stdout.contains("RCP ou-ab12-cd34 OnlyS3"),
        "{}",
        queue.stdout
    );
    assert_eq!(ask("ec2:RunInstances", "*", &["--scps", org]).code, 0);
    assert_eq!(
        ask("s3:GetObject", "arn:aws:s3:::b/k", &["--scps", org]).code,
        0
    );

    write(
        "bad.json",
        r#"[{"Target": "r-ab12", "Policies": [{"Policy": {"PolicySummary": {}, "Content": "{not json"}}]}]"#,
    );
    let bad = dir.path().join("bad.json");
    let run = ask(
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        &["--scps", bad.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.json: r-ab12 ?"), "{}", run.stderr);
}

/// Requests recorded with the same independent simulator over resource-based policies:
/// 4,576 requests, same-account and cross-account, users and roles (with boundaries that do
/// and do not allow), every way a policy names its principal (the caller's ARN, its account
/// by ID or root, everyone, others, `NotPrincipal`), Allow and Deny with conditions, SCPs;
/// S3, SQS, SNS, Secrets Manager, Lambda, and the two whose policy must allow even in the
/// account: a role's trust policy (STS) and a key policy (KMS).
#[test]
fn agrees_with_an_independent_simulator_on_resource_policies() {
    use std::io::BufRead;

    use policy_sentry::analyze::PolicyDocument;
    use policy_sentry::simulate::{Context, NamedPolicy, PolicyKind, Request, evaluate};

    let file = std::fs::File::open(repo_path(
        "tests/golden/simulate/iam-simulate-resource-cases.jsonl.gz",
    ))
    .unwrap();
    let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines();
    let (mut compared, mut disagreements) = (0, Vec::new());
    for line in lines {
        let case: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let parse = |document: &Value| PolicyDocument::parse(&document.to_string()).unwrap();
        let mut policies: Vec<NamedPolicy> = Vec::new();
        for (index, document) in case["identity"].as_array().unwrap().iter().enumerate() {
            policies.push(NamedPolicy {
                kind: PolicyKind::Identity,
                name: format!("identity {index}"),
                document: parse(document),
            });
        }
        if !case["boundary"].is_null() {
            policies.push(NamedPolicy {
                kind: PolicyKind::PermissionsBoundary,
                name: "boundary".into(),
                document: parse(&case["boundary"]),
            });
        }
        for (index, document) in case["scps"].as_array().unwrap().iter().enumerate() {
            policies.push(NamedPolicy {
                kind: PolicyKind::Scp(index as u16),
                name: format!("scp {index}"),
                document: parse(document),
            });
        }
        let action = case["action"].as_str().unwrap();
        // A trust policy and a key policy must allow; a key without one allows nobody.
        let must_allow = action.starts_with("sts:") || action.starts_with("kms:");
        let kind = match must_allow {
            true => PolicyKind::TrustPolicy,
            false => PolicyKind::ResourcePolicy,
        };
        let resource_policy = match (&case["resource_policy"], must_allow) {
            (Value::Null, false) => None,
            (Value::Null, true) => Some(serde_json::json!({"Statement": []})),
            (document, _) => Some(document.clone()),
        };
        if let Some(document) = resource_policy {
            policies.push(NamedPolicy {
                kind,
                name: "resource policy".into(),
                document: parse(&document),
            });
        }
        let context = Context::complete_from(case["context"].as_object().unwrap().iter().map(
            |(key, value)| {
                let values = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().unwrap().to_owned())
                        .collect(),
                    other => vec![other.as_str().unwrap().to_owned()],
                };
                (key.clone(), values)
            },
        ));
        let request = Request {
            action: action.to_owned(),
            resource: case["resource"].as_str().unwrap().to_owned(),
            context,
        };
        let evaluation = evaluate(&policies, &request);
        compared += 1;
        if evaluation.decision.as_str() != case["expected"] {
            disagreements.push(format!(
                "case {}: ours {}, theirs {} ({})",
                case["id"],
                evaluation.decision.as_str(),
                case["expected"],
                case["meta"]
            ));
        }
    }
    assert!(compared >= 4_500, "{compared} cases");
    assert!(
        disagreements.is_empty(),
        "{} of {compared} disagree:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(30)].join("\n")
    );
}
