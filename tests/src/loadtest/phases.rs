//! The phases of a load test (see the module above), each a task per till bounded by a
//! semaphore, with head office's CPU and memory sampled around it.

use super::admin::AdminClient;
use super::fleet::{spread, SimTill, STOCKED_PRODUCTS};
use super::measure::{cpu_of_processes_named, sample, Histogram, ProcessSample};
use super::report::{Check, PhaseReport, Report};
use super::rounds::Rounds;
use super::{Config, Target};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// A till that has to get its sales to head office gives up after this many rounds in a row
/// that failed or were turned away (the run is then reported as failed, not hung).
const MAX_ATTEMPTS: u32 = 50;

pub async fn run(config: &Config, target: &Target) -> Result<Report, String> {
    config.validate()?;
    std::fs::create_dir_all(&config.dir).map_err(|e| format!("{}: {e}", config.dir.display()))?;
    let admin = AdminClient::new(&target.url, &target.admin_token, target.pin.as_deref())?;
    let hq = &HeadOffice {
        target: target.clone(),
        admin: Arc::new(admin),
    };
    let admin = &hq.admin;
    let started = Instant::now();
    let fleet = set_up(config, hq, admin).await?;
    let setup = started.elapsed();
    let mut phases = Vec::new();

    let fleet = if config.history_days > 0 && config.history_sales_per_day > 0 {
        let (fleet, phase) = history(config, hq, fleet).await?;
        phases.push(phase);
        fleet
    } else {
        fleet
    };
    let mut fleet = fleet;
    if config.backlog > 0 {
        for wave in 1..=config.catch_up_waves.max(1) {
            let (next, phase) = catch_up(config, hq, fleet, wave).await?;
            fleet = next;
            phases.push(phase);
        }
    }
    if !config.duration.is_zero() && !phases.is_empty() {
        // History or a catch-up leaves tills that have not yet taken the others' sales: settled
        // first, so the steady state measures a steady state, not the tail of a catch-up.
        let (next, settled) = drain(config, hq, fleet, "settle before steady").await?;
        fleet = next;
        phases.push(settled);
    }
    let steady_sales_before: u64 = fleet.iter().map(|t| t.rung.len() as u64).sum();
    if !config.duration.is_zero() {
        let (next, phase) = steady(config, hq, fleet).await?;
        fleet = next;
        phases.push(phase);
    }
    let (fleet, drain) = drain(config, hq, fleet, "drain").await?;
    phases.push(drain);
    // Nothing is new anywhere now: what every till downloads in one more round is overhead.
    let (fleet, idle) = each_till(config, hq, "idle round", fleet, one_round).await;
    let idle_round_bytes_down = idle.rounds.bytes_down / idle.rounds.ok.max(1);
    phases.push(idle);

    let bytes_per_other_tills_sale = phases
        .iter()
        .find(|p| p.name == "steady")
        .filter(|_| config.tills_per_store > 1)
        .map(|steady| {
            let sold = fleet.iter().map(|t| t.rung.len() as u64).sum::<u64>() - steady_sales_before;
            let overhead = steady.rounds.ok * idle_round_bytes_down;
            let others = sold * u64::from(config.tills_per_store - 1);
            steady.rounds.bytes_down.saturating_sub(overhead) / others.max(1)
        });
    let check = check(config, admin, &fleet).await?;
    Ok(Report {
        tills: config.tills(),
        setup,
        phases,
        idle_round_bytes_down,
        bytes_per_other_tills_sale,
        check,
    })
}

