//! Policy review speed: `no-new-access` (new_access) of a changed policy and of `*` against
//! a narrower base, and `lint` of a mixed policy.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::analyze::PolicyDocument;
use policy_sentry::analyze::access_diff::new_access;
use policy_sentry::analyze::lint::lint;

fn parse(text: &str) -> PolicyDocument {
    PolicyDocument::parse(text).expect("a valid policy")
}

fn review(c: &mut Criterion) {
    let base = parse(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]},
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "arn:aws:dynamodb:us-east-1:1:table/t"},
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}"#,
    );
    let changed = parse(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*", "s3:PutObject"], "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/2026/*"]},
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:us-east-1:1:table/t"},
            {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}"#,
    );
    let admin = parse(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    c.bench_function("new_access of a changed policy", |b| {
        b.iter(|| new_access(black_box(&base), black_box(&changed)))
    });
    c.bench_function("new_access of * over a narrow base", |b| {
        b.iter(|| new_access(black_box(&base), black_box(&admin)))
    });
    c.bench_function("lint a changed policy", |b| {
        b.iter(|| lint(black_box(&changed), Some(600)))
    });
}

criterion_group!(benches, review);
criterion_main!(benches);
