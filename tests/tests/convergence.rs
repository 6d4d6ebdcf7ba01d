//! Property test with real tills and a real head office in one process (no sockets): random
//! sales, voids, goods received, price changes and epoch changes across three tills under random
//! partitions always converge: equal document heads, projections equal to the documents, stock
//! equal to the sum of its movements, and every sale present exactly once at head office. Returns
//! (across tills, offline), shifts, cash movements and resolutions make the exceptions inbox
//! busy: after sync every till's inbox equals head office's for the store.

use kassa_domain::demo_catalogue::DEMO_TAX_CLASSES;
use kassa_domain::{Currency, Money, Product, TaxMode, TaxRate, TenderCount, TenderKind};
use kassa_hq::{Hq, HqError, MovementKind};
use kassa_protocol::{
    EnrollRequest, StockLine, StoreInfo, SyncRequest, SyncResponse, TaxClassInfo,
};
use kassa_store::{
    CashDirection, LineRequest, RefundMethod, ReturnLineRequest, ReturnOf, ReturnRequest,
    SaleRequest, StoreSetup, TaxClass, TenderRequest, Till,
};
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
        let (hq, token, cut, request) = (
            self.hq.clone(),
            self.token.clone(),
            self.cut,
            request.clone(),
        );
        async move {
            if cut {
                return Err(SyncError::Offline("partitioned".into()));
            }
            let answer = |e: HqError| SyncError::Rejected {
                status: e.status(),
                code: e.code().into(),
                message: e.to_string(),
            };
            let device = hq.authenticate(Some(&token)).await.map_err(answer)?;
            hq.sync(&device, request).await.map_err(answer)
        }
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
        scheduled_prices: Vec::new(),
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
        // Head office is async (its storage runs queries on the runtime's blocking threads).
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let hq = Arc::new(Hq::open_in_memory().unwrap());
        let classes: Vec<TaxClassInfo> = DEMO_TAX_CLASSES
            .iter()
            .map(|(code, name, bp)| TaxClassInfo {
                code: code.to_string(),
                name: name.to_string(),
                rate_bp: *bp,
            })
            .collect();
        runtime
            .block_on(hq.create_store(&StoreInfo {
                code: "AMS1".into(),
                name: "Amsterdam".into(),
                currency: "EUR".into(),
                tax_mode: "inclusive".into(),
                cash_increment: 1,
                tax_classes: classes.clone(),
            }))
            .unwrap();
        let prices: BTreeMap<String, i64> = SKUS.iter().map(|s| (s.to_string(), 100)).collect();
        runtime
            .block_on(
                hq.import_catalogue(
                    &prices
                        .iter()
                        .map(|(s, p)| product(s, *p))
                        .collect::<Vec<_>>(),
                ),
            )
            .unwrap();
        let mut tills = Vec::new();
        for till_no in 1..=TILLS {
            let mut till = Till::open_in_memory().unwrap();
            let till_no = u16::try_from(till_no).unwrap();
            let code = runtime
                .block_on(hq.create_enroll_code("AMS1", till_no))
                .unwrap()
                .code;
            let enrolled = runtime
                .block_on(hq.enroll(&EnrollRequest {
                    code,
                    actor_id: till.actor_id().unwrap(),
                    device_key: kassa_store::NewDeviceKey::generate().public_hex,
                }))
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
            till.set_enrollment("in-process", &enrolled.device_token, None)
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
                self.rung[till].push((receipt.receipt_no.clone(), vec![(sku, qty)], false));
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
                // A sale this till knows has returns is refused (it is returned instead).
                match self.tills[till]
                    .0
                    .void_sale(&receipt_no, "property test", None)
                {
                    Ok(_) => {}
                    Err(e) if e.is_bad_input() => return,
                    Err(e) => panic!("void failed: {e}"),
                }
                self.rung[till][index].2 = true;
                self.voids += 1;
                for (sku, qty) in lines {
                    *self.expected_stock.entry(sku).or_insert(0) += qty;
                }
            }
            Op::Receive { sku, qty } => {
                let sku = SKUS[sku].to_string();
                self.runtime
                    .block_on(self.hq.record_stock(
                        "AMS1",
                        MovementKind::Receipt,
                        &[StockLine {
                            sku: sku.clone(),
                            quantity: qty,
                        }],
                        None,
                    ))
                    .unwrap();
                *self.expected_stock.entry(sku).or_insert(0) += qty;
            }
            Op::Price { sku, price } => {
                self.prices.insert(SKUS[sku].to_string(), price);
                self.runtime
                    .block_on(self.hq.import_catalogue(&[product(SKUS[sku], price)]))
                    .unwrap();
            }
            Op::NewEpoch => {
                self.runtime
                    .block_on(self.hq.open_stock_epoch("AMS1"))
                    .unwrap();
            }
            Op::Return { till, from, pick } => {
                // Any till may take back any till's sale it has seen; two offline tills can
                // both take back the last unit (the inbox flags it). Refusals change nothing.
                let Some((receipt_no, lines, _)) = self.rung[from].get(pick).cloned() else {
                    return;
                };
                let (sku, _) = &lines[0];
                let request = ReturnRequest {
                    of: ReturnOf::Receipt { receipt_no },
                    lines: vec![ReturnLineRequest {
                        code: sku.clone(),
                        quantity: 1,
                        restock: true,
                    }],
                    refund: RefundMethod::Cash,
                    approved_by: None,
                    reason: None,
                    remote_sale: None,
                    remote_order: None,
                };
                match self.tills[till].0.return_goods(&request, None) {
                    Ok(_) => *self.expected_stock.entry(sku.clone()).or_insert(0) += 1,
                    Err(e) if e.is_bad_input() => {}
                    Err(e) => panic!("return failed: {e}"),
                }
            }
            Op::Shift { till, step } => {
                let t = &mut self.tills[till].0;
                // Open, move cash, close: each refused when the shift is not in that state.
                let _ = match step % 3 {
                    0 => t.open_shift(Money::from_minor(10_000)).map(|_| ()),
                    1 => t
                        .cash_movement(CashDirection::In, Money::from_minor(500), "change", None)
                        .map(|_| ()),
                    _ => t
                        .close_shift(&[TenderCount {
                            kind: TenderKind::Cash,
                            amount: Some(Money::from_minor(10_500)),
                            denominations: Vec::new(),
                        }])
                        .map(|_| ()),
                };
            }
            Op::Resolve { till, pick } => {
                let t = &mut self.tills[till].0;
                let open: Vec<_> = t
                    .exceptions()
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.resolution.is_none())
                    .collect();
                if let Some(exception) = open.get(pick % open.len().max(1)) {
                    t.resolve_exception(
                        &exception.id,
                        "counted and settled",
                        Some("Manager"),
                        None,
                    )
                    .unwrap();
                }
            }
            Op::Partition(t) => self.tills[t].1.cut = true,
            Op::Heal(t) => self.tills[t].1.cut = false,
            Op::Sync(t) => self.sync(t),
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Sale {
        till: usize,
        sku: usize,
        qty: i64,
    },
    Void {
        till: usize,
        pick: usize,
    },
    Receive {
        sku: usize,
        qty: i64,
    },
    Price {
        sku: usize,
        price: i64,
    },
    NewEpoch,
    Return {
        till: usize,
        from: usize,
        pick: usize,
    },
    Shift {
        till: usize,
        step: usize,
    },
    Resolve {
        till: usize,
        pick: usize,
    },
    Partition(usize),
    Heal(usize),
    Sync(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..TILLS, 0..SKUS.len(), 1..3i64).prop_map(|(till, sku, qty)| Op::Sale { till, sku, qty }),
        1 => (0..TILLS, 0..10usize).prop_map(|(till, pick)| Op::Void { till, pick }),
        1 => (0..SKUS.len(), 1..30i64).prop_map(|(sku, qty)| Op::Receive { sku, qty }),
        1 => (0..SKUS.len(), 50..500i64).prop_map(|(sku, price)| Op::Price { sku, price }),
        1 => Just(Op::NewEpoch),
        4 => (0..TILLS, 0..TILLS, 0..2usize).prop_map(|(till, from, pick)| Op::Return { till, from, pick }),
        1 => (0..TILLS, 0..3usize).prop_map(|(till, step)| Op::Shift { till, step }),
        1 => (0..TILLS, 0..4usize).prop_map(|(till, pick)| Op::Resolve { till, pick }),
        2 => (0..TILLS).prop_map(Op::Partition),
        2 => (0..TILLS).prop_map(Op::Heal),
        4 => (0..TILLS).prop_map(Op::Sync),
    ]
}

