//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

pub mod reference_arn;

/// A path under the crate root.
pub fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The names of the files in a folder under the crate root, sorted.
pub fn file_names(relative: &str) -> Vec<String> {
    names_in(&repo_path(relative))
}

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Reads a file under the crate root as text.
pub fn read(relative: &str) -> String {
    let path = repo_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The variable that lists the external tools a test run may do without, comma separated
/// (`chromium`, `moto`). Without it a test whose tool is missing fails rather than skips.
pub const SKIP_VARIABLE: &str = "POLICY_SENTRY_TESTS_SKIP";

/// Called by a test that cannot run because `tool` is missing: fails the test unless
/// [`SKIP_VARIABLE`] names the tool, so a missing tool is never a silent pass.
pub fn skip_without(tool: &str, test: &str, why: &str) {
    let allowed = std::env::var(SKIP_VARIABLE).unwrap_or_default();
    assert!(
        allowed.split(',').any(|name| name.trim() == tool),
        "{test}: {why}; install it (bash .ci/run does) or set {SKIP_VARIABLE}={tool} to skip"
    );
    eprintln!("SKIPPED {test}: {why} ({SKIP_VARIABLE} names {tool})");
}

/// The `policy_sentry` binary built for these tests, in an environment of the tests' own:
/// help text wrapped at a fixed width whatever the terminal, and none of the variables the
/// binary reads at run time inherited from the shell.
/// A finished run of the binary: its output as text, and its exit code (-1 for a signal).
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Run {
        Run {
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

pub fn policy_sentry() -> assert_cmd::Command {
    assert_cmd::Command::from_std(policy_sentry_std())
}

/// [`policy_sentry`] as a plain `std::process::Command`, for tests that manage pipes.
pub fn policy_sentry_std() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("policy_sentry"));
    hermetic(&mut command);
    command
}

/// Gives `command` (the binary, or a shell that runs it) the tests' environment.
pub fn hermetic(command: &mut std::process::Command) -> &mut std::process::Command {
    // clap's wrap_help reads COLUMNS before the terminal; 100 is its default without either.
    command
        .env("COLUMNS", "100")
        .env_remove("POLICY_SENTRY_ACCESS_OVERRIDES")
        .env_remove(TODAY_VARIABLE)
        .env(SNAPSHOT_VARIABLE, COMPATIBLE_DATE)
}

/// The variable that pins the binary's data snapshot. The tests compare with policy_sentry
/// 0.12.15 and the outputs recorded before newer data was embedded, so the binary runs on the
/// 2024-07-15 pages (a test of another snapshot sets it again).
pub const SNAPSHOT_VARIABLE: &str = "POLICY_SENTRY_DATA_SNAPSHOT";

pub use policy_sentry::data::snapshot::COMPATIBLE_DATE;

/// The test hook `data-info` reads for "today" (`src/cli/data_info.rs`).
pub const TODAY_VARIABLE: &str = "POLICY_SENTRY_TODAY";

/// The page as a web server might send it rather than as BeautifulSoup's `prettify()` wrote
/// it: white space around tags dropped, other runs collapsed to one space, and the attributes
/// of every tag in reverse order. Script, style and comment contents are kept verbatim.
pub fn as_served(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(comment.len(), |at| at + 3);
            out.push_str("<!--");
            out.push_str(&comment[..end]);
            rest = &comment[end..];
        } else if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = &rest[..end];
            out.push_str(&reverse_attributes(tag));
            rest = &rest[end..];
            let name = tag_name(tag).to_ascii_lowercase();
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                let end = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text: Vec<&str> = rest[..end].split_whitespace().collect();
            out.push_str(&text.join(" "));
            rest = &rest[end..];
        }
    }
    out
}

/// The length of the tag at the start of `text`, quotes respected.
fn tag_end(text: &str) -> usize {
    let mut quote = None;
    for (at, character) in text.char_indices().skip(1) {
        match (quote, character) {
            (None, '"' | '\'') => quote = Some(character),
            (Some(open), _) if open == character => quote = None,
            (None, '>') => return at + 1,
            _ => {}
        }
    }
    text.len()
}

fn tag_name(tag: &str) -> &str {
    let inner = tag.trim_start_matches('<');
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(inner.len());
    &inner[..end]
}

/// `<td rowspan="2" tabindex="-1">` becomes `<td tabindex="-1" rowspan="2">`.
fn reverse_attributes(tag: &str) -> String {
    if tag.starts_with("</") || tag.starts_with("<!") {
        return tag.to_owned();
    }
    let name = tag_name(tag);
    let body = tag[1 + name.len()..].trim_end_matches('>');
    let (body, self_closing) = match body.trim_end().strip_suffix('/') {
        Some(body) => (body, true),
        None => (body, false),
    };
    let mut attributes = Vec::new();
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let mut attribute = rest[..name_end].to_owned();
        rest = rest[name_end..].trim_start();
        if let Some(value) = rest.strip_prefix('=') {
            let value = value.trim_start();
            let (quoted, after) = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let end = value[1..].find(quote).map_or(value.len(), |at| at + 2);
                    (&value[..end], &value[end..])
                }
                _ => {
                    let end = value.find(char::is_whitespace).unwrap_or(value.len());
                    (&value[..end], &value[end..])
                }
            };
            attribute.push('=');
            attribute.push_str(quoted);
            rest = after.trim_start();
        }
        attributes.push(attribute);
    }
    attributes.reverse();
    let mut out = format!("<{name}");
    for attribute in attributes {
        out.push(' ');
        out.push_str(&attribute);
    }
    if self_closing {
        out.push('/');
    }
    out.push('>');
    out
}

/// A loopback address that refuses connections for as long as the value lives: its port is
/// bound but not listening, so no other test's server can be given it meanwhile (dropping a
/// listener to get a "closed" port would free it for anyone).
pub struct RefusingPort {
    _socket: socket2::Socket,
    pub addr: std::net::SocketAddr,
}

impl RefusingPort {
    pub fn new() -> RefusingPort {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        let any_port = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        socket.bind(&any_port.into()).expect("bind a loopback port");
        let addr = socket
            .local_addr()
            .expect("bound address")
            .as_socket()
            .expect("an IP address");
        RefusingPort {
            _socket: socket,
            addr,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
