//! Command-line parsing, the part of every run before any work: what `cli::deferred` buys.
//! "deferred" parses as the binary does (only the chosen subcommand's arguments are built);
//! "whole tree" builds every subcommand first, as a plain clap derive would.

use std::hint::black_box;

use clap::FromArgMatches;
use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::cli::{Cli, command};

const QUERY: [&str; 7] = [
    "policy_sentry",
    "query",
    "action-table",
    "--service",
    "s3",
    "--name",
    "getobject",
];

fn parse(c: &mut Criterion) {
    c.bench_function("parse a query: deferred", |b| {
        b.iter(|| {
            let matches = command().try_get_matches_from(black_box(QUERY)).unwrap();
            Cli::from_arg_matches(&matches).unwrap()
        })
    });
    c.bench_function("parse a query: whole tree", |b| {
        b.iter(|| {
            let mut tree = command();
            tree.build();
            let matches = tree.try_get_matches_from(black_box(QUERY)).unwrap();
            Cli::from_arg_matches(&matches).unwrap()
        })
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
