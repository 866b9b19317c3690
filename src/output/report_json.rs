//! The JSON shape of policy analyses: [`policy_report`] for one [`PolicyReport`] (the
//! `analyze policy-file --fmt json` object), [`FindingsJson`] for a report's findings and
//! [`CategorySummaryJson`] for one category's counts in account reports. The findings are
//! serialised as they are written (no intermediate JSON tree, no string per action), since
//! account reports hold hundreds of thousands of action names.

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::{Map, Value, json};

use crate::analyze::report::access_level_set;
use crate::analyze::{ActionSet, Category, Findings, PolicyReport};
use crate::data::{AccessLevel, Action};

/// The report as JSON, under the keys of the issue: `policy`, `allowed_actions`,
/// `unrestricted_actions`, `unrestrictable_actions`, `actions_by_access_level`,
/// `unknown_actions`, `findings`.
pub fn policy_report(report: &PolicyReport, policy: &str) -> Value {
    let mut by_level = Map::new();
    for level in AccessLevel::ALL {
        by_level.insert(
            level.as_str().into(),
            json!(
                report
                    .grants
                    .allowed
                    .intersection(access_level_set(level))
                    .sorted_names()
            ),
        );
    }
    json!({
        "policy": policy,
        "allowed_actions": report.grants.allowed.sorted_names(),
        "unrestricted_actions": report.grants.unrestricted.sorted_names(),
        "unrestrictable_actions": report.grants.unrestrictable.sorted_names(),
        "actions_by_access_level": by_level,
        "unknown_actions": report.sorted_unknown_actions(),
        "findings": findings(&report.findings),
    })
}

/// The findings as JSON: every policy category, with `severity` and sorted `actions`;
/// PrivilegeEscalation also lists `methods`, ServiceWildcard `services`.
pub fn findings(findings: &Findings) -> Value {
    serde_json::to_value(FindingsJson(findings)).unwrap_or(Value::Null)
}

/// Findings as they serialise to JSON: see [`findings`].
#[derive(Debug, Clone, Copy)]
pub struct FindingsJson<'a>(pub &'a Findings);

/// An action serialised as `prefix:Name` without allocating.
struct Name(Action);

/// A set's actions serialised as a sorted list of names, without collecting them first.
struct SortedNames<'a>(&'a ActionSet);

impl Serialize for SortedNames<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.sorted_iter().map(Name))
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Joined on the stack and written as one string: going through `Display` costs more
        // than the rest of writing a name, and reports hold hundreds of thousands.
        let (prefix, name) = (self.0.service().prefix(), self.0.name());
        let mut joined = [0u8; 192];
        let len = prefix.len() + 1 + name.len();
        if len > joined.len() {
            return serializer.collect_str(&self.0);
        }
        joined[..prefix.len()].copy_from_slice(prefix.as_bytes());
        joined[prefix.len()] = b':';
        joined[prefix.len() + 1..len].copy_from_slice(name.as_bytes());
        match std::str::from_utf8(&joined[..len]) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => serializer.collect_str(&self.0),
        }
    }
}

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Category::POLICY.len()))?;
        for category in Category::POLICY {
            map.serialize_entry(category.name(), &CategoryJson(self.0, category))?;
        }
        map.end()
    }
}

struct CategoryJson<'a>(&'a Findings, Category);

impl Serialize for CategoryJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let CategoryJson(findings, category) = self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("severity", &category.severity())?;
        match findings.action_set(*category) {
            Some(set) => map.serialize_entry("actions", &SortedNames(set))?,
            None => map.serialize_entry("actions", &findings.actions(*category))?,
        }
        match category {
            Category::PrivilegeEscalation => {
                let methods: Vec<Value> = findings
                    .privilege_escalation
                    .iter()
                    .map(|method| {
                        json!({"method": method.name, "actions": method.actions, "link": method.link})
                    })
                    .collect();
                map.serialize_entry("methods", &methods)?;
            }
            Category::ServiceWildcard => {
                map.serialize_entry("services", &wildcard_services(findings))?;
            }
            _ => {}
        }
        map.end()
    }
}

/// The prefixes of the services granted with a service-wide wildcard.
fn wildcard_services(findings: &Findings) -> Vec<&'static str> {
    findings
        .service_wildcard
        .iter()
        .map(|service| service.prefix())
        .collect()
}

/// One category of a principal's findings in account reports: severity, count, and the
/// escalation methods or wildcard services, serialised without building a value.
#[derive(Debug, Clone, Copy)]
pub struct CategorySummaryJson<'a>(pub &'a Findings, pub Category);

impl Serialize for CategorySummaryJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let CategorySummaryJson(findings, category) = *self;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("severity", &category.severity())?;
        map.serialize_entry("count", &findings.count(category))?;
        match category {
            Category::PrivilegeEscalation => {
                let methods: Vec<&str> = findings
                    .privilege_escalation
                    .iter()
                    .map(|m| m.name)
                    .collect();
                map.serialize_entry("methods", &methods)?;
            }
            Category::ServiceWildcard => {
                map.serialize_entry("services", &wildcard_services(findings))?;
            }
            _ => {}
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Config, PolicyDocument, analyze};

    #[test]
    fn json_has_every_key() {
        let policy = PolicyDocument::parse(
            r#"{"Statement": {"Effect": "Allow", "Action": ["s3:*", "nope:Nope"], "Resource": "*"}}"#,
        )
        .unwrap();
        let r = analyze(&policy, &Config::default());
        let value = policy_report(&r, "p.json");
        for key in [
            "policy",
            "allowed_actions",
            "unrestricted_actions",
            "unrestrictable_actions",
            "actions_by_access_level",
            "unknown_actions",
            "findings",
        ] {
            assert!(value.get(key).is_some(), "{key}");
        }
        let levels = value["actions_by_access_level"].as_object().unwrap();
        let keys: Vec<_> = levels.keys().collect();
        assert_eq!(
            keys,
            ["Read", "Write", "List", "Tagging", "Permissions management"]
        );
        assert_eq!(value["unknown_actions"], json!(["nope:Nope"]));
        assert_eq!(
            value["findings"]["ServiceWildcard"]["services"],
            json!(["s3"])
        );
        assert_eq!(
            value["findings"]["ResourceExposure"]["severity"],
            json!("high")
        );
    }
}
