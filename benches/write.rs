//! write-policy speed in process: the 30-ARN CRUD template and the 200-action actions
//! template of `benches/fixtures/`, parsing through rendering; and growth with the number of
//! ARNs (CRUD templates of 10,000 and 100,000 S3 objects: the time should grow linearly).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::write::{CrudTemplate, PolicyFormat, Template, write_policy_with_template};

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

/// A CRUD template granting read and write on `count` S3 objects.
fn objects_template(count: usize) -> Template {
    let arns: Vec<String> = (0..count)
        .map(|n| format!("arn:aws:s3:::bucket/key{n}"))
        .collect();
    Template::Crud(CrudTemplate {
        read: arns.clone(),
        write: arns,
        ..CrudTemplate::default()
    })
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("write growth");
    // A run of the larger template takes a while: few samples.
    group.sample_size(10);
    for count in [10_000, 100_000] {
        let template = objects_template(count);
        group.bench_function(format!("crud {count} S3 objects"), |b| {
            b.iter(|| write_policy_with_template(black_box(&template), None).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, templates, growth);
criterion_main!(benches);
