//! What a head office node counts about itself, served at `GET /metrics` in Prometheus' text
//! format (a `read` or `admin` token): requests by status class, sync rounds with their latency
//! and errors, and the size of its document cache. Per node: a scraper asks each node.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the sync latency histogram's buckets, in microseconds (5 ms to 10 s).
const BUCKETS: [u64; 11] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
    10_000_000,
];

/// Microseconds as seconds in decimal, without a float (`5000` is `0.005`, `10000000` is `10`).
fn seconds(micros: u64) -> String {
    let (whole, fraction) = (micros / 1_000_000, micros % 1_000_000);
    if fraction == 0 {
        return whole.to_string();
    }
    let fraction = format!("{fraction:06}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

/// The status classes counted: 1xx to 5xx.
const CLASSES: usize = 5;

#[derive(Default)]
pub struct Metrics {
    requests: [AtomicU64; CLASSES],
    sync_rounds: AtomicU64,
    sync_errors: AtomicU64,
    /// Rounds at or under each bound (cumulative when rendered).
    sync_buckets: [AtomicU64; BUCKETS.len()],
    sync_micros: AtomicU64,
    /// Stored bytes of documents loaded from storage (not served from the cache), and written.
    document_bytes_loaded: AtomicU64,
    document_bytes_written: AtomicU64,
    /// Records (sales, voids, indexed records) handed to storage by syncs.
    records_projected: AtomicU64,
}

impl Metrics {
    /// Counts one answered request; a sync (`POST /v1/sync`) also counts as a round.
    pub fn observe(&self, is_sync: bool, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, CLASSES) - 1;
        self.requests[class].fetch_add(1, Ordering::Relaxed);
        if !is_sync {
            return;
        }
        self.sync_rounds.fetch_add(1, Ordering::Relaxed);
        if status >= 400 {
            self.sync_errors.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sync_micros.fetch_add(micros, Ordering::Relaxed);
        if let Some(bucket) = BUCKETS.iter().position(|b| micros <= *b) {
            self.sync_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a document loaded from storage.
    pub fn loaded(&self, bytes: usize) {
        self.document_bytes_loaded
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Counts documents written to storage.
    pub fn written(&self, bytes: usize) {
        self.document_bytes_written
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Counts records a sync handed to storage to keep beside its documents.
    pub fn projected(&self, records: usize) {
        self.records_projected
            .fetch_add(records as u64, Ordering::Relaxed);
    }

    /// Records syncs handed to storage so far.
    pub fn records_projected(&self) -> u64 {
        self.records_projected.load(Ordering::Relaxed)
    }

    /// (stored bytes of documents loaded, written) so far.
    pub fn document_bytes(&self) -> (u64, u64) {
        (
            self.document_bytes_loaded.load(Ordering::Relaxed),
            self.document_bytes_written.load(Ordering::Relaxed),
        )
    }

    /// The text a Prometheus scrape reads.
    pub fn render(&self, (cached_documents, cached_bytes): (usize, usize)) -> String {
        let mut out = String::new();
        let read = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP kassa_hq_requests_total Requests answered, by status class.\n");
        out.push_str("# TYPE kassa_hq_requests_total counter\n");
        for (i, count) in self.requests.iter().enumerate() {
            let _ = writeln!(
                out,
                "kassa_hq_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                read(count)
            );
        }
        out.push_str("# HELP kassa_hq_sync_errors_total Sync rounds answered with an error.\n");
        out.push_str("# TYPE kassa_hq_sync_errors_total counter\n");
        let _ = writeln!(
            out,
            "kassa_hq_sync_errors_total {}",
            read(&self.sync_errors)
        );
        out.push_str("# HELP kassa_hq_sync_round_seconds Time to answer a sync round.\n");
        out.push_str("# TYPE kassa_hq_sync_round_seconds histogram\n");
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.sync_buckets) {
            cumulative += read(count);
            let _ = writeln!(
                out,
                "kassa_hq_sync_round_seconds_bucket{{le=\"{}\"}} {cumulative}",
                seconds(*bound)
            );
        }
        let rounds = read(&self.sync_rounds);
        let _ = writeln!(
            out,
            "kassa_hq_sync_round_seconds_bucket{{le=\"+Inf\"}} {rounds}"
        );
        let _ = writeln!(
            out,
            "kassa_hq_sync_round_seconds_sum {}",
            seconds(read(&self.sync_micros))
        );
        let _ = writeln!(out, "kassa_hq_sync_round_seconds_count {rounds}");
        out.push_str("# HELP kassa_hq_cached_documents Documents in this node's cache.\n");
        out.push_str("# TYPE kassa_hq_cached_documents gauge\n");
        let _ = writeln!(out, "kassa_hq_cached_documents {cached_documents}");
        out.push_str(
            "# HELP kassa_hq_cached_document_bytes Memory the documents in this node's cache take (estimated).\n",
        );
        out.push_str("# TYPE kassa_hq_cached_document_bytes gauge\n");
        let _ = writeln!(out, "kassa_hq_cached_document_bytes {cached_bytes}");
        let (loaded, written) = self.document_bytes();
        out.push_str(
            "# HELP kassa_hq_document_bytes_total Stored bytes of documents loaded from and written to the database.\n",
        );
        out.push_str("# TYPE kassa_hq_document_bytes_total counter\n");
        let _ = writeln!(out, "kassa_hq_document_bytes_total{{op=\"load\"}} {loaded}");
        let _ = writeln!(
            out,
            "kassa_hq_document_bytes_total{{op=\"write\"}} {written}"
        );
        out.push_str(
            "# HELP kassa_hq_records_projected_total Records syncs handed to the database beside their documents.\n",
        );
        out.push_str("# TYPE kassa_hq_records_projected_total counter\n");
        let _ = writeln!(
            out,
            "kassa_hq_records_projected_total {}",
            self.records_projected()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str, series: &str) -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
            .to_string()
    }

    #[test]
    fn rounds_fall_in_cumulative_buckets_and_errors_and_classes_are_counted() {
        let metrics = Metrics::default();
        metrics.observe(true, 200, Duration::from_millis(3));
        metrics.observe(true, 200, Duration::from_millis(40));
        metrics.observe(true, 503, Duration::from_secs(20));
        metrics.observe(false, 401, Duration::from_millis(1));
        let text = metrics.render((7, 4096));
        assert_eq!(value(&text, "kassa_hq_requests_total{class=\"2xx\"}"), "2");
        assert_eq!(value(&text, "kassa_hq_requests_total{class=\"4xx\"}"), "1");
        assert_eq!(value(&text, "kassa_hq_requests_total{class=\"5xx\"}"), "1");
        assert_eq!(value(&text, "kassa_hq_sync_errors_total"), "1");
        assert_eq!(
            value(&text, "kassa_hq_sync_round_seconds_bucket{le=\"0.005\"}"),
            "1"
        );
        assert_eq!(
            value(&text, "kassa_hq_sync_round_seconds_bucket{le=\"0.05\"}"),
            "2"
        );
        assert_eq!(
            value(&text, "kassa_hq_sync_round_seconds_bucket{le=\"10\"}"),
            "2"
        );
        assert_eq!(
            value(&text, "kassa_hq_sync_round_seconds_bucket{le=\"+Inf\"}"),
            "3"
        );
        assert_eq!(value(&text, "kassa_hq_sync_round_seconds_count"), "3");
        assert_eq!(value(&text, "kassa_hq_sync_round_seconds_sum"), "20.043");
        assert_eq!(value(&text, "kassa_hq_cached_documents"), "7");
        assert_eq!(value(&text, "kassa_hq_cached_document_bytes"), "4096");
    }
}
