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
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        answer(path, response).await
    }

    async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, String> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        answer(path, response).await
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

    pub async fn sales_feed(&self, store: &str, day: &str) -> Result<SalesFeed, String> {
        self.get(&format!("/v1/stores/{store}/sales?day={day}"))
            .await
    }
}

async fn answer<R: DeserializeOwned>(path: &str, response: reqwest::Response) -> Result<R, String> {
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
    serde_json::from_slice(&body).map_err(|e| format!("{path}: unexpected answer: {e}"))
}
