//! A moto server (PyPI `moto[server]`) on a loopback socket of its own for one test, killed
//! when the handle drops. Found through `MOTO_SERVER` (the path .ci/run exports), `.ci/venv/bin`, or
//! `PATH`; when it cannot be found the tests fail, unless `POLICY_SENTRY_TESTS_SKIP` names
//! `moto`, when they skip with a message.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};

/// The fake keys moto accepts while authentication is off.
pub const ACCESS_KEY: &str = "testing";
pub const SECRET_KEY: &str = "testing";

pub struct Moto {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// The moto_server binary, if there is one.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MOTO_SERVER").filter(|value| !value.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "MOTO_SERVER={} is not a file",
            path.display()
        );
        return Some(path);
    }
    let venv = crate::support::repo_path(".ci/venv/bin/moto_server");
    if venv.is_file() {
        return Some(venv);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("moto_server"))
        .find(|candidate| candidate.is_file())
}

impl Moto {
    /// Starts moto with these extra environment variables, or returns `None` (after saying
    /// why on stderr) when moto_server is not installed and the run may skip it.
    pub fn start(test: &str, env: &[(&str, &str)]) -> Option<Moto> {
        let Some(binary) = find() else {
            crate::support::skip_without(
                "moto",
                test,
                "moto_server not found (install `moto[server]`, or set MOTO_SERVER to its path)",
            );
            return None;
        };
        let mut last_error = String::new();
        for _ in 0..3 {
            match Moto::try_start(&binary, env) {
                Ok(moto) => return Some(moto),
                Err(error) => last_error = error,
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    fn try_start(binary: &Path, env: &[(&str, &str)]) -> Result<Moto, String> {
        // The socket is bound here and handed to moto as its standard input, which werkzeug
        // serves when told to (WERKZEUG_SERVER_FD, read while WERKZEUG_RUN_MAIN is set): no
        // window between choosing a free port and binding it for another test to take it.
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log = dir.path().join("moto.log");
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let mut command = Command::new(binary);
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::from(OwnedFd::from(listener)))
            .env("WERKZEUG_RUN_MAIN", "true")
            .env("WERKZEUG_SERVER_FD", "0")
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let mut moto = Moto {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = moto.child.try_wait() {
                return Err(format!("exited with {status}: {}", moto.log_tail()));
            }
            if moto.ready() {
                return Ok(moto);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("not ready after 60 s: {}", moto.log_tail()))
    }

    fn ready(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200))
        else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let request = format!(
            "GET /moto-api/data.json HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
    }

    /// Turns authentication on from now: requests must be signed with a key moto issued,
    /// whose user's policies allow the action (moto's `/moto-api/reset-auth`).
    pub fn require_authentication(&self) {
        let mut stream = TcpStream::connect(self.addr).expect("connect to moto");
        let request = format!(
            "POST /moto-api/reset-auth HTTP/1.1\r\nHost: {}\r\nContent-Length: 1\r\nConnection: close\r\n\r\n0",
            self.addr
        );
        stream.write_all(request.as_bytes()).expect("reset-auth");
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .expect("reset-auth answer");
        assert!(answer.starts_with("HTTP/1.1 200"), "reset-auth: {answer}");
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// An IAM client of the test itself, to create what the download must find.
    pub fn iam(&self, access_key: &str, secret_key: &str) -> aws_sdk_iam::Client {
        iam_client(&self.url(), access_key, secret_key)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An IAM client on `url` with static keys, plain HTTP.
pub fn iam_client(url: &str, access_key: &str, secret_key: &str) -> aws_sdk_iam::Client {
    let config = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            access_key, secret_key, None, None, "tests",
        ))
        .endpoint_url(url)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_iam::Client::from_conf(config)
}

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}
