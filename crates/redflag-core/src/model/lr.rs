//! L2-regularised logistic regression on sparse rows, minimised by argmin's L-BFGS with a
//! Moré–Thuente line search. The objective is scikit-learn's, scaled by `1 / Σ weights`:
//! `Σ wᵢ · logloss(yᵢ, θ·xᵢ + b) + ‖θ‖² / (2C)` (the intercept is not penalised).
use argmin::core::{CostFunction, Error as ArgminError, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use super::features::Row;

/// Rows in one contiguous compressed-sparse-row block (the optimiser walks them hundreds of times).
pub struct Csr {
    ptr: Vec<usize>,
    idx: Vec<u32>,
    val: Vec<f32>,
}

impl Csr {
    /// Pack rows.
    pub fn from_rows(rows: &[Row]) -> Csr {
        let nnz = rows.iter().map(|r| r.idx.len()).sum();
        let mut c = Csr {
            ptr: Vec::with_capacity(rows.len() + 1),
            idx: Vec::with_capacity(nnz),
            val: Vec::with_capacity(nnz),
        };
        c.ptr.push(0);
        for r in rows {
            c.idx.extend(&r.idx);
            c.val.extend(&r.val);
            c.ptr.push(c.idx.len());
        }
        c
    }
    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.ptr[i], self.ptr[i + 1]);
        (&self.idx[a..b], &self.val[a..b])
    }
    fn len(&self) -> usize {
        self.ptr.len() - 1
    }
}

/// A training problem: rows (already weighed), labels 0/1, sample weights.
pub struct Problem<'a> {
    pub rows: &'a Csr,
    pub y: &'a [f64],
    pub w: &'a [f64],
    pub dim: usize,
    /// Inverse regularisation strength (scikit-learn's `C`).
    pub c: f64,
    /// The last parameters and their margins: the line search asks for the cost and then the gradient
    /// at the same point, and the margins are most of the work.
    pub cache: std::cell::RefCell<(Vec<f64>, std::rc::Rc<Vec<f64>>)>,
}

impl Problem<'_> {
    fn margins(&self, p: &[f64]) -> std::rc::Rc<Vec<f64>> {
        {
            let c = self.cache.borrow();
            if c.0.as_slice() == p {
                return c.1.clone();
            }
        }
        let m = std::rc::Rc::new(self.compute_margins(p));
        *self.cache.borrow_mut() = (p.to_vec(), m.clone());
        m
    }
    fn compute_margins(&self, p: &[f64]) -> Vec<f64> {
        let b = p[self.dim];
        (0..self.rows.len())
            .map(|r| {
                let (idx, val) = self.rows.row(r);
                let mut s = 0.0;
                for (i, v) in idx.iter().zip(val) {
                    s += p[*i as usize] * f64::from(*v);
                }
                b + s
            })
            .collect()
    }
    fn total_weight(&self) -> f64 {
        self.w.iter().sum::<f64>().max(f64::MIN_POSITIVE)
    }
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, ArgminError> {
        let m = self.margins(p);
        let loss: f64 = m
            .iter()
            .zip(self.y)
            .zip(self.w)
            // logloss = softplus(z) - y z
            .map(|((z, y), w)| w * (softplus(*z) - y * z))
            .sum();
        let reg: f64 = p[..self.dim].iter().map(|x| x * x).sum::<f64>() / (2.0 * self.c);
        Ok((loss + reg) / self.total_weight())
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, ArgminError> {
        let m = self.margins(p);
        let tw = self.total_weight();
        let k = 1.0 / (self.c * tw);
        let mut g: Vec<f64> = p[..self.dim].iter().map(|x| x * k).collect();
        let mut gb = 0.0;
        for (r, (z, (y, w))) in m.iter().zip(self.y.iter().zip(self.w)).enumerate() {
            let d = w * (sigmoid(*z) - y) / tw;
            gb += d;
            let (idx, val) = self.rows.row(r);
            for (i, v) in idx.iter().zip(val) {
                g[*i as usize] += d * f64::from(*v);
            }
        }
        g.push(gb);
        Ok(g)
    }
}

