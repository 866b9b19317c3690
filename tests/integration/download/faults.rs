//! `download-policies` when things go wrong on the way: a run killed mid-download leaves the
//! earlier files whole, throttling and server errors are retried without loss, and a run
//! gives up after its maximum attempts.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::account::{ACCOUNT_ID, policy_files, populate, read_account_file};
use super::moto::{ACCESS_KEY, Moto, SECRET_KEY, block_on};
use super::proxy::{self, Fault, Proxy};
use super::{TEST_KEYS, all_files, download, download_command, download_ok, expected_files};

/// Killed while it waits for a page, a run leaves the files of the run before it as they were,
/// and no temporary file: files are written whole, to a temporary name, then renamed.
#[test]
fn an_interrupted_run_leaves_earlier_files_whole() {
    let Some(moto) = Moto::start("an_interrupted_run_leaves_earlier_files_whole", &[]) else {
        return;
    };
    block_on(populate(&moto.iam(ACCESS_KEY, SECRET_KEY)));
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    let contents = |dir: &Path| -> BTreeMap<std::path::PathBuf, Vec<u8>> {
        all_files(dir)
            .into_iter()
            .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
            .collect()
    };
    download_ok(
        home.path(),
        &moto.url(),
        output.path(),
        &["--include-unattached"],
    );
    let before = contents(output.path());
    assert!(before.len() > 2, "{before:?}");

    // The second page of the account details never comes.
    let pages = Arc::new(AtomicUsize::new(0));
    let stalled = Arc::new(AtomicBool::new(false));
    let plan = {
        let (pages, stalled) = (pages.clone(), stalled.clone());
        Arc::new(move |_: usize, action: &str| {
            if action != "GetAccountAuthorizationDetails"
                || pages.fetch_add(1, Ordering::SeqCst) != 1
            {
                return None;
            }
            stalled.store(true, Ordering::SeqCst);
            Some(Fault::Stall)
        })
    };
    let proxy = Proxy::start(moto.addr, true, plan);
    let mut run = download_command(
        home.path(),
        &TEST_KEYS,
        &[
            "--endpoint-url",
            &proxy.url(),
            "--output-dir",
            output.path().to_str().unwrap(),
            "--include-unattached",
            "--page-size",
            "2",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("start policy_sentry");
    let started = Instant::now();
    while !stalled.load(Ordering::SeqCst) {
        if let Some(status) = run.try_wait().unwrap() {
            panic!("the run ended before the stalled page: {status}");
        }
        assert!(
            started.elapsed() < proxy::STALL,
            "the run never asked for the second page"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    run.kill().unwrap();
    run.wait().unwrap();
    assert_eq!(contents(output.path()), before);
}

#[test]
fn throttling_and_server_errors_lose_nothing() {
    let Some(moto) = Moto::start("throttling_and_server_errors_lose_nothing", &[]) else {
        return;
    };
    let expected = block_on(populate(&moto.iam(ACCESS_KEY, SECRET_KEY)));
    let home = tempfile::tempdir().unwrap();
    let direct = tempfile::tempdir().unwrap();
    download_ok(
        home.path(),
        &moto.url(),
        direct.path(),
        &["--include-unattached"],
    );

    // Every other request fails, cycling through the four kinds of failure, so every call
    // (the STS one and each page) fails once before it succeeds.
    let kinds = [
        Fault::TooManyRequests,
        Fault::Unavailable,
        Fault::Throttling,
        Fault::Internal,
    ];
    let proxy = Proxy::start(
        moto.addr,
        true,
        Arc::new(move |index, _| (index % 2 == 0).then(|| kinds[(index / 2) % kinds.len()])),
    );
    let faulty = tempfile::tempdir().unwrap();
    let run = download_ok(
        home.path(),
        &proxy.url(),
        faulty.path(),
        &[
            "--page-size",
            "4",
            "--max-attempts",
            "3",
            "--include-unattached",
        ],
    );
    let calls = 1 + expected.entity_count().div_ceil(4);
    assert!(
        run.stdout
            .contains(&format!("{} requests, {calls} retries", 2 * calls)),
        "{}",
        run.stdout
    );
    let exchanges = proxy.exchanges();
    assert_eq!(exchanges.len(), 2 * calls);
    let injected: Vec<u16> = exchanges
        .iter()
        .filter(|exchange| exchange.injected)
        .map(|exchange| exchange.status)
        .collect();
    assert_eq!(injected.len(), calls);
    for status in [429, 503, 400, 500] {
        assert!(
            injected.contains(&status),
            "{status} never injected: {injected:?}"
        );
    }
    assert_eq!(
        read_account_file(faulty.path()),
        read_account_file(direct.path())
    );
    assert_eq!(
        policy_files(&faulty.path().join(ACCOUNT_ID).join("customer-managed")),
        expected_files(&expected, true)
    );
}

#[test]
fn gives_up_after_max_attempts() {
    let Some(moto) = Moto::start("gives_up_after_max_attempts", &[]) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let output = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(moto.addr, false, Arc::new(|_, _| Some(Fault::Unavailable)));
    let run = download(
        home.path(),
        &TEST_KEYS,
        &[
            "--endpoint-url",
            &proxy.url(),
            "--output-dir",
            output.path().to_str().unwrap(),
            "--max-attempts",
            "2",
        ],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: default credentials: sts:GetCallerIdentity: ServiceUnavailable: Service unavailable\n"
    );
    assert_eq!(proxy.exchanges().len(), 2);
    assert!(all_files(output.path()).is_empty());
}
