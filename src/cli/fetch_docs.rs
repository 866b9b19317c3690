//! `fetch-docs`: download the current AWS Service Authorization Reference pages, with a
//! progress bar on stderr when it is a terminal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use policy_sentry::data::scrape::REFERENCE_BASE_URL;
use policy_sentry::fetch::{FetchEvent, FetchOptions, FetchReport, fetch_docs};
use policy_sentry::output::text::counted;

use super::{CliError, Exit};

#[derive(Debug, Args)]
pub struct FetchDocsArgs {
    /// The folder to write; replaced whole when the fetch succeeds (files other than pages,
    /// such as README.md, are kept).
    #[arg(long, value_name = "DIR")]
    pub output_dir: PathBuf,
    #[command(flatten, next_help_heading = "Download")]
    pub fetch: FetchArgs,
}

/// Where and how to download.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Where the pages live (a mirror, a test server).
    #[arg(long, value_name = "URL", default_value = REFERENCE_BASE_URL)]
    pub base_url: String,
    /// Pages downloaded at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Retries per request after a network error, 429 or 5xx (waiting 0.5 s, 1 s, 2 s, …).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    pub retries: u32,
}

pub fn run(args: FetchDocsArgs) -> Result<Exit, CliError> {
    fetch_into(&args.output_dir, &args.fetch)?;
    Ok(Exit::Ok)
}

/// Fetches into `output_dir`, reporting progress and the result on stderr.
pub fn fetch_into(output_dir: &Path, args: &FetchArgs) -> Result<FetchReport, CliError> {
    let options = FetchOptions {
        base_url: args.base_url.clone(),
        concurrency: usize::from(args.concurrency),
        attempts: args.retries + 1,
        ..FetchOptions::default()
    };
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} pages  {wide_msg}")
            .expect("static template is valid")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message("index page");
    let started = Instant::now();
    let progress = |event: FetchEvent<'_>| match event {
        FetchEvent::Listed { pages } => bar.set_length(pages as u64),
        FetchEvent::PageDone { file, .. } => {
            bar.inc(1);
            bar.set_message(file.to_owned());
        }
        FetchEvent::Retrying {
            url,
            attempt,
            attempts,
            reason,
            delay,
        } => {
            let line = format!(
                "retrying {url} in {:.1} s ({reason}; attempt {} of {attempts})",
                delay.as_secs_f64(),
                attempt + 1
            );
            if bar.is_hidden() {
                eprintln!("{line}");
            } else {
                bar.println(line);
            }
        }
    };
    let result = fetch_docs(output_dir, &options, &progress);
    bar.finish_and_clear();
    let report = result?;
    eprintln!(
        "fetched {} ({:.1} MB; {} services, {} actions) into {} in {:.1} s{}",
        counted(report.pages, "page", "pages"),
        report.bytes as f64 / 1e6,
        report.services,
        report.actions,
        report.output_dir.display(),
        started.elapsed().as_secs_f64(),
        match report.retries {
            0 => String::new(),
            retries => format!(", {retries} request(s) retried"),
        }
    );
    if let Some(leftover) = &report.leftover {
        eprintln!("warning: {leftover}");
    }
    if !report.kept.is_empty() {
        eprintln!("kept from the old folder: {}", report.kept.join(", "));
    }
    eprintln!(
        "build a binary from them: POLICY_SENTRY_AWS_DOCS={} cargo install --path .",
        std::path::absolute(output_dir)
            .unwrap_or_else(|_| output_dir.to_owned())
            .display()
    );
    Ok(report)
}
