//! `principal-can`: every documented action a principal of an account file may do, with
//! the resources, under its policies, permissions boundary and SCPs.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::data::{AccessLevel, Service};
use policy_sentry::error::Error;
use policy_sentry::output::json;
use policy_sentry::output::text::counted;
use policy_sentry::simulate::principal::Principal;
use policy_sentry::simulate::principal_can::{ActionGrant, principal_can};
use policy_sentry::simulate::{Context, Decision};

use super::query::LevelArg;
use super::{CliError, Exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrincipalCanFormatArg {
    /// One line per action: its access level and resources.
    Text,
    /// Per action: its access level, each resource with the decision and deciding
    /// statements, and the Deny patterns carved out.
    Json,
    /// `action,access_level,resource,decision` rows.
    Csv,
}

#[derive(Debug, Args)]
pub struct PrincipalCanArgs {
    /// The account file (`aws iam get-account-authorization-details`, or what
    /// download-policies wrote), with the principal's managed policies.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The user or role, by ARN.
    #[arg(long, value_name = "ARN")]
    pub principal: String,
    /// Only actions of this service prefix (repeatable), e.g. s3.
    #[arg(long, value_name = "PREFIX")]
    pub service: Vec<String>,
    /// Only actions of this access level (repeatable).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub access_level: Vec<LevelArg>,
    /// A context key the requests give, KEY=VALUE (repeat a key for several values);
    /// statements depending on keys not given are listed as "allowed if".
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    #[command(flatten)]
    pub organization: super::simulate::OrganizationArgs,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=super::MAX_JOBS))]
    pub jobs: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PrincipalCanFormatArg::Text)]
    pub fmt: PrincipalCanFormatArg,
}

pub fn run(args: PrincipalCanArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let services: Vec<Service> = args
        .service
        .iter()
        .map(|prefix| policy_sentry::query::service(prefix))
        .collect::<Result<_, _>>()?;
    let account = AuthorizationDetails::from_path(&args.input)?;
    let principal = Principal::find(&account, &args.principal)?;
    let given = principal.context_with(&super::simulate::request_context(&args.context)?);
    let mut policies = principal.policies;
    policies.extend(args.organization.policies()?);
    let context = Context::partial_from(given, Principal::decided_keys());
    let levels: Vec<AccessLevel> = args.access_level.iter().map(|&l| l.into()).collect();
    let pool = super::jobs_pool(args.jobs)?;
    let grants = pool.install(|| {
        principal_can(&policies, &context, |action| {
            (services.is_empty() || services.contains(&action.service()))
                && (levels.is_empty() || levels.contains(&action.access_level()))
        })
    });
    let io = |source| Error::io("<stdout>", source);
    match args.fmt {
        PrincipalCanFormatArg::Json => json::write_pretty(&grants, out).map_err(io)?,
        PrincipalCanFormatArg::Csv => write_csv(&grants, out).map_err(io)?,
        PrincipalCanFormatArg::Text => write_text(&grants, &args.principal, out).map_err(io)?,
    }
    Ok(Exit::Ok)
}

fn write_text(
    grants: &[ActionGrant],
    principal: &str,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for grant in grants {
        let resources: Vec<String> = grant
            .resources
            .iter()
            .map(|r| match r.decision {
                Decision::AllowedIf => format!("{} (if conditions hold)", r.resource),
                _ => r.resource.clone(),
            })
            .collect();
        let except = match grant.except.is_empty() {
            true => String::new(),
            false => format!("; except {}", grant.except.join(", ")),
        };
        writeln!(
            out,
            "{} ({}): {}{except}",
            grant.action,
            grant.access_level,
            resources.join(", ")
        )?;
    }
    let mut services: Vec<&str> = grants
        .iter()
        .filter_map(|g| g.action.split(':').next())
        .collect();
    services.dedup();
    writeln!(
        out,
        "{principal} can do {} in {}",
        counted(grants.len(), "action", "actions"),
        counted(services.len(), "service", "services")
    )
}

fn write_csv(grants: &[ActionGrant], out: &mut impl Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["action", "access_level", "resource", "decision"])?;
    for grant in grants {
        for resource in &grant.resources {
            writer.write_record([
                grant.action.as_str(),
                grant.access_level,
                resource.resource.as_str(),
                resource.decision.as_str(),
            ])?;
        }
    }
    writer.flush()
}
