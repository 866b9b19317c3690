//! `query action-table | arn-table | condition-table | service-table`.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use policy_sentry::data::{AccessLevel, Action, Service};
use policy_sentry::error::{Error, suggest};
use policy_sentry::output::{OutputFormat, render};
use policy_sentry::query::{actions, arns, conditions, services};

use super::{CliError, Exit};

#[derive(Debug, Subcommand)]
#[allow(clippy::enum_variant_names)] // the subcommand names are policy_sentry's
pub enum QueryCommand {
    /// Actions of a service: by name, access level, condition key or resource type.
    ActionTable(ActionTableArgs),
    /// ARN formats and resource types of a service.
    ArnTable(ArnTableArgs),
    /// Condition keys of a service.
    ConditionTable(ConditionTableArgs),
    /// Every service prefix with its name.
    ServiceTable(ServiceTableArgs),
}

/// Access levels as the CLI spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LevelArg {
    Read,
    Write,
    List,
    Tagging,
    PermissionsManagement,
}

impl From<LevelArg> for AccessLevel {
    fn from(level: LevelArg) -> AccessLevel {
        match level {
            LevelArg::Read => AccessLevel::Read,
            LevelArg::Write => AccessLevel::Write,
            LevelArg::List => AccessLevel::List,
            LevelArg::Tagging => AccessLevel::Tagging,
            LevelArg::PermissionsManagement => AccessLevel::PermissionsManagement,
        }
    }
}

/// `--fmt` of the query commands; the help lines are those of [`OutputFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Pretty JSON (4-space indent, non-ASCII escaped), as policy_sentry prints it.
    Json,
    /// YAML.
    Yaml,
    /// CSV with a header row (lists and tables only).
    Csv,
    /// Plain text: one item per line.
    Text,
}

impl From<FormatArg> for OutputFormat {
    fn from(format: FormatArg) -> OutputFormat {
        match format {
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Yaml => OutputFormat::Yaml,
            FormatArg::Csv => OutputFormat::Csv,
            FormatArg::Text => OutputFormat::Text,
        }
    }
}

#[derive(Debug, Args)]
pub struct ActionTableArgs {
    /// Service prefix, e.g. s3 (case-insensitive), or `all` for every service.
    #[arg(short, long)]
    pub service: String,
    /// Action name, e.g. GetObject (case-insensitive); a glob such as `Get*`; `*` for all.
    #[arg(short, long)]
    pub name: Option<String>,
    /// Only actions at this access level.
    #[arg(short, long, value_enum)]
    pub access_level: Option<LevelArg>,
    /// Only actions that support this condition key, e.g. ses:FeedbackAddress.
    #[arg(short, long)]
    pub condition: Option<String>,
    /// Only actions that take this resource type, e.g. bucket; `*` for actions that support
    /// no resource constraint.
    #[arg(short, long)]
    pub resource_type: Option<String>,
    /// Only actions that support no resource constraint (same as `--resource-type '*'`).
    #[arg(long, conflicts_with = "resource_type")]
    pub wildcard_only: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub fmt: FormatArg,
}

#[derive(Debug, Args)]
pub struct ArnTableArgs {
    /// Service prefix, e.g. cloud9 (case-insensitive); `all` lists every service's ARNs.
    #[arg(short, long)]
    pub service: String,
    /// Details of this resource type, e.g. environment (case-insensitive).
    #[arg(short, long)]
    pub name: Option<String>,
    /// List resource type names with their ARN formats.
    #[arg(short, long)]
    pub list_arn_types: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub fmt: FormatArg,
}

#[derive(Debug, Args)]
pub struct ConditionTableArgs {
    /// Service prefix, e.g. cloud9 (case-insensitive); `all` lists every service's keys.
    #[arg(short, long)]
    pub service: String,
    /// Details of this condition key, e.g. cloud9:Permissions; templates such as
    /// `s3:ExistingObjectTag/<key>` match concrete keys.
    #[arg(short, long)]
    pub name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub fmt: FormatArg,
}

#[derive(Debug, Args)]
pub struct ServiceTableArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub fmt: FormatArg,
}

pub fn run(command: QueryCommand, out: &mut impl Write) -> Result<Exit, CliError> {
    let (value, fmt) = match command {
        QueryCommand::ActionTable(args) => (action_table(&args)?, args.fmt),
        QueryCommand::ArnTable(args) => (arn_table(&args)?, args.fmt),
        QueryCommand::ConditionTable(args) => (condition_table(&args)?, args.fmt),
        QueryCommand::ServiceTable(args) => (json!(services::services()), args.fmt),
    };
    render(&value, fmt.into(), out)?;
    Ok(Exit::Ok)
}

fn is_all(service: &str) -> bool {
    service.eq_ignore_ascii_case("all")
}

fn names(actions: impl IntoIterator<Item = Action>) -> Value {
    Value::Array(
        actions
            .into_iter()
            .map(|action| Value::String(action.to_string()))
            .collect(),
    )
}

/// Runs a per-service query over every service and returns the sorted union.
fn across_services(
    query: impl Fn(&str) -> policy_sentry::Result<Vec<Action>>,
) -> Result<Value, CliError> {
    let mut all: Vec<String> = Vec::new();
    for service in Service::all() {
        all.extend(query(service.prefix())?.iter().map(Action::to_string));
    }
    all.sort_unstable();
    Ok(json!(all))
}

