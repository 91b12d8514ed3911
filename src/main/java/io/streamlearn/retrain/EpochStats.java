package io.streamlearn.retrain;

/**
 * What one epoch did: mean training loss, updates applied and updates refused (they would have
 * made the weights non-finite, so the weights before each were kept), and how the held-out
 * examples scored after it.
 */
public record EpochStats(int epoch, long trained, double trainLoss, long updates, long refused,
                         long heldOut, double holdoutAccuracy, double holdoutLogLoss) {
}
