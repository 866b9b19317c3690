//! `lint`: one policy per check, with the code, severity and statement position it must give;
//! the ignore file, `--fail-on` and the SARIF log.

use serde_json::Value;

use crate::support::{Run, policy_sentry};

fn lint(dir: &std::path::Path, args: &[&str]) -> Run {
    Run::from(
        policy_sentry()
            .current_dir(dir)
            .arg("lint")
            .args(args)
            .output()
            .unwrap(),
    )
}

/// (file name, policy text, the findings as `line:column severity CODE`).
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "clean.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
        &[],
    ),
    (
        "no-version.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
        &["1:1 warning MISSING_VERSION"],
    ),
    (
        "old-version.json",
        r#"{"Version": "2013-01-01", "Statement": []}"#,
        &["1:1 error INVALID_VERSION"],
    ),
    (
        "bad-service.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s4:GetObject\", \"Resource\": \"*\"}]}",
        &["2:3 error INVALID_SERVICE_IN_ACTION"],
    ),
    (
        "bad-action.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": {\n\"Effect\": \"Allow\", \"Action\": [\"s3:GetObjekt\", \"s3:Zz*\"], \"Resource\": \"*\"}}",
        &["1:40 error INVALID_ACTION", "1:40 error INVALID_ACTION"],
    ),
    (
        "redundant.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject", "s3:get*"], "Resource": "*"}]}"#,
        &[
            "1:41 suggestion REDUNDANT_ACTION",
            "1:41 suggestion REDUNDANT_ACTION",
        ],
    ),
    (
        "pass-role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#,
        &["1:41 security-warning PASS_ROLE_WITH_STAR_IN_RESOURCE"],
    ),
    (
        "pass-role-star.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::1:role/*"}]}"#,
        &["1:41 security-warning PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"],
    ),
    (
        "pass-role-named.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/app"}]}"#,
        &[],
    ),
    (
        "deny-pass-role.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}]}"#,
        &[],
    ),
    (
        "not-action.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#,
        &["1:41 security-warning ALLOW_WITH_NOT_ACTION"],
    ),
    (
        "wrong-arn.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}]}"#,
        &["1:41 warning UNSUPPORTED_RESOURCE_ARN_FOR_ACTION"],
    ),
    (
        "condition.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringLike": {"s3:prefix": "home/", "s3:prefx": "x", "ec2:Region": "eu-west-1", "nope:Key": "1", "aws:SourceIp": "10.0.0.1"}}}]}"#,
        &[
            "1:41 error INVALID_SERVICE_CONDITION_KEY",
            "1:41 warning UNSUPPORTED_CONDITION_KEY_FOR_ACTIONS",
            "1:41 error INVALID_SERVICE_CONDITION_KEY",
        ],
    ),
    (
        // Documented global keys in any case, with any tag key, and a service's global key
        // (`ec2:SourceInstanceArn`) pass; a misspelt `aws:` key and a bare tag prefix do not.
        "global-keys.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b", "Condition": {"StringEquals": {"AWS:principalorgid": "o-1", "aws:PrincipalTag/team": "x", "aws:RequestTag/a/b": "y", "ec2:SourceInstanceArn": "arn:aws:ec2:*:*:instance/i-1", "aws:SourceIP4": "10.0.0.1", "aws:PrincipalTag": "z"}}}]}"#,
        &[
            "1:41 error INVALID_GLOBAL_CONDITION_KEY",
            "1:41 error INVALID_GLOBAL_CONDITION_KEY",
        ],
    ),
    (
        "not-json.json",
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\" \"Action\": \"s3:*\"}]}",
        &["2:35 error INVALID_POLICY"],
    ),
];