proptest! {
    // 32 cases in the test suite; `PROPTEST_CASES=500` for a soak (over-returns and returned
    // and voided sales appear in about one case in ten).
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn tills_and_head_office_converge(ops in proptest::collection::vec(op(), 1..60)) {
        let mut world = World::new();
        for (n, op) in ops.iter().enumerate() {
            world.apply(op);
            // The inbox each till keeps as records arrive equals one worked out from scratch,
            // read now and then so that marked subjects pile up between reads too.
            if n % 3 == 2 {
                for (t, (till, _)) in world.tills.iter_mut().enumerate() {
                    let from_scratch = till.exceptions_from_scratch().unwrap();
                    prop_assert_eq!(&till.exceptions().unwrap(), &from_scratch, "till {} kept inbox after op {}", t + 1, n);
                }
            }
        }
        for t in 0..TILLS {
            world.tills[t].1.cut = false;
        }
        for _ in 0..3 {
            for t in 0..TILLS {
                world.sync(t);
            }
        }

        let feed = world.runtime.block_on(world.hq.sales_feed("AMS1", &chrono::Local::now().date_naive().to_string())).unwrap();
        prop_assert_eq!(feed.sales.len(), world.sales, "every sale exactly once at head office");
        prop_assert_eq!(feed.voids.len(), world.voids);
        let hq_heads: BTreeMap<String, Vec<String>> = world.runtime.block_on(world.hq.document_heads("AMS1")).unwrap().into_iter().collect();
        for sku in SKUS {
            let at_hq = world.runtime.block_on(world.hq.stock_availability(sku)).unwrap().stores[0].on_hand;
            let want = world.expected_stock.get(sku).copied().unwrap_or(0);
            prop_assert_eq!(at_hq, want, "head office stock of {}", sku);
        }
        let inbox_at_hq: Vec<_> = world
            .runtime
            .block_on(world.hq.exceptions())
            .unwrap()
            .into_iter()
            .filter(|e| e.store == "AMS1")
            .collect();
        for (t, (till, _)) in world.tills.iter_mut().enumerate() {
            prop_assert_eq!(till.rebuild_verify().unwrap().differences, Vec::<String>::new());
            // Every till shows the inbox head office shows for the store: same ids, kinds,
            // details, records, tills and resolutions.
            prop_assert_eq!(&till.exceptions().unwrap(), &inbox_at_hq, "till {} inbox", t + 1);
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
