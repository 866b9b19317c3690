//! A loopback HTTP/1.1 proxy between the SDK and moto that records every exchange and can
//! (a) page `GetAccountAuthorizationDetails` answers by the request's `MaxItems` and `Marker`,
//! as the real service does and moto does not, and (b) answer chosen requests itself with a
//! throttling or server error instead of forwarding them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// An error answer the proxy gives instead of forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 with the `Throttling` code.
    TooManyRequests,
    /// 400 `Throttling`: how IAM throttles.
    Throttling,
    /// 503 `ServiceUnavailable`.
    Unavailable,
    /// 500 `InternalFailure`.
    Internal,
    /// No answer for [`STALL`], then 503: a request the client is still waiting on.
    Stall,
}

/// How long a [`Fault::Stall`] keeps the client waiting.
pub const STALL: Duration = Duration::from_secs(30);

impl Fault {
    fn answer(self) -> (u16, &'static str, &'static str, &'static str) {
        match self {
            Fault::TooManyRequests => (429, "Sender", "Throttling", "Rate exceeded"),
            Fault::Throttling => (400, "Sender", "Throttling", "Rate exceeded"),
            Fault::Unavailable => (503, "Receiver", "ServiceUnavailable", "Service unavailable"),
            Fault::Internal => (500, "Receiver", "InternalFailure", "Internal failure"),
            Fault::Stall => (503, "Receiver", "ServiceUnavailable", "Stalled"),
        }
    }
}

/// Chooses a fault by the request's number (from 0) and its `Action`.
pub type FaultPlan = Arc<dyn Fn(usize, &str) -> Option<Fault> + Send + Sync>;

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub action: String,
    pub status: u16,
    pub injected: bool,
    pub marker: Option<String>,
    pub max_items: Option<usize>,
    /// Items in the answer, for paged `GetAccountAuthorizationDetails`.
    pub items: Option<usize>,
}

pub struct Proxy {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Exchange>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Clone)]
struct Shared {
    upstream: SocketAddr,
    paginate: bool,
    faults: FaultPlan,
    counter: Arc<AtomicUsize>,
    log: Arc<Mutex<Vec<Exchange>>>,
}

impl Proxy {
    pub fn start(upstream: SocketAddr, paginate: bool, faults: FaultPlan) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Shared {
            upstream,
            paginate,
            faults,
            counter: Arc::new(AtomicUsize::new(0)),
            log: log.clone(),
        };
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Proxy {
            addr,
            log,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Request {
    head: String,
    body: Vec<u8>,
}

/// Serves one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        let (status, content_type, body) = handle(&request, shared);
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: proxy\r\n\r\n",
            reason(status),
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let length = header(&head, "content-length")
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request { head, body })
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            Some((decode(key), decode(value)))
        })
        .collect()
}

fn handle(request: &Request, shared: &Shared) -> (u16, String, Vec<u8>) {
    let params = form(&request.body);
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let action = param("Action").unwrap_or_default();
    let index = shared.counter.fetch_add(1, Ordering::SeqCst);
    let mut exchange = Exchange {
        action: action.clone(),
        status: 0,
        injected: false,
        marker: param("Marker"),
        max_items: param("MaxItems").and_then(|value| value.parse().ok()),
        items: None,
    };
    let answer = if let Some(fault) = (shared.faults)(index, &action) {
        exchange.injected = true;
        if matches!(fault, Fault::Stall) {
            std::thread::sleep(STALL);
        }
        let (status, kind, code, message) = fault.answer();
        let body = format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy-{index}</RequestId></ErrorResponse>"
        );
        (status, "text/xml".to_owned(), body.into_bytes())
    } else {
        let (status, content_type, body) = forward(request, shared.upstream);
        if shared.paginate && action == "GetAccountAuthorizationDetails" && status == 200 {
            let (page, items) = page(
                &String::from_utf8_lossy(&body),
                exchange.marker.as_deref(),
                exchange.max_items.unwrap_or(100),
            );
            exchange.items = Some(items);
            (status, content_type, page.into_bytes())
        } else {
            (status, content_type, body)
        }
    };
    exchange.status = answer.0;
    shared.log.lock().unwrap().push(exchange);
    answer
}

