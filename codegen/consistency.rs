//! Build-time consistency checks of a merged database: facts one part of the reference states
//! about another that do not hold. Each gap is reported, never fixed: the data stays as AWS
//! documents it.

use super::scrape::MergedDatabase;

/// The resource types a service's actions name that the service does not document, for one
/// service: `(prefix, ["Action: type", …])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingResourceTypes {
    pub prefix: String,
    pub gaps: Vec<String>,
}

impl std::fmt::Display for MissingResourceTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SHOWN: usize = 3;
        write!(
            f,
            "{}: {} action row(s) name a resource type the service does not document, {}{}",
            self.prefix,
            self.gaps.len(),
            self.gaps[..self.gaps.len().min(SHOWN)].join(", "),
            if self.gaps.len() > SHOWN { ", …" } else { "" }
        )
    }
}

/// Every resource type an action names must exist in its service (compared without regard to
/// ASCII case, as the library looks types up). One entry per service with gaps, in order.
pub fn missing_resource_types(database: &MergedDatabase) -> Vec<MissingResourceTypes> {
    let mut out = Vec::new();
    for service in database.services.values() {
        let known: std::collections::HashSet<String> = service
            .resources
            .values()
            .map(|resource| resource.name.to_ascii_lowercase())
            .collect();
        let mut gaps = Vec::new();
        for action in service.actions.values() {
            for row in action.scraped.rows.values() {
                let name = &row.resource_type;
                if !name.is_empty() && !known.contains(&name.to_ascii_lowercase()) {
                    gaps.push(format!("{}: {name}", action.scraped.name));
                }
            }
        }
        if !gaps.is_empty() {
            out.push(MissingResourceTypes {
                prefix: service.prefix.clone(),
                gaps,
            });
        }
    }
    out
}
