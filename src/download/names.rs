//! The file names of the one-file-per-policy layout (`customer-managed/`, `aws-managed/`):
//! which policy names are safe to use as file names, and distinct, readable names for
//! policies that share one. Every policy of the account is checked here before anything is
//! written, so a bad answer leaves the output folder as it was. Writing is files.rs's job.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::account_file::ManagedPolicyDetail;
use crate::error::{Error, Result};

/// IAM's longest policy name. A longer one is refused, which also keeps every file name
/// below [`MAX_FILE_NAME`].
const MAX_NAME: usize = 128;

/// The longest file name most file systems take, in bytes.
const MAX_FILE_NAME: usize = 255;

/// One policy file: its name in its folder and the document it holds.
#[derive(Debug)]
pub(super) struct PolicyFile<'a> {
    pub(super) file_name: String,
    pub(super) document: &'a Value,
}

/// The files of each folder's policies, in the policies' order; or, when any policy of any
/// folder cannot be written (a name that is not a safe IAM name, no default document), an
/// error naming every such policy.
pub(super) fn plan<'a, const N: usize>(
    account_id: &str,
    folders: [&[&'a ManagedPolicyDetail]; N],
) -> Result<[Vec<PolicyFile<'a>>; N]> {
    let mut refused = Vec::new();
    for policy in folders.iter().flat_map(|policies| policies.iter()) {
        if let Err(reason) = document(policy) {
            let name = policy.policy_name.as_deref().unwrap_or_default();
            match &policy.arn {
                Some(arn) => refused.push(format!("{name:?} ({arn}): {reason}")),
                None => refused.push(format!("{name:?}: {reason}")),
            }
        }
    }
    if !refused.is_empty() {
        let policies = if refused.len() == 1 {
            "managed policy"
        } else {
            "managed policies"
        };
        return Err(Error::InvalidInput {
            what: format!("account {account_id}"),
            message: format!(
                "{} {policies} cannot be written as files, so nothing was written: {}",
                refused.len(),
                refused.join("; ")
            ),
        });
    }
    Ok(folders.map(|policies| {
        file_names(policies)
            .into_iter()
            .zip(policies)
            .filter_map(|(file_name, policy)| {
                let document = document(policy).ok()?;
                Some(PolicyFile {
                    file_name,
                    document,
                })
            })
            .collect()
    }))
}

/// The policy's default document, if its name is safe and it has one.
fn document(policy: &ManagedPolicyDetail) -> std::result::Result<&Value, &'static str> {
    let name = policy.policy_name.as_deref().unwrap_or_default();
    if !is_safe_name(name) {
        return Err("not a valid IAM name (1 to 128 letters, digits and +=,.@_-)");
    }
    policy
        .default_document()
        .ok_or("the answer holds no document for its default version")
}