/// Minimise from `init` (warm start) and return the parameters (`dim` weights, then the intercept) and
/// the number of iterations run.
pub fn fit(
    problem: Problem<'_>,
    init: Vec<f64>,
    max_iters: u64,
) -> Result<(Vec<f64>, u64), String> {
    let linesearch = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(linesearch, 10)
        .with_tolerance_grad(1e-4)
        .and_then(|s| s.with_tolerance_cost(1e-9))
        .map_err(|e| e.to_string())?;
    let res = Executor::new(problem, solver)
        .configure(|s| s.param(init).max_iters(max_iters))
        .run()
        .map_err(|e| format!("L-BFGS failed: {e}"))?;
    let iters = res.state().get_iter();
    let best = res
        .state()
        .get_best_param()
        .cloned()
        .ok_or("L-BFGS returned no parameters")?;
    Ok((best, iters))
}

/// Platt scaling: `P(y = 1 | s) = σ(a·s + b)`, fitted by Newton's method on weighted log-loss with Platt's
/// smoothed targets (Platt 1999; Lin, Lin & Weng 2007).
pub fn platt(scores: &[f64], y: &[f64], w: &[f64]) -> (f64, f64) {
    let pos: f64 = y.iter().zip(w).map(|(y, w)| y * w).sum();
    let neg: f64 = w.iter().sum::<f64>() - pos;
    let hi = (pos + 1.0) / (pos + 2.0);
    let lo = 1.0 / (neg + 2.0);
    let t: Vec<f64> = y.iter().map(|y| if *y > 0.5 { hi } else { lo }).collect();
    let loss = |a: f64, b: f64| -> f64 {
        scores
            .iter()
            .zip(&t)
            .zip(w)
            .map(|((s, t), w)| {
                let z = a * s + b;
                w * (softplus(z) - t * z)
            })
            .sum()
    };
    let (mut a, mut b) = (1.0, ((pos + 1.0) / (neg + 1.0)).ln());
    let mut f = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for ((s, t), w) in scores.iter().zip(&t).zip(w) {
            let p = sigmoid(a * s + b);
            let d = w * (p - t);
            let h = w * p * (1.0 - p);
            ga += d * s;
            gb += d;
            haa += h * s * s;
            hab += h * s;
            hbb += h;
        }
        if ga.abs() < 1e-9 && gb.abs() < 1e-9 {
            break;
        }
        let det = haa * hbb - hab * hab;
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        let mut step = 1.0;
        loop {
            let (na, nb) = (a - step * da, b - step * db);
            let nf = loss(na, nb);
            if nf <= f + 1e-12 {
                a = na;
                b = nb;
                f = nf;
                break;
            }
            step /= 2.0;
            if step < 1e-10 {
                return (a, b);
            }
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_a_toy_problem() {
        // Feature 0 on for positives, feature 1 on for negatives.
        let rows: Vec<Row> = (0..20)
            .map(|i| Row {
                idx: vec![i % 2],
                val: vec![1.0],
            })
            .collect();
        let y: Vec<f64> = (0..20)
            .map(|i| if i % 2 == 0 { 1.0 } else { 0.0 })
            .collect();
        let w = vec![1.0; 20];
        let csr = Csr::from_rows(&rows);
        let (p, _) = fit(
            Problem {
                rows: &csr,
                y: &y,
                w: &w,
                dim: 4,
                c: 10.0,
                cache: Default::default(),
            },
            vec![0.0; 5],
            100,
        )
        .unwrap();
        assert!(p[0] > 1.0 && p[1] < -1.0, "{p:?}");
        assert_eq!((p[2], p[3]), (0.0, 0.0), "unseen features keep zero weight");
    }

    #[test]
    fn platt_recovers_a_known_sigmoid() {
        // Scores -2..2; labels drawn so that P(y=1|s) = σ(2s) exactly in expectation (weights).
        let mut s = Vec::new();
        let mut y = Vec::new();
        let mut w = Vec::new();
        for k in -20..=20 {
            let x = f64::from(k) / 10.0;
            let p = sigmoid(2.0 * x);
            s.extend([x, x]);
            y.extend([1.0, 0.0]);
            w.extend([p * 1000.0, (1.0 - p) * 1000.0]);
        }
        let (a, b) = platt(&s, &y, &w);
        assert!((a - 2.0).abs() < 0.02 && b.abs() < 0.02, "{a} {b}");
    }
}
