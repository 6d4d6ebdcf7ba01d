//! The till asks for gzip, unpacks answers within its answer limit, counts the bytes that crossed
//! the wire, and compresses its own requests only after head office has answered in gzip (a
//! head office of the release before reads only plain JSON).

use flate2::write::GzEncoder;
use kassa_sync::{HqClient, SyncError};
use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A server answering every request with `body` (gzipped with that header when `gzipped`), and
/// keeping the head of every request it got.
async fn server(body: Vec<u8>, gzipped: bool) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (body, seen) = (body.clone(), seen.clone());
            tokio::spawn(async move {
                // Read the whole request (head and the body its length announces).
                let mut request = Vec::new();
                let mut buf = [0u8; 65536];
                loop {
                    let n = socket.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let head = text[..end].to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse().unwrap());
                        if request.len() >= end + 4 + length {
                            seen.lock().unwrap().push(head);
                            break;
                        }
                    }
                }
                let encoding = if gzipped {
                    "content-encoding: gzip\r\n"
                } else {
                    ""
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{encoding}content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    (format!("http://{address}"), heads)
}

fn big_request() -> serde_json::Value {
    let docs: Vec<String> = (0..200).map(|i| format!("ledger/AMS1/1/day-{i}")).collect();
    serde_json::json!({ "docs": docs })
}

#[tokio::test]
async fn a_gzip_answer_is_unpacked_counted_as_sent_and_then_requests_go_compressed() {
    let answer: Vec<u8> = serde_json::to_vec(&serde_json::json!({
        "products": (0..2000).map(|i| format!("Product number {i} of the catalogue")).collect::<Vec<_>>()
    }))
    .unwrap();
    let packed = gzip(&answer);
    let (url, heads) = server(packed.clone(), true).await;
    let client = HqClient::new(&url, Some("t".into())).unwrap();
    let got: serde_json::Value = client.post("/v1/sync", &big_request()).await.unwrap();
    assert_eq!(serde_json::to_vec(&got).unwrap(), answer);
    // What crossed the wire, not what it unpacked into.
    assert_eq!(
        client
            .bytes_received
            .load(std::sync::atomic::Ordering::Relaxed),
        packed.len()
    );
    let _: serde_json::Value = client.post("/v1/sync", &big_request()).await.unwrap();
    let heads = heads.lock().unwrap().clone();
    assert!(
        heads.iter().all(|h| h.contains("accept-encoding: gzip")),
        "{heads:?}"
    );
    // Before head office had answered in gzip the request went plain; after, compressed.
    assert!(!heads[0].contains("content-encoding"), "{}", heads[0]);
    assert!(heads[1].contains("content-encoding: gzip"), "{}", heads[1]);
}

#[tokio::test]
async fn a_head_office_answering_plain_json_is_never_sent_gzip() {
    let (url, heads) = server(b"{\"ok\":true}".to_vec(), false).await;
    let client = HqClient::new(&url, Some("t".into())).unwrap();
    for _ in 0..2 {
        let _: serde_json::Value = client.post("/v1/sync", &big_request()).await.unwrap();
    }
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert!(
        heads.iter().all(|h| !h.contains("content-encoding")),
        "{heads:?}"
    );
}

#[tokio::test]
async fn a_small_answer_that_unpacks_past_the_limit_is_refused() {
    // 8 MiB of spaces (valid JSON whitespace) packs into a few KiB.
    let mut bomb = vec![b' '; 8 << 20];
    bomb.extend_from_slice(b"{}");
    let (url, _) = server(gzip(&bomb), true).await;
    let client = HqClient::new(&url, None)
        .unwrap()
        .with_answer_limit(1 << 20);
    match client
        .post::<_, serde_json::Value>("/v1/sync", &serde_json::json!({}))
        .await
    {
        Err(SyncError::Protocol(why)) => assert!(why.contains("larger than"), "{why}"),
        other => panic!("expected the answer refused for its size, got {other:?}"),
    }
}

#[tokio::test]
async fn a_corrupt_gzip_answer_is_a_protocol_error_not_a_crash() {
    let (url, _) = server(b"\x1f\x8b\x08\x00 this is not deflate".to_vec(), true).await;
    let client = HqClient::new(&url, None).unwrap();
    match client
        .post::<_, serde_json::Value>("/v1/sync", &serde_json::json!({}))
        .await
    {
        Err(SyncError::Protocol(why)) => assert!(why.contains("compressed answer"), "{why}"),
        other => panic!("expected a protocol error, got {other:?}"),
    }
}
