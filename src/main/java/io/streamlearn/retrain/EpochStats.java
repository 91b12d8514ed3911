package io.streamlearn.retrain;

/** What one epoch did: mean training loss, and how the held-out examples scored after it. */
public record EpochStats(int epoch, long trained, double trainLoss, long updates,
                         long heldOut, double holdoutAccuracy, double holdoutLogLoss) {
}
