//! Hostile clients for the listener's limits: ones that send a request's headers a byte at a time
//! and ones that connect and say nothing, each reconnecting as soon as head office closes it.
//! Used by `tests/tests/hold_under_abuse.rs` (a short run) and by the `slow_clients` bench (the
//! measured run with 1,000 clients).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

#[derive(Clone, Copy, Debug)]
pub enum Attack {
    /// Sends `GET /v1/health` headers that never end, one byte per interval.
    Drip(Duration),
    /// Connects and sends nothing (a stalled TLS handshake, an idle socket).
    Silent,
}

/// What the attackers saw.
#[derive(Default)]
pub struct AttackStats {
    pub connections: AtomicU64,
    /// Times head office closed an attacker's connection (a deadline or the cap).
    pub closed_by_server: AtomicU64,
    pub bytes_sent: AtomicU64,
}

pub struct Attackers {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
    pub stats: Arc<AttackStats>,
}

impl Attackers {
    /// `count` attackers that reconnect as soon as head office closes them.
    pub fn start(target: SocketAddr, attack: Attack, count: usize) -> Attackers {
        Attackers::spawn(target, attack, count, true)
    }

    /// `count` attackers that connect once each.
    pub fn start_once(target: SocketAddr, attack: Attack, count: usize) -> Attackers {
        Attackers::spawn(target, attack, count, false)
    }

    fn spawn(target: SocketAddr, attack: Attack, count: usize, again: bool) -> Attackers {
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(AttackStats::default());
        let tasks = (0..count)
            .map(|_| tokio::spawn(attacker(target, attack, again, stop.clone(), stats.clone())))
            .collect();
        Attackers { stop, tasks, stats }
    }

    pub async fn stop(self) -> Arc<AttackStats> {
        self.stop.store(true, Ordering::SeqCst);
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
        self.stats
    }
}

async fn attacker(
    target: SocketAddr,
    attack: Attack,
    again: bool,
    stop: Arc<AtomicBool>,
    stats: Arc<AttackStats>,
) {
    const ENDLESS: &[u8] = b"GET /v1/health HTTP/1.1\r\nHost: hq\r\nX-Slow: ";
    while !stop.load(Ordering::SeqCst) {
        let Ok(mut stream) = TcpStream::connect(target).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        stats.connections.fetch_add(1, Ordering::Relaxed);
        let mut sent = 0usize;
        let mut buf = [0u8; 256];
        loop {
            let wait = match attack {
                Attack::Drip(interval) => interval,
                Attack::Silent => Duration::from_secs(3600),
            };
            // Head office closing the connection shows as a read of 0 bytes (or an error).
            tokio::select! {
                read = stream.read(&mut buf) => {
                    if matches!(read, Ok(0) | Err(_)) {
                        stats.closed_by_server.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                _ = tokio::time::sleep(wait) => {
                    let byte = ENDLESS.get(sent).copied().unwrap_or(b'a');
                    if stream.write_all(&[byte]).await.is_err() {
                        stats.closed_by_server.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    sent += 1;
                    stats.bytes_sent.fetch_add(1, Ordering::Relaxed);
                }
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
        }
        if !again {
            return;
        }
    }
}
