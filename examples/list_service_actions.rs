//! Lists the actions of a service with their access levels: library use of the query API.
//!
//! ```console
//! cargo run --example list_service_actions -- cloud9
//! ```

use policy_sentry::query::actions;

fn main() -> Result<(), policy_sentry::Error> {
    let service = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cloud9".to_owned());
    for action in actions::actions_for_service(&service)? {
        let level = action.access_level().as_str();
        let wildcard = if action.is_wildcard_only() {
            " (Resource \"*\" only)"
        } else {
            ""
        };
        println!("{action}\t{level}{wildcard}");
    }
    Ok(())
}