async fn set_up(
    config: &Config,
    hq: &HeadOffice,
    admin: &AdminClient,
) -> Result<Vec<SimTill>, String> {
    let products: Vec<kassa_domain::Product> =
        kassa_domain::demo_catalogue::demo_catalogue(config.products).collect();
    for batch in products.chunks(10_000) {
        admin.import_catalogue(batch).await?;
    }
    let stock: Vec<kassa_protocol::StockLine> = products
        .iter()
        .take(STOCKED_PRODUCTS as usize)
        .map(|p| kassa_protocol::StockLine {
            sku: p.sku.clone(),
            quantity: 1_000_000,
        })
        .collect();
    let mut fleet = Vec::new();
    for s in 0..config.stores {
        let store = config.store_code(s);
        admin.create_store(&store).await?;
        admin.receive_stock(&store, stock.clone()).await?;
        for till_no in 1..=config.tills_per_store {
            let index = fleet.len() as u64;
            fleet.push(SimTill::new(&config.dir, &store, till_no, index));
        }
    }
    // Codes first (admin calls), then the tills enroll and take their first sync in parallel.
    let mut codes = HashMap::new();
    for till in &fleet {
        codes.insert(
            till.index,
            admin.enroll_code(&till.store, till.till_no).await?,
        );
    }
    let codes = Arc::new(codes);
    let url = hq.target.url.clone();
    let (fleet, phase) = each_till(config, hq, "enroll", fleet, move |mut till| {
        let codes = codes.clone();
        let url = url.clone();
        async move {
            let mut rounds = Rounds::default();
            if let Err(e) = till.enroll(&url, &codes[&till.index]).await {
                rounds.failed += 1;
                rounds.note(e);
            }
            (till, rounds, 0)
        }
    })
    .await;
    if phase.rounds.failed > 0 {
        return Err(format!(
            "{} tills could not enroll: {}",
            phase.rounds.failed,
            phase.rounds.errors.join("; ")
        ));
    }
    Ok(fleet)
}

/// Past days, oldest first: each day's sales rung with that day's clock, then one sync.
async fn history(
    config: &Config,
    hq: &HeadOffice,
    fleet: Vec<SimTill>,
) -> Result<(Vec<SimTill>, PhaseReport), String> {
    let days = config.history_days;
    let per_day = config.history_sales_per_day;
    let today = chrono::Local::now().fixed_offset();
    let (fleet, phase) = each_till(config, hq, "history", fleet, move |mut till| async move {
        let mut rounds = Rounds::default();
        let mut carried = 0;
        for days_ago in (1..=days).rev() {
            let opening = (today - chrono::Duration::days(i64::from(days_ago)))
                .date_naive()
                .and_hms_opt(9, 0, 0)
                .and_then(|t| t.and_local_timezone(*today.offset()).single());
            let rung = tokio::task::block_in_place(|| till.ring(per_day, opening));
            if let Err(e) = rung {
                rounds.failed += 1;
                rounds.note(e);
                break;
            }
            carried += u64::from(per_day);
            sync_until_sent(&mut till, &mut rounds).await;
        }
        (till, rounds, carried)
    })
    .await;
    fail_on_pending(&fleet, &phase)?;
    Ok((fleet, phase))
}

/// Every till rings its backlog offline (not timed), then all sync at once until each has
/// nothing pending: the phase's time is the sync part only.
async fn catch_up(
    config: &Config,
    hq: &HeadOffice,
    fleet: Vec<SimTill>,
    wave: u32,
) -> Result<(Vec<SimTill>, PhaseReport), String> {
    let backlog = config.backlog;
    let concurrency = Arc::new(Semaphore::new(config.concurrency));
    let mut ringing = Vec::new();
    for mut till in fleet {
        let permits = concurrency.clone();
        ringing.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let rung = tokio::task::block_in_place(|| till.ring(backlog, None));
            (till, rung)
        }));
    }
    let mut fleet = Vec::new();
    for task in ringing {
        let (till, rung) = task.await.map_err(|e| e.to_string())?;
        rung?;
        fleet.push(till);
    }
    let name = format!("catch-up {wave}");
    let (fleet, phase) = each_till(config, hq, &name, fleet, move |mut till| async move {
        let mut rounds = Rounds::default();
        sync_until_sent(&mut till, &mut rounds).await;
        (till, rounds, u64::from(backlog))
    })
    .await;
    fail_on_pending(&fleet, &phase)?;
    Ok((fleet, phase))
}

