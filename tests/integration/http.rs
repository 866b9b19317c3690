//! A loopback HTTP server for the fetch tests: fixed replies per path, counting requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the server answers for one path.
#[derive(Debug, Clone)]
pub enum Reply {
    Page(Vec<u8>),
    Status(u16),
    /// `failures` answers with `status`, then the page.
    FailThen {
        failures: usize,
        status: u16,
        page: Vec<u8>,
    },
    Redirect(String),
}

pub struct TestServer {
    /// The base URL to pass to `fetch-docs --base-url`.
    pub base_url: String,
    server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl TestServer {
    /// Serves `routes` (keyed by file name under `/docs/`) on 127.0.0.1 with `threads` workers.
    pub fn start(routes: HashMap<String, Reply>, threads: usize) -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let routes = Arc::new(routes);
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let workers = (0..threads)
            .map(|_| {
                let server = Arc::clone(&server);
                let routes = Arc::clone(&routes);
                let hits = Arc::clone(&hits);
                std::thread::spawn(move || {
                    while let Ok(request) = server.recv() {
                        let file = request
                            .url()
                            .strip_prefix("/docs/")
                            .unwrap_or_default()
                            .to_owned();
                        let seen = {
                            let mut hits = hits.lock().unwrap();
                            let count = hits.entry(file.clone()).or_default();
                            *count += 1;
                            *count
                        };
                        let response = match routes.get(&file) {
                            None => tiny_http::Response::from_data(b"not found".to_vec())
                                .with_status_code(404),
                            Some(Reply::Page(page)) => tiny_http::Response::from_data(page.clone()),
                            Some(Reply::Status(status)) => {
                                tiny_http::Response::from_data(b"oops".to_vec())
                                    .with_status_code(*status)
                            }
                            Some(Reply::FailThen {
                                failures,
                                status,
                                page,
                            }) => {
                                if seen <= *failures {
                                    tiny_http::Response::from_data(b"try again".to_vec())
                                        .with_status_code(*status)
                                } else {
                                    tiny_http::Response::from_data(page.clone())
                                }
                            }
                            Some(Reply::Redirect(location)) => {
                                tiny_http::Response::from_data(Vec::new())
                                    .with_status_code(301)
                                    .with_header(
                                        tiny_http::Header::from_bytes(
                                            "Location",
                                            location.as_str(),
                                        )
                                        .unwrap(),
                                    )
                            }
                        };
                        let _ = request.respond(response);
                    }
                })
            })
            .collect();
        TestServer {
            base_url: format!("http://127.0.0.1:{port}/docs"),
            server,
            workers,
            hits,
        }
    }

    /// Requests seen for `file`.
    pub fn hits(&self, file: &str) -> usize {
        self.hits.lock().unwrap().get(file).copied().unwrap_or(0)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// An index page linking to `files` the way the AWS index does (`./list_x.html` inside
/// `div.highlights`), plus links that must be ignored.
pub fn index_page(files: &[&str]) -> Vec<u8> {
    let mut html = String::from(
        "<!DOCTYPE html><html><body><div id=\"main-content\"><p><a href=\"./list_outside.html\">not listed</a></p>\
         <div class=\"highlights\"><h6>Topics</h6><ul>",
    );
    for file in files {
        html.push_str(&format!("<li><a href=\"./{file}\">{file}</a></li>"));
    }
    html.push_str(
        "<li><a href=\"https://aws.amazon.com/elsewhere.html\">elsewhere</a></li>\
         <li><a href=\"../list_escape.html\">escape</a></li></ul></div></div></body></html>",
    );
    html.into_bytes()
}
