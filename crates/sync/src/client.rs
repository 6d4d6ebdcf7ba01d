//! HTTP to head office: JSON bodies, bearer token, clear errors.

use crate::compression::{gunzip_bounded, gzip, GunzipError, COMPRESS_REQUESTS_FROM};
use crate::error::SyncError;
use crate::trust::{certificate_problem, check_address, client_config};
use kassa_protocol::CertPin;
use kassa_protocol::{wire, ErrorBody, SyncRequest, SyncResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The largest answer a till reads from head office (a first catalogue of 300,000 products is
/// about 50 MB). A bigger one is refused as it streams in, so a broken or hostile server cannot
/// make the till hold more than this in memory.
pub const MAX_ANSWER_BYTES: usize = 128 * 1024 * 1024;

#[derive(Clone)]
pub struct HqClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    max_answer_bytes: usize,
    /// Bytes of request and response bodies as they crossed the network (compressed when they
    /// were), for status and benchmarks.
    pub bytes_sent: Arc<AtomicUsize>,
    pub bytes_received: Arc<AtomicUsize>,
    /// Head office said it reads gzip (or answered in it): requests are compressed from then on.
    hq_reads_gzip: Arc<AtomicBool>,
    /// Head office answered a sync in CBOR, so it reads CBOR too: sync requests are CBOR from
    /// then on (kassa_protocol::wire). A head office of the release before never does.
    hq_reads_cbor: Arc<AtomicBool>,
    /// Only in builds with the `test-hooks` feature (the cross-crate tests): never in a till.
    #[cfg(feature = "test-hooks")]
    lose_response: Arc<AtomicUsize>,
}

impl HqClient {
    /// A client that trusts a head office on https by the system's roots (or one on this
    /// machine over plain http).
    pub fn new(base_url: &str, token: Option<String>) -> Result<HqClient, SyncError> {
        HqClient::connect(base_url, token, None)
    }

    /// A client for the head office the till was enrolled with: trusted by `pin` (its
    /// certificate authority's fingerprint) when it has one, else by the system's roots.
    pub fn connect(
        base_url: &str,
        token: Option<String>,
        pin: Option<CertPin>,
    ) -> Result<HqClient, SyncError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        check_address(&base)?;
        if pin.is_some() && base.starts_with("http://") {
            return Err(SyncError::Invalid(format!(
                "this enrollment code is for a head office on https, not {base}"
            )));
        }
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(client_config(pin)?)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            // Head office closes a kept-alive connection idle for 10 s; dropping ours sooner
            // means a request never goes out on a connection head office is closing.
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SyncError::Invalid(e.to_string()))?;
        Ok(HqClient {
            http,
            base,
            token,
            max_answer_bytes: MAX_ANSWER_BYTES,
            bytes_sent: Arc::default(),
            bytes_received: Arc::default(),
            hq_reads_gzip: Arc::default(),
            hq_reads_cbor: Arc::default(),
            #[cfg(feature = "test-hooks")]
            lose_response: Arc::default(),
        })
    }

    /// The client of an enrolled till: its head office, token and trusted fingerprint.
    pub fn for_device(device: &kassa_store::DeviceInfo) -> Result<HqClient, SyncError> {
        let (Some(url), Some(token)) = (&device.hq_url, &device.device_token) else {
            return Err(SyncError::NotEnrolled);
        };
        let pin = device
            .hq_pin
            .as_deref()
            .map(CertPin::parse)
            .transpose()
            .map_err(|e| SyncError::Invalid(format!("the stored head office fingerprint: {e}")))?;
        HqClient::connect(url, Some(token.clone()), pin)
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Reads answers of at most `bytes` (default [`MAX_ANSWER_BYTES`]).
    pub fn with_answer_limit(mut self, bytes: usize) -> HqClient {
        self.max_answer_bytes = bytes;
        self
    }

    /// Test hook (feature `test-hooks`, absent from the till and the CLI): head office gets and
    /// handles the `n`th request from now (1 = the next), but its response is thrown away, as
    /// when the network drops mid-answer.
    #[cfg(feature = "test-hooks")]
    pub fn lose_response_of_request(&self, n: usize) {
        self.lose_response.store(n, Ordering::SeqCst);
    }

    pub async fn get<Resp: DeserializeOwned>(&self, path: &str) -> Result<Resp, SyncError> {
        let answer = self
            .send(self.http.get(format!("{}{path}", self.base)))
            .await?;
        decode(&answer)
    }

    pub async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
    ) -> Result<Resp, SyncError> {
        self.post_as(path, body, BodyFormat::Json).await
    }

    /// `post`, in CBOR once head office has shown it reads CBOR, else in JSON; the answer in
    /// CBOR when head office can write it (the sync endpoint's negotiation).
    async fn post_negotiated<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
    ) -> Result<Resp, SyncError> {
        if !self.hq_reads_cbor.load(Ordering::Relaxed) {
            return self
                .post_as(path, body, BodyFormat::JsonAskingForCbor)
                .await;
        }
        match self.post_as(path, body, BodyFormat::Cbor).await {
            // Behind one address, a node of the release before (a rolling upgrade) reads JSON
            // only and refuses CBOR as a malformed body, having done nothing: ask it in JSON.
            Err(SyncError::Rejected {
                status: 400 | 415, ..
            }) => {
                self.hq_reads_cbor.store(false, Ordering::Relaxed);
                self.post_as(path, body, BodyFormat::JsonAskingForCbor)
                    .await
            }
            other => other,
        }
    }

    async fn post_as<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        path: &str,
        body: &Req,
        format: BodyFormat,
    ) -> Result<Resp, SyncError> {
        let (mut bytes, content_type) = match format {
            BodyFormat::Cbor => (
                wire::to_cbor(body).map_err(SyncError::Protocol)?,
                wire::CBOR,
            ),
            BodyFormat::Json | BodyFormat::JsonAskingForCbor => (
                serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?,
                "application/json",
            ),
        };
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type);
        if format != BodyFormat::Json {
            request = request.header(reqwest::header::ACCEPT, ACCEPT_CBOR_OR_JSON);
        }
        if bytes.len() >= COMPRESS_REQUESTS_FROM && self.hq_reads_gzip.load(Ordering::Relaxed) {
            bytes = gzip(&bytes);
            request = request.header(reqwest::header::CONTENT_ENCODING, "gzip");
        }
        self.bytes_sent.fetch_add(bytes.len(), Ordering::Relaxed);
        let request = request.body(bytes);
        let answer = self.send(request).await?;
        #[cfg(feature = "test-hooks")]
        {
            let lose = self.lose_response.load(Ordering::SeqCst);
            if lose > 0 {
                self.lose_response.store(lose - 1, Ordering::SeqCst);
                if lose == 1 {
                    return Err(SyncError::Offline("the response was lost".into()));
                }
            }
        }
        self.bytes_received
            .fetch_add(answer.wire_bytes, Ordering::Relaxed);
        // What the node that answered reads: an answer in CBOR to a request that welcomed it
        // says CBOR; one in JSON says that node writes (so reads) none.
        if format != BodyFormat::Json && (200..300).contains(&answer.status) {
            self.hq_reads_cbor.store(answer.cbor, Ordering::Relaxed);
        }
        decode(&answer)
    }

    /// Sends with the bearer token; a request that gets no complete answer is "offline".
    async fn send(&self, mut request: reqwest::RequestBuilder) -> Result<Answer, SyncError> {
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        // Set by hand (reqwest's own gzip would hide the bytes on the wire and unpack without
        // this client's bound).
        request = request.header(reqwest::header::ACCEPT_ENCODING, "gzip");
        let mut response = request
            .send()
            .await
            .map_err(|e| match certificate_problem(&e) {
                Some(problem) => SyncError::Untrusted(problem),
                None => SyncError::Offline(describe(&e)),
            })?;
        let status = response.status().as_u16();
        // Seconds only (head office never sends a date); at most an hour, whatever it says.
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|secs| Duration::from_secs(secs.min(3600)));
        let too_big = || {
            SyncError::Protocol(format!(
                "head office's answer is larger than {} bytes",
                self.max_answer_bytes
            ))
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_answer_bytes as u64)
        {
            return Err(too_big());
        }
        // Head office says it reads gzip (RFC 7694), or shows it by answering in it.
        if response
            .headers()
            .get(reqwest::header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|e| e.trim().eq_ignore_ascii_case("gzip")))
        {
            self.hq_reads_gzip.store(true, Ordering::Relaxed);
        }
        let cbor = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(wire::is_cbor);
        let encoding = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SyncError::Offline(describe(&e)))?
        {
            if body.len() + chunk.len() > self.max_answer_bytes {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        let wire_bytes = body.len();
        if encoding.as_deref() == Some("gzip") {
            body = gunzip_bounded(&body, self.max_answer_bytes).map_err(|e| match e {
                GunzipError::TooLarge => too_big(),
                GunzipError::Corrupt(why) => {
                    SyncError::Protocol(format!("head office's compressed answer: {why}"))
                }
            })?;
            self.hq_reads_gzip.store(true, Ordering::Relaxed);
        } else if encoding.is_some_and(|e| e != "identity") {
            return Err(SyncError::Protocol(
                "head office answered in an encoding this till did not ask for".into(),
            ));
        }
        Ok(Answer {
            status,
            retry_after,
            cbor,
            body,
            wire_bytes,
        })
    }
}

