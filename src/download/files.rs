//! Writing one account's download: the account file and the seed's one-file-per-policy
//! layout, each file written to a temporary file in its folder and renamed into place, so an
//! interrupted run never leaves a truncated file. Files are readable by their owner only
//! (IAM data describes who can do what in the account).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::DownloadRequest;
use crate::account_file::{AuthorizationDetails, ManagedPolicyDetail};
use crate::error::{Error, Result};
use crate::fs::FileKind;

/// The account file's name, in `<output-dir>/<account-id>/`.
pub const ACCOUNT_FILE_NAME: &str = "account-authorization-details.json";

pub(super) struct Written {
    pub(super) account_dir: PathBuf,
    pub(super) customer_managed: usize,
    pub(super) aws_managed: usize,
}

/// Writes `<output_dir>/<account_id>/`: the account file, `customer-managed/` and (when asked)
/// `aws-managed/`.
pub(super) fn write_account(
    output_dir: &Path,
    account_id: &str,
    details: &AuthorizationDetails,
    request: &DownloadRequest,
) -> Result<Written> {
    let account_dir = output_dir.join(account_id);
    create_dir(&account_dir)?;
    write_atomic(&account_dir.join(ACCOUNT_FILE_NAME), &to_json(details)?)?;

    let wanted = |policy: &&ManagedPolicyDetail| request.include_unattached || policy.is_attached();
    let customer: Vec<&ManagedPolicyDetail> = details
        .policies
        .iter()
        .filter(|policy| !policy.is_aws_managed())
        .filter(wanted)
        .collect();
    let customer_managed = write_policies(&account_dir.join("customer-managed"), &customer)?;
    let aws_managed = if request.aws_managed {
        let aws: Vec<&ManagedPolicyDetail> = details
            .policies
            .iter()
            .filter(|policy| policy.is_aws_managed())
            .filter(wanted)
            .collect();
        write_policies(&account_dir.join("aws-managed"), &aws)?
    } else {
        0
    };
    Ok(Written {
        account_dir,
        customer_managed,
        aws_managed,
    })
}

/// One `<PolicyName>.json` per policy, holding its default version's document. Names are
/// checked against IAM's character set, so an answer cannot write outside `dir`; a name seen
/// twice (same name, another path) gets its path added: `<PolicyName>.<path_parts>.json`.
/// Afterwards `dir` holds this download only: `.json` files of an earlier run that this one
/// did not write (a policy since deleted or detached) are removed, as are temporary files
/// left by an interrupted run.
fn write_policies(dir: &Path, policies: &[&ManagedPolicyDetail]) -> Result<usize> {
    create_dir(dir)?;
    let mut written_files: HashSet<std::ffi::OsString> = HashSet::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut written = 0;
    for policy in policies {
        let name = policy.policy_name.as_deref().unwrap_or_default();
        if !is_iam_name(name) {
            return Err(Error::InvalidInput {
                what: format!("managed policy name {name:?}"),
                message: "not a valid IAM name; refusing to use it as a file name".into(),
            });
        }
        let Some(document) = policy.default_document() else {
            return Err(Error::InvalidInput {
                what: format!("managed policy {name}"),
                message: "the answer holds no document for its default version".into(),
            });
        };
        let mut stem = name.to_owned();
        if !taken.insert(stem.to_lowercase()) {
            let path_parts: Vec<&str> = policy
                .path
                .as_deref()
                .unwrap_or_default()
                .split('/')
                .filter(|part| is_iam_name(part))
                .collect();
            stem = format!("{name}.{}", path_parts.join("_"));
            let mut counter = 1;
            while !taken.insert(stem.to_lowercase()) {
                counter += 1;
                stem = format!("{name}.{}.{counter}", path_parts.join("_"));
            }
        }
        let file_name = format!("{stem}.json");
        write_atomic(&dir.join(&file_name), &to_json(document)?)?;
        written_files.insert(file_name.into());
        written += 1;
    }
    remove_stale(dir, &written_files)?;
    Ok(written)
}

fn remove_stale(dir: &Path, keep: &HashSet<std::ffi::OsString>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::io(dir, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::io(dir, source))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let stale_policy = text.ends_with(".json") && !keep.contains(&name);
        let leftover = text.starts_with(".policy_sentry-") && text.ends_with(".tmp");
        if (stale_policy || leftover) && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| Error::io(&path, source))?;
        }
    }
    Ok(())
}

