//! Numbers in words for the charts' labels, titles and summaries.

use crate::history::buckets::{Family, History, Series};

/// "12.3 ms"; "—" without a value.
pub fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1} ms"))
}

/// A share in per cent with at most `decimals` decimals, trailing zeros dropped. Never
/// rounded to 0 or 100 it has not reached: one failure in 100,000 runs is "0.01 %" loss and
/// "99.99 %" uptime, not "0 %" and "100 %".
pub fn percent(value: f64, decimals: i32) -> String {
    let scale = 10f64.powi(decimals);
    let mut rounded = (value * scale).round() / scale;
    if rounded >= 100.0 && value < 100.0 {
        rounded = (value * scale).floor() / scale;
    } else if rounded <= 0.0 && value > 0.0 {
        rounded = 1.0 / scale;
    }
    let text = format!("{rounded:.prec$}", prec = decimals.max(0) as usize);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text} %")
}

/// "1,440".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "14:05" or "Nov 26 14:00", in UTC.
pub fn moment(at_ms: i64, with_date: bool) -> String {
    let format = if with_date { "%b %d %H:%M" } else { "%H:%M" };
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format(format).to_string())
        .unwrap_or_default()
}

/// "IPv6: median 12.0 ms, 0.5 % loss, up 99.5 % of 1,440 runs", or "IPv6: no runs".
pub fn family_summary(family: Family, series: &Series) -> String {
    match series.uptime_percent() {
        None => format!("{}: no runs", family.label()),
        Some(up) => format!(
            "{}: median {}, {} loss, up {} of {} runs",
            family.label(),
            ms(series.median_ms),
            percent(100.0 - up, 2),
            percent(up, 2),
            count(series.runs)
        ),
    }
}

/// Both families in one sentence, for a chart's description.
pub fn summary(history: &History) -> String {
    Family::ALL
        .iter()
        .map(|f| family_summary(*f, history.series(*f)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_floored_and_trimmed() {
        let cases = [
            (100.0, "100 %"),
            (99.999, "99.99 %"),
            (90.0, "90 %"),
            (2.5, "2.5 %"),
            (0.0, "0 %"),
            (100.0 / 3.0, "33.33 %"),
            (0.001, "0.01 %"),
            (0.486, "0.49 %"),
        ];
        for (value, want) in cases {
            assert_eq!(percent(value, 2), want, "{value}");
        }
        assert_eq!(percent(12.36, 1), "12.4 %");
    }

    #[test]
    fn counts_get_thousands_separators() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (1_440, "1,440"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(count(n), want);
        }
    }

    #[test]
    fn a_family_summary_says_median_loss_and_uptime() {
        let series = Series {
            buckets: Vec::new(),
            runs: 1_440,
            ok: 1_433,
            median_ms: Some(12.04),
        };
        assert_eq!(
            family_summary(Family::V6, &series),
            "IPv6: median 12.0 ms, 0.49 % loss, up 99.51 % of 1,440 runs"
        );
        assert_eq!(
            family_summary(Family::V4, &Series::default()),
            "IPv4: no runs"
        );
    }
}
