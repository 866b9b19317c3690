//! `download-policies --recursive`: every profile of the config file is downloaded, and a
//! failing profile does not stop the others.

use serde_json::json;

use super::account::{ACCOUNT_ID, observed, populate, read_account_file};
use super::moto::{ACCESS_KEY, Moto, SECRET_KEY, block_on};
use super::{all_files, download};

#[test]
fn recursive_goes_on_past_failing_profiles() {
    let Some(moto) = Moto::start("recursive_goes_on_past_failing_profiles", &[]) else {
        return;
    };
    let admin = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let (mut expected, access_key, secret_key) = block_on(async {
        let iam = moto.iam(ACCESS_KEY, SECRET_KEY);
        let expected = populate(&iam).await;
        iam.create_user()
            .user_name("downloader")
            .send()
            .await
            .unwrap();
        iam.put_user_policy()
            .user_name("downloader")
            .policy_name("admin")
            .policy_document(admin.to_string())
            .send()
            .await
            .unwrap();
        let key = iam
            .create_access_key()
            .user_name("downloader")
            .send()
            .await
            .unwrap()
            .access_key
            .unwrap();
        (expected, key.access_key_id, key.secret_access_key)
    });
    moto.require_authentication();
    assert!(
        block_on(moto.iam(ACCESS_KEY, SECRET_KEY).list_users().send()).is_err(),
        "moto did not turn authentication on"
    );
    expected.users.insert("downloader".into());
    expected
        .inline
        .insert(("user".into(), "downloader".into(), "admin".into()), admin);

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("aws-config");
    let credentials = home.path().join("aws-credentials");
    let wrong_secret = "wrong-secret-0123456789abcdefghijklmnopqrstuvw";
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n[profile good]\nregion = us-east-1\n[profile twin]\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        format!(
            "[good]\naws_access_key_id = {access_key}\naws_secret_access_key = {secret_key}\n\
             [twin]\naws_access_key_id = {access_key}\naws_secret_access_key = {secret_key}\n\
             [good-long-term]\naws_access_key_id = {access_key}\naws_secret_access_key = {wrong_secret}\n\
             [unknown-key]\naws_access_key_id = AKIAUNKNOWNUNKNOWN00\naws_secret_access_key = {wrong_secret}\n\
             [default]\naws_access_key_id = {access_key}\naws_secret_access_key = {wrong_secret}\n"
        ),
    )
    .unwrap();
    let output = tempfile::tempdir().unwrap();
    let run = download(
        home.path(),
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
        ],
        &[
            "--recursive",
            "--concurrency",
            "2",
            "--endpoint-url",
            &moto.url(),
            "--output-dir",
            output.path().to_str().unwrap(),
        ],
    );
    assert_eq!(
        run.code, 3,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", run.stdout);
    // In the order of the profile names: default, good, twin, unknown-key.
    assert!(
        lines[0]
            .starts_with("FAILED profile default: sts:GetCallerIdentity: SignatureDoesNotMatch"),
        "{}",
        lines[0]
    );
    let good_or_twin = [lines[1], lines[2]];
    let full = good_or_twin
        .iter()
        .filter(|line| line.contains(" users, "))
        .count();
    let twin = good_or_twin
        .iter()
        .filter(|line| line.contains(": same account as profile "))
        .count();
    assert_eq!((full, twin), (1, 1), "{}", run.stdout);
    assert!(
        lines[3]
            .starts_with("FAILED profile unknown-key: sts:GetCallerIdentity: InvalidClientTokenId"),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[4],
        "4 profiles: 1 downloaded, 1 same account as another, 2 failed"
    );
    assert_eq!(observed(&read_account_file(output.path())), expected);

    // --profile wins over keys in the environment (here refused ones), as with the AWS CLI.
    let single = tempfile::tempdir().unwrap();
    let profile_run = download(
        home.path(),
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
            ("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00"),
            ("AWS_SECRET_ACCESS_KEY", wrong_secret),
        ],
        &[
            "--profile",
            "good",
            "--endpoint-url",
            &moto.url(),
            "--output-dir",
            single.path().to_str().unwrap(),
        ],
    );
    assert_eq!(profile_run.code, 0, "{}", profile_run.stderr);
    assert!(
        profile_run
            .stdout
            .starts_with(&format!("{ACCOUNT_ID} (profile good): 4 users,")),
        "{}",
        profile_run.stdout
    );
    // Without --profile the environment's refused keys are used, and the run fails.
    let env_run = download(
        home.path(),
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
            ("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNUNKNOWN00"),
            ("AWS_SECRET_ACCESS_KEY", wrong_secret),
        ],
        &[
            "--endpoint-url",
            &moto.url(),
            "--output-dir",
            single.path().to_str().unwrap(),
        ],
    );
    assert_eq!(env_run.code, 3, "{}", env_run.stdout);
    assert_eq!(
        env_run.stderr,
        "error: default credentials: sts:GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.\n"
    );

    // No key or secret anywhere.
    let mut texts = vec![
        run.stdout.clone(),
        run.stderr.clone(),
        profile_run.stdout,
        profile_run.stderr,
        env_run.stdout,
        env_run.stderr,
    ];
    texts.extend(
        all_files(output.path())
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap()),
    );
    for text in &texts {
        for secret in [secret_key.as_str(), wrong_secret] {
            assert!(!text.contains(secret), "a secret key leaked");
        }
    }
}
