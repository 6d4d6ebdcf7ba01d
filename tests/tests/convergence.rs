//! Property test with real tills and a real head office in one process (no sockets): random
//! sales, voids, goods received, price changes and epoch changes across three tills under random
//! partitions always converge: equal document heads, projections equal to the documents, stock
//! equal to the sum of its movements, and every sale present exactly once at head office.

use kassa_domain::demo_catalogue::DEMO_TAX_CLASSES;
use kassa_domain::{Currency, Money, Product, TaxMode, TaxRate, TenderKind};
use kassa_hq::{Hq, HqError, MovementKind};
use kassa_protocol::{
    EnrollRequest, StockLine, StoreInfo, SyncRequest, SyncResponse, TaxClassInfo,
};
use kassa_store::{LineRequest, SaleRequest, StoreSetup, TaxClass, TenderRequest, Till};
use kassa_sync::{sync_with, HqLink, SyncError};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

const SKUS: [&str; 3] = ["MILK", "WINE", "BREAD"];
const TILLS: usize = 3;

/// Head office in the same process; `cut` simulates a partition.
struct InProcess {
    hq: Arc<Hq>,
    token: String,
    cut: bool,
}

impl HqLink for InProcess {
    fn sync(
        &self,
        request: &SyncRequest,
    ) -> impl Future<Output = Result<SyncResponse, SyncError>> + Send {
        let result = if self.cut {
            Err(SyncError::Offline("partitioned".into()))
        } else {
            let answer = |e: HqError| SyncError::Rejected {
                status: e.status(),
                code: e.code().into(),
                message: e.to_string(),
            };
            self.hq
                .authenticate(Some(&self.token))
                .and_then(|device| self.hq.sync(&device, request.clone()))
                .map_err(answer)
        };
        std::future::ready(result)
    }
}

fn product(sku: &str, price: i64) -> Product {
    Product {
        sku: sku.into(),
        name: format!("{sku} item"),
        price: Money::from_minor(price),
        tax_class: if sku == "WINE" {
            "standard".into()
        } else {
            "reduced".into()
        },
        category: None,
        barcodes: vec![],
        active: true,
    }
}

/// A sale a till rang up: receipt number, (sku, quantity) lines, and whether it was voided.
type Rung = (String, Vec<(String, i64)>, bool);

struct World {
    hq: Arc<Hq>,
    tills: Vec<(Till, InProcess)>,
    runtime: tokio::runtime::Runtime,
    sales: usize,
    voids: usize,
    expected_stock: BTreeMap<String, i64>,
    prices: BTreeMap<String, i64>,
    /// What each till rang up, in order.
    rung: Vec<Vec<Rung>>,
}