/// Sends the request to moto on a fresh connection and reads the whole answer.
fn forward(request: &Request, upstream: SocketAddr) -> (u16, String, Vec<u8>) {
    let mut connection = TcpStream::connect(upstream).expect("connect to moto");
    let mut head: String = request
        .head
        .lines()
        .filter(|line| {
            !line.is_empty()
                && !line.to_ascii_lowercase().starts_with("connection:")
                && !line.to_ascii_lowercase().starts_with("keep-alive:")
        })
        .map(|line| format!("{line}\r\n"))
        .collect();
    head.push_str("Connection: close\r\n\r\n");
    connection.write_all(head.as_bytes()).expect("send to moto");
    connection
        .write_all(&request.body)
        .expect("send body to moto");
    let mut raw = Vec::new();
    connection
        .read_to_end(&mut raw)
        .expect("read moto's answer");
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("answer head");
    let answer_head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let status: u16 = answer_head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status code");
    if header(&answer_head, "transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        body = dechunk(&body);
    }
    let content_type = header(&answer_head, "content-type")
        .unwrap_or("text/xml")
        .to_owned();
    (status, content_type, body)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|window| window == b"\r\n") {
        let size_text = String::from_utf8_lossy(&body[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
    out
}

const LISTS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// The members of each of the four lists of a whole `GetAccountAuthorizationDetails` answer.
pub fn members(xml: &str) -> Vec<(usize, String)> {
    let mut all = Vec::new();
    for (list_index, list) in LISTS.iter().enumerate() {
        let open = format!("<{list}>");
        let close = format!("</{list}>");
        let Some(start) = xml.find(&open) else {
            continue;
        };
        let content_start = start + open.len();
        let end = content_start + xml[content_start..].find(&close).expect("list closes");
        let content = &xml[content_start..end];
        // Top-level <member> elements; members nest (a user's policy list has members too).
        let mut depth = 0usize;
        let mut member_start = 0;
        let mut position = 0;
        while position < content.len() {
            let rest = &content[position..];
            if rest.starts_with("<member>") {
                if depth == 0 {
                    member_start = position;
                }
                depth += 1;
                position += "<member>".len();
            } else if rest.starts_with("</member>") {
                depth -= 1;
                position += "</member>".len();
                if depth == 0 {
                    all.push((list_index, content[member_start..position].to_owned()));
                }
            } else {
                position += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    all
}

/// One page of the whole answer: `max_items` members from the offset the marker names.
fn page(whole: &str, marker: Option<&str>, max_items: usize) -> (String, usize) {
    let members = members(whole);
    let offset: usize = marker
        .and_then(|marker| marker.strip_prefix("proxy-offset-"))
        .and_then(|offset| offset.parse().ok())
        .unwrap_or(0);
    let end = (offset + max_items.max(1)).min(members.len());
    let mut lists = [String::new(), String::new(), String::new(), String::new()];
    for (list_index, member) in &members[offset.min(end)..end] {
        lists[*list_index].push_str(member);
    }
    let truncated = end < members.len();
    let marker = if truncated {
        format!("<Marker>proxy-offset-{end}</Marker>")
    } else {
        String::new()
    };
    let body: String = LISTS
        .iter()
        .zip(&lists)
        .map(|(list, content)| format!("<{list}>{content}</{list}>"))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetAccountAuthorizationDetailsResult><IsTruncated>{truncated}</IsTruncated>{marker}{body}</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>proxy-page</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
    );
    (xml, end - offset.min(end))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[test]
fn members_split_only_top_level_elements() {
    let xml = "<R><UserDetailList><member><UserName>a</UserName><UserPolicyList><member><PolicyName>p</PolicyName></member></UserPolicyList></member><member><UserName>b</UserName></member></UserDetailList><GroupDetailList/><Policies><member><PolicyName>x</PolicyName></member></Policies></R>";
    let found = members(xml);
    assert_eq!(found.len(), 3);
    assert!(found[0].1.contains("<PolicyName>p</PolicyName>"));
    assert_eq!(found[2].0, 3);
    let (first, items) = page(xml, None, 2);
    assert_eq!(items, 2);
    assert!(first.contains("<IsTruncated>true</IsTruncated><Marker>proxy-offset-2</Marker>"));
    let (last, items) = page(xml, Some("proxy-offset-2"), 2);
    assert_eq!(items, 1);
    assert!(last.contains("<IsTruncated>false</IsTruncated><UserDetailList></UserDetailList>"));
}
