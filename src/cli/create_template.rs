//! `create-template`: the policy_sentry 0.12.15 templates, to standard output or a file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use policy_sentry::error::Error;
use policy_sentry::write::{TemplateKind, create_template};

use policy_sentry::fs::{FileKind, write_atomically};

use super::{CliError, Exit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateTypeArg {
    /// Resource ARNs per access level.
    Crud,
    /// A list of actions.
    Actions,
}

#[derive(Debug, Args)]
pub struct CreateTemplateArgs {
    /// Which template to write.
    #[arg(short = 't', long, value_enum, ignore_case = true)]
    pub template_type: TemplateTypeArg,
    /// Write the template to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long, requires = "output_file")]
    pub force: bool,
}

pub fn run(args: CreateTemplateArgs, out: &mut impl Write) -> Result<Exit, CliError> {
    let text = create_template(match args.template_type {
        TemplateTypeArg::Crud => TemplateKind::Crud,
        TemplateTypeArg::Actions => TemplateKind::Actions,
    });
    let Some(path) = args.output_file else {
        out.write_all(text.as_bytes())
            .map_err(|source| Error::io("<stdout>", source))?;
        return Ok(Exit::Ok);
    };
    if path.exists() && !args.force {
        return Err(CliError::Usage(format!(
            "{} already exists; pass --force to replace it",
            path.display()
        )));
    }
    write_atomically(&path, text.as_bytes(), FileKind::Document)
        .map_err(|source| Error::io(&path, source))?;
    let shown = std::path::absolute(&path).unwrap_or(path);
    eprintln!("write-policy template file written to: {}", shown.display());
    Ok(Exit::Ok)
}