fn summary(findings: &Value, file: &str) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["line"],
                f["column"],
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn each_check_gives_its_code_at_the_statement() {
    let temp = tempfile::tempdir().unwrap();
    for (name, text, _) in CASES {
        std::fs::write(temp.path().join(name), text).unwrap();
    }
    let big = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [{}]}}]}}"#,
        (0..300)
            .map(|n| format!("\"arn:aws:s3:::bucket-{n:04}/*\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(temp.path().join("big.json"), big).unwrap();
    let run = lint(temp.path(), &[".", "--fmt", "json", "--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let findings: Value = serde_json::from_str(&run.stdout).unwrap();
    for (name, _, expected) in CASES {
        assert_eq!(
            summary(&findings, &format!("./{name}")),
            *expected,
            "{name}"
        );
    }
    assert_eq!(
        summary(&findings, "./big.json"),
        ["1:1 warning POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"]
    );
}

#[test]
fn ignore_file_fail_on_and_sarif() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::write(dir.join("a.json"), CASES[6].1).unwrap(); // PASS_ROLE_WITH_STAR_IN_RESOURCE
    std::fs::write(dir.join("b.json"), CASES[5].1).unwrap(); // two REDUNDANT_ACTION
    let default = lint(dir, &["a.json", "b.json"]);
    assert_eq!(
        default.code, 0,
        "only errors fail by default: {}",
        default.stdout
    );
    assert!(
        default.stdout.ends_with("3 findings in 2 files\n"),
        "{}",
        default.stdout
    );
    assert_eq!(
        lint(dir, &["a.json", "b.json", "--fail-on", "security-warning"]).code,
        1
    );
    assert_eq!(lint(dir, &["b.json", "--fail-on", "warning"]).code, 0);
    assert_eq!(lint(dir, &["b.json", "--fail-on", "suggestion"]).code, 1);

    std::fs::write(dir.join("ignore.yml"), "- code: REDUNDANT_ACTION\n  file: b.*\n- code: PASS_ROLE_WITH_STAR_IN_RESOURCE\n  sid: Other\n").unwrap();
    let ignored = lint(dir, &["a.json", "b.json", "--ignore", "ignore.yml"]);
    assert_eq!(
        ignored.stdout,
        "a.json:1:41: security-warning PASS_ROLE_WITH_STAR_IN_RESOURCE: iam:PassRole on \"*\" lets the principal pass any matching role to a service; name the roles (statement 0)\n1 finding in 2 files\n"
    );
    std::fs::write(dir.join("bad-ignore.yml"), "- code: NOT_A_CODE\n").unwrap();
    let bad = lint(dir, &["a.json", "--ignore", "bad-ignore.yml"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown code \"NOT_A_CODE\""),
        "{}",
        bad.stderr
    );

    let sarif = lint(dir, &["a.json", "--fmt", "sarif"]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "PASS_ROLE_WITH_STAR_IN_RESOURCE");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 1, "startColumn": 41})
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "PASS_ROLE_WITH_STAR_IN_RESOURCE"
    );
}

