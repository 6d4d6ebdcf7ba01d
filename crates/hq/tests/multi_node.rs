//! Two head office nodes (the real `kassa-hq` binary) on one PostgreSQL, behind Debian's
//! haproxy running `deploy/haproxy.cfg`: tills of three stores sync through whichever node the
//! balancer picks, one node is killed (SIGKILL) while syncs are in flight and started again, and
//! in the end every sale is at head office exactly once, every till holds what head office
//! holds, and stock is what was received less what was sold.
//!
//! Needs PostgreSQL (`KASSA_TEST_POSTGRES`) and haproxy: skipped without them, failed without
//! them when `KASSA_REQUIRE_POSTGRES=1` (`scripts/test`).

use kassa_hq::testing::{fresh_postgres_database, postgres_required};
use kassa_hq::Hq;
use kassa_protocol::{StockLine, StoreInfo, TaxClassInfo};
use kassa_store::{LineRequest, SaleRequest, TenderRequest, Till};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const STORES: [&str; 3] = ["AMS1", "RTM1", "UTR1"];
const TILLS_PER_STORE: u16 = 2;
const ROUNDS: usize = 12;
const RECEIVED: i64 = 10_000;
const DAY: &str = "2026-11-23";

const CATALOGUE: &str = "sku,name,price,tax_class,barcodes,category
MILK,Whole milk 1 L,1.29,reduced,4006381333931,Dairy
WINE,Cotes du Rhone rouge 75 cl,8.99,standard,96385074,Wine
";

fn store(code: &str) -> StoreInfo {
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
        tax_classes: vec![class("standard", 2100), class("reduced", 900)],
    }
}

fn cash_sale(sku: &str, quantity: i64) -> SaleRequest {
    SaleRequest {
        lines: vec![LineRequest::new(sku, quantity)],
        discount: None,
        tenders: vec![TenderRequest {
            kind: kassa_domain::TenderKind::Cash,
            amount: None,
            reference: None,
        }],
    }
}

/// A free port on loopback (bound and let go: the node or balancer takes it next).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `kassa-hq serve` process on PostgreSQL, killed when dropped.
struct Node {
    child: Child,
}

impl Node {
    fn start(data: &Path, database: &str, port: u16) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kassa-hq"))
            .arg("--data")
            .arg(data)
            .args(["--database", database, "--database-connections", "4"])
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("KASSA_HQ_ADMIN_TOKEN", "multi-node-admin")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("listening on") && line.contains("PostgreSQL"),
            "node did not start: {line:?}"
        );
        Node { child }
    }

    /// SIGKILL: no shutdown, requests cut off wherever they are.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

struct Balancer {
    child: Child,
}

