//! Simulation speed: one request under a principal's policies, a boundary and an SCP with
//! conditions and variables; `who-can` over the example account (7 principals); the
//! escalation graph and its paths over the escalation example (14 principals). The
//! 2,000-principal figures are measured with the CLI (see the README).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::analyze::PolicyDocument;
use policy_sentry::simulate::escalation::{escalation_graph, shortest_paths};
use policy_sentry::simulate::who_can::who_can;
use policy_sentry::simulate::{Context, NamedPolicy, PolicyKind, Request, evaluate};

fn policy(kind: PolicyKind, text: &str) -> NamedPolicy {
    NamedPolicy {
        kind,
        name: format!("{kind:?}"),
        document: PolicyDocument::parse(text).expect("a valid policy"),
    }
}

fn simulate(c: &mut Criterion) {
    let policies = [
        policy(
            PolicyKind::Identity,
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "arn:aws:s3:::data/${aws:username}/*",
                 "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}},
                {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
                 "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}},
                {"Effect": "Deny", "NotAction": ["s3:*", "dynamodb:*"], "Resource": "*"}]}"#,
        ),
        policy(
            PolicyKind::PermissionsBoundary,
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*"], "Resource": "*"}}"#,
        ),
        policy(
            PolicyKind::Scp(0),
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}]}"#,
        ),
    ];
    let request = Request {
        action: "s3:GetObject".to_owned(),
        resource: "arn:aws:s3:::data/bob/2026/report.csv".to_owned(),
        context: Context::complete_from([
            ("aws:username".to_owned(), vec!["bob".to_owned()]),
            ("aws:SourceIp".to_owned(), vec!["10.1.2.3".to_owned()]),
            (
                "aws:CurrentTime".to_owned(),
                vec!["2026-12-04T10:00:00Z".to_owned()],
            ),
        ]),
    };
    c.bench_function("simulate one request (identity, boundary, SCP)", |b| {
        b.iter(|| evaluate(black_box(&policies), black_box(&request)))
    });

    let example = AuthorizationDetails::from_path(std::path::Path::new(
        "examples/account/authorization-details.json",
    ))
    .expect("the example account");
    let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
    c.bench_function("who-can over the example account", |b| {
        b.iter(|| who_can(&example, "secretsmanager:GetSecretValue", secret, &[], &[]).unwrap())
    });

    let escalation = AuthorizationDetails::from_path(std::path::Path::new(
        "examples/escalation/authorization-details.json",
    ))
    .expect("the escalation example");
    c.bench_function("escalation paths over the escalation example", |b| {
        b.iter(|| shortest_paths(&escalation_graph(black_box(&escalation), &[])))
    });
}

criterion_group!(benches, simulate);
criterion_main!(benches);