/// Sales and syncs on each till's own schedule for the configured time.
async fn steady(
    config: &Config,
    hq: &HeadOffice,
    fleet: Vec<SimTill>,
) -> Result<(Vec<SimTill>, PhaseReport), String> {
    let (sale_every, sync_every) = (config.sale_every, config.sync_every);
    let end = Instant::now() + config.duration;
    // Tills share the semaphore only for their work, not while they wait for their next turn.
    let (fleet, phase) = each_till_unbounded(
        config,
        hq,
        "steady",
        fleet,
        move |mut till, permits| async move {
            let mut rounds = Rounds::default();
            let mut sold = 0;
            let start = Instant::now();
            let index = till.index;
            let scaled =
                |every: Duration, k: u64| every * (900 + spread(index, k) as u32 / 5) / 1000;
            let mut next_sale = start + sale_every * spread(till.index, 0) as u32 / 1000;
            let mut next_sync = start + sync_every * spread(till.index, 1) as u32 / 1000;
            let mut turn = 2;
            loop {
                let next = next_sale.min(next_sync);
                if next >= end {
                    break;
                }
                tokio::time::sleep_until(next.into()).await;
                let _permit = permits.acquire().await;
                let now = Instant::now();
                turn += 1;
                if now >= next_sale {
                    match tokio::task::block_in_place(|| till.ring(1, None)) {
                        Ok(()) => sold += 1,
                        Err(e) => {
                            rounds.failed += 1;
                            rounds.note(e);
                        }
                    }
                    next_sale += scaled(sale_every, turn);
                }
                if now >= next_sync {
                    let back_in = match till.sync().await {
                        Ok(outcome) => match rounds.record(&outcome) {
                            Err(Some(retry_after)) => retry_after,
                            _ => scaled(sync_every, turn),
                        },
                        Err(e) => {
                            rounds.failed += 1;
                            rounds.note(e);
                            scaled(sync_every, turn)
                        }
                    };
                    next_sync = Instant::now() + back_in;
                }
            }
            (till, rounds, sold)
        },
    )
    .await;
    Ok((fleet, phase))
}

/// Every till syncs until its sales are all at head office, then once more to take the
/// others' last sales.
async fn drain(
    config: &Config,
    hq: &HeadOffice,
    fleet: Vec<SimTill>,
    name: &'static str,
) -> Result<(Vec<SimTill>, PhaseReport), String> {
    let (fleet, phase) = each_till(config, hq, name, fleet, |mut till| async move {
        let mut rounds = Rounds::default();
        sync_until_sent(&mut till, &mut rounds).await;
        (till, rounds, 0)
    })
    .await;
    fail_on_pending(&fleet, &phase)?;
    let (fleet, settle) = each_till(config, hq, "settle", fleet, one_round).await;
    fail_on_pending(&fleet, &settle)?;
    Ok((fleet, phase))
}

/// One sync round of a till, whatever it brings.
async fn one_round(mut till: SimTill) -> (SimTill, Rounds, u64) {
    let mut rounds = Rounds::default();
    match till.sync().await {
        Ok(outcome) => {
            let _ = rounds.record(&outcome);
        }
        Err(e) => {
            rounds.failed += 1;
            rounds.note(e);
        }
    }
    (till, rounds, 0)
}

/// Syncs until head office has every sale of the till; a busy answer waits as head office
/// asked, a failure a second; gives up after [`MAX_ATTEMPTS`] rounds that did not go through.
async fn sync_until_sent(till: &mut SimTill, rounds: &mut Rounds) {
    let mut attempts = 0;
    loop {
        let outcome = match till.sync().await {
            Ok(outcome) => outcome,
            Err(e) => {
                rounds.failed += 1;
                rounds.note(e);
                return;
            }
        };
        let wait = match rounds.record(&outcome) {
            Ok(()) if till.pending == 0 => return,
            Ok(()) => {
                attempts = 0;
                continue;
            }
            Err(Some(retry_after)) => retry_after,
            Err(None) => Duration::from_secs(1),
        };
        attempts += 1;
        if attempts >= MAX_ATTEMPTS {
            rounds.note(format!(
                "{}/{} gave up with {} sales pending",
                till.store, till.till_no, till.pending
            ));
            return;
        }
        tokio::time::sleep(wait).await;
    }
}

