//! `cargo bench -p kassa-tests --bench slow_clients`: a till syncing with a real head office
//! (default limits) while 1,000 clients send request headers one byte a second and reconnect
//! whenever head office closes them. Prints the till's sync round latency without and with the
//! attack, and what the attackers got. `KASSA_BENCH_ATTACKERS` and `KASSA_BENCH_SECS` change
//! the size and length. (The same code runs briefly inside `cargo test`: hold_under_abuse.rs.)

#[path = "../tests/support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "../tests/support/slow_clients.rs"]
mod slow_clients;

use kassa_hq::listener::ListenerStats;
use kassa_hq::{Hq, ServeOptions};
use slow_clients::{Attack, Attackers};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes with --list; nothing to run then.
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run() {
    let attackers = number("KASSA_BENCH_ATTACKERS", 1_000) as usize;
    let secs = number("KASSA_BENCH_SECS", 30);
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let hq = Arc::new(Hq::open(data.path()).unwrap());
    hq.create_store(&store("AMS1")).await.unwrap();
    hq.import_catalogue_csv(CATALOGUE.as_bytes()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = Arc::new(ListenerStats::default());
    let options = ServeOptions {
        stats: stats.clone(),
        ..ServeOptions::default()
    };
    let served = hq.clone();
    tokio::spawn(async move {
        let _ = kassa_hq::serve_with(listener, served, ADMIN_TOKEN.into(), options).await;
    });
    let mut till = kassa_store::Till::open_in_memory()
        .unwrap()
        .with_clock(clock("2026-11-23T09:00:00+01:00"));
    let code = hq.create_enroll_code("AMS1", 1).await.unwrap().code;
    kassa_sync::enroll(&mut till, &format!("http://{addr}"), &code)
        .await
        .unwrap();
    kassa_sync::sync_once(&mut till).await.unwrap();

    let quiet = rounds(&mut till, Duration::from_secs(secs / 3)).await;
    report("sync rounds, no attack", &quiet);
    let attack = Attackers::start(addr, Attack::Drip(Duration::from_secs(1)), attackers);
    // Let every attacker connect before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let attacked = rounds(&mut till, Duration::from_secs(secs)).await;
    let seen = attack.stop().await;
    report(&format!("sync rounds, {attackers} slow clients"), &attacked);
    println!(
        "attackers: {} connections, {} closed by head office, {} header bytes sent; evicted by the cap: {}",
        seen.connections.load(Ordering::Relaxed),
        seen.closed_by_server.load(Ordering::Relaxed),
        seen.bytes_sent.load(Ordering::Relaxed),
        stats.evicted.load(Ordering::Relaxed)
    );
}

/// Sync rounds (each after one sale) every 250 ms for `length`; the failures count as such.
async fn rounds(till: &mut kassa_store::Till, length: Duration) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut failed = 0;
    let start = Instant::now();
    while start.elapsed() < length {
        till.complete_sale(&cash_sale(&[("MILK", 1)]), None)
            .unwrap();
        let round = Instant::now();
        match kassa_sync::sync_once(till).await {
            Ok(_) => times.push(round.elapsed()),
            Err(e) => {
                eprintln!("sync failed: {e}");
                failed += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    (times, failed)
}

fn report(name: &str, (times, failed): &(Vec<Duration>, usize)) {
    let mut sorted = times.clone();
    sorted.sort();
    let at = |per_mille: usize| sorted[(sorted.len() * per_mille / 1000).min(sorted.len() - 1)];
    println!(
        "{name:<36} n={:<4} failed={failed} p50={:>9.3?} p99={:>9.3?} max={:>9.3?}",
        sorted.len(),
        at(500),
        at(990),
        sorted[sorted.len() - 1]
    );
}
