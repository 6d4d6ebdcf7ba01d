//! A till reads at most a bounded answer from head office: a server that announces or streams a
//! huge body is refused as it arrives, whether it says its length or not.

use kassa_sync::{HqClient, SyncError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers every request with `head` and then `body_bytes` of filler (stopping
/// when the client hangs up).
async fn hostile_server(head: &'static str, body_bytes: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'0'; 64 * 1024];
                let mut sent = 0;
                while sent < body_bytes {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
            });
        }
    });
    format!("http://{address}")
}

fn refused_as_too_big(result: Result<serde_json::Value, SyncError>) {
    match result {
        Err(SyncError::Protocol(why)) => assert!(why.contains("larger than"), "{why}"),
        other => panic!("expected a refusal of the answer's size, got {other:?}"),
    }
}

#[tokio::test]
async fn an_announced_huge_answer_is_refused_before_it_is_read() {
    let url = hostile_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000000000\r\n\r\n",
        1024 * 1024,
    )
    .await;
    let client = HqClient::new(&url, None).unwrap();
    refused_as_too_big(client.get("/v1/anything").await);
}

#[tokio::test]
async fn a_streamed_answer_past_the_limit_is_refused_as_it_arrives() {
    // No length announced: the body streams until the client stops reading.
    let url = hostile_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
        64 * 1024 * 1024,
    )
    .await;
    let client = HqClient::new(&url, None)
        .unwrap()
        .with_answer_limit(1024 * 1024);
    refused_as_too_big(client.get("/v1/anything").await);
    // Within the limit, a well-formed answer is read as usual.
    let small = hostile_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]",
        0,
    )
    .await;
    let answer: serde_json::Value = HqClient::new(&small, None)
        .unwrap()
        .with_answer_limit(1024)
        .get("/v1/anything")
        .await
        .unwrap();
    assert_eq!(answer, serde_json::json!([]));
}