fn action_table(args: &ActionTableArgs) -> Result<Value, CliError> {
    let resource_type = if args.wildcard_only {
        Some("*")
    } else {
        args.resource_type.as_deref()
    };
    let level = args.access_level.map(AccessLevel::from);
    if is_all(&args.service) {
        return action_table_all(args, resource_type, level);
    }
    let service = &args.service;
    // The branches and their order follow policy_sentry's `query action-table`.
    Ok(match (&args.name, level, resource_type, &args.condition) {
        (None, Some(level), None, _) => names(actions::actions_with_access_level(service, level)?),
        (None, Some(level), Some(resource_type), _) => names(
            actions::actions_with_resource_type_and_access_level(service, resource_type, level)?,
        ),
        (_, _, _, Some(condition)) => {
            names(actions::actions_with_condition_key(service, condition)?)
        }
        (_, _, Some(resource_type), _) => {
            names(actions::actions_with_resource_type(service, resource_type)?)
        }
        (Some(name), None, None, None) => {
            let service = policy_sentry::query::service(service)?;
            let mut details = Vec::new();
            for action in actions::actions_matching_name(service.prefix(), name)? {
                details.extend(actions::action_details(action));
            }
            let mut wrapped = Map::new();
            wrapped.insert(service.prefix().to_owned(), json!(details));
            Value::Object(wrapped)
        }
        _ => names(actions::actions_for_service(service)?),
    })
}

fn action_table_all(
    args: &ActionTableArgs,
    resource_type: Option<&str>,
    level: Option<AccessLevel>,
) -> Result<Value, CliError> {
    if let Some(name) = &args.name {
        let mut details = Vec::new();
        let glob = policy_sentry::glob::CaselessGlob::new(name);
        for service in Service::all() {
            let matched = service
                .actions()
                .filter(|action| glob.matches(action.name()));
            for action in matched {
                details.extend(actions::action_details(action));
            }
        }
        if details.is_empty() {
            return Err(CliError::Usage(format!(
                "no action of any service is named {name:?}"
            )));
        }
        details.sort_by(|a, b| a.action.cmp(&b.action));
        return Ok(json!(details));
    }
    let result = match (level, resource_type, &args.condition) {
        (_, _, Some(condition)) => {
            let result = across_services(|prefix| {
                Ok(actions::actions_with_condition_key(prefix, condition).unwrap_or_default())
            })?;
            if result.as_array().is_some_and(Vec::is_empty) {
                return Err(Error::UnknownConditionKey {
                    service: "all".to_owned(),
                    name: condition.clone(),
                    suggestions: Default::default(),
                }
                .into());
            }
            result
        }
        (Some(level), None, None) => {
            across_services(|prefix| actions::actions_with_access_level(prefix, level))?
        }
        (Some(level), Some(resource_type), None) => across_services(|prefix| {
            Ok(
                actions::actions_with_resource_type_and_access_level(prefix, resource_type, level)
                    .unwrap_or_default(),
            )
        })?,
        (None, Some(resource_type), None) => across_services(|prefix| {
            Ok(actions::actions_with_resource_type(prefix, resource_type).unwrap_or_default())
        })?,
        (None, None, None) => json!(services::all_service_prefixes()),
    };
    if resource_type.is_some_and(|name| name != "*") && result.as_array().is_some_and(Vec::is_empty)
    {
        let every_type =
            Service::all().flat_map(|service| service.resource_types().map(|r| r.name()));
        return Err(CliError::Usage(format!(
            "no service has the resource type {:?}{}",
            resource_type.unwrap_or_default(),
            suggest(resource_type.unwrap_or_default(), every_type)
        )));
    }
    Ok(result)
}

fn arn_table(args: &ArnTableArgs) -> Result<Value, CliError> {
    if is_all(&args.service) {
        if args.name.is_some() || args.list_arn_types {
            return Err(CliError::Usage(
                "--service all lists ARN formats only; name one service for --name or --list-arn-types"
                    .to_owned(),
            ));
        }
        let mut all: Vec<&str> = Vec::new();
        for service in services::all_service_prefixes() {
            all.extend(arns::raw_arns_for_service(service)?);
        }
        return Ok(json!(all));
    }
    Ok(match (&args.name, args.list_arn_types) {
        (Some(name), _) => json!(arns::arn_type_details(&args.service, name)?),
        (None, true) => {
            let mut types = Map::new();
            for (name, arn) in arns::arn_types_for_service(&args.service)? {
                types.insert(name.to_owned(), json!(arn));
            }
            Value::Object(types)
        }
        (None, false) => json!(arns::raw_arns_for_service(&args.service)?),
    })
}

fn condition_table(args: &ConditionTableArgs) -> Result<Value, CliError> {
    if is_all(&args.service) {
        if args.name.is_some() {
            return Err(CliError::Usage(
                "--service all lists condition keys only; name one service for --name".to_owned(),
            ));
        }
        let mut all: Vec<&str> = Vec::new();
        for service in services::all_service_prefixes() {
            all.extend(conditions::condition_keys_for_service(service)?);
        }
        return Ok(json!(all));
    }
    Ok(match &args.name {
        Some(name) => json!(conditions::condition_key_details(&args.service, name)?),
        None => json!(conditions::condition_keys_for_service(&args.service)?),
    })
}
