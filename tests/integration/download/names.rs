//! The file names of the one-file-per-policy layout against moto, which, unlike IAM, accepts
//! any policy name and the same name twice: every name is checked before anything is written,
//! and policies of the same name get distinct, readable file names. (moto 5.2 sends neither
//! `PolicyName` nor `PolicyId` here: the name is the ARN's last part, and there is no id.)

use serde_json::json;

use super::account::{ACCOUNT_ID, policy_files};
use super::moto::{ACCESS_KEY, Moto, SECRET_KEY, block_on};
use super::{TEST_KEYS, all_files, download, download_ok};

/// Creates customer-managed policies `(name, path)` in moto, each allowing one action.
fn create_policies(moto: &Moto, policies: &[(&str, &str)]) {
    block_on(async {
        let iam = moto.iam(ACCESS_KEY, SECRET_KEY);
        for (index, (name, path)) in policies.iter().enumerate() {
            let document = json!({"Version": "2012-10-17", "Statement": [{
                "Sid": format!("P{index}"), "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"
            }]});
            iam.create_policy()
                .policy_name(*name)
                .path(*path)
                .policy_document(document.to_string())
                .send()
                .await
                .expect("create policy");
        }
    });
}

#[test]
fn bad_names_are_all_reported_before_anything_is_written() {
    let Some(moto) = Moto::start("bad_names_are_all_reported_before_anything_is_written", &[])
    else {
        return;
    };
    create_policies(&moto, &[("Fine", "/")]);
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    download_ok(
        home.path(),
        &moto.url(),
        output.path(),
        &["--include-unattached"],
    );
    let account_file = output
        .path()
        .join(ACCOUNT_ID)
        .join("account-authorization-details.json");
    let before = std::fs::read(&account_file).unwrap();
    let files_before = all_files(output.path());

    let too_long = "L".repeat(129);
    create_policies(
        &moto,
        &[
            ("..", "/"),
            ("has space", "/"),
            (&too_long, "/"),
            ("colon:name", "/"),
            ("Good", "/"),
        ],
    );
    let download_into = |dir: &std::path::Path| {
        let dir = dir.to_str().unwrap();
        let args = ["--endpoint-url", &moto.url(), "--output-dir", dir];
        download(
            home.path(),
            &TEST_KEYS,
            &[&args[..], &["--include-unattached"]].concat(),
        )
    };
    let run = download_into(output.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    for name in [
        "\"..\"",
        "\"has space\"",
        &format!("\"{too_long}\""),
        "\"colon:name\"",
    ] {
        assert!(
            run.stderr.contains(name),
            "{name} not named: {}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("\"Good\""), "{}", run.stderr);
    // The earlier download is as it was: no new policy file, the same account file.
    assert_eq!(all_files(output.path()), files_before);
    assert_eq!(std::fs::read(&account_file).unwrap(), before);

    // Into an empty folder: nothing at all is written.
    let fresh = tempfile::tempdir().unwrap();
    let run = download_into(fresh.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("\"has space\""), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(fresh.path()).unwrap().count(), 0);

    // Policies that would not be written (unattached, without --include-unattached) are not
    // in the way.
    let run = download_ok(home.path(), &moto.url(), fresh.path(), &[]);
    assert!(
        run.stdout.contains("(0 customer-managed policy files)"),
        "{}",
        run.stdout
    );
}

#[test]
fn same_names_get_distinct_readable_files() {
    let Some(moto) = Moto::start("same_names_get_distinct_readable_files", &[]) else {
        return;
    };
    // The path "/" one comes last in the answer, and a name differs from another in case only.
    create_policies(
        &moto,
        &[
            ("Same", "/team/a/"),
            ("Same", "/team_a/"),
            ("same", "/"),
            ("Same", "/"),
        ],
    );
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    download_ok(
        home.path(),
        &moto.url(),
        output.path(),
        &["--include-unattached"],
    );
    let files = policy_files(&output.path().join(ACCOUNT_ID).join("customer-managed"));
    let sid = |stem: &str| {
        files[stem]["Statement"][0]["Sid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let stems: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(stems.len(), 4, "{stems:?}");
    // The plain name goes to the policy at "/", the others add their path or, where that is
    // taken or empty and there is no policy id, their place among the policies of that name.
    assert_eq!(sid("Same"), "P3");
    assert_eq!(sid("Same.team_a"), "P0");
    assert_eq!(sid("same.2"), "P2");
    assert_eq!(sid("Same.4"), "P1");
}
