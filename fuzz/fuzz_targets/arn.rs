//! ARN parsing and matching: the first line is an ARN, matched against the reference's
//! formats; the rest, if any, is an ARN format to match it against.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::arn::{Arn, ArnFormat};
use policy_sentry::query::arns::{actions_matching_arn, matching_raw_arns};

fuzz_target!(|text: &str| {
    let (arn, format) = text.split_once('\n').unwrap_or((text, ""));
    let _ = matching_raw_arns(arn);
    let _ = actions_matching_arn(arn);
    let _ = ArnFormat::parse(format);
    if let Ok(parsed) = Arn::parse(arn) {
        let _ = (parsed.resource_head(), parsed.resource_path());
        let _ = parsed.matches_format(format);
    }
});
