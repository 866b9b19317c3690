//! The figures of the closing note (ignored by default: it creates 1,000+ entities):
//! a download of an account with 500 roles and 300 managed policies from moto, its wall time
//! and request count, unpaged, paged by the proxy as the real service pages, and with
//! injected throttling.
//!
//! `cargo test --test integration download::measure -- --ignored --nocapture`

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use super::moto::{ACCESS_KEY, Moto, SECRET_KEY, block_on};
use super::proxy::{Fault, Proxy};
use super::{download_ok, read_account_file};

const ROLES: usize = 500;
const POLICIES: usize = 300;
const USERS: usize = 50;
const GROUPS: usize = 20;

#[test]
#[ignore = "measurement: run with --ignored --nocapture"]
fn measure_large_account() {
    let Some(moto) = Moto::start("measure_large_account", &[]) else {
        return;
    };
    let created = Instant::now();
    block_on(async {
        let iam = moto.iam(ACCESS_KEY, SECRET_KEY);
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string();
        for index in 0..POLICIES {
            let document = json!({"Version": "2012-10-17", "Statement": [{"Sid": format!("S{index}"), "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::bucket-{index}/*")}]});
            iam.create_policy()
                .policy_name(format!("policy-{index:03}"))
                .policy_document(document.to_string())
                .send()
                .await
                .unwrap();
        }
        for index in 0..ROLES {
            let name = format!("role-{index:03}");
            iam.create_role()
                .role_name(&name)
                .assume_role_policy_document(&trust)
                .send()
                .await
                .unwrap();
            iam.put_role_policy()
                .role_name(&name)
                .policy_name("inline")
                .policy_document(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": format!("arn:aws:sqs:us-east-1:123456789012:queue-{index}")}]}).to_string())
                .send()
                .await
                .unwrap();
            // Two thirds of the policies are attached.
            if index < POLICIES * 2 / 3 {
                iam.attach_role_policy()
                    .role_name(&name)
                    .policy_arn(format!(
                        "arn:aws:iam::123456789012:policy/policy-{index:03}"
                    ))
                    .send()
                    .await
                    .unwrap();
            }
        }
        for index in 0..GROUPS {
            iam.create_group()
                .group_name(format!("group-{index:02}"))
                .send()
                .await
                .unwrap();
        }
        for index in 0..USERS {
            let name = format!("user-{index:02}");
            iam.create_user().user_name(&name).send().await.unwrap();
            iam.add_user_to_group()
                .user_name(&name)
                .group_name(format!("group-{:02}", index % GROUPS))
                .send()
                .await
                .unwrap();
        }
    });
    eprintln!(
        "created {ROLES} roles, {POLICIES} policies, {USERS} users, {GROUPS} groups in {:.1} s",
        created.elapsed().as_secs_f64()
    );
    let home = tempfile::tempdir().unwrap();

    let mut reference = None;
    let mut measure = |label: &str, url: &str, args: &[&str], proxy: Option<&Proxy>| {
        let output = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let run = download_ok(home.path(), url, output.path(), args);
        let wall = started.elapsed().as_secs_f64();
        let details = read_account_file(output.path());
        assert_eq!(details.role_detail_list.len(), ROLES);
        assert_eq!(details.policies.len(), POLICIES);
        match &reference {
            None => reference = Some(details),
            Some(first) => assert_eq!(&details, first, "{label}: the download differs"),
        }
        let seen = proxy.map(|proxy| {
            let exchanges = proxy.exchanges();
            let injected = exchanges.iter().filter(|e| e.injected).count();
            format!(
                "; proxy saw {} requests, {injected} answered with a fault",
                exchanges.len()
            )
        });
        eprintln!(
            "{label}: {wall:.2} s wall; {}{}",
            run.stdout.trim().split("; ").last().unwrap_or_default(),
            seen.unwrap_or_default()
        );
    };

    measure(
        "direct from moto (moto does not page)",
        &moto.url(),
        &[],
        None,
    );
    let paged = Proxy::start(moto.addr, true, Arc::new(|_, _| None));
    measure("paged, MaxItems 1000", &paged.url(), &[], Some(&paged));
    let paged_100 = Proxy::start(moto.addr, true, Arc::new(|_, _| None));
    measure(
        "paged, MaxItems 100 (the service's default)",
        &paged_100.url(),
        &["--page-size", "100"],
        Some(&paged_100),
    );
    // Every third request throttled (IAM's 400 Throttling), the SDK's default 3 attempts.
    let throttled = Proxy::start(
        moto.addr,
        true,
        Arc::new(|index, _| (index % 3 == 0).then_some(Fault::Throttling)),
    );
    measure(
        "paged, MaxItems 100, every 3rd request throttled",
        &throttled.url(),
        &["--page-size", "100"],
        Some(&throttled),
    );
}
