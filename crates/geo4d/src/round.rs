//! Rounding to `f32` outwards, for compact copies of bounds that must stay
//! bounds.

/// `x` as an `f32` no greater than it.
pub(crate) fn f32_down(x: f64) -> f32 {
    let y = x as f32;
    if f64::from(y) > x { y.next_down() } else { y }
}

/// `x` as an `f32` no less than it.
pub(crate) fn f32_up(x: f64) -> f32 {
    let y = x as f32;
    if f64::from(y) < x { y.next_up() } else { y }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_goes_outwards() {
        for x in [0.1, -0.1, 1e-40, 123_456.789_012_3, -9_999.999_999, 0.0] {
            assert!(
                f64::from(f32_down(x)) <= x && x <= f64::from(f32_up(x)),
                "{x}"
            );
        }
    }
}
