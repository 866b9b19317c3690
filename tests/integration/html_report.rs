//! The account HTML report in headless Chromium: its scripts run without console errors, it
//! fetches nothing, and at 1,400 px wide no table is wider than the page, even with the
//! longest names IAM allows. Each run also leaves a screenshot.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{policy_sentry, repo_path};

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Loads a page at 1,400 px wide; returns the DOM after scripts ran and the console
/// messages Chromium logged.
fn render(browser: &str, page: &Path) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let output = headless(browser, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (dom, console)
}

/// The tables (by id, or their index) wider than what holds them, and the page's width,
/// measured by a script added to a copy of the page.
fn overflowing(browser: &str, page: &Path) -> String {
    let probe = page.with_extension("probe.html");
    let mut html = std::fs::read_to_string(page).unwrap();
    html.push_str(
        "<script>document.body.setAttribute('data-overflow', \
         (document.documentElement.scrollWidth > window.innerWidth ? 'page ' : '') + \
         Array.from(document.querySelectorAll('table')).map(function (t, i) { \
           return t.scrollWidth > t.parentElement.clientWidth ? (t.id || String(i)) + ' ' : ''; \
         }).join(''));</script>",
    );
    std::fs::write(&probe, html).unwrap();
    let (dom, _) = render(browser, &probe);
    let start = dom.find("data-overflow=\"").expect("the probe ran") + "data-overflow=\"".len();
    dom[start..start + dom[start..].find('"').unwrap()]
        .trim()
        .to_owned()
}

/// The example account with the longest names IAM allows: a 512-character path, 64-character
/// role names, a 128-character policy name.
fn long_names_account(dir: &Path) -> std::path::PathBuf {
    let text =
        std::fs::read_to_string(repo_path("examples/account/authorization-details.json")).unwrap();
    let mut account: Value = serde_json::from_str(&text).unwrap();
    let path = format!("/{}/", "organizational-unit-with-a-long-name".repeat(14))
        .chars()
        .take(511)
        .collect::<String>()
        + "/";
    let policy_name: String = "PolicyForTheDataPlatformTeamWhoNeedsEverything"
        .repeat(3)
        .chars()
        .take(128)
        .collect();
    let policies = account["Policies"].as_array_mut().unwrap();
    let renamed = policies
        .iter_mut()
        .find(|p| p["PolicyName"] == "ReadSecrets")
        .unwrap();
    let old_arn = renamed["Arn"].as_str().unwrap().to_owned();
    let new_arn = format!("arn:aws:iam::111122223333:policy{path}{policy_name}");
    renamed["PolicyName"] = Value::String(policy_name.clone());
    renamed["Arn"] = Value::String(new_arn.clone());
    renamed["Path"] = Value::String(path.clone());
    for list in ["UserDetailList", "RoleDetailList"] {
        for principal in account[list].as_array_mut().unwrap() {
            for attached in principal["AttachedManagedPolicies"].as_array_mut().unwrap() {
                if attached["PolicyArn"] == old_arn.as_str() {
                    attached["PolicyArn"] = Value::String(new_arn.clone());
                    attached["PolicyName"] = Value::String(policy_name.clone());
                }
            }
        }
    }
    for role in account["RoleDetailList"].as_array_mut().unwrap() {
        let name: String = format!("{}-{}", role["RoleName"].as_str().unwrap(), "x".repeat(64))
            .chars()
            .take(64)
            .collect();
        role["Arn"] = Value::String(format!("arn:aws:iam::111122223333:role{path}{name}"));
        role["RoleName"] = Value::String(name);
        role["Path"] = Value::String(path.clone());
    }
    let input = dir.join("long-names.json");
    std::fs::write(&input, account.to_string()).unwrap();
    input
}

fn html_report(input: &Path, dir: &Path) -> std::path::PathBuf {
    let output = policy_sentry()
        .args(["analyze", "account", "--fmt", "html", "--input"])
        .arg(input)
        .arg("--output-dir")
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join("report.html")
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        crate::support::skip_without(
            "chromium",
            "html_report_renders_in_headless_chromium",
            "no chromium on PATH (Debian package `chromium`)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The checks themselves work: a script error is caught, and so is a table too wide.
    let broken = dir.path().join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><html><body><script>notDefined();</script>\
         <table id=\"wide\"><tr><td style=\"min-width: 3000px\">x</td></tr></table></body></html>",
    )
    .unwrap();
    let (_, console) = render(browser, &broken);
    assert!(
        console
            .iter()
            .any(|l| l.contains("Uncaught ReferenceError")),
        "{console:?}"
    );
    assert_eq!(overflowing(browser, &broken), "page wide");

    let page = html_report(
        &repo_path("examples/account/authorization-details.json"),
        dir.path(),
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http://"),
        "no fetches"
    );
    // The chart comes first: one bar per category, each coloured by its severity.
    let chart = html
        .find("<svg id=\"findings-chart\"")
        .expect("a chart of findings");
    assert!(chart < html.find("id=\"summary\"").unwrap());
    assert_eq!(
        html.matches("</title></rect>").count(),
        10,
        "a bar per category"
    );
    assert!(html.contains("<title>AssumableByAnyPrincipal: 1 principals (critical)</title>"));
    assert!(html.contains("<h2 id=\"escalation\">Escalation paths</h2>"));
    let (dom, console) = render(browser, &page);
    assert!(console.is_empty(), "console messages: {console:?}");
    let rows = dom.matches("<tr class=\"finding\">").count();
    assert!(rows > 0, "empty findings table:\n{dom}");
    // The inline script ran: it filled in the row count.
    assert!(
        dom.contains(&format!("<span id=\"shown\">{rows}</span>")),
        "script did not run"
    );

    // The longest names wrap inside their cells.
    let long = tempfile::tempdir().unwrap();
    let page = html_report(&long_names_account(long.path()), long.path());
    assert!(
        std::fs::read_to_string(&page)
            .unwrap()
            .contains("PolicyForTheDataPlatformTeam")
    );
    assert_eq!(
        overflowing(browser, &page),
        "",
        "tables wider than 1,400 px"
    );

    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-1400.png");
    let profile = tempfile::tempdir().unwrap();
    let status = headless(browser, profile.path())
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&screenshot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 1400, "a screenshot 1,400 px wide");
    eprintln!("screenshot: {}", screenshot.display());
}
