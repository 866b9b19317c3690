//! write-policy speed in process: the 30-ARN CRUD template and the 200-action actions
//! template of `benches/fixtures/`, parsing through rendering.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::write::{PolicyFormat, Template, write_policy_with_template};

const CRUD_30: &str = include_str!("fixtures/crud-30.yml");
const ACTIONS_200: &str = include_str!("fixtures/actions-200.yml");

fn templates(c: &mut Criterion) {
    for (name, text) in [("crud-30", CRUD_30), ("actions-200", ACTIONS_200)] {
        let template: Template = text.parse().expect("fixture parses");
        c.bench_function(&format!("write {name}"), |b| {
            b.iter(|| write_policy_with_template(black_box(&template), None).unwrap())
        });
        c.bench_function(&format!("write {name} --minimize"), |b| {
            b.iter(|| write_policy_with_template(black_box(&template), Some(0)).unwrap())
        });
        c.bench_function(&format!("parse, write and print {name} (json)"), |b| {
            b.iter(|| {
                let template: Template = black_box(text).parse().unwrap();
                write_policy_with_template(&template, None)
                    .unwrap()
                    .to_string_in(PolicyFormat::Json)
            })
        });
    }
}

criterion_group!(benches, templates);
criterion_main!(benches);