/// A phase that had to get every sale to head office stops the run when a till still has some
/// left (it gave up after [`MAX_ATTEMPTS`]); rounds that failed and were tried again, as a till
/// does, are reported with the phase and fail the run at the end, not here.
fn fail_on_pending(fleet: &[SimTill], phase: &PhaseReport) -> Result<(), String> {
    let left: i64 = fleet.iter().map(|t| t.pending.max(0)).sum();
    if left > 0 {
        return Err(format!("{left} sales never reached head office\n{phase}"));
    }
    Ok(())
}

/// Runs `work` for every till, at most `concurrency` at once, and measures the phase.
async fn each_till<F, Fut>(
    config: &Config,
    hq: &HeadOffice,
    name: &str,
    fleet: Vec<SimTill>,
    work: F,
) -> (Vec<SimTill>, PhaseReport)
where
    F: Fn(SimTill) -> Fut,
    Fut: std::future::Future<Output = (SimTill, Rounds, u64)> + Send + 'static,
{
    each_till_unbounded(config, hq, name, fleet, move |till, permits| {
        let job = work(till);
        async move {
            let _permit = permits.acquire().await;
            job.await
        }
    })
    .await
}

/// Like [`each_till`], but the work takes the semaphore itself (when it does something).
async fn each_till_unbounded<F, Fut>(
    config: &Config,
    hq: &HeadOffice,
    name: &str,
    fleet: Vec<SimTill>,
    work: F,
) -> (Vec<SimTill>, PhaseReport)
where
    F: Fn(SimTill, Arc<Semaphore>) -> Fut,
    Fut: std::future::Future<Output = (SimTill, Rounds, u64)> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(config.concurrency));
    let watch = Watch::start(hq).await;
    let started = Instant::now();
    let tasks: Vec<_> = fleet
        .into_iter()
        .map(|till| tokio::spawn(work(till, permits.clone())))
        .collect();
    let mut fleet = Vec::with_capacity(tasks.len());
    let mut rounds = Rounds::default();
    let mut sales = 0;
    for task in tasks {
        match task.await {
            Ok((till, r, s)) => {
                fleet.push(till);
                rounds.merge(r);
                sales += s;
            }
            Err(e) => {
                rounds.failed += 1;
                rounds.note(format!("a till's task ended: {e}"));
            }
        }
    }
    fleet.sort_by_key(|t| t.index);
    let wall = started.elapsed();
    let Watched {
        hq_cpu,
        hq_rss,
        generator_cpu,
        generator_rss_peak,
        hq_answers,
        database_cpu,
    } = watch.stop().await;
    (
        fleet,
        PhaseReport {
            name: name.to_string(),
            wall,
            rounds,
            sales,
            hq_cpu,
            generator_cpu,
            hq_rss,
            generator_rss_peak,
            hq_answers,
            database_cpu,
        },
    )
}

/// Head office as the phases see it: where it is, and its admin API.
struct HeadOffice {
    target: Target,
    admin: Arc<AdminClient>,
}

/// Samples head office's and this process's CPU and memory once a second during a phase, and
/// reads head office's answer-time histogram (`/metrics`) at its start and end.
struct Watch {
    hq_pid: Option<u32>,
    admin: Arc<AdminClient>,
    answers_before: Option<Histogram>,
    database_process: Option<String>,
    database_before: Duration,
    hq_before: Option<ProcessSample>,
    me_before: Option<ProcessSample>,
    samples: Arc<Mutex<(Vec<u64>, u64)>>,
    sampler: tokio::task::JoinHandle<()>,
}

