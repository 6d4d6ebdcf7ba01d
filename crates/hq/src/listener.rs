//! The accept loop: every connection on its own task, TLS when head office has a certificate,
//! HTTP/1.1 with deadlines, and a cap on connections that have not sent a request yet. A client
//! that connects and stalls holds one task and one socket, for seconds, never the loop or
//! another client; when stalled connections pile up past the cap, the oldest is closed to make
//! room, so a real till (which sends its request at once) always gets in.

use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// How long a client may take at each step, and how many may wait before sending a request.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A TLS handshake not finished by then is dropped.
    pub handshake: Duration,
    /// Request headers not complete by then (also while a kept-alive connection waits for its
    /// next request): the connection is closed.
    pub headers: Duration,
    /// Connections accepted that have not sent a complete request yet (slow or idle clients,
    /// whoever they are: authentication comes with the first request). Past this, the oldest
    /// such connection is closed for each new one.
    pub max_waiting: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            handshake: Duration::from_secs(10),
            headers: Duration::from_secs(10),
            max_waiting: 4_096,
        }
    }
}

/// What the loop has done, for tests and the operator.
#[derive(Debug, Default)]
pub struct ListenerStats {
    /// Connections closed to make room for newer ones (see [`Limits::max_waiting`]).
    pub evicted: AtomicU64,
}

/// Connections that have not sent a request yet, oldest first, each with the means to close it.
#[derive(Default)]
struct Waiting {
    next_id: u64,
    queue: VecDeque<(u64, oneshot::Sender<()>)>,
}

impl Waiting {
    /// Adds a connection; closes the oldest when past `max`.
    fn admit(&mut self, max: usize, stats: &ListenerStats) -> (u64, oneshot::Receiver<()>) {
        let (close, closed) = oneshot::channel();
        let id = self.next_id;
        self.next_id += 1;
        self.queue.push_back((id, close));
        while self.queue.len() > max.max(1) {
            if let Some((_, oldest)) = self.queue.pop_front() {
                let _ = oldest.send(());
                stats.evicted.fetch_add(1, Ordering::Relaxed);
            }
        }
        (id, closed)
    }

    fn leave(&mut self, id: u64) {
        if let Some(at) = self.queue.iter().position(|(i, _)| *i == id) {
            self.queue.remove(at);
        }
    }
}

pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    stats: Arc<ListenerStats>,
) -> std::io::Result<()> {
    let waiting = Arc::new(Mutex::new(Waiting::default()));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            // Out of file descriptors or a connection reset before it was taken: the listener
            // is fine; pause a moment so a full table can drain instead of spinning.
            Err(e) => {
                eprintln!("kassa-hq: accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (id, closed) = waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .admit(limits.max_waiting, &stats);
        let first = Arc::new(AtomicBool::new(true));
        let connection = Connection {
            id,
            waiting: waiting.clone(),
            router: router.clone(),
            headers: limits.headers,
            first: first.clone(),
        };
        let cleanup = waiting.clone();
        let tls = tls.clone();
        let handshake = limits.handshake;
        let first_request_by = limits.handshake + limits.headers;
        tokio::spawn(async move {
            // Closed to make room: the sender was used. Left the queue (a request came): the
            // sender was dropped, and the connection carries on for as long as it is served.
            let evicted = async {
                if closed.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            let served = async {
                match tls {
                    Some(acceptor) => {
                        if let Ok(Ok(stream)) =
                            tokio::time::timeout(handshake, acceptor.accept(stream)).await
                        {
                            connection.serve(stream).await;
                        }
                    }
                    None => connection.serve(stream).await,
                }
            };
            // hyper's header deadline starts with the first byte: a client that sends none is
            // closed here, when its first request is not in by the handshake and header
            // deadlines together.
            let silent = async {
                tokio::time::sleep(first_request_by).await;
                if !first.load(Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = evicted => {}
                _ = silent => {}
                _ = served => {}
            }
            // However it ended, it no longer waits.
            cleanup.lock().unwrap_or_else(|e| e.into_inner()).leave(id);
        });
    }
}

struct Connection {
    id: u64,
    waiting: Arc<Mutex<Waiting>>,
    router: Router,
    headers: Duration,
    /// Still waiting for its first request.
    first: Arc<AtomicBool>,
}

impl Connection {
    async fn serve<S>(self, stream: S)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            id,
            waiting,
            router,
            headers,
            first,
        } = self;
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            // A complete request: this connection no longer waits (and cannot be closed to make
            // room); whether it may do what it asks is the router's to say.
            if first.swap(false, Ordering::Relaxed) {
                waiting.lock().unwrap_or_else(|e| e.into_inner()).leave(id);
            }
            router.clone().oneshot(request)
        });
        let _ = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(headers)
            .serve_connection(TokioIo::new(stream), service)
            .await;
    }
}
