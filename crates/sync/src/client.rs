//! HTTP to head office: JSON bodies, bearer token, clear errors.

use crate::compression::{gunzip_bounded, gzip, GunzipError, COMPRESS_REQUESTS_FROM};
use crate::error::SyncError;
use crate::trust::{certificate_problem, check_address, client_config};
use kassa_protocol::CertPin;
use kassa_protocol::{ErrorBody, SyncRequest, SyncResponse};
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
        let mut bytes = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json");
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
    serde_json::from_slice(body).map_err(|e| SyncError::Protocol(e.to_string()))
}

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
        self.post("/v1/sync", request)
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
mod busy_tests {
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
}
