//! Writing 1,000 small files as `download-policies` writes one account's policies: one at a
//! time without a sync (the old download), one at a time each synced (a `Document` write), and
//! as one [`Batch`] (synced in parallel, then renamed, then each folder synced once). Files go
//! to the temporary folder: set `TMPDIR` to a folder on a disk, since a sync on tmpfs is free.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use policy_sentry::fs::{Batch, FileKind, write_atomically};

const FILES: usize = 1000;

fn body(index: usize) -> Vec<u8> {
    format!(
        "{{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket-{index}/*\"}}]\n}}\n"
    )
    .into_bytes()
}

fn one_by_one(dir: &Path, kind: FileKind) {
    for index in 0..FILES {
        let path = dir.join(format!("policy-{index}.json"));
        write_atomically(&path, &body(index), kind).expect("written");
    }
}

fn batch(dir: &Path) {
    let mut batch = Batch::new(FileKind::AccountData);
    for index in 0..FILES {
        let path = dir.join(format!("policy-{index}.json"));
        batch.stage(&path, &body(index)).expect("staged");
    }
    batch.put_in_place().expect("in place");
}

fn durable_writes(c: &mut Criterion) {
    let mut group = c.benchmark_group("1000 policy files");
    // A synced write takes milliseconds; a few samples are enough to see the difference.
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("temporary folder");
    group.bench_function("one at a time, not synced", |b| {
        b.iter(|| one_by_one(dir.path(), FileKind::AccountData))
    });
    group.bench_function("one batch, synced in parallel", |b| {
        b.iter(|| batch(dir.path()))
    });
    group.bench_function("one at a time, each synced", |b| {
        b.iter(|| one_by_one(dir.path(), FileKind::Document))
    });
    group.finish();
}

criterion_group!(benches, durable_writes);
criterion_main!(benches);