/// The policies of a Terraform plan and of a CloudFormation template (YAML, short tags), at
/// their statement (inside the plan's JSON strings too), or at the line of their resource for
/// findings about the whole policy, named by address or path.
#[test]
fn policies_inside_plans_and_templates() {
    let dir = crate::support::repo_path("tests/fixtures/review");
    let run = lint(&dir, &["plan.json", "template.yaml", "--fmt", "json"]);
    assert_eq!(
        run.code, 1,
        "an INVALID_ACTION in the template: {}",
        run.stderr
    );
    let findings: Value = serde_json::from_str(&run.stdout).unwrap();
    let summary: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let message = f["message"].as_str().unwrap();
            let subject = message.split(": ").next().unwrap();
            let wildcards = message.ends_with("[CloudFormation functions read as wildcards]")
                || message.contains("[CloudFormation functions read as wildcards] (");
            format!(
                "{}:{}:{} {} {subject}{}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["code"].as_str().unwrap(),
                if wildcards { " *" } else { "" }
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            // The `{` of the statement inside the escaped policy string.
            "plan.json:14:67 PASS_ROLE_WITH_STAR_IN_RESOURCE aws_iam_policy.deploy.policy",
            "plan.json:30:1 MISSING_VERSION module.app.aws_iam_role.app.inline_policy[0]",
            "plan.json:37:63 REDUNDANT_ACTION module.app.aws_iam_role.app.inline_policy[0]",
            "plan.json:47:71 ALLOW_WITH_NOT_ACTION module.app.aws_iam_role_policy.extra.policy",
            // !GetAtt AppRole.Arn cannot be known offline: read as "*".
            "template.yaml:27:17 PASS_ROLE_WITH_STAR_IN_RESOURCE Resources.AppRole.Policies[0].PolicyDocument *",
            "template.yaml:30:1 MISSING_VERSION Resources.DeployPolicy.PolicyDocument *",
            "template.yaml:35:13 INVALID_ACTION Resources.DeployPolicy.PolicyDocument *",
        ]
    );
    for (file, at) in [("plan.json", "14:67"), ("template.yaml", "27:17")] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (line, column) = at.split_once(':').unwrap();
        let line = text
            .lines()
            .nth(line.parse::<usize>().unwrap() - 1)
            .unwrap();
        let rest: String = line
            .chars()
            .skip(column.parse::<usize>().unwrap() - 1)
            .collect();
        assert!(
            rest.starts_with('{') || rest.starts_with("Effect"),
            "{file}:{at} is not a statement's start: {rest}"
        );
    }
    // A CloudFormation template in JSON, policies at their statements, a lone statement too.
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("stack.json"),
        "{\"Resources\": {\n \"P\": {\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {\"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n  {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}]}}},\n \"Q\": {\"Type\": \"AWS::IAM::Policy\", \"Properties\": {\"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\":\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"}}}}}}",
    )
    .unwrap();
    let json = lint(temp.path(), &["stack.json", "--fmt", "json"]);
    let findings: Value = serde_json::from_str(&json.stdout).unwrap();
    let at: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["line"],
                f["column"],
                f["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        at,
        ["4:3 PASS_ROLE_WITH_STAR_IN_RESOURCE", "6:5 INVALID_ACTION"],
        "{}",
        json.stdout
    );
    // A YAML file that is not a template is not a policy either.
    let other_dir = tempfile::tempdir().unwrap();
    std::fs::write(other_dir.path().join("list.yaml"), "- a\n- b\n").unwrap();
    let other = lint(other_dir.path(), &["list.yaml", "--fmt", "json"]);
    let findings: Value = serde_json::from_str(&other.stdout).unwrap();
    assert_eq!(findings[0]["code"], "INVALID_POLICY");
    assert_eq!(other.code, 1);
}

