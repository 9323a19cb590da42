//! Small dense algebra on the k×k normal equations: a Cholesky factorisation that detects
//! collinear columns on the way (as fixest's `cpp_cholesky`), solves and inverses.
//!
//! k is the number of slope coefficients (rarely above a few dozen; fixed effects are
//! absorbed), so a straightforward factorisation is exact enough and costs nothing next
//! to one pass over the data; the pivot test *is* the collinearity check, which is why it
//! is written here rather than delegated.

// Triangular solves read most clearly with explicit indices.
#![allow(clippy::needless_range_loop)]

/// Row-major square matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Mat {
    /// Dimension.
    pub k: usize,
    /// Entries, row-major.
    pub a: Vec<f64>,
}

impl Mat {
    /// The zero matrix.
    pub fn zeros(k: usize) -> Mat {
        Mat {
            k,
            a: vec![0.0; k * k],
        }
    }

    /// Entry (i, j).
    pub fn at(&self, i: usize, j: usize) -> f64 {
        self.a[i * self.k + j]
    }

    /// Mutable entry (i, j).
    pub fn at_mut(&mut self, i: usize, j: usize) -> &mut f64 {
        &mut self.a[i * self.k + j]
    }

    /// The sub-matrix on the given rows and columns.
    pub fn select(&self, idx: &[usize]) -> Mat {
        let mut m = Mat::zeros(idx.len());
        for (r, &i) in idx.iter().enumerate() {
            for (c, &j) in idx.iter().enumerate() {
                *m.at_mut(r, c) = self.at(i, j);
            }
        }
        m
    }

    /// `self * other`.
    pub fn mul(&self, other: &Mat) -> Mat {
        let k = self.k;
        let mut m = Mat::zeros(k);
        for i in 0..k {
            for l in 0..k {
                let v = self.at(i, l);
                if v != 0.0 {
                    for j in 0..k {
                        m.a[i * k + j] += v * other.a[l * k + j];
                    }
                }
            }
        }
        m
    }

    /// `self * v`.
    pub fn mul_vec(&self, v: &[f64]) -> Vec<f64> {
        (0..self.k)
            .map(|i| (0..self.k).map(|j| self.at(i, j) * v[j]).sum())
            .collect()
    }
}

/// Cholesky factor of the columns that are not collinear with earlier ones.
#[derive(Debug, Clone)]
pub struct Cholesky {
    /// Which of the original columns are kept.
    pub kept: Vec<usize>,
    /// Lower-triangular factor over the kept columns.
    pub l: Mat,
}

/// Factorises `a` (symmetric positive semi-definite), dropping a column when its pivot is
/// below `tol` times its diagonal entry: that column is (numerically) a linear combination
/// of the earlier kept ones, or identically zero.
pub fn cholesky(a: &Mat, tol: f64) -> Cholesky {
    let k = a.k;
    let mut kept: Vec<usize> = Vec::new();
    let mut l = Mat::zeros(k);
    for j in 0..k {
        let diag = a.at(j, j);
        let r = kept.len();
        // Row r of L for candidate column j.
        let mut row = vec![0.0; r + 1];
        for (c, &i) in kept.iter().enumerate() {
            let mut s = a.at(j, i);
            for m in 0..c {
                s -= row[m] * l.at(c, m);
            }
            row[c] = s / l.at(c, c);
        }
        let pivot = diag - row[..r].iter().map(|v| v * v).sum::<f64>();
        if diag <= 0.0 || !pivot.is_finite() || pivot <= tol * diag {
            continue;
        }
        row[r] = pivot.sqrt();
        for (m, v) in row.into_iter().enumerate() {
            *l.at_mut(r, m) = v;
        }
        kept.push(j);
    }
    let idx: Vec<usize> = (0..kept.len()).collect();
    Cholesky {
        l: l.select(&idx),
        kept,
    }
}

impl Cholesky {
    /// Solves `A x = b` on the kept columns (`b` indexed by kept position).
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let k = self.l.k;
        let mut y = b.to_vec();
        for i in 0..k {
            for m in 0..i {
                y[i] -= self.l.at(i, m) * y[m];
            }
            y[i] /= self.l.at(i, i);
        }
        for i in (0..k).rev() {
            for m in i + 1..k {
                y[i] -= self.l.at(m, i) * y[m];
            }
            y[i] /= self.l.at(i, i);
        }
        y
    }

    /// The inverse of `A` on the kept columns.
    pub fn inverse(&self) -> Mat {
        let k = self.l.k;
        let mut inv = Mat::zeros(k);
        for j in 0..k {
            let mut e = vec![0.0; k];
            e[j] = 1.0;
            let col = self.solve(&e);
            for i in 0..k {
                *inv.at_mut(i, j) = col[i];
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts() {
        let a = Mat {
            k: 2,
            a: vec![4.0, 2.0, 2.0, 3.0],
        };
        let c = cholesky(&a, 1e-10);
        assert_eq!(c.kept, [0, 1]);
        let x = c.solve(&[2.0, 1.0]);
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        let inv = c.inverse();
        let id = a.mul(&inv);
        assert!((id.at(0, 0) - 1.0).abs() < 1e-12 && id.at(0, 1).abs() < 1e-12);
    }

    #[test]
    fn drops_a_collinear_column() {
        // Column 2 = column 0 + column 1.
        let x = [
            [1.0, 0.0, 1.0],
            [0.0, 1.0, 1.0],
            [1.0, 1.0, 2.0],
            [2.0, 1.0, 3.0],
        ];
        let mut a = Mat::zeros(3);
        for r in &x {
            for i in 0..3 {
                for j in 0..3 {
                    *a.at_mut(i, j) += r[i] * r[j];
                }
            }
        }
        assert_eq!(cholesky(&a, 1e-10).kept, [0, 1]);
    }
}
