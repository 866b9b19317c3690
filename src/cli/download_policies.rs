//! `download-policies`: flags to a [`DownloadRequest`], a tokio runtime, progress bars on
//! stderr when it is a terminal, and the summary on stdout. The SDK work is the library's
//! (`policy_sentry::download`).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::value_parser;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use policy_sentry::download::{
    self, AccountSummary, DownloadRequest, MAX_PAGE_SIZE, ProfileSources, Progress,
};
use policy_sentry::error::Error;
use policy_sentry::output::text::counted;

use super::{CliError, Exit};

/// Download IAM users, groups, roles and managed policies of an AWS account.
///
/// Writes <OUTPUT_DIR>/<account-id>/account-authorization-details.json (the AWS CLI's
/// `get-account-authorization-details` output, policy documents as JSON) and one
/// <PolicyName>.json per managed policy in customer-managed/ (and aws-managed/). Credentials
/// and region come from the standard AWS chain: environment, profile, SSO, web identity,
/// container and instance metadata.
#[derive(Debug, clap::Args)]
pub struct DownloadPoliciesArgs {
    /// Use this profile of the shared AWS config and credentials files (default: the
    /// standard chain, which reads AWS_PROFILE or `default`).
    #[arg(long, value_name = "PROFILE", conflicts_with = "recursive")]
    pub profile: Option<String>,
    /// Also write managed policies that are attached to no user, group or role.
    #[arg(long)]
    pub include_unattached: bool,
    /// Also write AWS-managed policies, to <account-id>/aws-managed/.
    #[arg(long)]
    pub aws_managed: bool,
    /// Download with every profile of the shared config and credentials files
    /// (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE); profiles ending in -long-term are
    /// skipped.
    #[arg(long)]
    pub recursive: bool,
    /// With --recursive: how many profiles download at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = value_parser!(u32).range(1..=64))]
    pub concurrency: u32,
    /// Where to write [default: ~/.policy_sentry/analysis]
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Send IAM and STS requests to this endpoint instead of AWS's (a proxy, a local stand-in).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Accept an http:// --endpoint-url on a host other than loopback (127.0.0.0/8, [::1],
    /// localhost): the session token and the account's IAM data then cross the network
    /// unencrypted.
    #[arg(long)]
    pub allow_http: bool,
    /// Attempts per request; throttling and server errors are retried with backoff
    /// [default: AWS_MAX_ATTEMPTS or the profile's max_attempts, else 3]
    #[arg(long, value_name = "N", value_parser = value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,
    /// Items per GetAccountAuthorizationDetails page (MaxItems).
    #[arg(long, value_name = "N", hide = true, default_value_t = MAX_PAGE_SIZE,
          value_parser = value_parser!(i32).range(1..=i64::from(MAX_PAGE_SIZE)))]
    pub page_size: i32,
}

pub fn run(args: DownloadPoliciesArgs, out: &mut dyn Write) -> Result<Exit, CliError> {
    let output_dir = match args.output_dir {
        Some(dir) => dir,
        None => default_output_dir()?,
    };
    let request = DownloadRequest {
        output_dir,
        include_unattached: args.include_unattached,
        aws_managed: args.aws_managed,
        endpoint_url: args.endpoint_url,
        allow_http: args.allow_http,
        max_attempts: args.max_attempts,
        page_size: args.page_size,
    };
    request.validate()?;
    let profiles = if args.recursive {
        Some(download::list_profiles(&ProfileSources::from_env())?)
    } else {
        None
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CliError::Usage(format!("cannot start the async runtime: {error}")))?;
    let bars = Arc::new(Bars::new());

    let Some(profiles) = profiles else {
        let result = runtime.block_on(download::download_account(
            args.profile.as_deref(),
            &request,
            &*bars,
        ));
        bars.clear();
        let summary = result?;
        write_summary(out, &summary)?;
        return Ok(Exit::Ok);
    };

    let results = runtime.block_on(download::download_profiles(
        &profiles,
        &request,
        args.concurrency as usize,
        bars.clone(),
    ));
    bars.clear();
    let results = results?;
    let (mut failed, mut duplicates) = (0, 0);
    for (profile, result) in &results {
        match result {
            Ok(summary) => {
                duplicates += usize::from(summary.duplicate_of.is_some());
                write_summary(out, summary)?;
            }
            Err(error) => {
                failed += 1;
                writeln!(
                    out,
                    "FAILED profile {profile}: {}",
                    without_context(error, profile)
                )
                .map_err(stdout_error)?;
            }
        }
    }
    writeln!(
        out,
        "{}: {} downloaded, {duplicates} same account as another, {failed} failed",
        counted(results.len(), "profile", "profiles"),
        results.len() - failed - duplicates
    )
    .map_err(stdout_error)?;
    Ok(if failed > 0 { Exit::Failure } else { Exit::Ok })
}