/// An answer as read: its status, how long head office asked us to wait, its body (unpacked),
/// and how many bytes it took on the wire.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    /// The body is CBOR (head office answers so only when asked).
    cbor: bool,
    body: Vec<u8>,
    wire_bytes: usize,
}

/// A success body as `Resp`, or head office's `{ code, message }` as a refusal; "busy" (503) and
/// "too many requests" (429) as [`SyncError::Busy`] with the wait head office asked for.
fn decode<Resp: DeserializeOwned>(answer: &Answer) -> Result<Resp, SyncError> {
    let (status, body) = (answer.status, answer.body.as_slice());
    if status == 503 || status == 429 {
        return Err(SyncError::Busy {
            status,
            retry_after: answer.retry_after,
        });
    }
    if !(200..300).contains(&status) {
        let error: ErrorBody = serde_json::from_slice(body).unwrap_or(ErrorBody {
            code: "unknown".into(),
            message: String::from_utf8_lossy(body).chars().take(200).collect(),
        });
        return Err(SyncError::Rejected {
            status,
            code: error.code,
            message: error.message,
        });
    }
    if answer.cbor {
        return wire::from_cbor(body).map_err(SyncError::Protocol);
    }
    serde_json::from_slice(body).map_err(|e| SyncError::Protocol(e.to_string()))
}

