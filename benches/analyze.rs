//! Analysis speed: expansion, one policy, and account audits of generated accounts with one
//! and two worker threads, from parsing to the written reports.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::analyze::account::{AuthorizationDetails, audit_account};
use policy_sentry::analyze::{Config, Exclusions, PolicyDocument, analyze, expand};
use policy_sentry::output::html;

#[allow(dead_code, missing_debug_implementations)]
#[path = "../examples/generate_account.rs"]
mod generate_account;

fn expansion(c: &mut Criterion) {
    c.bench_function("expand *", |b| b.iter(|| expand(black_box(&["*"]))));
    c.bench_function("expand *:Describe*", |b| {
        b.iter(|| expand(black_box(&["*:Describe*"])))
    });
    c.bench_function("expand s3:Get* ec2:*Instances", |b| {
        b.iter(|| expand(black_box(&["s3:Get*", "ec2:*Instances"])))
    });
}

fn policies(c: &mut Criterion) {
    let admin = PolicyDocument::parse(
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    )
    .unwrap();
    let power_user = PolicyDocument::parse(
        r#"{"Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
                          {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}"#,
    )
    .unwrap();
    let config = Config::default();
    c.bench_function("analyze AdministratorAccess", |b| {
        b.iter(|| analyze(black_box(&admin), &config))
    });
    c.bench_function("analyze NotAction power user", |b| {
        b.iter(|| analyze(black_box(&power_user), &config))
    });
}

fn accounts(c: &mut Criterion) {
    let text = generate_account::generate(200, 200, 10, 200).to_string();
    let details = AuthorizationDetails::parse(&text, "generated").unwrap();
    let exclusions = Exclusions::defaults();
    let config = Config::default();
    let mut group = c.benchmark_group("audit 410 principals, 200 managed policies");
    group.sample_size(10);
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .unwrap();
        group.bench_function(format!("--jobs {jobs}"), |b| {
            b.iter(|| pool.install(|| audit_account(black_box(&details), &exclusions, &config)))
        });
    }
    group.bench_function("parse authorization details", |b| {
        b.iter(|| AuthorizationDetails::parse(black_box(&text), "generated").unwrap())
    });
    group.finish();
}

/// What `analyze account --fmt html,json` does in-process on the account of the speed
/// comparison in the README (2,050 principals, 1,726 policies): parse, audit, and both reports
/// rendered concurrently (to a sink), with one and with two worker threads.
fn large_account(c: &mut Criterion) {
    let text = generate_account::generate(1000, 1000, 50, 1000).to_string();
    let exclusions = Exclusions::defaults();
    let config = Config::default();
    let mut group = c.benchmark_group("account audit, 2,050 principals");
    group.sample_size(10);
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .unwrap();
        let details = pool.install(|| AuthorizationDetails::parse(&text, "generated").unwrap());
        let report = pool.install(|| audit_account(&details, &exclusions, &config));
        group.bench_function(format!("parse, --jobs {jobs}"), |b| {
            b.iter(|| pool.install(|| AuthorizationDetails::parse(black_box(&text), "generated")))
        });
        group.bench_function(format!("audit, --jobs {jobs}"), |b| {
            b.iter(|| pool.install(|| audit_account(black_box(&details), &exclusions, &config)))
        });
        group.bench_function(format!("report.json, --jobs {jobs}"), |b| {
            b.iter(|| pool.install(|| report.write_json(&mut std::io::sink())))
        });
        group.bench_function(format!("report.html, --jobs {jobs}"), |b| {
            b.iter(|| pool.install(|| html::write_account(&report, None, &mut std::io::sink())))
        });
        group.bench_function(
            format!("all: parse, audit, html and json, --jobs {jobs}"),
            |b| {
                b.iter(|| {
                    pool.install(|| {
                        let details = AuthorizationDetails::parse(black_box(&text), "generated")?;
                        let report = audit_account(&details, &exclusions, &config);
                        let (json, html) = rayon::join(
                            || report.write_json(&mut std::io::sink()),
                            || html::write_account(&report, None, &mut std::io::sink()),
                        );
                        json?;
                        html?;
                        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, expansion, policies, accounts, large_account);
criterion_main!(benches);
