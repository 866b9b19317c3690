//! Service lookups: prefixes, names, the `catalog` alias.

use serde::Serialize;

use crate::data::Service;
use crate::error::{Error, Result, suggest};

/// A service prefix with its name, as `query service-table` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServiceSummary {
    pub prefix: &'static str,
    pub service_name: &'static str,
}

/// The service with this prefix, case-insensitively; `catalog` is the old prefix of
/// `servicecatalog` and resolves to it.
///
/// ```
/// let s3 = policy_sentry::query::service("S3").unwrap();
/// assert_eq!(s3.prefix(), "s3");
/// assert!(policy_sentry::query::service("s4").is_err());
/// ```
pub fn service(prefix: &str) -> Result<Service> {
    if let Some(service) = Service::find(prefix) {
        return Ok(service);
    }
    if prefix.eq_ignore_ascii_case("catalog")
        && let Some(service) = Service::find("servicecatalog")
    {
        return Ok(service);
    }
    Err(Error::UnknownService {
        name: prefix.to_owned(),
        suggestions: suggest(prefix, Service::all().map(Service::prefix)),
    })
}

/// Every service prefix, sorted.
pub fn all_service_prefixes() -> Vec<&'static str> {
    let mut prefixes: Vec<&'static str> = Service::all().map(Service::prefix).collect();
    prefixes.sort_unstable();
    prefixes
}

/// Every service with its name, in the reference's order.
pub fn services() -> Vec<ServiceSummary> {
    Service::all()
        .map(|service| ServiceSummary {
            prefix: service.prefix(),
            service_name: service.name(),
        })
        .collect()
}