impl World {
    fn new() -> World {
        let hq = Arc::new(Hq::open_in_memory().unwrap());
        let classes: Vec<TaxClassInfo> = DEMO_TAX_CLASSES
            .iter()
            .map(|(code, name, bp)| TaxClassInfo {
                code: code.to_string(),
                name: name.to_string(),
                rate_bp: *bp,
            })
            .collect();
        hq.create_store(&StoreInfo {
            code: "AMS1".into(),
            name: "Amsterdam".into(),
            currency: "EUR".into(),
            tax_mode: "inclusive".into(),
            cash_increment: 1,
            tax_classes: classes.clone(),
        })
        .unwrap();
        let prices: BTreeMap<String, i64> = SKUS.iter().map(|s| (s.to_string(), 100)).collect();
        hq.import_catalogue(
            &prices
                .iter()
                .map(|(s, p)| product(s, *p))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let mut tills = Vec::new();
        for till_no in 1..=TILLS {
            let mut till = Till::open_in_memory().unwrap();
            let till_no = u16::try_from(till_no).unwrap();
            let code = hq.create_enroll_code("AMS1", till_no).unwrap().code;
            let enrolled = hq
                .enroll(&EnrollRequest {
                    code,
                    actor_id: till.actor_id().unwrap(),
                })
                .unwrap();
            till.init(&StoreSetup {
                store_code: "AMS1".into(),
                till_no,
                currency: Currency::from_iso("EUR").unwrap(),
                tax_mode: TaxMode::Inclusive,
                cash_increment: 1,
                tax_classes: classes
                    .iter()
                    .map(|c| TaxClass {
                        code: c.code.clone(),
                        name: c.name.clone(),
                        rate: TaxRate::from_basis_points(c.rate_bp).unwrap(),
                    })
                    .collect(),
            })
            .unwrap();
            till.set_enrollment("in-process", &enrolled.device_token)
                .unwrap();
            tills.push((
                till,
                InProcess {
                    hq: hq.clone(),
                    token: enrolled.device_token,
                    cut: false,
                },
            ));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut world = World {
            hq,
            tills,
            runtime,
            sales: 0,
            voids: 0,
            expected_stock: BTreeMap::new(),
            prices,
            rung: vec![Vec::new(); TILLS],
        };
        for t in 0..TILLS {
            world.sync(t);
        }
        world
    }

    fn sync(&mut self, t: usize) {
        let (till, link) = &mut self.tills[t];
        match self.runtime.block_on(sync_with(till, link)) {
            Ok(_) | Err(SyncError::Offline(_)) => {}
            Err(e) => panic!("till {} sync failed: {e}", t + 1),
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Sale { till, sku, qty } => {
                let sku = SKUS[sku].to_string();
                let request = SaleRequest {
                    lines: vec![LineRequest::new(sku.clone(), qty)],
                    discount: None,
                    tenders: vec![TenderRequest {
                        kind: TenderKind::Cash,
                        amount: None,
                        reference: None,
                    }],
                };
                let receipt = self.tills[till].0.complete_sale(&request, None).unwrap();
                self.sales += 1;
                *self.expected_stock.entry(sku.clone()).or_insert(0) -= qty;
                self.rung[till].push((receipt.receipt_no, vec![(sku, qty)], false));
            }
            Op::Void { till, pick } => {
                let open: Vec<usize> = (0..self.rung[till].len())
                    .filter(|&i| !self.rung[till][i].2)
                    .collect();
                if open.is_empty() {
                    return;
                }
                let index = open[pick % open.len()];
                let (receipt_no, lines, _) = self.rung[till][index].clone();
                self.tills[till]
                    .0
                    .void_sale(&receipt_no, "property test", None)
                    .unwrap();
                self.rung[till][index].2 = true;
                self.voids += 1;
                for (sku, qty) in lines {
                    *self.expected_stock.entry(sku).or_insert(0) += qty;
                }
            }
            Op::Receive { sku, qty } => {
                let sku = SKUS[sku].to_string();
                self.hq
                    .record_stock(
                        "AMS1",
                        MovementKind::Receipt,
                        &[StockLine {
                            sku: sku.clone(),
                            quantity: qty,
                        }],
                        None,
                    )
                    .unwrap();
                *self.expected_stock.entry(sku).or_insert(0) += qty;
            }
            Op::Price { sku, price } => {
                self.prices.insert(SKUS[sku].to_string(), price);
                self.hq
                    .import_catalogue(&[product(SKUS[sku], price)])
                    .unwrap();
            }
            Op::NewEpoch => {
                self.hq.open_stock_epoch("AMS1").unwrap();
            }
            Op::Partition(t) => self.tills[t].1.cut = true,
            Op::Heal(t) => self.tills[t].1.cut = false,
            Op::Sync(t) => self.sync(t),
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Sale { till: usize, sku: usize, qty: i64 },
    Void { till: usize, pick: usize },
    Receive { sku: usize, qty: i64 },
    Price { sku: usize, price: i64 },
    NewEpoch,
    Partition(usize),
    Heal(usize),
    Sync(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..TILLS, 0..SKUS.len(), 1..4i64).prop_map(|(till, sku, qty)| Op::Sale { till, sku, qty }),
        1 => (0..TILLS, 0..10usize).prop_map(|(till, pick)| Op::Void { till, pick }),
        1 => (0..SKUS.len(), 1..30i64).prop_map(|(sku, qty)| Op::Receive { sku, qty }),
        1 => (0..SKUS.len(), 50..500i64).prop_map(|(sku, price)| Op::Price { sku, price }),
        1 => Just(Op::NewEpoch),
        2 => (0..TILLS).prop_map(Op::Partition),
        2 => (0..TILLS).prop_map(Op::Heal),
        4 => (0..TILLS).prop_map(Op::Sync),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn tills_and_head_office_converge(ops in proptest::collection::vec(op(), 1..50)) {
        let mut world = World::new();
        for op in &ops {
            world.apply(op);
        }
        for t in 0..TILLS {
            world.tills[t].1.cut = false;
        }
        for _ in 0..3 {
            for t in 0..TILLS {
                world.sync(t);
            }
        }

        let feed = world.hq.sales_feed("AMS1", &chrono::Local::now().date_naive().to_string()).unwrap();
        prop_assert_eq!(feed.sales.len(), world.sales, "every sale exactly once at head office");
        prop_assert_eq!(feed.voids.len(), world.voids);
        let hq_heads: BTreeMap<String, Vec<String>> = world.hq.document_heads("AMS1").unwrap().into_iter().collect();
        for sku in SKUS {
            let at_hq = world.hq.stock_availability(sku).unwrap().stores[0].on_hand;
            let want = world.expected_stock.get(sku).copied().unwrap_or(0);
            prop_assert_eq!(at_hq, want, "head office stock of {}", sku);
        }
        for (t, (till, _)) in world.tills.iter_mut().enumerate() {
            prop_assert_eq!(till.rebuild_verify().unwrap().differences, Vec::<String>::new());
            let ids = till.document_ids().unwrap();
            prop_assert_eq!(ids.to_vec(), hq_heads.keys().cloned().collect::<Vec<_>>(), "till {} holds every document", t + 1);
            for id in ids {
                prop_assert_eq!(&till.document_heads(&id).unwrap(), &hq_heads[&id], "till {} heads of {}", t + 1, id);
            }
            prop_assert_eq!(till.sync_status().unwrap().pending_sales, 0);
            for sku in SKUS {
                prop_assert_eq!(till.stock_on_hand(sku).unwrap(), world.expected_stock.get(sku).copied().unwrap_or(0));
                prop_assert_eq!(till.find_by_code(sku).unwrap().unwrap().price.minor(), world.prices[sku]);
            }
        }
    }
}
