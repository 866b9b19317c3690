//! `download-policies` against a real moto server, through the real SDK and the binary: what
//! is created is what is downloaded; paging; throttling and server errors; `--recursive`
//! with a failing profile; AWS-managed policies; no secret in any output.

mod account;
mod faults;
mod measure;
mod moto;
mod names;
mod proxy;
mod recursive;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::support::policy_sentry;
use account::{ACCOUNT_ID, Expected, observed, policy_files, populate, read_account_file};
use moto::{ACCESS_KEY, Moto, SECRET_KEY, block_on};
use proxy::Proxy;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// `policy_sentry download-policies ARGS` with `env` and nothing of the caller's AWS setup:
/// no credentials, profiles, endpoints or instance metadata but what the test gives.
fn download(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let output = download_command(home, env, args)
        .output()
        .expect("run policy_sentry");
    Run {
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        code: output.status.code().unwrap_or(-1),
    }
}

/// The command [`download`] runs.
fn download_command(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = crate::support::policy_sentry_std();
    command.arg("download-policies").args(args);
    for variable in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_IAM",
        "AWS_ENDPOINT_URL_STS",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        command.env_remove(variable);
    }
    command
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

const TEST_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
    ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
];

/// Downloads with the fake keys from `url` into `output`; the run must succeed.
fn download_ok(home: &Path, url: &str, output: &Path, extra: &[&str]) -> Run {
    let output_dir = output.to_str().expect("utf-8 path");
    let mut args = vec!["--endpoint-url", url, "--output-dir", output_dir];
    args.extend_from_slice(extra);
    let run = download(home, &TEST_KEYS, &args);
    assert_eq!(
        run.code, 0,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    run
}

/// The attached (or all) customer-managed policies of `expected`, as the seed layout holds them.
fn expected_files(expected: &Expected, include_unattached: bool) -> BTreeMap<String, Value> {
    expected
        .managed
        .iter()
        .filter(|(_, (_, attached))| include_unattached || *attached)
        .map(|(name, (doc, _))| (name.clone(), doc.clone()))
        .collect()
}

/// Every file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn downloads_every_document_as_created() {
    let Some(moto) = Moto::start("downloads_every_document_as_created", &[]) else {
        return;
    };
    let expected = block_on(populate(&moto.iam(ACCESS_KEY, SECRET_KEY)));
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();

    let run = download_ok(home.path(), &moto.url(), output.path(), &[]);
    assert!(
        run.stdout.starts_with(&format!(
            "{ACCOUNT_ID}: 3 users, 3 groups, 3 roles, 6 managed policies (3 customer-managed policy files) in {}",
            output.path().join(ACCOUNT_ID).display()
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("; 1 page, 2 requests, 0 retries"),
        "{}",
        run.stdout
    );

    // The account file holds everything, documents equal to what was created.
    let details = read_account_file(output.path());
    assert_eq!(observed(&details), expected);
    // The seed layout: attached customer-managed policies only, each its default version.
    let account_dir = output.path().join(ACCOUNT_ID);
    assert_eq!(
        policy_files(&account_dir.join("customer-managed")),
        expected_files(&expected, false)
    );
    assert!(!account_dir.join("aws-managed").exists());

    // The file's shape is the AWS CLI's.
    let raw: Value = serde_json::from_str(
        &std::fs::read_to_string(account_dir.join("account-authorization-details.json")).unwrap(),
    )
    .unwrap();
    let keys: Vec<&String> = raw.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies"
        ]
    );
    let app_role = raw["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|role| role["RoleName"] == "app-role")
        .unwrap();
    assert_eq!(
        app_role["InstanceProfileList"][0]["InstanceProfileName"],
        "app-profile"
    );
    assert!(app_role["AssumeRolePolicyDocument"].is_object());
    let create_date = app_role["CreateDate"].as_str().unwrap();
    assert!(create_date.ends_with("+00:00"), "{create_date}");
    let bob = raw["UserDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|user| user["UserName"] == "bob")
        .unwrap();
    assert_eq!(bob["Tags"], json!([{"Key": "team", "Value": "ops"}]));
    assert_eq!(bob["Path"], "/ops/");
    let admin_like = raw["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|policy| policy["PolicyName"] == "AdminLike")
        .unwrap();
    assert_eq!(admin_like["DefaultVersionId"], "v2");
    assert!(
        all_files(output.path())
            .iter()
            .all(|path| !path.to_string_lossy().ends_with(".tmp")),
        "a temporary file was left behind"
    );

    // What was downloaded is what the analysis reads: the seed layout…
    let analyzed = policy_sentry()
        .args(["analyze", "downloaded-policies", "--fmt", "json", "--path"])
        .arg(output.path())
        .output()
        .unwrap();
    assert!(
        analyzed.status.success(),
        "{}",
        String::from_utf8_lossy(&analyzed.stderr)
    );
    let reports: Value = serde_json::from_slice(&analyzed.stdout).unwrap();
    let analyzed_files: std::collections::BTreeSet<String> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|report| report["policy"].as_str().unwrap().to_owned())
        .collect();
    let wanted: std::collections::BTreeSet<String> = expected_files(&expected, false)
        .keys()
        .map(|name| format!("{ACCOUNT_ID}/customer-managed/{name}.json"))
        .collect();
    assert_eq!(analyzed_files, wanted);
    // …and the account file, principals and all.
    let report_dir = tempfile::tempdir().unwrap();
    let audited = policy_sentry()
        .args(["analyze", "account", "--fmt", "json", "--input"])
        .arg(account_dir.join("account-authorization-details.json"))
        .arg("--output-dir")
        .arg(report_dir.path())
        .output()
        .unwrap();
    assert!(
        audited.status.success(),
        "{}",
        String::from_utf8_lossy(&audited.stderr)
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(report_dir.path().join("report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["account_id"], ACCOUNT_ID);
    let audited_policies: std::collections::BTreeSet<&str> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|policy| policy["policy"].as_str().unwrap())
        .collect();
    for name in expected.managed.keys() {
        assert!(
            audited_policies.contains(name.as_str()),
            "{name} not audited"
        );
    }
    for (_, _, name) in expected.inline.keys() {
        assert!(
            audited_policies.contains(name.as_str()),
            "{name} not audited"
        );
    }

    // --include-unattached adds the rest; a second run over the same folder replaces files.
    let run = download_ok(
        home.path(),
        &moto.url(),
        output.path(),
        &["--include-unattached"],
    );
    assert!(
        run.stdout.contains("(6 customer-managed policy files)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        policy_files(&account_dir.join("customer-managed")),
        expected_files(&expected, true)
    );
}

#[test]
fn pages_are_followed_to_the_end() {
    let Some(moto) = Moto::start("pages_are_followed_to_the_end", &[]) else {
        return;
    };
    let expected = block_on(populate(&moto.iam(ACCESS_KEY, SECRET_KEY)));
    let home = tempfile::tempdir().unwrap();
    let direct = tempfile::tempdir().unwrap();
    download_ok(home.path(), &moto.url(), direct.path(), &[]);

    let proxy = Proxy::start(moto.addr, true, Arc::new(|_, _| None));
    let paged = tempfile::tempdir().unwrap();
    let run = download_ok(
        home.path(),
        &proxy.url(),
        paged.path(),
        &["--page-size", "4"],
    );
    let total = expected.entity_count();
    let pages = total.div_ceil(4);
    assert!(
        run.stdout.contains(&format!(
            "; {pages} pages, {} requests, 0 retries",
            pages + 1
        )),
        "{}",
        run.stdout
    );
    let details: Vec<_> = proxy
        .exchanges()
        .into_iter()
        .filter(|exchange| exchange.action == "GetAccountAuthorizationDetails")
        .collect();
    assert_eq!(details.len(), pages);
    let markers: Vec<Option<String>> = details.iter().map(|e| e.marker.clone()).collect();
    let mut wanted = vec![None];
    wanted.extend((1..pages).map(|page| Some(format!("proxy-offset-{}", page * 4))));
    assert_eq!(markers, wanted);
    assert!(details.iter().all(|exchange| exchange.max_items == Some(4)));
    assert_eq!(
        details.iter().map(|e| e.items.unwrap()).sum::<usize>(),
        total
    );

    // Paged or not, the same account file and the same policy files.
    assert_eq!(
        read_account_file(paged.path()),
        read_account_file(direct.path())
    );
    assert_eq!(observed(&read_account_file(paged.path())), expected);
    assert_eq!(
        policy_files(&paged.path().join(ACCOUNT_ID).join("customer-managed")),
        expected_files(&expected, false)
    );
}

#[test]
fn aws_managed_policies_on_request() {
    let Some(moto) = Moto::start(
        "aws_managed_policies_on_request",
        &[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")],
    ) else {
        return;
    };
    let read_only_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let read_only = block_on(async {
        let iam = moto.iam(ACCESS_KEY, SECRET_KEY);
        iam.create_role()
            .role_name("auditor")
            .assume_role_policy_document(
                json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}).to_string(),
            )
            .send()
            .await
            .unwrap();
        iam.attach_role_policy()
            .role_name("auditor")
            .policy_arn(read_only_arn)
            .send()
            .await
            .unwrap();
        let policy = iam
            .get_policy()
            .policy_arn(read_only_arn)
            .send()
            .await
            .unwrap();
        let version = policy.policy.unwrap().default_version_id.unwrap();
        let document = iam
            .get_policy_version()
            .policy_arn(read_only_arn)
            .version_id(version)
            .send()
            .await
            .unwrap()
            .policy_version
            .unwrap()
            .document
            .unwrap();
        policy_sentry::download::decode_policy_document(&document).unwrap()
    });
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    let run = download_ok(home.path(), &moto.url(), output.path(), &["--aws-managed"]);
    assert!(
        run.stdout
            .contains("(0 customer-managed, 1 aws-managed policy file)"),
        "{}",
        run.stdout
    );
    let aws_dir = output.path().join(ACCOUNT_ID).join("aws-managed");
    let files = policy_files(&aws_dir);
    assert_eq!(files.keys().collect::<Vec<_>>(), ["ReadOnlyAccess"]);
    assert_eq!(files["ReadOnlyAccess"], read_only);

    let details = read_account_file(output.path());
    let aws_policies = details
        .policies
        .iter()
        .filter(|policy| policy.is_aws_managed())
        .count();
    assert!(aws_policies > 100, "{aws_policies} AWS-managed policies");
    let run = download_ok(
        home.path(),
        &moto.url(),
        output.path(),
        &["--aws-managed", "--include-unattached"],
    );
    assert!(
        run.stdout
            .contains(&format!("{aws_policies} aws-managed policy files")),
        "{}",
        run.stdout
    );
    assert_eq!(policy_files(&aws_dir).len(), aws_policies);
}

#[test]
fn no_secret_in_any_output() {
    let Some(moto) = Moto::start("no_secret_in_any_output", &[]) else {
        return;
    };
    block_on(populate(&moto.iam(ACCESS_KEY, SECRET_KEY)));
    let secret = "Zm9vYmFyc2VjcmV0a2V5c2hvdWxkbmV2ZXJsZWFr";
    let token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENneverprinted";
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00"),
        ("AWS_SECRET_ACCESS_KEY", secret),
        ("AWS_SESSION_TOKEN", token),
        ("RUST_LOG", "trace"),
    ];
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    let output_dir = output.path().to_str().unwrap();
    let ok = download(
        home.path(),
        &env,
        &[
            "--verbose",
            "debug",
            "--endpoint-url",
            &moto.url(),
            "--output-dir",
            output_dir,
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // A failing run: the connection is refused.
    let closed = crate::support::RefusingPort::new();
    let closed_url = closed.url();
    let failed = download(
        home.path(),
        &env,
        &[
            "--verbose",
            "debug",
            "--endpoint-url",
            &closed_url,
            "--output-dir",
            output_dir,
        ],
    );
    assert_eq!(failed.code, 3, "{}", failed.stderr);
    assert!(
        failed
            .stderr
            .contains("\nerror: default credentials: sts:GetCallerIdentity: dispatch failure"),
        "{}",
        failed.stderr
    );

    let mut texts = vec![ok.stdout, ok.stderr, failed.stdout, failed.stderr];
    texts.extend(
        all_files(output.path())
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap()),
    );
    for text in &texts {
        let lower = text.to_lowercase();
        for forbidden in [secret, token] {
            assert!(!text.contains(forbidden), "a secret appears in: {text}");
        }
        for forbidden in [
            "signature=",
            "credential=",
            "authorization:",
            "x-amz-security-token",
        ] {
            assert!(!lower.contains(forbidden), "{forbidden} appears in: {text}");
        }
    }
}

#[test]
fn usage_errors_fail_before_any_request() {
    let home = tempfile::tempdir().unwrap();
    // A regression that sent a request would meet a refused loopback port, not AWS.
    let nowhere = crate::support::RefusingPort::new();
    let nowhere = ["--endpoint-url", &nowhere.url()];
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["--profile", "a", "--recursive", nowhere[0], nowhere[1]],
            2,
            "cannot be used with",
        ),
        (
            &["--endpoint-url", "ftp://example.invalid"],
            2,
            "endpoint URL",
        ),
        (
            &["--max-attempts", "0", nowhere[0], nowhere[1]],
            2,
            "--max-attempts",
        ),
        // Plain HTTP would carry the session token in clear text.
        (
            &["--endpoint-url", "http://example.invalid:8080"],
            2,
            "endpoint URL \"http://example.invalid:8080\": plain HTTP would send the session token and the account's IAM data unencrypted; use https://, or pass --allow-http to accept that",
        ),
        (
            &["--recursive", nowhere[0], nowhere[1]],
            2,
            "no profiles found",
        ),
    ];
    for (args, code, message) in cases {
        let run = download(home.path(), &TEST_KEYS, args);
        assert_eq!(run.code, code, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn help_text() {
    let output = policy_sentry()
        .args(["download-policies", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(
        "help-download-policies",
        String::from_utf8(output.stdout).unwrap()
    );
}
