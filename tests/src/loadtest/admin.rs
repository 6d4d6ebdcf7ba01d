//! Head office's admin API as the load generator uses it: stores, catalogue, stock, enrollment
//! codes to set up, and the sales feed to check the outcome. Plain HTTP requests with the admin
//! token, the same API an operator's scripts use.

use kassa_protocol::{
    EnrollCode, EnrollCodeRequest, SalesFeed, StockLine, StockMovementRequest, StoreInfo,
    TaxClassInfo,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

/// Tries of one admin call while head office says it is busy or rate-limits the caller.
const MAX_ATTEMPTS: u32 = 60;

pub struct AdminClient {
    http: reqwest::Client,
    base: String,
    token: String,
    /// Added to enrollment codes (the admin API answers with the secret alone).
    pin: Option<kassa_protocol::CertPin>,
}

impl AdminClient {
    /// `pin`: the head office's authority fingerprint when it serves TLS with a private one.
    pub fn new(base: &str, token: &str, pin: Option<&str>) -> Result<AdminClient, String> {
        let pin = pin
            .map(kassa_protocol::CertPin::parse)
            .transpose()
            .map_err(|e| format!("the fingerprint: {e}"))?;
        let tls = kassa_sync::client_config(pin).map_err(|e| e.to_string())?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(AdminClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            pin,
        })
    }

    async fn post<T: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &T,
    ) -> Result<R, String> {
        self.send(path, || {
            self.http
                .post(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
                .json(body)
        })
        .await
    }

    async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, String> {
        self.send(path, || {
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(&self.token)
        })
        .await
    }

    /// Sends, and when head office says too many requests (the admin token has a rate limit
    /// like any caller) or busy, waits as long as it asks and tries again.
    async fn send<R: DeserializeOwned>(
        &self,
        path: &str,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<R, String> {
        let body = self.send_raw(path, request).await?;
        serde_json::from_slice(&body).map_err(|e| format!("{path}: unexpected answer: {e}"))
    }

    async fn send_raw(
        &self,
        path: &str,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, String> {
        for _ in 0..MAX_ATTEMPTS {
            let response = request().send().await.map_err(|e| format!("{path}: {e}"))?;
            let status = response.status().as_u16();
            if status == 429 || status == 503 {
                let wait = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
                tokio::time::sleep(Duration::from_secs(wait.clamp(1, 30))).await;
                continue;
            }
            return answer(path, response).await;
        }
        Err(format!("{path}: head office stayed busy"))
    }

    pub async fn create_store(&self, code: &str) -> Result<(), String> {
        let class = |code: &str, rate_bp| TaxClassInfo {
            code: code.into(),
            name: code.into(),
            rate_bp,
        };
        let store = StoreInfo {
            code: code.into(),
            name: format!("Load test store {code}"),
            currency: "EUR".into(),
            tax_mode: "inclusive".into(),
            cash_increment: 5,
            tax_classes: kassa_domain::demo_catalogue::DEMO_TAX_CLASSES
                .iter()
                .map(|(c, _, bp)| class(c, *bp))
                .collect(),
        };
        self.post::<_, serde_json::Value>("/v1/admin/stores", &store)
            .await
            .map(drop)
    }

    pub async fn import_catalogue(&self, products: &[kassa_domain::Product]) -> Result<(), String> {
        self.post::<_, serde_json::Value>("/v1/admin/catalogue", &products)
            .await
            .map(drop)
    }

    pub async fn receive_stock(&self, store: &str, lines: Vec<StockLine>) -> Result<(), String> {
        let request = StockMovementRequest {
            lines,
            note: Some("load test".into()),
        };
        self.post::<_, serde_json::Value>(
            &format!("/v1/admin/stores/{store}/stock/receipts"),
            &request,
        )
        .await
        .map(drop)
    }

    pub async fn enroll_code(&self, store: &str, till_no: u16) -> Result<String, String> {
        let code: EnrollCode = self
            .post(
                &format!("/v1/admin/stores/{store}/enroll-codes"),
                &EnrollCodeRequest { till_no },
            )
            .await?;
        Ok(kassa_protocol::EnrollmentCode {
            secret: code.code,
            pin: self.pin,
        }
        .to_string())
    }

    /// Head office's answer times for sync requests, from `/metrics`.
    pub async fn answer_times(&self) -> Result<super::measure::Histogram, String> {
        let text = self
            .send_raw("/metrics", || {
                self.http
                    .get(format!("{}/metrics", self.base))
                    .bearer_auth(&self.token)
            })
            .await?;
        super::measure::Histogram::parse(
            &String::from_utf8_lossy(&text),
            "kassa_hq_sync_round_seconds",
        )
    }

    pub async fn sales_feed(&self, store: &str, day: &str) -> Result<SalesFeed, String> {
        self.get(&format!("/v1/stores/{store}/sales?day={day}"))
            .await
    }
}

async fn answer(path: &str, response: reqwest::Response) -> Result<Vec<u8>, String> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{path}: reading the answer: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "{path}: head office answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(body.to_vec())
}
