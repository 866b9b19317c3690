//! Query speed: one action lookup, listing a service, and queries over every service.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::data::{AccessLevel, Action, Service};
use policy_sentry::query::{actions, services};

fn lookups(c: &mut Criterion) {
    c.bench_function("action lookup s3:getobject", |b| {
        b.iter(|| Action::find(black_box("s3:getobject")))
    });
    c.bench_function("service lookup S3", |b| {
        b.iter(|| Service::find(black_box("S3")))
    });
    c.bench_function("action details s3:GetObject", |b| {
        b.iter(|| actions::action_details(Action::find(black_box("s3:GetObject")).unwrap()))
    });
}

fn listings(c: &mut Criterion) {
    c.bench_function("actions for service ec2", |b| {
        b.iter(|| actions::actions_for_service(black_box("ec2")).unwrap())
    });
    c.bench_function("service table", |b| b.iter(services::services));
}

fn all_services(c: &mut Criterion) {
    c.bench_function("all services: permissions-management actions", |b| {
        b.iter(|| {
            Service::all()
                .flat_map(|service| service.actions())
                .filter(|action| action.access_level() == AccessLevel::PermissionsManagement)
                .count()
        })
    });
    c.bench_function("all services: wildcard-only actions", |b| {
        b.iter(|| {
            Service::all()
                .map(|service| {
                    actions::wildcard_only_actions(service.prefix())
                        .unwrap()
                        .len()
                })
                .sum::<usize>()
        })
    });
}

/// `Action::access_level()` is what a run-time overrides overlay hooks into; without an
/// overrides file its cost must stay that of reading the static record.
fn access_levels(c: &mut Criterion) {
    c.bench_function("access level of every action", |b| {
        b.iter(|| {
            Action::all()
                .filter(|action| black_box(*action).access_level() == AccessLevel::Write)
                .count()
        })
    });
    c.bench_function(
        "all services: permissions-management actions, AccessLevels",
        |b| {
            b.iter(|| {
                let levels = policy_sentry::data::overrides::AccessLevels::current();
                Service::all()
                    .flat_map(|service| service.actions())
                    .filter(|action| levels.of(*action) == AccessLevel::PermissionsManagement)
                    .count()
            })
        },
    );
    c.bench_function("s3 actions at access level write", |b| {
        b.iter(|| actions::actions_with_access_level(black_box("s3"), AccessLevel::Write).unwrap())
    });
}

criterion_group!(benches, lookups, listings, all_services, access_levels);
criterion_main!(benches);
