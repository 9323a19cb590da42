//! Value axes: a range widened to round ticks, and positions on the drawing.

/// A linear map from values to drawing coordinates, with its round ticks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    /// The lowest value shown.
    pub lo: f64,
    /// The highest value shown.
    pub hi: f64,
    /// The ticks, from `lo` to `hi`.
    pub ticks: Vec<f64>,
    /// Decimals that tell the ticks apart.
    pub decimals: usize,
    /// Drawing coordinate of `lo`.
    from: f64,
    /// Drawing coordinate of `hi`.
    to: f64,
}

/// At most this many intervals between ticks, so that labels do not crowd.
const MAX_INTERVALS: f64 = 6.0;

impl Scale {
    /// A scale covering `values` (finite ones; at least one) widened to round ticks,
    /// drawn from `from` to `to`.
    pub fn covering(values: impl IntoIterator<Item = f64>, from: f64, to: f64) -> Scale {
        let (mut lo, mut hi) = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
        if !lo.is_finite() || !hi.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if lo == hi {
            // One value: a range around it, so that it sits inside the frame.
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() / 2.0 };
            (lo, hi) = (lo - pad, hi + pad);
        }
        let step = nice_step((hi - lo) / MAX_INTERVALS);
        let (round_lo, round_hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        let intervals = ((round_hi - round_lo) / step).round();
        if !(intervals.is_finite() && intervals <= 2.0 * MAX_INTERVALS) {
            // A range beyond f64 (values near ±1e308): the two ends alone, never a tick
            // count taken from the data.
            return Scale {
                lo,
                hi,
                ticks: vec![lo, hi],
                decimals: 0,
                from,
                to,
            };
        }
        let (lo, hi, n) = (round_lo, round_hi, intervals as usize);
        let ticks = (0..=n)
            .map(|i| {
                let t = lo + step * i as f64;
                // A tick that should be zero, not -1e-17.
                if t.abs() < step * 1e-9 {
                    0.0
                } else {
                    t
                }
            })
            .collect();
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()) as usize
        };
        Scale {
            lo,
            hi,
            ticks,
            decimals,
            from,
            to,
        }
    }

    /// The drawing coordinate of value `v`.
    pub fn at(&self, v: f64) -> f64 {
        let x = self.from + (v - self.lo) / (self.hi - self.lo) * (self.to - self.from);
        // Beyond f64 (a range of ±1e308): the start of the axis, never NaN in the drawing.
        if x.is_finite() {
            x
        } else {
            self.from
        }
    }
}

/// The round step (1, 2 or 5 times a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw > 0.0 && raw.is_finite() {
        raw
    } else {
        1.0
    };
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        let s = Scale::covering([3.2, 97.0], 0.0, 100.0);
        assert_eq!(s.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(s.decimals, 0);
        assert_eq!(s.at(50.0), 50.0);
        let s = Scale::covering([-0.12, 0.31], 0.0, 1.0);
        assert_eq!(s.decimals, 1);
        assert_eq!(s.ticks.first(), Some(&-0.2));
        assert!(s.ticks.contains(&0.0), "{:?}", s.ticks);
        assert!(s.hi >= 0.31 && s.ticks.len() <= 8);
    }

    #[test]
    fn one_value_or_none_still_gives_a_frame() {
        let s = Scale::covering([5.0], 0.0, 10.0);
        assert!(s.lo < 5.0 && s.hi > 5.0);
        let s = Scale::covering([0.0], 0.0, 10.0);
        assert!(s.lo <= 0.0 && s.hi > 0.0);
        let s = Scale::covering([f64::NAN], 0.0, 10.0);
        assert!(s.at(0.5).is_finite());
    }

    #[test]
    fn a_range_beyond_f64_gives_two_ticks_not_a_huge_list() {
        let s = Scale::covering([-1e308, 1e308], 0.0, 10.0);
        assert_eq!(s.ticks.len(), 2);
    }

    #[test]
    fn a_reversed_drawing_range_puts_high_values_up() {
        // SVG's y grows downwards: the value axis maps lo to the bottom.
        let s = Scale::covering([0.0, 10.0], 200.0, 0.0);
        assert!(s.at(10.0) < s.at(0.0));
    }
}
