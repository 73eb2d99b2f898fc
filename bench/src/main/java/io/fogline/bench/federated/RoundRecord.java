package io.fogline.bench.federated;

/**
 * One round as the server saw it.
 *
 * @param accuracy the global model's accuracy on the test set after the round
 * @param uploadBytes the bodies every client sent, summed
 * @param accepted updates that passed the intake and the norm screen
 * @param refusals the round's refusals, e.g. {@code norm_outlier 2}, or {@code none}
 * @param seconds the round's wall-clock time, local training of every client included
 */
record RoundRecord(int round, double accuracy, long uploadBytes, int accepted, String refusals, double seconds) {}