/// IAM names: letters, digits and `+=,.@_-`, and not a path component of its own.
fn is_iam_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// Pretty JSON with the AWS CLI's four-space indent and a final newline.
fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    value
        .serialize(&mut serializer)
        .map_err(|error| Error::InvalidInput {
            what: "download".into(),
            message: format!("cannot serialize as JSON: {error}"),
        })?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::io(dir, source))
}

/// Writes `bytes` to `path` atomically, readable by its owner only (account data).
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::fs::write_atomically(path, bytes, FileKind::AccountData)
        .map_err(|source| Error::io(path, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account_file::PolicyVersion;
    use serde_json::json;

    fn policy(name: &str, path: &str, attached: bool) -> ManagedPolicyDetail {
        ManagedPolicyDetail {
            policy_name: Some(name.into()),
            arn: Some(format!("arn:aws:iam::123456789012:policy{path}{name}")),
            path: Some(path.into()),
            default_version_id: Some("v1".into()),
            attachment_count: Some(i32::from(attached)),
            policy_version_list: vec![PolicyVersion {
                document: Some(json!({"Version": "2012-10-17", "Statement": []})),
                version_id: Some("v1".into()),
                is_default_version: true,
                create_date: None,
            }],
            ..ManagedPolicyDetail::default()
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("policy.json");
        write_atomic(&file, b"old").unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        // A folder in the way: the rename fails after the temporary file was written.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"kept").unwrap();
        let error = write_atomic(&blocked, b"new").unwrap_err().to_string();
        assert!(error.contains("blocked"), "{error}");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "policy.json"]);
        assert_eq!(std::fs::read(blocked.join("inside")).unwrap(), b"kept");
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }

    #[test]
    fn names_are_checked_and_duplicates_get_their_path() {
        let dir = tempfile::tempdir().unwrap();
        let first = policy("Same", "/", true);
        let second = policy("Same", "/team/a/", true);
        assert_eq!(write_policies(dir.path(), &[&first, &second]).unwrap(), 2);
        assert!(dir.path().join("Same.json").is_file());
        assert!(dir.path().join("Same.team_a.json").is_file());

        for bad in ["../escape", "a/b", "..", ""] {
            let bad = policy(bad, "/", true);
            assert!(write_policies(dir.path(), &[&bad]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn layout_respects_attachment_and_aws_managed() {
        let dir = tempfile::tempdir().unwrap();
        let mut aws = policy("ReadOnlyAccess", "/", true);
        aws.arn = Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
        let details = AuthorizationDetails {
            policies: vec![
                policy("Attached", "/", true),
                policy("Loose", "/", false),
                aws,
            ],
            ..AuthorizationDetails::default()
        };
        let mut request = DownloadRequest::new(dir.path());
        let written = write_account(dir.path(), "123456789012", &details, &request).unwrap();
        assert_eq!((written.customer_managed, written.aws_managed), (1, 0));
        let account = dir.path().join("123456789012");
        assert!(account.join("customer-managed/Attached.json").is_file());
        assert!(!account.join("customer-managed/Loose.json").exists());
        assert!(!account.join("aws-managed").exists());

        request.include_unattached = true;
        request.aws_managed = true;
        let written = write_account(dir.path(), "123456789012", &details, &request).unwrap();
        assert_eq!((written.customer_managed, written.aws_managed), (2, 1));
        assert!(account.join("aws-managed/ReadOnlyAccess.json").is_file());

        // A later run without --include-unattached drops the unattached policy's file, and
        // what an interrupted run left; other files stay.
        std::fs::write(account.join("customer-managed/.policy_sentry-x.tmp"), "{").unwrap();
        std::fs::write(account.join("customer-managed/notes.txt"), "mine").unwrap();
        request.include_unattached = false;
        write_account(dir.path(), "123456789012", &details, &request).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(account.join("customer-managed"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["Attached.json", "notes.txt"]);
        let file: AuthorizationDetails =
            serde_json::from_slice(&std::fs::read(account.join(ACCOUNT_FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(file, details);
        // No temporary file is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(&account)
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
