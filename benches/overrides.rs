//! Query speed with a run-time access-level overlay installed (its own process: the overlay
//! is process-wide). Compare with the same benchmarks in `queries`, which run without one.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::data::overrides::{self, AccessLevelOverlay};
use policy_sentry::data::{AccessLevel, Action};
use policy_sentry::query::actions;

fn with_overlay(c: &mut Criterion) {
    let overlay = AccessLevelOverlay::parse(
        "bench.yml",
        "s3:\n  Write: [getobject]\niam:\n  Write: [createuser, passrole]\n",
    )
    .expect("valid overrides");
    overrides::install(overlay).expect("installed once");
    c.bench_function("access level of every action, overlay installed", |b| {
        b.iter(|| {
            Action::all()
                .filter(|action| black_box(*action).access_level() == AccessLevel::Write)
                .count()
        })
    });
    c.bench_function("s3 actions at access level write, overlay installed", |b| {
        b.iter(|| actions::actions_with_access_level(black_box("s3"), AccessLevel::Write).unwrap())
    });
    c.bench_function("parse and check the vendored overrides file", |b| {
        let text = policy_sentry::config::example_overrides().expect("example loads");
        b.iter(|| AccessLevelOverlay::parse("example.yml", black_box(&text)).unwrap())
    });
}

criterion_group!(benches, with_overlay);
criterion_main!(benches);