/// The seed's `~/.policy_sentry/analysis`.
fn default_output_dir() -> Result<PathBuf, CliError> {
    match std::env::home_dir() {
        Some(home) if !home.as_os_str().is_empty() => {
            Ok(home.join(".policy_sentry").join("analysis"))
        }
        _ => Err(CliError::Usage(
            "no home directory to put ~/.policy_sentry/analysis in; pass --output-dir".into(),
        )),
    }
}

/// The error's text without the leading "profile NAME: " the summary line already shows.
fn without_context(error: &Error, profile: &str) -> String {
    let text = error.to_string();
    let prefix = format!("profile {profile}: ");
    text.strip_prefix(&prefix)
        .map(str::to_owned)
        .unwrap_or(text)
}

fn write_summary(out: &mut dyn Write, summary: &AccountSummary) -> Result<(), CliError> {
    let who = match &summary.profile {
        Some(profile) => format!("{} (profile {profile})", summary.account_id),
        None => summary.account_id.clone(),
    };
    let line = match &summary.duplicate_of {
        Some(first) => format!("{who}: same account as profile {first}, not downloaded again"),
        None => {
            let mut files = format!("{} customer-managed", summary.customer_managed_files);
            if summary.aws_managed_files > 0 {
                files.push_str(&format!(", {} aws-managed", summary.aws_managed_files));
            }
            let policy_files = summary.customer_managed_files + summary.aws_managed_files;
            format!(
                "{who}: {}, {}, {}, {} ({files} {}) in {}; {}, {}, {}, {:.1} s",
                counted(summary.users, "user", "users"),
                counted(summary.groups, "group", "groups"),
                counted(summary.roles, "role", "roles"),
                counted(summary.policies, "managed policy", "managed policies"),
                if policy_files == 1 {
                    "policy file"
                } else {
                    "policy files"
                },
                summary.account_dir.display(),
                counted(summary.pages, "page", "pages"),
                counted(summary.requests as usize, "request", "requests"),
                counted(summary.retries as usize, "retry", "retries"),
                summary.elapsed.as_secs_f64(),
            )
        }
    };
    writeln!(out, "{line}").map_err(stdout_error)
}

fn stdout_error(source: std::io::Error) -> CliError {
    CliError::Library(Error::io("<stdout>", source))
}

/// One spinner per profile on stderr, only when stderr is a terminal.
struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new() -> Bars {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn key(profile: Option<&str>) -> String {
        profile.unwrap_or("default credentials").to_owned()
    }

    fn with_bar(&self, profile: Option<&str>, update: impl FnOnce(&ProgressBar, &str)) {
        let key = Bars::key(profile);
        let mut bars = self
            .bars
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bar = bars.entry(key.clone()).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(key.clone());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        update(bar, &key);
    }

    fn clear(&self) {
        let bars = self
            .bars
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for bar in bars.values() {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

impl Progress for Bars {
    fn started(&self, profile: Option<&str>) {
        self.with_bar(profile, |bar, _| bar.set_message("sts:GetCallerIdentity"));
    }

    fn account(&self, profile: Option<&str>, account_id: &str) {
        self.with_bar(profile, |bar, key| {
            bar.set_prefix(format!("{key} ({account_id})"));
            bar.set_message("iam:GetAccountAuthorizationDetails");
        });
    }

    fn page(&self, profile: Option<&str>, pages: usize, items: usize) {
        self.with_bar(profile, |bar, _| {
            bar.set_message(format!(
                "{} in {}",
                counted(items, "entity", "entities"),
                counted(pages, "page", "pages")
            ));
        });
    }

    fn finished(&self, profile: Option<&str>, result: Result<&AccountSummary, &Error>) {
        self.with_bar(profile, |bar, _| {
            let message = match result {
                Ok(_) => "done".to_owned(),
                Err(_) => "failed".to_owned(),
            };
            bar.finish_with_message(message);
        });
    }
}
