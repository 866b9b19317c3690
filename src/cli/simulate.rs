//! `simulate`: can a principal of an account file do an action on a resource, given its
//! policies, permissions boundary, SCPs and the request's context; `who-can`: which
//! principals can.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::error::Error;
use policy_sentry::output::json;
use policy_sentry::output::text::statement_label;
use policy_sentry::simulate::organization::{
    OrganizationPolicy, organization_file, organization_folder,
};
use policy_sentry::simulate::principal::Principal;
use policy_sentry::simulate::resource_policy::{ResourcePolicies, is_kms_key, trust_policy_for};
use policy_sentry::simulate::who_can::who_can;
use policy_sentry::simulate::{
    Context, Decision, Evaluation, NamedPolicy, Request, check_request, evaluate,
};

use super::{CliError, Exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimulateFormatArg {
    /// The decision with each statement that decided it, one per line.
    Text,
    /// The decision, the deciding statements (with the keys each depends on) and where
    /// nothing allowed.
    Json,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The account file (`aws iam get-account-authorization-details`, or what
    /// download-policies wrote), with the principal's managed policies.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The user or role, by ARN.
    #[arg(long, value_name = "ARN")]
    pub principal: String,
    /// The action, e.g. s3:DeleteObject.
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN.
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// A context key the request gives, KEY=VALUE; repeat a key for several values. Keys the
    /// request does not give are not guessed: statements that depend on them make the
    /// answer "allowed if" (exit 3). The principal's ARN, account, type, name and tags come
    /// from the account file.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    /// Resource-based policies, a JSON object by resource ARN: `{"arn:aws:s3:::bucket":
    /// {policy}, …}`. The resource's own policy (or its bucket's) takes part: naming the
    /// principal it may allow alone; for another account's resource, it must allow too. A
    /// KMS key's policy must always allow; a key without one given is judged as if it had the
    /// default key policy (a warning says so). A role's trust policy is read from the account
    /// file.
    #[arg(long, value_name = "FILE")]
    pub resource_policies: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimulateFormatArg::Text)]
    pub fmt: SimulateFormatArg,
}

/// `--context KEY=VALUE` pairs as keys with their values (a key repeated: several values).
pub(super) fn request_context(pairs: &[String]) -> Result<Vec<(String, Vec<String>)>, CliError> {
    let mut context: Vec<(String, Vec<String>)> = Vec::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=').filter(|(key, _)| !key.is_empty()) else {
            return Err(CliError::Usage(format!(
                "--context {pair:?}: write KEY=VALUE, e.g. aws:SourceIp=10.0.0.1"
            )));
        };
        match context
            .iter_mut()
            .find(|(known, _)| known.eq_ignore_ascii_case(key))
        {
            Some((_, values)) => values.push(value.to_owned()),
            None => context.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    Ok(context)
}

/// `--scps` and `--rcps`: the organization's policies above the account.
#[derive(Debug, Args)]
pub struct OrganizationArgs {
    /// Service control policies: a folder (each .json file a level of the organization,
    /// root first by name, and each subfolder one level of several SCPs), one policy file,
    /// or a JSON array of levels from `aws organizations` (each {"Target", "Policies": [the
    /// output of describe-policy]}, which may hold RCPs too). At every level some SCP must
    /// allow.
    #[arg(long, value_name = "PATH")]
    pub scps: Option<PathBuf>,
    /// Resource control policies, laid out as --scps; they govern requests to S3, STS, KMS,
    /// SQS and Secrets Manager resources.
    #[arg(long, value_name = "PATH")]
    pub rcps: Option<PathBuf>,
}

impl OrganizationArgs {
    pub fn policies(&self) -> Result<Vec<NamedPolicy>, CliError> {
        let mut policies = Vec::new();
        for (path, kind) in [
            (&self.scps, OrganizationPolicy::Scp),
            (&self.rcps, OrganizationPolicy::Rcp),
        ] {
            let Some(path) = path else { continue };
            policies.extend(match path.is_dir() {
                // The walk every folder of policies gets: links, loops and FIFOs handled.
                true => organization_folder(
                    path,
                    &super::json_files::files_of(std::slice::from_ref(path))?,
                    kind,
                )?,
                false => organization_file(path, kind)?,
            });
        }
        Ok(policies)
    }
}

/// The policies `--resource-policies` gives the resource.
fn resource_policies(
    path: Option<&std::path::Path>,
    resource: &str,
) -> Result<Vec<NamedPolicy>, CliError> {
    match path {
        Some(path) => Ok(ResourcePolicies::from_path(path)?.for_resource(resource)),
        None => Ok(Vec::new()),
    }
}

/// Every KMS key has a key policy, which must allow too; without one given, the answer is
/// what the default key policy gives (it leaves access to IAM policies): say so.
fn warn_without_key_policy(action: &str, resource: &str, given: &[NamedPolicy]) {
    let kms_action = action
        .split_once(':')
        .is_some_and(|(service, _)| service.eq_ignore_ascii_case("kms"));
    if kms_action && is_kms_key(resource) && given.is_empty() {
        eprintln!(
            "warning: no key policy was given for {resource} (--resource-policies): judged as \
             if it had the default key policy, which leaves access to the IAM policies"
        );
    }
}

