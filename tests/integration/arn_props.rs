//! ARN matching properties over every ARN format in the embedded reference.

use policy_sentry::arn::Arn;
use policy_sentry::data::Service;
use proptest::prelude::*;

/// Replaces every `${…}` placeholder with `value`.
fn fill(format: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str(value);
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn all_formats() -> Vec<(&'static str, &'static str)> {
    Service::all()
        .flat_map(|service| service.resource_types())
        .map(|resource| (resource.name(), resource.arn_format()))
        // A placeholder in the service field (backup's `${Vendor}`) never equals a real
        // service, as in the reference; such formats match nothing by design.
        .filter(|(_, format)| {
            format.starts_with("arn:") && !format.split(':').nth(2).unwrap_or("").contains("${")
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// An ARN made from a format by filling in its placeholders matches that format. (The
    /// value starts with a letter: a Lambda alias is never all digits.)
    #[test]
    fn every_format_matches_its_own_arns(value in "[a-z][a-z0-9-]{0,11}") {
        let mut failures = Vec::new();
        for (name, format) in all_formats() {
            let arn = fill(format, &value);
            match Arn::parse(&arn) {
                Ok(parsed) if parsed.matches_format(format) => {}
                _ => failures.push(format!("{name}: {arn} !~ {format}")),
            }
        }
        prop_assert!(failures.is_empty(), "{} failures: {:#?}", failures.len(), failures);
    }

    /// Matching never panics, whatever the input.
    #[test]
    fn matching_never_panics(resource in "[a-z*/:${}]{1,20}") {
        let arn = format!("arn:aws:s3:::{resource}");
        if let Ok(parsed) = Arn::parse(&arn) {
            for (_, format) in all_formats().iter().take(200) {
                let _ = parsed.matches_format(format);
            }
        }
    }
}