impl Watch {
    async fn start(hq: &HeadOffice) -> Watch {
        let hq_pid = hq.target.pid;
        let answers_before = hq.admin.answer_times().await.ok();
        let database_process = hq.target.database_process.clone();
        let database_before = database_process
            .as_deref()
            .map_or(Duration::ZERO, cpu_of_processes_named);
        let samples = Arc::new(Mutex::new((Vec::new(), 0)));
        let into = samples.clone();
        let sampler = tokio::spawn(async move {
            loop {
                let hq = hq_pid.and_then(sample);
                let me = sample(std::process::id());
                {
                    let mut s = into.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(hq) = hq {
                        s.0.push(hq.rss_bytes);
                    }
                    if let Some(me) = me {
                        s.1 = s.1.max(me.rss_bytes);
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Watch {
            hq_pid,
            admin: hq.admin.clone(),
            answers_before,
            database_process,
            database_before,
            hq_before: hq_pid.and_then(sample),
            me_before: sample(std::process::id()),
            samples,
            sampler,
        }
    }

    async fn stop(self) -> Watched {
        self.sampler.abort();
        let database_cpu = self
            .database_process
            .as_deref()
            .map(|name| cpu_of_processes_named(name).saturating_sub(self.database_before));
        let answers = match (&self.answers_before, self.admin.answer_times().await) {
            (Some(before), Ok(after)) => Some(after.since(before)),
            _ => None,
        };
        let _ = self.sampler.await;
        let hq_after = self.hq_pid.and_then(sample);
        let me_after = sample(std::process::id());
        let hq_cpu = match (self.hq_before, hq_after) {
            (Some(a), Some(b)) => Some(b.cpu.saturating_sub(a.cpu)),
            _ => None,
        };
        let generator_cpu = match (self.me_before, me_after) {
            (Some(a), Some(b)) => b.cpu.saturating_sub(a.cpu),
            _ => Duration::ZERO,
        };
        let (mut rss, peak) =
            std::mem::take(&mut *self.samples.lock().unwrap_or_else(|e| e.into_inner()));
        if let Some(after) = hq_after {
            rss.push(after.rss_bytes);
        }
        Watched {
            hq_cpu,
            hq_rss: rss,
            generator_cpu,
            generator_rss_peak: peak,
            hq_answers: answers,
            database_cpu,
        }
    }
}

/// What a [`Watch`] saw during a phase.
struct Watched {
    hq_cpu: Option<Duration>,
    hq_rss: Vec<u64>,
    generator_cpu: Duration,
    generator_rss_peak: u64,
    hq_answers: Option<Histogram>,
    database_cpu: Option<Duration>,
}

/// Every store's sales feed, day by day, against the receipts its tills rang.
async fn check(config: &Config, admin: &AdminClient, fleet: &[SimTill]) -> Result<Check, String> {
    let mut check = Check::default();
    for s in 0..config.stores {
        let store = config.store_code(s);
        let mut rung: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for till in fleet.iter().filter(|t| t.store == store) {
            for (day, receipt) in &till.rung {
                rung.entry(day).or_default().insert(receipt);
                check.rung += 1;
            }
        }
        for (day, receipts) in rung {
            let feed = admin.sales_feed(&store, day).await?;
            let mut seen = BTreeSet::new();
            for sale in &feed.sales {
                check.at_hq += 1;
                let receipt = sale.receipt_no.as_str();
                if !seen.insert(receipt) {
                    check.duplicated += 1;
                    note(&mut check.examples, format!("{receipt} twice"));
                } else if !receipts.contains(receipt) {
                    check.unexpected += 1;
                    note(&mut check.examples, format!("{receipt} never rung"));
                }
            }
            for receipt in receipts.difference(&seen) {
                check.missing += 1;
                note(&mut check.examples, format!("{receipt} missing"));
            }
        }
    }
    Ok(check)
}

fn note(examples: &mut Vec<String>, example: String) {
    if examples.len() < 5 {
        examples.push(example);
    }
}
