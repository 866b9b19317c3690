//! The `policy_sentry` command: parse arguments, call the library through `cli`, print one
//! error line on failure.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use cli::{CliError, Exit};
use policy_sentry::Error;

fn main() -> ExitCode {
    let args = cli::parse();
    for line in cli::diagnostics(&args) {
        eprintln!("{line}");
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = cli::run(args, &mut out).and_then(|exit| {
        out.flush()
            .map_err(|source| CliError::Library(Error::io("<stdout>", source)))?;
        Ok(exit)
    });
    match result {
        Ok(exit) => exit.into(),
        // `| head` closed the pipe: the reader has what it wanted.
        Err(error) if cli::is_broken_pipe(&error) => Exit::Ok.into(),
        Err(error) => {
            eprintln!("error: {error}");
            error.exit().into()
        }
    }
}
