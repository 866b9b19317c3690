//! ARN queries: the ARN formats of a service, resource-type details, and which resource types
//! a user's ARN belongs to.

use serde::Serialize;

use crate::arn::Arn;
use crate::data::{Action, ResourceType};
use crate::error::{Error, Result, suggest};
use crate::query::service;

/// A resource type with its ARN format and condition keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArnTypeDetails {
    pub resource_type_name: &'static str,
    pub raw_arn: &'static str,
    pub condition_keys: Vec<&'static str>,
}

/// The ARN formats of a service, in page order.
pub fn raw_arns_for_service(prefix: &str) -> Result<Vec<&'static str>> {
    Ok(service(prefix)?
        .resource_types()
        .map(ResourceType::arn_format)
        .collect())
}

/// The resource types of a service with their ARN formats, in page order.
pub fn arn_types_for_service(prefix: &str) -> Result<Vec<(&'static str, &'static str)>> {
    Ok(service(prefix)?
        .resource_types()
        .map(|resource| (resource.name(), resource.arn_format()))
        .collect())
}

/// The resource type `name` of a service, case-insensitively.
pub fn resource_type(prefix: &str, name: &str) -> Result<ResourceType> {
    let service = service(prefix)?;
    service
        .resource_type(name)
        .ok_or_else(|| Error::UnknownResourceType {
            service: service.prefix().to_owned(),
            name: name.to_owned(),
            suggestions: suggest(name, service.resource_types().map(ResourceType::name)),
        })
}

/// Details of a resource type, case-insensitively.
///
/// ```
/// let details = policy_sentry::query::arns::arn_type_details("cloud9", "ENVIRONMENT").unwrap();
/// assert_eq!(details.resource_type_name, "environment");
/// ```
pub fn arn_type_details(prefix: &str, name: &str) -> Result<ArnTypeDetails> {
    let resource = resource_type(prefix, name)?;
    Ok(ArnTypeDetails {
        resource_type_name: resource.name(),
        raw_arn: resource.arn_format(),
        condition_keys: resource.condition_keys().collect(),
    })
}

/// The resource types of the ARN's service whose ARN format the ARN matches, in page order.
/// An unknown service is an error.
pub fn matching_resource_types(arn: &str) -> Result<Vec<ResourceType>> {
    let parsed = Arn::parse(arn)?;
    let service = service(parsed.service)?;
    let mut matched: Vec<ResourceType> = Vec::new();
    for resource in service.resource_types() {
        if parsed.matches_format(resource.arn_format())
            && !matched
                .iter()
                .any(|seen| seen.arn_format() == resource.arn_format())
        {
            matched.push(resource);
        }
    }
    Ok(matched)
}

/// The ARN formats the ARN matches, in page order.
///
/// ```
/// let formats = policy_sentry::query::arns::matching_raw_arns("arn:aws:s3:::my-bucket").unwrap();
/// assert_eq!(formats, ["arn:${Partition}:s3:::${BucketName}"]);
/// ```
pub fn matching_raw_arns(arn: &str) -> Result<Vec<&'static str>> {
    Ok(matching_resource_types(arn)?
        .into_iter()
        .map(ResourceType::arn_format)
        .collect())
}

/// Every action that can take the ARN as a resource, sorted by name.
pub fn actions_matching_arn(arn: &str) -> Result<Vec<Action>> {
    let mut actions: Vec<Action> = Vec::new();
    for resource in matching_resource_types(arn)? {
        let service = crate::query::service(Arn::parse(arn)?.service)?;
        for action in service.actions() {
            let takes_it = action.rows().any(|row| {
                row.resource_type_name()
                    .eq_ignore_ascii_case(resource.name())
            });
            if takes_it && !actions.contains(&action) {
                actions.push(action);
            }
        }
    }
    actions.sort_unstable_by_key(|action| action.name_rank());
    Ok(actions)
}