/// How a request's body is written, and whether the answer may be CBOR.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyFormat {
    Json,
    /// JSON, saying CBOR is welcome back (head office's answer shows whether it reads CBOR).
    JsonAskingForCbor,
    Cbor,
}

/// What a sync request accepts back: CBOR first, JSON from a head office that writes no CBOR.
const ACCEPT_CBOR_OR_JSON: &str = "application/cbor, application/json;q=0.9";

/// How a till reaches head office's sync endpoint: over HTTP ([`HqClient`]) or, in tests, in
/// the same process.
pub trait HqLink {
    fn sync(
        &self,
        request: &SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, SyncError>> + Send;

    /// Bytes sent and received so far (0 when the link does not count).
    fn bytes_moved(&self) -> (usize, usize) {
        (0, 0)
    }
}

impl HqLink for HqClient {
    fn sync(
        &self,
        request: &SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, SyncError>> + Send {
        self.post_negotiated("/v1/sync", request)
    }

    fn bytes_moved(&self) -> (usize, usize) {
        (
            self.bytes_sent.load(Ordering::Relaxed),
            self.bytes_received.load(Ordering::Relaxed),
        )
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "cannot connect".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod answer_tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server on loopback that answers every request with `head` and a JSON error body.
    async fn answering(head: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let body = r#"{"code":"busy","message":"head office is busy"}"#;
                let answer = format!(
                    "{head}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn busy_and_rate_limited_answers_carry_the_wait_head_office_asked_for() {
        let cases = [
            (
                "HTTP/1.1 503 Service Unavailable\r\nretry-after: 7",
                503,
                Some(7),
            ),
            (
                "HTTP/1.1 429 Too Many Requests\r\nretry-after: 99999",
                429,
                Some(3600),
            ),
            (
                "HTTP/1.1 503 Service Unavailable\r\nretry-after: soon",
                503,
                None,
            ),
        ];
        for (head, want_status, want_secs) in cases {
            let client = HqClient::new(&answering(head).await, Some("t".into())).unwrap();
            let error = client
                .post::<_, serde_json::Value>("/v1/sync", &serde_json::json!({}))
                .await
                .unwrap_err();
            match error {
                SyncError::Busy {
                    status,
                    retry_after,
                } => {
                    assert_eq!(status, want_status);
                    assert_eq!(retry_after, want_secs.map(Duration::from_secs));
                }
                other => panic!("{head}: {other:?}"),
            }
            assert_eq!(
                SyncError::Busy {
                    status: want_status,
                    retry_after: None
                }
                .code(),
                kassa_store::ErrorCode::Offline
            );
        }
    }

    /// A head office that reads and writes CBOR while `old` is false, and behaves as a node of
    /// the release before (JSON only, a CBOR body refused as malformed) while it is true. Keeps
    /// the content type of every request.
    async fn negotiating(old: Arc<AtomicBool>, seen: Arc<std::sync::Mutex<Vec<String>>>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                let (head, body_len) = loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        break (String::new(), 0);
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        while request.len() < end + 4 + length {
                            let n = socket.read(&mut buf).await.unwrap_or(0);
                            if n == 0 {
                                break;
                            }
                            request.extend_from_slice(&buf[..n]);
                        }
                        break (head, length);
                    }
                };
                let header = |name: &str| {
                    head.lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default()
                };
                let content_type = header("content-type:");
                seen.lock().unwrap().push(content_type.clone());
                let sent_cbor = wire::is_cbor(&content_type);
                let (status, kind, body) = if old.load(Ordering::SeqCst) {
                    if sent_cbor {
                        let body = br#"{"code":"bad_request","message":"malformed JSON"}"#.to_vec();
                        ("400 Bad Request", "application/json", body)
                    } else {
                        ("200 OK", "application/json", br#"{"node":"old"}"#.to_vec())
                    }
                } else if wire::accepts_cbor(&header("accept:")) {
                    let body = wire::to_cbor(&serde_json::json!({"node": "new", "read": body_len}))
                        .unwrap();
                    ("200 OK", wire::CBOR, body)
                } else {
                    ("200 OK", "application/json", br#"{"node":"new"}"#.to_vec())
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn sync_bodies_turn_to_cbor_once_head_office_answers_in_it_and_back_for_an_older_node() {
        let old = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let client = HqClient::new(
            &negotiating(old.clone(), seen.clone()).await,
            Some("t".into()),
        )
        .unwrap();
        let node = |answer: serde_json::Value| answer["node"].as_str().unwrap().to_string();
        let request = serde_json::json!({"protocol": 2});
        let ask = || client.post_negotiated::<_, serde_json::Value>("/v1/sync", &request);
        assert_eq!(node(ask().await.unwrap()), "new", "answered in CBOR");
        assert_eq!(node(ask().await.unwrap()), "new");
        old.store(true, Ordering::SeqCst);
        assert_eq!(
            node(ask().await.unwrap()),
            "old",
            "refused CBOR, asked again in JSON"
        );
        assert_eq!(node(ask().await.unwrap()), "old");
        old.store(false, Ordering::SeqCst);
        assert_eq!(node(ask().await.unwrap()), "new");
        assert_eq!(node(ask().await.unwrap()), "new");
        let json = "application/json".to_string();
        let cbor = wire::CBOR.to_string();
        assert_eq!(
            *seen.lock().unwrap(),
            [&json, &cbor, &cbor, &json, &json, &json, &cbor].map(String::clone),
            "JSON until head office answers in CBOR; after a refusal, JSON until it does again"
        );
        // Requests that are not sync (enrolment, lookups) stay JSON whatever head office reads.
        let _ = client
            .post::<_, serde_json::Value>("/v1/enroll", &serde_json::json!({}))
            .await;
        assert_eq!(seen.lock().unwrap().last(), Some(&json));
    }
}
