//! The console's catalogue over real HTTP: search; a file uploaded, previewed with every bad row
//! and nothing applied until confirmed (a confirmation without the session's token, or with a
//! tax field left unmapped, changes nothing); the sample Shopify and Square exports imported with
//! their tax fields mapped; another user's upload out of reach; a scheduled price.

mod common;

use common::console::{csrf_of, set_cookie, Browser};
use kassa_hq::console_users::ConsoleRole;
use kassa_hq::Hq;
use kassa_protocol::{StoreInfo, TaxClassInfo};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use std::sync::Arc;

const SHOPIFY: &[u8] = include_bytes!("../../../samples/imports/shopify_products_export.csv");
const SQUARE: &[u8] = include_bytes!("../../../samples/imports/square_item_library_export.csv");

fn dutch_store(code: &str) -> StoreInfo {
    let class = |code: &str, rate_bp| TaxClassInfo {
        code: code.into(),
        name: code.into(),
        rate_bp,
    };
    StoreInfo {
        tax_classes: vec![
            class("standard", 2100),
            class("reduced", 900),
            class("zero", 0),
        ],
        ..common::store(code)
    }
}

struct Admin {
    browser: Browser,
    session: String,
    hq: Arc<Hq>,
}

impl Admin {
    async fn new() -> Admin {
        let hq = Arc::new(Hq::open_in_memory().unwrap());
        for code in ["AMS1", "RTM1"] {
            hq.create_store(&dutch_store(code)).await.unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = hq.clone();
        tokio::spawn(async move { kassa_hq::serve(listener, served, "admin-token".into()).await });
        let browser = Browser {
            client: Client::builder().redirect(Policy::none()).build().unwrap(),
            url,
        };
        let session = Self::session_of(&browser, &hq, "ann", ConsoleRole::Admin).await;
        Admin {
            browser,
            session,
            hq,
        }
    }

    async fn session_of(browser: &Browser, hq: &Hq, name: &str, role: ConsoleRole) -> String {
        let (_, password) = hq.add_console_user(name, role, &[], None).await.unwrap();
        let signed_in = browser.sign_in(name, &password).await;
        set_cookie(&signed_in, "kassa_console").unwrap().0
    }

    async fn page(&self, path: &str, session: &str) -> (StatusCode, String) {
        let response = self.browser.get(path, session).await;
        (response.status(), response.text().await.unwrap())
    }

    /// Posts a file as the upload form does (multipart, written out by hand).
    async fn upload(
        &self,
        session: &str,
        csrf: &str,
        format: &str,
        file: &[u8],
    ) -> reqwest::Response {
        let boundary = "kassa-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, value) in [("csrf", csrf), ("format", format)] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\nContent-Type: text/csv\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.browser
            .client
            .post(format!("{}/console/catalogue/import", self.browser.url))
            .header(COOKIE, format!("kassa_console={session}"))
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, session: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self
            .browser
            .client
            .post(format!("{}{path}", self.browser.url))
            .header(COOKIE, format!("kassa_console={session}"))
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn csrf(&self, session: &str) -> String {
        csrf_of(&self.page("/console/catalogue", session).await.1)
    }

    /// Uploads and follows the answer to the preview: (its path, the page).
    async fn preview(&self, format: &str, file: &[u8]) -> (String, String) {
        let csrf = self.csrf(&self.session).await;
        let uploaded = self.upload(&self.session, &csrf, format, file).await;
        assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
        let path = uploaded.headers()[LOCATION].to_str().unwrap().to_string();
        let (status, page) = self.page(&path, &self.session).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        (path, page)
    }

    async fn catalogue_size(&self) -> usize {
        self.hq.storage().catalogue_since(0).await.unwrap().1.len()
    }
}

#[tokio::test]
async fn a_file_is_applied_only_when_its_preview_is_confirmed() {
    let admin = Admin::new().await;
    let file = b"sku,name,price,tax_class\nAPPLE,Apple,0.50,reduced\nBAD,Bad price,1.005,reduced\nPEAR,Pear,0.60,reduced\n";
    let (path, page) = admin.preview("kassa", file).await;
    assert!(page.contains("Rows left out"), "{page}");
    assert!(
        page.contains(">3<") && page.contains("price"),
        "the bad row, with its line: {page}"
    );
    assert!(page.contains("Import 2 products"));
    assert_eq!(
        admin.catalogue_size().await,
        0,
        "nothing applied by a preview"
    );

    // Without the session's token: refused, nothing applied.
    let (status, _) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(admin.catalogue_size().await, 0);

    let csrf = csrf_of(&page);
    let (status, done) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(done.contains("Imported 2 products"), "{done}");
    let skus: Vec<String> = admin
        .hq
        .storage()
        .catalogue_since(0)
        .await
        .unwrap()
        .1
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(skus, ["APPLE", "PEAR"]);
    let log = admin.hq.admin_log(10).await.unwrap();
    assert!(
        log.iter().any(|e| e.actor == "console:ann"
            && e.action.contains("2 products")
            && e.outcome == "ok"),
        "{log:?}"
    );
    // The same preview again: gone (applied once).
    let (status, _) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Search finds them by SKU prefix or name, any case.
    let (_, found) = admin.page("/console/catalogue?q=pea", &admin.session).await;
    assert!(
        found.contains("data-sku=\"PEAR\"") && !found.contains("data-sku=\"APPLE\""),
        "{found}"
    );
}

#[tokio::test]
async fn shopify_and_square_exports_import_with_their_tax_fields_mapped() {
    let admin = Admin::new().await;
    let (path, page) = admin.preview("shopify", SHOPIFY).await;
    assert!(
        page.contains("gift card"),
        "the gift card row is listed: {page}"
    );
    assert!(page.contains("Taxable (Variant Taxable = TRUE)"));
    let csrf = csrf_of(&page);
    // A tax field left unmapped: refused whole.
    let (status, refused) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[("csrf", &csrf), ("tax:shopify:taxable", "standard")],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(admin.catalogue_size().await, 0);
    // A class not set up in the stores: refused whole.
    let (status, _) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[
                ("csrf", &csrf),
                ("tax:shopify:taxable", "luxury"),
                ("tax:shopify:not-taxable", "zero"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(admin.catalogue_size().await, 0);
    let (status, done) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[
                ("csrf", &csrf),
                ("tax:shopify:taxable", "standard"),
                ("tax:shopify:not-taxable", "zero"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let storage = admin.hq.storage();
    let book = storage.product("BOOK-CITYWALKS").await.unwrap().unwrap();
    assert_eq!(
        (book.tax_class.as_str(), book.price.minor()),
        ("zero", 1999)
    );
    let tee = storage.product("TEE-ORG-M").await.unwrap().unwrap();
    assert_eq!(
        (tee.tax_class.as_str(), tee.name.as_str()),
        ("standard", "Organic cotton tee – M")
    );

    let (path, page) = admin.preview("square", SQUARE).await;
    assert!(page.contains("variable price"), "{page}");
    // The preview offers the class of the stated rate first.
    assert!(
        page.contains("<option value=\"reduced\" selected>"),
        "{page}"
    );
    let csrf = csrf_of(&page);
    let (status, done) = admin
        .post(
            &format!("{path}/confirm"),
            &admin.session,
            &[
                ("csrf", &csrf),
                ("tax:square:BTW hoog (21%)", "standard"),
                ("tax:square:BTW laag (9%)", "reduced"),
                ("tax:square:none", "zero"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let coffee = storage.product("COF-FILTER-250").await.unwrap().unwrap();
    assert_eq!(
        (coffee.tax_class.as_str(), coffee.price.minor()),
        ("reduced", 850)
    );
    assert_eq!(admin.catalogue_size().await, 5 + 6);
}

#[tokio::test]
async fn uploads_are_the_uploaders_and_only_an_admins() {
    let admin = Admin::new().await;
    let (path, _) = admin
        .preview("kassa", b"sku,name,price,tax_class\nA,Apple,0.50,reduced\n")
        .await;
    // Another admin cannot see or confirm ann's upload: its id proves nothing about who asks.
    let other = Admin::session_of(&admin.browser, &admin.hq, "bob", ConsoleRole::Admin).await;
    let (status, _) = admin.page(&path, &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let csrf = admin.csrf(&other).await;
    let (status, _) = admin
        .post(&format!("{path}/confirm"), &other, &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(admin.catalogue_size().await, 0);

    // An analyst searches, and sees no form to change anything; an upload is refused.
    let analyst = Admin::session_of(&admin.browser, &admin.hq, "cleo", ConsoleRole::Analyst).await;
    let (status, page) = admin.page("/console/catalogue", &analyst).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Import a catalogue file") && !page.contains("Schedule a price"));
    let csrf = csrf_of(&page);
    let refused = admin
        .upload(
            &analyst,
            &csrf,
            "kassa",
            b"sku,name,price,tax_class\nB,B,1,reduced\n",
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    // An upload without the session's token is refused before it is kept.
    let forged = admin.upload(&admin.session, "forged", "kassa", b"x").await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Not the layout it says: the preview says which column is missing.
    let (_, page) = {
        let csrf = admin.csrf(&admin.session).await;
        let uploaded = admin.upload(&admin.session, &csrf, "square", SHOPIFY).await;
        let path = uploaded.headers()[LOCATION].to_str().unwrap().to_string();
        admin.page(&path, &admin.session).await
    };
    assert!(page.contains("Item Name"), "{page}");
}

#[tokio::test]
async fn a_price_is_scheduled_for_an_instant() {
    let admin = Admin::new().await;
    admin
        .hq
        .import_catalogue_csv(b"sku,name,price,tax_class\nMUG,Mug,12.50,standard\n")
        .await
        .unwrap();
    let csrf = admin.csrf(&admin.session).await;
    let (status, _) = admin
        .post(
            "/console/catalogue/price",
            &admin.session,
            &[
                ("csrf", &csrf),
                ("sku", "MUG"),
                ("price", "9.99"),
                ("from", "2099-01-01T07:00"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mug = admin.hq.storage().product("MUG").await.unwrap().unwrap();
    assert_eq!(mug.price.minor(), 1250, "not yet");
    assert_eq!(mug.scheduled_prices.len(), 1);
    assert_eq!(mug.scheduled_prices[0].price.minor(), 999);
    assert_eq!(mug.scheduled_prices[0].from, 4_070_934_000);
    let (_, page) = admin.page("/console/catalogue?q=MUG", &admin.session).await;
    assert!(page.contains("9.99 from 2099-01-01 07:00 UTC"), "{page}");
    // Hostile input: a negative price, an unknown SKU, a time that is not one: refused, unchanged.
    for (sku, price, from) in [
        ("MUG", "-1", "2099-01-01T07:00"),
        ("NOPE", "1", "2099-01-01T07:00"),
        ("MUG", "1", "soon"),
    ] {
        let (status, _) = admin
            .post(
                "/console/catalogue/price",
                &admin.session,
                &[
                    ("csrf", &csrf),
                    ("sku", sku),
                    ("price", price),
                    ("from", from),
                ],
            )
            .await;
        assert!(status.is_client_error(), "{sku} {price} {from}: {status}");
    }
    assert_eq!(
        admin.hq.storage().product("MUG").await.unwrap().unwrap(),
        mug
    );
}
