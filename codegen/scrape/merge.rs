//! Merges scraped pages that share a service prefix into one database, the way
//! policy_sentry 0.12.15 builds its database, applying the access-level overrides file and
//! reporting pages that disagree. Scraping a single page is [`super::page`]'s job.

use std::fmt;

use indexmap::IndexMap;

use super::super::model::AccessLevel;
use super::page::{ScrapedAction, ScrapedCondition, ScrapedPage, ScrapedResource};
use super::{ScrapeError, page_error};

/// Access-level corrections: `{service: {level: [lowercase action names]}}`, in file order.
pub type AccessLevelOverrides = IndexMap<String, IndexMap<String, Vec<String>>>;

/// Parses an overrides file; `file` names it in errors.
pub fn parse_overrides(file: &str, yaml: &str) -> Result<AccessLevelOverrides, ScrapeError> {
    let overrides: Option<AccessLevelOverrides> =
        serde_norway::from_str(yaml).map_err(|error| page_error(file, error.to_string()))?;
    let overrides = overrides.unwrap_or_default();
    for (service, levels) in &overrides {
        for level in levels.keys() {
            if AccessLevel::parse(level).is_none() {
                return Err(page_error(
                    file,
                    format!("service {service}: {level:?} is not an access level"),
                ));
            }
        }
    }
    Ok(overrides)
}

/// The documented level, or the override's when the override file names the action under
/// another level (the first level listing it wins).
pub fn effective_access_level(
    overrides: Option<&IndexMap<String, Vec<String>>>,
    action: &str,
    documented: AccessLevel,
) -> AccessLevel {
    let lowercase = action.to_lowercase();
    overrides
        .and_then(|levels| {
            levels
                .iter()
                .find(|(_, actions)| actions.contains(&lowercase))
                .and_then(|(level, _)| AccessLevel::parse(level))
        })
        .unwrap_or(documented)
}

/// An action of the merged database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedAction {
    pub scraped: ScrapedAction,
    pub access_level: AccessLevel,
    /// The page it was last read from.
    pub file: String,
}

/// A service prefix with every page for it merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedService {
    pub prefix: String,
    pub service_name: String,
    pub url: String,
    pub actions: IndexMap<String, MergedAction>,
    pub resources: IndexMap<String, ScrapedResource>,
    pub conditions: IndexMap<String, ScrapedCondition>,
}

/// The whole database: services in first-page order, as policy_sentry builds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergedDatabase {
    pub services: IndexMap<String, MergedService>,
    pub page_count: usize,
}

/// Where the base URL of the Service Authorization Reference pages lies.
pub const REFERENCE_BASE_URL: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference";

/// What merging noticed: pages that disagree about the same action (the later page wins, as
/// in policy_sentry) and layout oddities of single pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub conflicts: Vec<PageConflict>,
    pub oddities: Vec<String>,
}

/// Two pages of one prefix that describe the same actions differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageConflict {
    pub earlier_file: String,
    /// The page whose version is kept (the later one, as in policy_sentry).
    pub later_file: String,
    /// `prefix:Action` names, in page order.
    pub actions: Vec<String>,
}

impl fmt::Display for PageConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 3;
        write!(
            f,
            "{} and {} disagree about {} action(s), {}{}; using {}",
            self.earlier_file,
            self.later_file,
            self.actions.len(),
            self.actions[..self.actions.len().min(SHOWN)].join(", "),
            if self.actions.len() > SHOWN {
                ", …"
            } else {
                ""
            },
            self.later_file
        )
    }
}

/// Merges scraped pages (in any order; they are taken in file-name order) into one database.
pub fn merge_pages(
    mut pages: Vec<ScrapedPage>,
    overrides: &AccessLevelOverrides,
) -> Result<(MergedDatabase, MergeReport), ScrapeError> {
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut database = MergedDatabase {
        services: IndexMap::new(),
        page_count: pages.len(),
    };
    let mut report = MergeReport::default();
    for page in pages {
        for oddity in &page.oddities {
            report.oddities.push(format!("{}: {oddity}", page.file));
        }
        let service = database
            .services
            .entry(page.prefix.clone())
            .or_insert_with(|| MergedService {
                prefix: page.prefix.clone(),
                service_name: page.service_name.clone(),
                url: format!("{REFERENCE_BASE_URL}/{}", page.file),
                actions: IndexMap::new(),
                resources: IndexMap::new(),
                conditions: IndexMap::new(),
            });
        let service_overrides = overrides.get(&page.prefix);
        for (name, action) in page.actions {
            let documented =
                AccessLevel::parse(&action.documented_access_level).ok_or_else(|| {
                    page_error(
                        &page.file,
                        format!(
                            "action {name}: unknown access level {:?}",
                            action.documented_access_level
                        ),
                    )
                })?;
            let access_level = effective_access_level(service_overrides, &name, documented);
            if let Some(earlier) = service.actions.get(&name)
                && (earlier.scraped != action || earlier.access_level != access_level)
            {
                let qualified = format!("{}:{name}", page.prefix);
                match report.conflicts.iter_mut().find(|conflict| {
                    conflict.earlier_file == earlier.file && conflict.later_file == page.file
                }) {
                    Some(conflict) => conflict.actions.push(qualified),
                    None => report.conflicts.push(PageConflict {
                        earlier_file: earlier.file.clone(),
                        later_file: page.file.clone(),
                        actions: vec![qualified],
                    }),
                }
            }
            service.actions.insert(
                name,
                MergedAction {
                    scraped: action,
                    access_level,
                    file: page.file.clone(),
                },
            );
        }
        service.resources.extend(page.resources);
        service.conditions.extend(page.conditions);
    }
    Ok((database, report))
}
