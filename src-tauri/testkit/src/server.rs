//! A real HTTP server on 127.0.0.1 with a free port (tiny_http), one
//! thread per request, answering with whatever a test's handler says:
//! recorded answers, errors, slow or chunked bodies. Every request is kept,
//! so a test can check what was asked. It stops when dropped.

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the handler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Req {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query, without the `?` (empty when there is none).
    pub query: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    /// Waited before answering.
    pub delay: Duration,
    /// Sent chunked, with no Content-Length.
    pub chunked: bool,
}

impl Reply {
    /// `body` with `content_type`.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            body: body.into(),
            content_type,
            headers: Vec::new(),
            delay: Duration::ZERO,
            chunked: false,
        }
    }

    /// A JSON body.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::new(status, "application/json; charset=utf-8", body)
    }

    /// A 404 with the body TVmaze sends.
    pub fn not_found() -> Self {
        Reply::json(
            404,
            r#"{"name":"Not Found","message":"","code":0,"status":404}"#,
        )
    }
}

type Handler = dyn Fn(&Req) -> Reply + Send + Sync;

/// The running server; see the module doc.
pub struct Server {
    server: Arc<tiny_http::Server>,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Every request so far, in the order they arrived.
    pub seen: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let seen: Arc<Mutex<Vec<Req>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let (srv, log) = (server.clone(), seen.clone());
        thread::spawn(move || {
            for request in srv.incoming_requests() {
                let (handler, log) = (handler.clone(), log.clone());
                thread::spawn(move || {
                    let url = request.url().to_string();
                    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
                    let req = Req {
                        method: request.method().to_string(),
                        path: path.to_string(),
                        query: query.to_string(),
                        headers: request
                            .headers()
                            .iter()
                            .map(|h| (h.field.to_string(), h.value.to_string()))
                            .collect(),
                    };
                    log.lock().unwrap().push(req.clone());
                    let reply = handler(&req);
                    thread::sleep(reply.delay);
                    let mut headers =
                        vec![
                            tiny_http::Header::from_bytes("Content-Type", reply.content_type)
                                .unwrap(),
                        ];
                    for (k, v) in &reply.headers {
                        headers.push(tiny_http::Header::from_bytes(*k, v.as_bytes()).unwrap());
                    }
                    let len = (!reply.chunked).then_some(reply.body.len());
                    let _ = request.respond(tiny_http::Response::new(
                        tiny_http::StatusCode(reply.status),
                        headers,
                        Cursor::new(reply.body),
                        len,
                        None,
                    ));
                });
            }
        });
        Server {
            base: format!("http://127.0.0.1:{port}"),
            server,
            seen,
        }
    }

    /// The address of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The requests so far.
    pub fn hits(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}
