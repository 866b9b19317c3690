//! `write-policy-dir`: every template of a directory to one policy file each, written
//! atomically; a failing template does not stop the others.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use policy_sentry::error::Error;
use policy_sentry::write::{PolicyFormat, Template, parse_templates, write_policy};

use super::write_policy::{FmtArg, MinimizeArgs, print_warnings};
use policy_sentry::fs::{FileKind, write_atomically};

use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct WritePolicyDirArgs {
    /// Directory of YAML templates (`*.yml`, `*.yaml`; not recursive).
    #[arg(long, value_name = "DIR")]
    pub input_dir: PathBuf,
    /// Directory for the policies (created if missing): `name.yml` becomes `name.json`.
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
    #[command(flatten)]
    pub minimize: MinimizeArgs,
    /// Output format (`--fmt yaml` writes `name.yml` files).
    #[arg(long, value_enum, default_value_t = FmtArg::Json)]
    pub fmt: FmtArg,
}

pub fn run(args: WritePolicyDirArgs, _out: &mut impl Write) -> Result<Exit, CliError> {
    let templates = template_files(&args.input_dir)?;
    if templates.is_empty() {
        return Err(CliError::Usage(format!(
            "{} holds no .yml or .yaml templates",
            args.input_dir.display()
        )));
    }
    std::fs::create_dir_all(&args.output_dir)
        .map_err(|source| Error::io(&args.output_dir, source))?;
    let format: PolicyFormat = args.fmt.into();
    let extension = match format {
        PolicyFormat::Yaml => "yml",
        PolicyFormat::Json | PolicyFormat::Terraform => "json",
    };
    let mut written_paths: HashSet<PathBuf> = HashSet::new();
    let mut failures: Vec<Error> = Vec::new();
    let mut written = 0;
    for file in &templates {
        let result = write_one(
            file,
            &args.output_dir,
            extension,
            format,
            args.minimize.value(),
            &mut written_paths,
        );
        match result {
            Ok(count) => written += count,
            Err(error) => failures.push(error.in_file(file)),
        }
    }
    eprintln!(
        "wrote {written} {} to {}",
        if written == 1 { "policy" } else { "policies" },
        args.output_dir.display()
    );
    if failures.is_empty() {
        return Ok(Exit::Ok);
    }
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    Err(CliError::Usage(format!(
        "{} of {} templates failed",
        failures.len(),
        templates.len()
    )))
}

/// The templates of a directory, sorted by name.
fn template_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::io(dir, source))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| Error::io(dir, source))?.path();
        let is_yaml = path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                extension.eq_ignore_ascii_case("yml") || extension.eq_ignore_ascii_case("yaml")
            });
        if is_yaml && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the policies of one template file; returns how many.
fn write_one(
    file: &Path,
    output_dir: &Path,
    extension: &str,
    format: PolicyFormat,
    minimize: Option<usize>,
    written_paths: &mut HashSet<PathBuf>,
) -> Result<usize, Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::io(file, source))?;
    let templates = parse_templates(&text)?;
    let stem = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Check every policy before writing any, so a template is written whole or not at all.
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (index, template) in templates.iter().enumerate() {
        let path = output_dir.join(output_name(&stem, &templates, index, template, extension));
        let policy = write_policy(template, minimize)?;
        print_warnings(file, &policy.warnings);
        let mut bytes = Vec::new();
        policy
            .policy
            .render(format, &mut bytes)
            .map_err(|source| Error::io(&path, source))?;
        if written_paths.contains(&path) || outputs.iter().any(|(seen, _)| *seen == path) {
            return Err(Error::template(
                "",
                format!(
                    "{} was already written from another template",
                    path.display()
                ),
            ));
        }
        outputs.push((path, bytes));
    }
    // Claimed only now: a file that fails part-way writes nothing and claims no path.
    written_paths.extend(outputs.iter().map(|(path, _)| path.clone()));
    for (path, bytes) in &outputs {
        write_atomically(path, bytes, FileKind::Document)
            .map_err(|source| Error::io(path, source))?;
    }
    Ok(outputs.len())
}

/// `stem.json` for a file with one policy; `stem.<entry name>.json` (or `stem.<n>.json`
/// when the name is empty or repeated) for each entry of a seed-era file.
fn output_name(
    stem: &str,
    templates: &[Template],
    index: usize,
    template: &Template,
    extension: &str,
) -> String {
    if templates.len() == 1 {
        return format!("{stem}.{extension}");
    }
    let clean = |name: &str| -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let name = template.name().map(clean).unwrap_or_default();
    let unique = !name.is_empty()
        && templates
            .iter()
            .filter(|other| other.name().map(clean).as_deref() == Some(name.as_str()))
            .count()
            == 1;
    if unique {
        format!("{stem}.{name}.{extension}")
    } else {
        format!("{stem}.{}.{extension}", index + 1)
    }
}
