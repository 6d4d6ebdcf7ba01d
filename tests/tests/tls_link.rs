//! The link to head office over TLS (issue 12): a till trusts exactly the head office whose
//! enrollment code it was given, from its first request; a private authority is not trusted
//! without its fingerprint; and what crosses the network holds none of the secrets a sync
//! carries (checked on a recording of every byte, against the same recording over plain http).

mod support;

use kassa_sync::SyncError;
use std::sync::{Arc, Mutex};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::test]
async fn a_till_trusts_exactly_the_head_office_whose_code_it_was_given() {
    let a = HqServer::start_tls().await;
    let b = HqServer::start_tls().await;
    assert_ne!(a.pin, b.pin);
    let mut till = a.enrolled_till("AMS1", 1).await;
    till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
        .unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();
    assert_eq!(a.sales_at_hq("AMS1", "2026-11-23").await, 1);

    // B's code carrying A's fingerprint: B's certificate is refused before the code is sent...
    let b_code = b.enroll_code("AMS1", 2).await;
    let secret = b_code.split_once('@').unwrap().0;
    let mut other = kassa_store::Till::open_in_memory().unwrap();
    let with_a_pin = format!("{secret}@{}", a.pin.unwrap());
    let refused = kassa_sync::enroll(&mut other, &b.url(), &with_a_pin)
        .await
        .unwrap_err();
    assert!(matches!(refused, SyncError::Untrusted(_)), "{refused}");
    assert!(
        refused.to_string().contains("not the head office"),
        "{refused}"
    );
    // ... so B never took it: the same code with B's own fingerprint still enrolls.
    kassa_sync::enroll(&mut other, &b.url(), &b_code)
        .await
        .unwrap();

    // A till enrolled with A that is sent to B (a changed address, a hostile network) refuses
    // B and keeps its sales for A.
    let device = till.device().unwrap();
    till.set_enrollment(
        &b.url(),
        device.device_token.as_deref().unwrap(),
        device.hq_pin.as_deref(),
    )
    .unwrap();
    till.complete_sale(&cash_sale(&[("BREAD", 1)]), None)
        .unwrap();
    let refused = kassa_sync::sync_once(&mut till).await.unwrap_err();
    assert!(matches!(refused, SyncError::Untrusted(_)), "{refused}");
    assert_eq!(b.sales_at_hq("AMS1", "2026-11-23").await, 0);
    till.set_enrollment(
        &a.url(),
        device.device_token.as_deref().unwrap(),
        device.hq_pin.as_deref(),
    )
    .unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();
    assert_eq!(a.sales_at_hq("AMS1", "2026-11-23").await, 2);
}

#[tokio::test]
async fn a_private_authority_is_not_trusted_without_its_fingerprint() {
    let hq = HqServer::start_tls().await;
    let code = hq.enroll_code("AMS1", 1).await;
    let secret = code.split_once('@').unwrap().0;
    let mut till = kassa_store::Till::open_in_memory().unwrap();
    // Without the pin the till checks the system's roots, which do not know this authority.
    let refused = kassa_sync::enroll(&mut till, &hq.url(), secret)
        .await
        .unwrap_err();
    assert!(matches!(refused, SyncError::Untrusted(_)), "{refused}");
    // A pinned code is for https only: it is not sent over plain http, even to this machine.
    let plain = hq.url().replace("https://", "http://");
    let refused = kassa_sync::enroll(&mut till, &plain, &code)
        .await
        .unwrap_err();
    assert!(matches!(refused, SyncError::Invalid(_)), "{refused}");
    kassa_sync::enroll(&mut till, &hq.url(), &code)
        .await
        .unwrap();
    assert_eq!(till.device().unwrap().hq_pin, hq.pin.map(|p| p.to_text()));
}

#[tokio::test]
async fn a_recording_of_a_sync_over_tls_holds_none_of_its_secrets() {
    let (over_tls, tls_secrets) = recorded_session(HqServer::start_tls().await).await;
    let (over_http, http_secrets) = recorded_session(HqServer::start().await).await;
    // The recordings are real: the plain one shows every secret, so the search finds them.
    assert!(over_tls.len() > 4_000, "{} bytes recorded", over_tls.len());
    for secret in &http_secrets {
        assert!(
            contains(&over_http, secret.as_bytes()),
            "{secret} not seen over http"
        );
    }
    for secret in &tls_secrets {
        assert!(
            !contains(&over_tls, secret.as_bytes()),
            "{secret} crossed the network in clear"
        );
    }
}

/// Enrolls a till through a recording proxy and syncs it twice; returns every byte both ways and
/// what travelled that a tap must not read (the code, the device token, the path, staff names).
async fn recorded_session(hq: HqServer) -> (Vec<u8>, Vec<String>) {
    hq.hq
        .add_staff(&kassa_protocol::NewStaff {
            name: "Sofia".into(),
            role: kassa_domain::Role::Supervisor,
            pin: "246810".into(),
            stores: vec!["AMS1".into()],
        })
        .await
        .unwrap();
    let recording = Arc::new(Mutex::new(Vec::new()));
    let proxy = recording_proxy(hq.addr, recording.clone()).await;
    let url = hq.url().replace(&hq.addr.to_string(), &proxy.to_string());
    let code = hq.enroll_code("AMS1", 1).await;
    let mut till = kassa_store::Till::open_in_memory()
        .unwrap()
        .with_clock(clock("2026-11-23T09:00:00+01:00"));
    kassa_sync::enroll(&mut till, &url, &code).await.unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();
    // Staff came down with the first round: the till now asks for a sign-in.
    assert!(till.staff_required().unwrap());
    kassa_sync::sync_once(&mut till).await.unwrap();
    let device = till.device().unwrap();
    let secrets = vec![
        code.split_once('@')
            .map_or(code.clone(), |(s, _)| s.to_string()),
        device.device_token.clone().unwrap(),
        "/v1/sync".to_string(),
        "Sofia".to_string(),
    ];
    let bytes = recording.lock().unwrap().clone();
    (bytes, secrets)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A TCP proxy on 127.0.0.1 that forwards to `upstream` and appends every byte both ways to
/// `recording`: what a network tap between till and head office would see.
async fn recording_proxy(
    upstream: std::net::SocketAddr,
    recording: Arc<Mutex<Vec<u8>>>,
) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect(upstream).await.unwrap();
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            tokio::spawn(pump(client_read, server_write, recording.clone()));
            tokio::spawn(pump(server_read, client_write, recording.clone()));
        }
    });
    addr
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    recording: Arc<Mutex<Vec<u8>>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        recording.lock().unwrap().extend_from_slice(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// rustls panics at run time when two crypto providers are compiled in and none is chosen, and
/// OpenSSL would bring a second TLS stack: the whole workspace builds on ring alone.
#[test]
fn the_workspace_has_one_crypto_provider_and_no_openssl() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"'))
        .collect();
    assert!(packages.contains(&"ring"), "ring is not in Cargo.lock");
    assert!(packages.contains(&"rustls"), "rustls is not in Cargo.lock");
    for other in [
        "aws-lc-rs",
        "aws-lc-sys",
        "openssl",
        "openssl-sys",
        "native-tls",
    ] {
        assert!(!packages.contains(&other), "{other} is in Cargo.lock");
    }
}