impl Balancer {
    fn start(bind: &str, a: &str, b: &str) -> Balancer {
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/haproxy.cfg");
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .env("KASSA_LB_BIND", bind)
            .env("KASSA_NODE_A", a)
            .env("KASSA_NODE_B", b)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("haproxy cannot be started ({e}): apt-get install haproxy"));
        Balancer { child }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn haproxy_installed() -> bool {
    Command::new("haproxy")
        .arg("-v")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

async fn wait_for_health(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("{url}/v1/health")).send().await {
            if response.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never became healthy");
}

struct TillUnderTest {
    store: &'static str,
    till: Till,
    /// Receipt numbers it rang, and what it sold of each SKU.
    receipts: Vec<String>,
    sold: BTreeMap<String, i64>,
}

/// One round of one till: a sale, then a sync through the balancer. A sync may fail while a
/// node is being killed; the till syncs again next round.
fn round(t: &mut TillUnderTest, n: usize) -> impl std::future::Future<Output = bool> + '_ {
    let sku = if n.is_multiple_of(2) { "MILK" } else { "WINE" };
    let quantity = 1 + (n % 3) as i64;
    let receipt = t
        .till
        .complete_sale(&cash_sale(sku, quantity), None)
        .unwrap();
    t.receipts.push(receipt.receipt_no.clone());
    *t.sold.entry(sku.to_string()).or_default() += quantity;
    async move { kassa_sync::sync_once(&mut t.till).await.is_ok() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_behind_a_balancer_lose_nothing_when_one_is_killed_mid_sync() {
    let Some(database) = fresh_postgres_database().await else {
        return;
    };
    if !haproxy_installed() {
        assert!(
            !postgres_required(),
            "haproxy is needed for this test (apt-get install haproxy)"
        );
        eprintln!("skipped: no haproxy");
        return;
    }
    // Head office set up through a third node: this test process.
    let setup = Arc::new(Hq::connect_postgres(&database, 2).await.unwrap());
    for code in STORES {
        setup.create_store(&store(code)).await.unwrap();
    }
    setup
        .import_catalogue_csv(CATALOGUE.as_bytes())
        .await
        .unwrap();
    for code in STORES {
        for sku in ["MILK", "WINE"] {
            setup
                .record_stock(
                    code,
                    kassa_hq::MovementKind::Receipt,
                    &[StockLine {
                        sku: sku.into(),
                        quantity: RECEIVED,
                    }],
                    None,
                )
                .await
                .unwrap();
        }
    }

    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (port_a, port_b, port_lb) = (free_port(), free_port(), free_port());
    let mut node_a = Node::start(dir_a.path(), &database, port_a);
    let _node_b = Node::start(dir_b.path(), &database, port_b);
    let _balancer = Balancer::start(
        &format!("127.0.0.1:{port_lb}"),
        &format!("127.0.0.1:{port_a}"),
        &format!("127.0.0.1:{port_b}"),
    );
    let url = format!("http://127.0.0.1:{port_lb}");
    wait_for_health(&url).await;

    let mut tills = Vec::new();
    for code in STORES {
        for till_no in 1..=TILLS_PER_STORE {
            let mut till =
                Till::open_in_memory()
                    .unwrap()
                    .with_clock(Arc::new(kassa_store::FixedClock(
                        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap(),
                    )));
            let secret = setup.create_enroll_code(code, till_no).await.unwrap().code;
            let enrollment = kassa_protocol::EnrollmentCode { secret, pin: None }.to_string();
            kassa_sync::enroll(&mut till, &url, &enrollment)
                .await
                .unwrap();
            // The catalogue and stock come with the first sync.
            kassa_sync::sync_once(&mut till).await.unwrap();
            tills.push(TillUnderTest {
                store: code,
                till,
                receipts: Vec::new(),
                sold: BTreeMap::new(),
            });
        }
    }

    let mut failed_syncs = 0;
    for n in 0..ROUNDS {
        let kill_now = n == ROUNDS / 3;
        let rounds = futures_join_all(tills.iter_mut().map(|t| round(t, n)));
        let outcomes = if kill_now {
            // Node A dies while this round's syncs are on the wire.
            let (outcomes, ()) = tokio::join!(rounds, async {
                tokio::time::sleep(Duration::from_millis(30)).await;
                node_a.kill();
            });
            outcomes
        } else {
            rounds.await
        };
        failed_syncs += outcomes.iter().filter(|ok| !**ok).count();
        if n == 2 * ROUNDS / 3 {
            node_a = Node::start(dir_a.path(), &database, port_a);
        }
    }
    // Everyone syncs until a round moves nothing: twice each, through either node.
    for _ in 0..3 {
        for t in tills.iter_mut() {
            let _ = kassa_sync::sync_once(&mut t.till).await;
        }
    }
    for t in tills.iter_mut() {
        kassa_sync::sync_once(&mut t.till)
            .await
            .expect("with both nodes up, every sync goes through");
    }
    eprintln!("syncs that failed while a node died: {failed_syncs}");

    let mut expected_stock = BTreeMap::new();
    for code in STORES {
        let of_store: Vec<&TillUnderTest> = tills.iter().filter(|t| t.store == code).collect();
        // Every sale exactly once.
        let feed = setup.sales_feed(code, DAY).await.unwrap();
        let mut at_hq: Vec<String> = feed.sales.iter().map(|s| s.receipt_no.clone()).collect();
        at_hq.sort();
        let mut rung: Vec<String> = of_store
            .iter()
            .flat_map(|t| t.receipts.iter().cloned())
            .collect();
        rung.sort();
        assert_eq!(at_hq.len(), usize::from(TILLS_PER_STORE) * ROUNDS);
        assert_eq!(at_hq, rung, "{code}: head office holds every sale once");
        // Stock is what was received less what was sold.
        for sku in ["MILK", "WINE"] {
            let sold: i64 = of_store
                .iter()
                .map(|t| t.sold.get(sku).copied().unwrap_or(0))
                .sum();
            let expected = RECEIVED - sold;
            expected_stock.insert((code, sku), expected);
            let at_hq = setup
                .stock_availability(sku)
                .await
                .unwrap()
                .stores
                .iter()
                .find(|s| s.store == code)
                .map(|s| s.on_hand);
            assert_eq!(at_hq, Some(expected), "{code} {sku} at head office");
        }
    }
    // Every till holds its store's documents at head office's heads, and counts the other
    // tills' sales in its stock.
    for t in tills.iter_mut() {
        for (doc_id, mut heads) in setup.storage().document_heads(t.store).await.unwrap() {
            heads.sort();
            let mut at_till = t.till.document_heads(&doc_id.to_string()).unwrap();
            at_till.sort();
            assert_eq!(at_till, heads, "{doc_id} on a till of {}", t.store);
        }
        for sku in ["MILK", "WINE"] {
            assert_eq!(
                t.till.stock_on_hand(sku).unwrap(),
                expected_stock[&(t.store, sku)],
                "{sku} on a till of {}",
                t.store
            );
        }
    }
}

/// Polls every future to completion on this task (tills are driven side by side).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("ready")).collect()
}
