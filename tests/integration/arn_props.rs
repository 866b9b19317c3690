//! ARN matching properties over every ARN format in the embedded reference, the library's
//! matcher judged by the simple reference matcher of `support::reference_arn`.

use std::sync::OnceLock;

use policy_sentry::arn::{Arn, ArnFormat};
use policy_sentry::data::Service;
use proptest::prelude::*;

use crate::support::reference_arn::{holds, reference_matches};

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

/// Every format, parsed once: what the matcher is tried against for each random ARN.
fn parsed_formats() -> &'static [ArnFormat<'static>] {
    static FORMATS: OnceLock<Vec<ArnFormat<'static>>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        Service::all()
            .flat_map(|service| service.resource_types())
            .filter_map(|resource| ArnFormat::parse(resource.arn_format()))
            .collect()
    })
}

/// One placeholder's value: a word, then words after a `/` or `:` where the placeholder may
/// hold that separator (`separator` 0 is `/`, 1 is `:`; one it may not hold is left out).
type Value = (String, Vec<(u8, String)>);

fn value_strategy() -> impl Strategy<Value = Value> {
    let word = "[A-Za-z0-9][A-Za-z0-9._-]{0,5}";
    (word, prop::collection::vec((0..2u8, word), 0..3))
}

/// An ARN of `format` with AWS-allowed values: fixed partition, region and account, and the
/// other placeholders filled from `values` in turn.
fn random_arn(format: &str, values: &[Value]) -> String {
    let service = format.split(':').nth(2).unwrap_or("");
    let mut out = String::new();
    let mut rest = format;
    let mut next = values.iter().cycle();
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + end];
        match name {
            "Partition" => out.push_str("aws"),
            "Region" => out.push_str("us-east-1"),
            "Account" | "AccountId" => out.push_str("123456789012"),
            _ => {
                let (slash, colon) = holds(service, name);
                let (head, tail) = next.next().unwrap();
                // A Lambda alias is never all digits (that is a version).
                if (service, name) == ("lambda", "Alias")
                    && head.bytes().all(|b| b.is_ascii_digit())
                {
                    out.push('a');
                }
                out.push_str(head);
                for (separator, word) in tail {
                    match (separator, slash, colon) {
                        (0, true, _) => out.push('/'),
                        (1, _, true) => out.push(':'),
                        _ => continue,
                    }
                    out.push_str(word);
                }
            }
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An ARN made from type A's format is claimed as A, and the matcher claims no type B
    /// whose format cannot produce it (as the reference matcher decides).
    #[test]
    fn the_matcher_claims_only_types_that_can_produce_the_arn(
        (_, format) in prop::sample::select(all_formats()),
        values in prop::collection::vec(value_strategy(), 1..5),
    ) {
        let text = random_arn(format, &values);
        let arn = Arn::parse(&text).unwrap();
        prop_assert!(reference_matches(&arn, format), "generator: {} is no ARN of {}", text, format);
        prop_assert!(arn.matches_format(format), "{} is not claimed as its own type {}", text, format);
        let matcher = arn.matcher();
        let over: Vec<&str> = parsed_formats()
            .iter()
            .filter(|other| matcher.matches_parsed(other) && !reference_matches(&arn, other.text))
            .map(|other| other.text)
            .collect();
        prop_assert!(over.is_empty(), "{} (from {}) is also claimed as {:?}", text, format, over);
    }
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
