//! Downloading an AWS account's IAM data with the AWS SDK (cargo feature `download`).
//!
//! One account: credentials and region come from the standard chain (or one named profile),
//! the account id from `sts:GetCallerIdentity`, and everything else from a fully paginated
//! `iam:GetAccountAuthorizationDetails`. The result is written twice under
//! `<output-dir>/<account-id>/`: `account-authorization-details.json` in the shape the AWS CLI
//! prints (what `analyze account` reads), and the seed's layout of one file per managed policy
//! (`customer-managed/<PolicyName>.json`, `aws-managed/` on request). Many profiles run
//! concurrently with a bound ([`download_profiles`]).
//!
//! This module owns the SDK calls, the decoding of policy documents and the files. It never
//! prints: progress goes to a [`Progress`] observer, results are returned. It never logs or
//! returns credentials: errors carry the service's error code and message only.

mod client;
mod details;
mod files;
mod names;
mod profiles;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use crate::account_file::{
    AttachedPolicy, AuthorizationDetails, GroupDetail, InstanceProfile, ManagedPolicyDetail,
    PermissionsBoundary, PolicyDetail, PolicyVersion, Role, RoleDetail, RoleLastUsed, Tag,
    UserDetail, decode_policy_document,
};
pub use files::ACCOUNT_FILE_NAME;
pub use profiles::{ProfileSources, list_profiles};

use crate::error::{Error, Result};

/// The largest page `GetAccountAuthorizationDetails` accepts (`MaxItems`).
pub const MAX_PAGE_SIZE: i32 = 1000;

/// What to download and where: everything but the profile, so one request serves many.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    /// Root of the output: files go to `<output_dir>/<account-id>/`.
    pub output_dir: PathBuf,
    /// Also write customer-managed (and AWS-managed) policies that nothing is attached to.
    pub include_unattached: bool,
    /// Also write AWS-managed policies, to `aws-managed/`.
    pub aws_managed: bool,
    /// Another endpoint for IAM and STS (a proxy, a local stand-in); `None` for AWS's own.
    pub endpoint_url: Option<String>,
    /// Accept an `http://` endpoint on a host other than loopback (127.0.0.0/8, `[::1]`,
    /// `localhost`), which then gets the session token and the account's IAM data in clear.
    pub allow_http: bool,
    /// Attempts per request, retries included; `None` takes the SDK's setting
    /// (`AWS_MAX_ATTEMPTS`, the profile's `max_attempts`, else 3).
    pub max_attempts: Option<u32>,
    /// `MaxItems` of each `GetAccountAuthorizationDetails` page (1 to 1000).
    pub page_size: i32,
}

impl DownloadRequest {
    /// A request with the defaults: attached customer-managed policies only, AWS's endpoints,
    /// the SDK's retry setting and the largest pages.
    pub fn new(output_dir: impl Into<PathBuf>) -> DownloadRequest {
        DownloadRequest {
            output_dir: output_dir.into(),
            include_unattached: false,
            aws_managed: false,
            endpoint_url: None,
            allow_http: false,
            max_attempts: None,
            page_size: MAX_PAGE_SIZE,
        }
    }

