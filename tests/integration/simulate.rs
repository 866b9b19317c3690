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