/// IAM names: 1 to 128 letters, digits and `+=,.@_-`, and not a path component of its own.
/// So no `/`, NUL or other control character, and a file name that fits.
fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// `<PolicyName>.json` for each policy (of safe names), in their order. Names are compared
/// without case, as some file systems do. Of the policies of one name, the one of the
/// smallest path (`/` first) keeps the plain name; each other one adds the first of these
/// that is free: its path's parts joined by `_` (`/team/a/` gives `<PolicyName>.team_a`), its
/// policy id, its place among the policies of that name (`<PolicyName>.2`, from 2). The
/// result depends on the policies, not on the order the service sent them in.
fn file_names(policies: &[&ManagedPolicyDetail]) -> Vec<String> {
    let name = |index: usize| policies[index].policy_name.as_deref().unwrap_or_default();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for index in 0..policies.len() {
        groups
            .entry(name(index).to_lowercase())
            .or_default()
            .push(index);
    }
    // The policy id last: two policies of one name and path still sort the same way in
    // whatever order they came.
    let sort_key = |index: &usize| {
        let policy = policies[*index];
        (
            policy.path.as_deref().unwrap_or_default(),
            name(*index),
            policy.arn.as_deref().unwrap_or_default(),
            policy.policy_id.as_deref().unwrap_or_default(),
        )
    };
    let mut stems: Vec<String> = vec![String::new(); policies.len()];
    let mut taken: HashSet<String> = HashSet::new();
    // Plain names first, so that a policy never loses its own name to another's suffix.
    for group in groups.values_mut() {
        group.sort_by_key(sort_key);
        stems[group[0]] = name(group[0]).to_owned();
        taken.insert(name(group[0]).to_lowercase());
    }
    for group in groups.values() {
        for (place, &index) in group.iter().enumerate().skip(1) {
            let policy = policies[index];
            let base = name(index);
            let path_parts: Vec<&str> = policy
                .path
                .as_deref()
                .unwrap_or_default()
                .split('/')
                .filter(|part| !part.is_empty())
                .collect();
            let by_path = (!path_parts.is_empty() && path_parts.iter().all(|p| is_safe_name(p)))
                .then(|| path_parts.join("_"));
            let by_id = policy.policy_id.clone().filter(|id| is_safe_name(id));
            let by_place = (place + 1..).map(|number| number.to_string());
            let stem = by_path
                .into_iter()
                .chain(by_id)
                .chain(by_place)
                .map(|suffix| format!("{base}.{suffix}"))
                .find(|stem| {
                    stem.len() + ".json".len() <= MAX_FILE_NAME
                        && !taken.contains(&stem.to_lowercase())
                })
                .unwrap_or_default();
            taken.insert(stem.to_lowercase());
            stems[index] = stem;
        }
    }
    stems
        .into_iter()
        .map(|stem| format!("{stem}.json"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(name: &str, path: &str, id: Option<&str>) -> ManagedPolicyDetail {
        let mut policy = crate::download::files::tests::policy(name, path, true);
        policy.policy_id = id.map(str::to_owned);
        policy
    }

    fn names(policies: &[ManagedPolicyDetail]) -> Vec<String> {
        let policies: Vec<&ManagedPolicyDetail> = policies.iter().collect();
        let [files] = plan("123456789012", [&policies]).unwrap();
        files.into_iter().map(|file| file.file_name).collect()
    }

    #[test]
    fn names_are_checked_and_duplicates_get_their_path() {
        let first = policy("Same", "/", None);
        let second = policy("Same", "/team/a/", None);
        assert_eq!(names(&[first, second]), ["Same.json", "Same.team_a.json"]);

        for bad in [
            "../escape",
            "a/b",
            "..",
            ".",
            "",
            "nul\0",
            "tab\t",
            &"L".repeat(129),
        ] {
            let policies = [policy(bad, "/", None)];
            let policies: Vec<&ManagedPolicyDetail> = policies.iter().collect();
            assert!(plan("123456789012", [&policies]).is_err(), "{bad:?}");
        }
        assert_eq!(names(&[policy(&"L".repeat(128), "/", None)]).len(), 1);
    }

    #[test]
    fn every_bad_policy_of_every_folder_is_named() {
        let mut no_document = policy("NoDocument", "/", None);
        no_document.policy_version_list.clear();
        let customer = [policy("a/b", "/", None), policy("Fine", "/", None)];
        let aws = [policy("..", "/", None), no_document];
        let customer: Vec<&ManagedPolicyDetail> = customer.iter().collect();
        let aws: Vec<&ManagedPolicyDetail> = aws.iter().collect();
        let error = plan("123456789012", [&customer, &aws])
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "account 123456789012: 3 managed policies cannot be written as files, so nothing was written: \"a/b\" (arn:aws:iam::123456789012:policy/a/b): not a valid IAM name"
            ),
            "{error}"
        );
        assert!(error.contains("; \"..\" ("), "{error}");
        assert!(
            error.contains("\"NoDocument\" (arn:aws:iam::123456789012:policy/NoDocument): the answer holds no document for its default version"),
            "{error}"
        );
        assert!(!error.contains("Fine"), "{error}");
    }

    #[test]
    fn a_bad_name_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let details = crate::download::AuthorizationDetails {
            policies: vec![policy("Fine", "/", None), policy("a/b", "/", None)],
            ..Default::default()
        };
        let request = crate::download::DownloadRequest::new(dir.path());
        let error =
            super::super::files::write_account(dir.path(), "123456789012", &details, &request)
                .err()
                .map(|error| error.to_string())
                .unwrap_or_default();
        assert!(error.contains("\"a/b\""), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_customer_and_an_aws_managed_policy_of_one_name_keep_it_in_their_folders() {
        let dir = tempfile::tempdir().unwrap();
        let mut aws = policy("ReadOnlyAccess", "/", Some("ANPAAWS"));
        aws.arn = Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
        let details = crate::download::AuthorizationDetails {
            policies: vec![policy("ReadOnlyAccess", "/", Some("ANPAOURS")), aws],
            ..Default::default()
        };
        let mut request = crate::download::DownloadRequest::new(dir.path());
        request.aws_managed = true;
        super::super::files::write_account(dir.path(), "123456789012", &details, &request).unwrap();
        let account = dir.path().join("123456789012");
        for folder in ["customer-managed", "aws-managed"] {
            let names: Vec<_> = std::fs::read_dir(account.join(folder))
                .unwrap()
                .map(|entry| entry.unwrap().file_name())
                .collect();
            assert_eq!(names, ["ReadOnlyAccess.json"], "{folder}");
        }
    }

    #[test]
    fn same_names_are_distinct_whatever_the_order() {
        let policies = [
            policy("Same", "/team/", Some("ANPAONE")),
            policy("same", "/", Some("ANPATWO")),
            policy("Same", "/", Some("ANPATHREE")),
            policy("Same", "/team/", Some("ANPAFOUR")),
            policy("Same.team", "/", None),
            policy("Other", "/x:y/", None),
            policy("Other", "/", None),
        ];
        let expected = [
            "Same.ANPAONE.json",
            "same.ANPATWO.json",
            "Same.json",
            "Same.ANPAFOUR.json",
            "Same.team.json",
            "Other.2.json",
            "Other.json",
        ];
        assert_eq!(names(&policies), expected);
        let mut reversed = policies.clone();
        reversed.reverse();
        let mut names_reversed = names(&reversed);
        names_reversed.reverse();
        assert_eq!(names_reversed, expected);
    }

    #[test]
    fn suffixes_that_would_make_too_long_a_file_name_are_skipped() {
        let long = "L".repeat(128);
        let deep = format!("/{}/", "p".repeat(200));
        let policies = [policy(&long, "/", None), policy(&long, &deep, None)];
        assert_eq!(
            names(&policies),
            [format!("{long}.json"), format!("{long}.2.json")]
        );
    }
}