pub fn run(args: SimulateArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    check_request(&args.action, &args.resource)?;
    let account = AuthorizationDetails::from_path(&args.input)?;
    let principal = Principal::find(&account, &args.principal)?;
    let given = principal.context_with(&request_context(&args.context)?);
    let mut policies = principal.policies;
    policies.extend(args.organization.policies()?);
    policies.extend(trust_policy_for(&account, &args.action, &args.resource)?);
    let for_resource = resource_policies(args.resource_policies.as_deref(), &args.resource)?;
    warn_without_key_policy(&args.action, &args.resource, &for_resource);
    policies.extend(for_resource);
    let request = Request {
        action: args.action.clone(),
        resource: args.resource.clone(),
        context: Context::partial_from(given, Principal::decided_keys()),
    };
    let result = evaluate(&policies, &request);
    let io = |source| Error::io("<stdout>", source);
    match args.fmt {
        SimulateFormatArg::Json => json::write_pretty(&result, out).map_err(io)?,
        SimulateFormatArg::Text => write_text(&result, out).map_err(io)?,
    }
    Ok(match result.decision {
        Decision::Allowed => Exit::Ok,
        Decision::ExplicitDeny | Decision::ImplicitDeny => Exit::Findings,
        Decision::AllowedIf => Exit::Conditional,
    })
}

fn write_text(result: &Evaluation, out: &mut impl Write) -> std::io::Result<()> {
    let heading = match result.decision {
        Decision::Allowed => "Allowed",
        Decision::ExplicitDeny => "Denied (explicit)",
        Decision::ImplicitDeny => "Denied (implicit)",
        Decision::AllowedIf => "Allowed if the conditions below hold",
    };
    if result.decision == Decision::ImplicitDeny {
        return writeln!(
            out,
            "{heading}: nothing allows it in {}",
            result.not_allowed_by.join(", ")
        );
    }
    for statement in &result.deciding {
        let depends = match statement.depends_on.is_empty() {
            true => String::new(),
            false => format!(" (depends on {})", statement.depends_on.join(", ")),
        };
        writeln!(
            out,
            "{heading}: {} {} ({:?}){depends}",
            statement.policy,
            statement_label(statement.statement, statement.sid.as_deref()),
            statement.effect
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WhoCanFormatArg {
    /// One line per principal: its ARN and the decision.
    Text,
    /// A JSON array: per principal, its ARN, the decision and the deciding statements.
    Json,
    /// `principal,decision` rows.
    Csv,
}

#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The account file (`aws iam get-account-authorization-details`, or what
    /// download-policies wrote), with its managed policies.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The action, e.g. secretsmanager:GetSecretValue.
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN.
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// A context key the request gives, KEY=VALUE (repeat a key for several values); each
    /// principal's ARN, account, type, name and tags are added.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    #[command(flatten)]
    pub organization: OrganizationArgs,
    /// Resource-based policies by resource ARN, as for `simulate`.
    #[arg(long, value_name = "FILE")]
    pub resource_policies: Option<PathBuf>,
    /// List every principal, those denied too.
    #[arg(long)]
    pub all: bool,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=super::MAX_JOBS))]
    pub jobs: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = WhoCanFormatArg::Text)]
    pub fmt: WhoCanFormatArg,
}

/// `who-can`: the principals allowed (or allowed if conditions hold); exit 2 when a
/// principal could not be evaluated, after the others are printed.
pub fn run_who_can(args: WhoCanArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    check_request(&args.action, &args.resource)?;
    let account = AuthorizationDetails::from_path(&args.input)?;
    let context = request_context(&args.context)?;
    let mut shared = args.organization.policies()?;
    shared.extend(resource_policies(
        args.resource_policies.as_deref(),
        &args.resource,
    )?);
    let pool = super::jobs_pool(args.jobs)?;
    let mut found =
        pool.install(|| who_can(&account, &args.action, &args.resource, &context, &shared))?;
    let total = found.answers.len();
    if !args.all {
        found
            .answers
            .retain(|answer| matches!(answer.decision, Decision::Allowed | Decision::AllowedIf));
    }
    let io = |source| Error::io("<stdout>", source);
    match args.fmt {
        WhoCanFormatArg::Json => json::write_pretty(&found.answers, out).map_err(io)?,
        WhoCanFormatArg::Csv => {
            writeln!(out, "principal,decision").map_err(io)?;
            for answer in &found.answers {
                writeln!(out, "{},{}", answer.principal, answer.decision.as_str()).map_err(io)?;
            }
        }
        WhoCanFormatArg::Text => {
            for answer in &found.answers {
                writeln!(out, "{}: {}", answer.principal, answer.decision.as_str()).map_err(io)?;
            }
            let allowed = found
                .answers
                .iter()
                .filter(|answer| matches!(answer.decision, Decision::Allowed | Decision::AllowedIf))
                .count();
            writeln!(
                out,
                "{allowed} of {total} principals can {} on {} (or can if conditions hold)",
                args.action, args.resource
            )
            .map_err(io)?;
        }
    }
    for (arn, reason) in &found.unreadable {
        eprintln!(
            "error: {}: {arn}: not evaluated: {reason}",
            args.input.display()
        );
    }
    Ok(match found.unreadable.is_empty() {
        true => Exit::Ok,
        false => Exit::Usage,
    })
}