    /// Checks the settings before anything is sent or written.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.page_size) {
            return Err(Error::InvalidInput {
                what: "page size".into(),
                message: format!("{} is not between 1 and {MAX_PAGE_SIZE}", self.page_size),
            });
        }
        if self.max_attempts == Some(0) {
            return Err(Error::InvalidInput {
                what: "max attempts".into(),
                message: "must be at least 1".into(),
            });
        }
        if let Some(url) = &self.endpoint_url {
            let plain = url.strip_prefix("http://");
            let rest = url.strip_prefix("https://").or(plain);
            if rest.is_none_or(|host| host.is_empty() || host.starts_with('/')) {
                return Err(Error::InvalidInput {
                    what: format!("endpoint URL {url:?}"),
                    message: "expected http://HOST[:PORT] or https://HOST[:PORT]".into(),
                });
            }
            // The requests carry the session token, and the answers the account's IAM data.
            if plain.is_some_and(|rest| !is_loopback(rest)) && !self.allow_http {
                return Err(Error::InvalidInput {
                    what: format!("endpoint URL {url:?}"),
                    message: "plain HTTP would send the session token and the account's IAM \
                              data unencrypted; use https://, or pass --allow-http to accept that"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

/// Whether the host of `rest` (a URL less its `scheme://`) is this machine: 127.0.0.0/8,
/// `[::1]` or `localhost`, whose traffic never leaves it. Anything else, including names that
/// merely start like one (`localhost.example.com`), is not.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// What one account's download did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// The profile used; `None` for the default chain.
    pub profile: Option<String>,
    pub account_id: String,
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    /// Managed policies in the account file (customer- and AWS-managed).
    pub policies: usize,
    /// Files written to `customer-managed/`.
    pub customer_managed_files: usize,
    /// Files written to `aws-managed/` (0 without `aws_managed`).
    pub aws_managed_files: usize,
    /// `GetAccountAuthorizationDetails` pages.
    pub pages: usize,
    /// HTTP requests sent, retries included (STS and IAM).
    pub requests: u64,
    /// Of those, retries after throttling or a transient failure.
    pub retries: u64,
    /// The account's folder: `<output_dir>/<account_id>`.
    pub account_dir: PathBuf,
    /// Set when another profile of the run already downloaded this account, which was then
    /// not downloaded again.
    pub duplicate_of: Option<String>,
    pub elapsed: Duration,
}

/// Observer of a download's progress. Every method has an empty default.
pub trait Progress: Send + Sync {
    /// A profile's download starts (`None`: the default chain).
    fn started(&self, profile: Option<&str>) {
        let _ = profile;
    }
    /// The account id is known.
    fn account(&self, profile: Option<&str>, account_id: &str) {
        let _ = (profile, account_id);
    }
    /// Another page arrived; `items` counts all entities received so far.
    fn page(&self, profile: Option<&str>, pages: usize, items: usize) {
        let _ = (profile, pages, items);
    }
    /// A profile's download ended.
    fn finished(
        &self,
        profile: Option<&str>,
        result: std::result::Result<&AccountSummary, &Error>,
    ) {
        let _ = (profile, result);
    }
}

/// No progress reports.
impl Progress for () {}

/// Downloads the account that `profile` (or the default chain, for `None`) has credentials for.
pub async fn download_account(
    profile: Option<&str>,
    request: &DownloadRequest,
    progress: &dyn Progress,
) -> Result<AccountSummary> {
    request.validate()?;
    progress.started(profile);
    let result = run_one(profile, request, progress, None).await;
    progress.finished(profile, result.as_ref());
    result
}

/// Downloads every profile, at most `concurrency` at once. One profile's failure does not stop
/// the others. Two profiles of the same account download it once: the later one waits for the
/// first and is reported with [`AccountSummary::duplicate_of`] (or downloads it itself if the
/// first failed). Results come back in the order of `profiles`.
pub async fn download_profiles(
    profiles: &[String],
    request: &DownloadRequest,
    concurrency: usize,
    progress: Arc<dyn Progress>,
) -> Result<Vec<(String, Result<AccountSummary>)>> {
    request.validate()?;
    if concurrency == 0 {
        return Err(Error::InvalidInput {
            what: "concurrency".into(),
            message: "must be at least 1".into(),
        });
    }
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let claims: Claims = Arc::default();
    let mut tasks = tokio::task::JoinSet::new();
    for (index, profile) in profiles.iter().enumerate() {
        let (permits, claims, progress) = (permits.clone(), claims.clone(), progress.clone());
        let (profile, request) = (profile.clone(), request.clone());
        tasks.spawn(async move {
            // The semaphore is never closed, so acquiring only fails if it were.
            let _permit = permits.acquire_owned().await;
            progress.started(Some(&profile));
            let result = run_one(Some(&profile), &request, &*progress, Some(&claims)).await;
            progress.finished(Some(&profile), result.as_ref());
            (index, result)
        });
    }
    let mut results: Vec<Option<Result<AccountSummary>>> = profiles.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => results[index] = Some(result),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    Ok(profiles
        .iter()
        .cloned()
        .zip(results)
        .map(|(profile, result)| {
            let result = result.unwrap_or_else(|| {
                Err(Error::Aws {
                    context: format!("profile {profile}"),
                    message: "the download task did not finish".into(),
                })
            });
            (profile, result)
        })
        .collect())
}

/// Accounts claimed by a profile of this run: the lock is held while that profile downloads,
/// and then holds the profile's name if it succeeded.
type Claims = Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<String>>>>>>;

async fn run_one(
    profile: Option<&str>,
    request: &DownloadRequest,
    progress: &dyn Progress,
    claims: Option<&Claims>,
) -> Result<AccountSummary> {
    let started = Instant::now();
    let context = match profile {
        Some(name) => format!("profile {name}"),
        None => "default credentials".to_owned(),
    };
    let clients = client::Clients::new(profile, request).await;
    let account_id = clients.account_id(&context).await?;
    progress.account(profile, &account_id);

    let claim = claims.map(|claims| {
        let mut claims = claims
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        claims.entry(account_id.clone()).or_default().clone()
    });
    let mut claim_guard = match &claim {
        Some(claim) => Some(claim.lock().await),
        None => None,
    };
    if let Some(first) = claim_guard.as_ref().and_then(|guard| (**guard).clone()) {
        let (requests, retries) = clients.counts();
        return Ok(AccountSummary {
            profile: profile.map(str::to_owned),
            account_dir: request.output_dir.join(&account_id),
            account_id,
            users: 0,
            groups: 0,
            roles: 0,
            policies: 0,
            customer_managed_files: 0,
            aws_managed_files: 0,
            pages: 0,
            requests,
            retries,
            duplicate_of: Some(first),
            elapsed: started.elapsed(),
        });
    }

    let (details, pages) = clients
        .authorization_details(&context, request.page_size, |pages, items| {
            progress.page(profile, pages, items)
        })
        .await?;
    let written = files::write_account(&request.output_dir, &account_id, &details, request)?;
    if let (Some(guard), Some(name)) = (claim_guard.as_mut(), profile) {
        **guard = Some(name.to_owned());
    }
    let (requests, retries) = clients.counts();
    Ok(AccountSummary {
        profile: profile.map(str::to_owned),
        account_dir: written.account_dir,
        account_id,
        users: details.user_detail_list.len(),
        groups: details.group_detail_list.len(),
        roles: details.role_detail_list.len(),
        policies: details.policies.len(),
        customer_managed_files: written.customer_managed,
        aws_managed_files: written.aws_managed,
        pages,
        requests,
        retries,
        duplicate_of: None,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(url: &str, allow_http: bool) -> Result<()> {
        let mut request = DownloadRequest::new("out");
        request.endpoint_url = Some(url.to_owned());
        request.allow_http = allow_http;
        request.validate()
    }

    #[test]
    fn plain_http_needs_allow_http_unless_loopback() {
        for url in [
            "https://iam.example.com",
            "https://10.0.0.1:8443",
            "http://127.0.0.1:5124",
            "http://127.8.9.10",
            "http://[::1]:5000/",
            "http://localhost:4566",
            "http://LocalHost",
            "http://user@127.0.0.1:80/path",
        ] {
            assert!(validate(url, false).is_ok(), "{url}");
        }
        for url in [
            "http://example.com",
            "http://10.0.0.1:8080",
            "http://localhost.example.com",
            "http://127.0.0.1.example.com",
            "http://localhost@example.com",
            "http://[::ffff:10.0.0.1]",
            "http://example.com#@localhost",
        ] {
            let error = validate(url, false).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("endpoint URL {url:?}: plain HTTP")),
                "{error}"
            );
            assert!(error.contains("--allow-http"), "{error}");
            assert!(validate(url, true).is_ok(), "{url}");
        }
        // --allow-http does not make a malformed URL good.
        assert!(validate("ftp://example.com", true).is_err());
    }
}
