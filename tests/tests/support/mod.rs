//! A real head office on 127.0.0.1:0 inside the test, and real tills talking to it over HTTP.

#![allow(dead_code)]

use kassa_hq::Hq;
use kassa_protocol::{StockLine, StoreInfo, TaxClassInfo};
use kassa_store::{LineRequest, SaleRequest, TenderRequest, Till};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinHandle;

pub const ADMIN_TOKEN: &str = "test-admin-token";

pub const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy
WINE,Côtes du Rhône rouge 75 cl,8.99,standard,96385074,Wine
BREAD,Sourdough loaf,2.49,reduced,036000291452,Bakery
";

pub struct HqServer {
    pub hq: Arc<Hq>,
    pub addr: SocketAddr,
    /// The fingerprint of its private authority when it serves TLS ([`HqServer::start_tls`]).
    pub pin: Option<kassa_protocol::CertPin>,
    tls: Option<Arc<rustls::ServerConfig>>,
    handle: Option<JoinHandle<()>>,
    _data: tempfile::TempDir,
}

impl HqServer {
    /// Head office with stores AMS1 and RTM1 and the small catalogue, on plain http.
    pub async fn start() -> HqServer {
        HqServer::start_with(false).await
    }

    /// The same head office on https, with its own private authority (`kassa-hq tls init`).
    pub async fn start_tls() -> HqServer {
        HqServer::start_with(true).await
    }

    async fn start_with(tls: bool) -> HqServer {
        let data = tempfile::tempdir().unwrap();
        let (pin, tls) = if tls {
            let dir = kassa_hq::tls::tls_dir(data.path());
            let (files, pin) =
                kassa_hq::tls::init_private_ca(&dir, &["127.0.0.1".to_string()]).unwrap();
            let config = kassa_hq::tls::server_config(&files.cert, &files.key).unwrap();
            (Some(pin), Some(config))
        } else {
            (None, None)
        };
        let hq = Arc::new(Hq::open(data.path()).unwrap());
        for code in ["AMS1", "RTM1"] {
            hq.create_store(&store(code)).await.unwrap();
        }
        hq.import_catalogue_csv(CATALOGUE.as_bytes()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = spawn(listener, hq.clone(), tls.clone());
        HqServer {
            hq,
            addr,
            pin,
            tls,
            handle: Some(handle),
            _data: data,
        }
    }

    /// Head office's database file (tests that need a row no API writes any more).
    pub fn database_path(&self) -> std::path::PathBuf {
        self._data.path().join("hq.db")
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// A one-time code for a till, as `kassa-hq enroll-code` prints it (with the pin on TLS).
    pub async fn enroll_code(&self, store: &str, till_no: u16) -> String {
        let secret = self
            .hq
            .create_enroll_code(store, till_no)
            .await
            .unwrap()
            .code;
        kassa_protocol::EnrollmentCode {
            secret,
            pin: self.pin,
        }
        .to_string()
    }

    /// Takes head office off the network (the process stays, like a cut cable).
    pub async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
            let _ = handle.await;
        }
    }

    /// Puts it back on the same address.
    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.handle = Some(spawn(listener, self.hq.clone(), self.tls.clone()));
    }

    pub async fn receive(&self, store: &str, sku: &str, quantity: i64) {
        self.hq
            .record_stock(
                store,
                kassa_hq::MovementKind::Receipt,
                &[StockLine {
                    sku: sku.into(),
                    quantity,
                }],
                None,
            )
            .await
            .unwrap();
    }

    pub async fn sales_at_hq(&self, store: &str, day: &str) -> usize {
        self.hq.sales_feed(store, day).await.unwrap().sales.len()
    }

    /// A fresh till enrolled as `till_no` of `store`, synced once.
    pub async fn enrolled_till(&self, store: &str, till_no: u16) -> Till {
        let mut till = Till::open_in_memory()
            .unwrap()
            .with_clock(clock("2026-11-23T09:00:00+01:00"));
        let code = self.enroll_code(store, till_no).await;
        kassa_sync::enroll(&mut till, &self.url(), &code)
            .await
            .unwrap();
        kassa_sync::sync_once(&mut till).await.unwrap();
        till
    }
}

impl Drop for HqServer {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
    }
}

fn spawn(
    listener: tokio::net::TcpListener,
    hq: Arc<Hq>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let _ = match tls {
            Some(config) => {
                kassa_hq::serve_tls(listener, hq, ADMIN_TOKEN.to_string(), config).await
            }
            None => kassa_hq::serve(listener, hq, ADMIN_TOKEN.to_string()).await,
        };
    })
}

pub fn store(code: &str) -> StoreInfo {
    let class = |code: &str, rate_bp| TaxClassInfo {
        code: code.into(),
        name: code.into(),
        rate_bp,
    };
    StoreInfo {
        code: code.into(),
        name: format!("Store {code}"),
        currency: "EUR".into(),
        tax_mode: "inclusive".into(),
        cash_increment: 5,
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
    }
}

pub fn clock(rfc3339: &str) -> Arc<kassa_store::FixedClock> {
    Arc::new(kassa_store::FixedClock(
        chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap(),
    ))
}

pub fn cash_sale(lines: &[(&str, i64)]) -> SaleRequest {
    SaleRequest {
        lines: lines
            .iter()
            .map(|(code, qty)| LineRequest::new(*code, *qty))
            .collect(),
        discount: None,
        tenders: vec![TenderRequest {
            kind: kassa_domain::TenderKind::Cash,
            amount: None,
            reference: None,
        }],
    }
}
pub mod screen;
pub mod webdriver;
