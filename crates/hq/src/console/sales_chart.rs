//! A store's sales per day as a small bar chart, drawn here as SVG (no chart library, no script):
//! one bar per day, heights in whole pixels from integer arithmetic, with a text alternative
//! that says what the chart shows.

use maud::{html, Markup};

/// Chart size in pixels.
const WIDTH: i64 = 240;
const HEIGHT: i64 = 40;

/// Bars for `totals` (oldest first, one per day, minor units), labelled `label`.
pub(super) fn sales_chart(label: &str, totals: &[i64]) -> Markup {
    let days = i64::try_from(totals.len()).unwrap_or(1).max(1);
    let highest = totals.iter().copied().max().unwrap_or(0).max(1);
    let slot = WIDTH / days;
    let bar = (slot - 1).max(1);
    html! {
        svg class="chart" role="img" aria-label=(label) width=(WIDTH) height=(HEIGHT)
            viewBox={"0 0 " (WIDTH) " " (HEIGHT)} {
            @for (n, total) in totals.iter().enumerate() {
                @let height = (total.max(&0) * HEIGHT / highest).max(i64::from(*total > 0));
                @let x = i64::try_from(n).unwrap_or(0) * slot;
                rect x=(x) y=(HEIGHT - height) width=(bar) height=(height) {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_highest_day_and_a_small_day_still_shows() {
        let svg = sales_chart("AMS1", &[0, 100, 1, 50]).into_string();
        assert!(svg.contains("aria-label=\"AMS1\""), "{svg}");
        assert!(
            svg.contains("x=\"60\" y=\"0\" width=\"59\" height=\"40\""),
            "{svg}"
        );
        assert!(
            svg.contains("y=\"40\" width=\"59\" height=\"0\""),
            "an empty day: {svg}"
        );
        assert!(
            svg.contains("x=\"120\" y=\"39\" width=\"59\" height=\"1\""),
            "{svg}"
        );
        assert!(
            svg.contains("x=\"180\" y=\"20\" width=\"59\" height=\"20\""),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 4);
    }
}
