//! Classification metrics with sample weights (so figures can be stated at a real base rate by weighting
//! the negatives): precision, recall, F1 and the confusion matrix at a threshold, ROC-AUC (the weighted
//! Mann–Whitney statistic, ties counting one half) and PR-AUC as average precision (scikit-learn's
//! `average_precision_score`: Σ (Rₙ − Rₙ₋₁) Pₙ over the distinct scores, highest first).
use serde::{Deserialize, Serialize};

/// Figures at one threshold, plus the threshold-free areas.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Score at or above which a text counts as positive.
    pub threshold: f64,
    /// True positives (weighted).
    pub tp: f64,
    /// False positives (weighted).
    pub fp: f64,
    /// True negatives (weighted).
    pub tn: f64,
    /// False negatives (weighted).
    pub fn_: f64,
    /// TP / (TP + FP); 0 when nothing is predicted positive.
    pub precision: f64,
    /// TP / (TP + FN); 0 without positives.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Area under the ROC curve (`None` with one class only).
    pub roc_auc: Option<f64>,
    /// Average precision (`None` without positives).
    pub pr_auc: Option<f64>,
}

/// Every metric at `threshold`; `w` weighs each sample (use 1.0 for plain counts).
pub fn evaluate(scores: &[f64], y: &[bool], w: &[f64], threshold: f64) -> Metrics {
    let (mut tp, mut fp, mut tn, mut fn_) = (0.0, 0.0, 0.0, 0.0);
    for ((s, y), w) in scores.iter().zip(y).zip(w) {
        match (*s >= threshold, *y) {
            (true, true) => tp += w,
            (true, false) => fp += w,
            (false, false) => tn += w,
            (false, true) => fn_ += w,
        }
    }
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Metrics {
        threshold,
        tp,
        fp,
        tn,
        fn_,
        precision,
        recall,
        f1,
        roc_auc: roc_auc(scores, y, w),
        pr_auc: average_precision(scores, y, w),
    }
}

/// Indices sorted by score, highest first (ties in index order, so results are deterministic).
fn by_score_desc(scores: &[f64]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..scores.len()).collect();
    o.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));
    o
}

/// Weighted ROC-AUC: the probability that a random positive outscores a random negative (ties ½).
pub fn roc_auc(scores: &[f64], y: &[bool], w: &[f64]) -> Option<f64> {
    let pos: f64 = y.iter().zip(w).filter(|(y, _)| **y).map(|(_, w)| w).sum();
    let neg: f64 = y.iter().zip(w).filter(|(y, _)| !**y).map(|(_, w)| w).sum();
    if pos <= 0.0 || neg <= 0.0 {
        return None;
    }
    let o = by_score_desc(scores);
    let (mut area, mut neg_above) = (0.0, 0.0);
    let mut k = 0;
    while k < o.len() {
        let mut j = k;
        let (mut gp, mut gn) = (0.0, 0.0);
        while j < o.len() && scores[o[j]] == scores[o[k]] {
            if y[o[j]] {
                gp += w[o[j]];
            } else {
                gn += w[o[j]];
            }
            j += 1;
        }
        // Positives in this tie group beat the negatives below; they tie with the group's negatives.
        area += gp * (neg - neg_above - gn) + 0.5 * gp * gn;
        neg_above += gn;
        k = j;
    }
    Some(area / (pos * neg))
}

/// Weighted average precision.
pub fn average_precision(scores: &[f64], y: &[bool], w: &[f64]) -> Option<f64> {
    let pos: f64 = y.iter().zip(w).filter(|(y, _)| **y).map(|(_, w)| w).sum();
    if pos <= 0.0 {
        return None;
    }
    let o = by_score_desc(scores);
    let (mut tp, mut fp, mut ap, mut last_recall) = (0.0, 0.0, 0.0, 0.0);
    let mut k = 0;
    while k < o.len() {
        let mut j = k;
        while j < o.len() && scores[o[j]] == scores[o[k]] {
            if y[o[j]] {
                tp += w[o[j]];
            } else {
                fp += w[o[j]];
            }
            j += 1;
        }
        let recall = tp / pos;
        ap += (recall - last_recall) * tp / (tp + fp);
        last_recall = recall;
        k = j;
    }
    Some(ap)
}

/// The threshold among the scores that maximises F1 (ties: the higher threshold).
pub fn best_f1_threshold(scores: &[f64], y: &[bool], w: &[f64]) -> f64 {
    let pos: f64 = y.iter().zip(w).filter(|(y, _)| **y).map(|(_, w)| w).sum();
    let o = by_score_desc(scores);
    let (mut tp, mut fp, mut best, mut best_t) = (0.0, 0.0, -1.0, 0.5);
    let mut k = 0;
    while k < o.len() {
        let mut j = k;
        while j < o.len() && scores[o[j]] == scores[o[k]] {
            if y[o[j]] {
                tp += w[o[j]];
            } else {
                fp += w[o[j]];
            }
            j += 1;
        }
        let f1 = if tp > 0.0 {
            2.0 * tp / (2.0 * tp + fp + (pos - tp))
        } else {
            0.0
        };
        if f1 > best {
            best = f1;
            best_t = scores[o[k]];
        }
        k = j;
    }
    best_t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_areas() {
        // Scores 0.9 (+), 0.8 (−), 0.7 (+), 0.6 (−), 0.5 (+).
        let s = [0.9, 0.8, 0.7, 0.6, 0.5];
        let y = [true, false, true, false, true];
        let w = [1.0; 5];
        // Pairs (pos, neg) with pos above: 0.9>0.8, 0.9>0.6, 0.7>0.6 = 3 of 6.
        assert!((roc_auc(&s, &y, &w).unwrap() - 0.5).abs() < 1e-12);
        // AP = 1/3·1 + 1/3·2/3 + 1/3·3/5 = (1 + 2/3 + 3/5)/3 = 0.7555…
        let ap = average_precision(&s, &y, &w).unwrap();
        assert!((ap - (1.0 + 2.0 / 3.0 + 0.6) / 3.0).abs() < 1e-12, "{ap}");
    }

    #[test]
    fn ties_count_half_and_weights_scale_negatives() {
        let s = [0.5, 0.5];
        let y = [true, false];
        assert_eq!(roc_auc(&s, &y, &[1.0, 1.0]), Some(0.5));
        // One positive, one negative weighted 20, both at 0.5: precision 1/21 at the only threshold.
        let ap = average_precision(&s, &y, &[1.0, 20.0]).unwrap();
        assert!((ap - 1.0 / 21.0).abs() < 1e-12);
        let m = evaluate(
            &[0.9, 0.2, 0.6],
            &[true, false, false],
            &[1.0, 20.0, 20.0],
            0.5,
        );
        assert_eq!((m.tp, m.fp, m.tn, m.fn_), (1.0, 20.0, 20.0, 0.0));
        assert!((m.precision - 1.0 / 21.0).abs() < 1e-12 && m.recall == 1.0);
        assert_eq!(roc_auc(&[0.1], &[true], &[1.0]), None);
    }

    #[test]
    fn best_threshold() {
        let s = [0.9, 0.8, 0.3, 0.2];
        let y = [true, true, false, true];
        // At 0.8: P=1 R=2/3 F1=0.8; at 0.2: P=3/4 R=1 F1=0.857.
        assert_eq!(best_f1_threshold(&s, &y, &[1.0; 4]), 0.2);
    }
}