/// Policies where an earlier `lint` was wrong, found by running it over the AWS managed
/// policies and parliament's test policies: ARN globs span `/` and `:` as IAM's do, policy
/// variables match anything, shared and doubled ARN formats, key templates after `:` and
/// `…/tag-key`, a key documented under another prefix, wildcard actions checked too, and
/// redundancy judged by pattern text. Then policies IAM rejects that passed.
#[test]
fn lint_agrees_with_iam_on_known_cases() {
    let statement = |action: &str, resource: &str| {
        format!(r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}"#)
    };
    let with_condition = |action: &str, resource: &str, key: &str| {
        format!(
            r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}", "Condition": {{"StringEquals": {{"{key}": "x"}}}}}}"#
        )
    };
    let cases: Vec<(&str, Vec<String>, &[&str])> = vec![
        ("slash", vec![statement("s3:GetObject", "arn:aws:s3:::*"), statement("s3:PutObject", "arn:aws:s3:::my-bucket*"), statement("cloudformation:DescribeStacks", "arn:aws:cloudformation:*:*:stack/awseb-*")], &[]),
        ("colon", vec![statement("logs:PutLogEvents", "arn:aws:logs:*:*:log-group:/aws/lambda/*")], &[]),
        ("variables", vec![statement("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"), statement("kms:Decrypt", "arn:aws:kms:*:*:key/${aws:PrincipalTag/KmsKeyId}")], &[]),
        ("shared formats", vec![statement("sts:AssumeRole", "arn:aws:iam::123456789012:role/MyRole"), statement("ssm:SendCommand", "arn:aws:ec2:us-east-1:123456789012:instance/i-1"), statement("iot:DescribeThingGroup", "arn:aws:iot:us-east-1:123456789012:thinggroup/g1"), statement("backup:DescribeRecoveryPoint", "arn:aws:backup:us-east-1:123456789012:recovery-point:abc")], &[]),
        ("two formats", vec![statement("lex:DescribeBotVersion", "arn:aws:lex:us-east-1:123456789012:bot/ABCDEFGHIJ")], &[]),
        ("key templates", vec![with_condition("kms:Decrypt", "arn:aws:kms:*:*:key/*", "kms:EncryptionContext:aws:s3:arn"), with_condition("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*", "secretsmanager:ResourceTag/team")], &[]),
        ("other prefix", vec![with_condition("aws-marketplace:StartChangeSet", "*", "catalog:ChangeType")], &[]),
        // A `*` account or region does not let the resource part be anything.
        ("star account", vec![statement("iam:GetUser", "arn:aws:iam::*:role/MyRole")], &["UNSUPPORTED_RESOURCE_ARN_FOR_ACTION"]),
        // While a name with colons inside still matches (RDS snapshots made by AWS Backup).
        ("colon name", vec![statement("rds:DeleteDBSnapshot", "arn:aws:rds:*:*:snapshot:awsbackup:*")], &[]),
        ("empty segment", vec![statement("s3:GetObject", "arn:aws:organizations::123456789012:")], &["UNSUPPORTED_RESOURCE_ARN_FOR_ACTION"]),
        ("wildcard action", vec![statement("s3:Get*", "arn:aws:ec2:*:*:instance/*"), statement("s3:Get*", "arn:aws:s3:::b/*")], &["UNSUPPORTED_RESOURCE_ARN_FOR_ACTION"]),
        ("pattern text", vec![r#"{"Effect": "Deny", "Action": ["sns:*Permission*", "sns:*Remove*", "s3:*", "s3:Get*", "s3:GetObject"], "Resource": "*"}"#.to_owned()], &["REDUNDANT_ACTION", "REDUNDANT_ACTION"]),
        ("operator", vec![r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {"StringEqualz": {"s3:prefix": "a"}, "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "a"}, "NullIfExists": {"aws:TagKeys": "true"}}}"#.to_owned()], &["INVALID_CONDITION_OPERATOR", "INVALID_CONDITION_OPERATOR"]),
        ("not an arn", vec![statement("s3:ListBucket", "s3")], &["INVALID_ARN_PREFIX"]),
        ("sid", vec![r#"{"Sid": "Has spaces!", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#.to_owned()], &["UNSUPPORTED_SID"]),
        ("duplicate sid", vec![r#"{"Sid": "A", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#.to_owned(), r#"{"Sid": "A", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}"#.to_owned()], &["UNIQUE_SIDS_REQUIRED"]),
        ("key format", vec![with_condition("s3:ListBucket", "*", "bad")], &["INVALID_CONDITION_KEY_FORMAT"]),
        ("no resource", vec![r#"{"Effect": "Allow", "Action": "s3:ListBucket"}"#.to_owned()], &["MISSING_RESOURCE"]),
        // A trust policy's statement has a Principal and no Resource; its Sid may have spaces.
        ("trust", vec![r#"{"Sid": "Trust the app", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}"#.to_owned()], &[]),
    ];
    let temp = tempfile::tempdir().unwrap();
    for (name, statements, expected) in cases {
        let file = format!("{}.json", name.replace(' ', "-"));
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(", ")
        );
        std::fs::write(temp.path().join(&file), &text).unwrap();
        let run = lint(temp.path(), &[&file, "--fmt", "json", "--fail-on", "never"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let findings: Value = serde_json::from_str(&run.stdout).unwrap();
        let codes: Vec<&str> = findings
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "{name}: {}", run.stdout);
    }
}
