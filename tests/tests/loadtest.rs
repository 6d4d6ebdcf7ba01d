//! The load generator's own short run: a small fleet through every phase against a real head
//! office on TLS (in this process, so its CPU is not told apart), and the `kassa-loadtest`
//! program refusing bad arguments. The long runs and their figures are in docs/BENCHMARKS.md.

mod support;

use kassa_tests::loadtest::{self, Config, Target};
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_fleet_runs_every_phase_and_head_office_holds_each_sale_once() {
    let server = support::HqServer::start_tls().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::small(dir.path().to_path_buf());
    let target = Target {
        url: server.url(),
        admin_token: support::ADMIN_TOKEN.into(),
        pin: server.pin.map(|p| p.to_string()),
        pid: None,
        database_process: None,
    };
    let report = loadtest::run(&config, &target).await.unwrap();
    eprintln!("{report}");

    assert_eq!(report.tills, 6);
    assert_eq!(report.errors(), 0, "{report}");
    let names: Vec<&str> = report.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "history",
            "catch-up 1",
            "catch-up 2",
            "settle before steady",
            "steady",
            "drain",
            "idle round"
        ]
    );
    // The steady state starts once every till has what the others sold before it.
    let settled = report.phase("settle before steady").unwrap();
    assert_eq!(settled.sales, 0);
    assert!(settled.rounds.ok >= 6, "{settled}");
    // History: two days of three sales on six tills, one round a day each at least.
    let history = report.phase("history").unwrap();
    assert_eq!(history.sales, 36);
    assert!(history.rounds.ok >= 12, "{history}");
    // Each catch-up wave carried every till's backlog.
    for wave in ["catch-up 1", "catch-up 2"] {
        let phase = report.phase(wave).unwrap();
        assert_eq!(phase.sales, 30, "{phase}");
        assert!(phase.rounds.ok >= 6 && phase.rounds.bytes_up > 0, "{phase}");
    }
    let steady = report.phase("steady").unwrap();
    assert!(steady.sales > 0 && steady.rounds.ok > 0, "{steady}");
    assert!(steady.rounds.latencies.percentile(990) >= steady.rounds.latencies.percentile(500));
    // Not watched: head office's CPU is not mixed up with the generator's.
    assert_eq!(steady.hq_cpu, None);
    // Its answer times come from its /metrics: every round is at least one request.
    let answers = steady.hq_answers.as_ref().expect("head office's histogram");
    assert!(answers.count() >= steady.rounds.ok, "{steady}");
    assert!(answers.percentile_bound(500).is_some(), "{steady}");
    assert!(report.idle_round_bytes_down > 0);
    assert!(report.bytes_per_other_tills_sale.is_some());
    // Every sale rung (history, backlogs, steady) is at head office exactly once.
    let rung = 36 + 60 + steady.sales;
    assert_eq!(report.check.rung, rung, "{report}");
    assert!(report.check.exactly_once(), "{report}");
}

#[test]
fn the_program_refuses_bad_arguments_and_a_head_office_it_cannot_start() {
    let program = env!("CARGO_BIN_EXE_kassa-loadtest");
    let out = Command::new(program)
        .args(["--tills-per-store", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least one store and one till"), "{err}");

    for bad in ["abc", "1.2345", "1e3", "", "."] {
        let out = Command::new(program)
            .arg(format!("--sale-every={bad}"))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a number of seconds"), "{bad}: {err}");
    }

    let out = Command::new(program)
        .args(["--hq-bin", "/nonexistent/kassa-hq", "--duration", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/kassa-hq"), "{err}");
}
