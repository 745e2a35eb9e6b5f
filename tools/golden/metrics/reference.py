"""Reference metrics for the @devprompt/metrics golden fixtures and bench.

AUROC, average precision and F1-max come from scikit-learn. AUPRO is written
here from its definition (MVTec AD): 8-connected regions of each mask, and at
every distinct threshold t the mean over regions of the fraction of region
pixels with score >= t against the fraction of normal pixels with score >= t,
integrated with the trapezoid rule from FPR 0 to a limit and divided by it.
It counts pixels per region with binary searches, a different route from the
cumulative sweep of the TypeScript code.
"""

import numpy as np
from scipy import ndimage
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
)

EIGHT_CONNECTED = np.ones((3, 3), dtype=int)


def binary_metrics(scores, labels):
    """Return AUROC, AP and F1-max (with its highest threshold) via sklearn.

    AUROC is None when one class is empty (sklearn raises), AP and F1 are None
    without positives.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    positives = int(labels.sum())
    negatives = int(labels.size - positives)

    auroc = None
    if positives > 0 and negatives > 0:
        auroc = float(roc_auc_score(labels, scores))
    if positives == 0:
        return {"auroc": auroc, "averagePrecision": None, "f1Max": None, "f1Threshold": None}

    precision, recall, thresholds = precision_recall_curve(labels, scores)
    # The last point (precision 1, recall 0) has no threshold.
    precision, recall = precision[:-1], recall[:-1]
    denominator = precision + recall
    f1 = np.where(denominator > 0, 2 * precision * recall / np.where(denominator > 0, denominator, 1), 0.0)
    best = float(f1.max())
    # The TypeScript code reports the highest threshold that reaches the maximum.
    threshold = float(thresholds[f1 >= best - 1e-12].max())
    return {
        "auroc": auroc,
        "averagePrecision": float(average_precision_score(labels, scores)),
        "f1Max": best,
        "f1Threshold": threshold,
    }


def label_regions(mask):
    """Return (labels, count) of the 8-connected regions of mask > 0."""
    labels, count = ndimage.label(np.asarray(mask) > 0, structure=EIGHT_CONNECTED)
    return labels, int(count)


def aupro(maps, masks, limit=0.3):
    """Return the exact AUPRO of a list of 2-D maps and masks, or None."""
    region_scores = []
    normal_scores = []
    for score_map, mask in zip(maps, masks):
        score_map = np.asarray(score_map, dtype=np.float64)
        labels, count = label_regions(mask)
        normal_scores.append(score_map[labels == 0])
        for region in range(1, count + 1):
            region_scores.append(np.sort(score_map[labels == region]))
    normal = np.sort(np.concatenate(normal_scores))
    if not region_scores or normal.size == 0:
        return None

    all_scores = np.concatenate([normal, *region_scores])
    thresholds = np.unique(all_scores)[::-1]

    # Count of values >= t in a sorted array: size - searchsorted(left).
    fpr = (normal.size - np.searchsorted(normal, thresholds, side="left")) / normal.size
    pro = np.zeros(thresholds.size)
    for scores in region_scores:
        pro += (scores.size - np.searchsorted(scores, thresholds, side="left")) / scores.size
    pro /= len(region_scores)

    fpr = np.concatenate([[0.0], fpr])
    pro = np.concatenate([[0.0], pro])
    inside = fpr <= limit
    cut_x = np.concatenate([fpr[inside], [limit]])
    # fpr is non-decreasing, so interp at the limit picks the crossing segment.
    # On a vertical step exactly at the limit, any y it picks adds no area.
    cut_y = np.concatenate([pro[inside], [np.interp(limit, fpr, pro)]])
    area = float(np.sum(np.diff(cut_x) * (cut_y[1:] + cut_y[:-1]) / 2))
    return area / limit


def aupro_sweep(scores, labels, region_ids, region_sizes, limit=0.3):
    """Return the exact AUPRO of flat arrays with one sort (for large inputs).

    scores: float scores of all pixels; labels: 0 normal, else anomalous;
    region_ids: region index per anomalous pixel (any value elsewhere);
    region_sizes: pixel count per region. Cumulative counts over the pixels in
    descending score order give FPR and PRO at every pixel. The last pixel of
    each run of equal scores carries the point of that threshold.
    """
    scores = np.asarray(scores)
    anomalous = np.asarray(labels) > 0
    normal_count = int((~anomalous).sum())
    weights = np.zeros(scores.size)
    weights[anomalous] = 1.0 / np.asarray(region_sizes, dtype=np.float64)[region_ids[anomalous]]

    order = np.argsort(scores, kind="stable")[::-1]
    ordered = scores[order]
    fpr = np.cumsum(~anomalous[order]) / normal_count
    pro = np.cumsum(weights[order]) / len(region_sizes)
    last = np.append(ordered[1:] != ordered[:-1], True)

    fpr = np.concatenate([[0.0], fpr[last]])
    pro = np.concatenate([[0.0], pro[last]])
    inside = fpr <= limit
    cut_x = np.concatenate([fpr[inside], [limit]])
    cut_y = np.concatenate([pro[inside], [np.interp(limit, fpr, pro)]])
    return float(np.sum(np.diff(cut_x) * (cut_y[1:] + cut_y[:-1]) / 2)) / limit


def flat_regions(masks):
    """Return (labels, region_ids, region_sizes) of a list of masks, flattened."""
    labels, ids, sizes = [], [], []
    for mask in masks:
        regions, count = label_regions(mask)
        flat = regions.ravel()
        labels.append(flat > 0)
        ids.append(np.where(flat > 0, flat - 1 + len(sizes), 0))
        sizes.extend(np.bincount(flat, minlength=count + 1)[1:].tolist())
    return np.concatenate(labels), np.concatenate(ids), np.asarray(sizes)
