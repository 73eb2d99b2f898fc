package io.fogline.core.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fogline.core.federated.UpdateEncoding;

/**
 * A federated round a device is chosen for, part of its desired state: train the global model whose ONNX file is blob
 * {@code weights} on the device's own examples, and upload the change before {@code deadline}. The task leaves the
 * desired state once the device's update is accepted or the round closes.
 *
 * @param job the federated job's id
 * @param model the model the job trains, whose labelled examples the device learns from; null from a control plane
 *     older than the field, for which the device trains on its fixed training data only
 * @param round the round, from 1
 * @param weights SHA-256 of the round's global model (an ONNX file), fetched from {@code /api/v1/blobs/{weights}}
 * @param weightsSize its size in bytes
 * @param localEpochs passes over the device's examples
 * @param batchSize examples per step
 * @param learningRate the local SGD step size
 * @param proximalMu FedProx's μ; 0 for plain FedAvg clients
 * @param clipNorm the largest norm the update may have (longer ones are scaled down); 0 for no bound
 * @param encoding how the update travels: {@code fp32}, {@code int8[:BLOCK]}, {@code topk:FRACTION}
 * @param deadline epoch milliseconds after which the round takes no update
 */
public record FederatedTask(
        String job,
        String model,
        int round,
        String weights,
        long weightsSize,
        int localEpochs,
        int batchSize,
        double learningRate,
        double proximalMu,
        double clipNorm,
        String encoding,
        long deadline) {

    public FederatedTask {
        Names.checkName(Names.required(job, "job"), "job");
        Names.checkName(model, "model");
        Names.atLeastOne((long) round, "round");
        Names.checkDigest(weights, "weights");
        Names.atLeastOne(weightsSize, "weights_size");
        Names.atLeastOne((long) localEpochs, "local_epochs");
        Names.atLeastOne((long) batchSize, "batch_size");
        if (!(learningRate > 0) || !(proximalMu >= 0) || !(clipNorm >= 0)) {
            throw new IllegalArgumentException("'learning_rate' must be positive, 'proximal_mu' and 'clip_norm' not"
                    + " negative, got " + learningRate + ", " + proximalMu + ", " + clipNorm);
        }
        UpdateEncoding.parse(Names.required(encoding, "encoding"));
    }

    public UpdateEncoding updateEncoding() {
        return UpdateEncoding.parse(encoding);
    }

    @JsonCreator
    static FederatedTask read(
            @JsonProperty("job") String job,
            @JsonProperty("model") String model,
            @JsonProperty("round") Integer round,
            @JsonProperty("weights") String weights,
            @JsonProperty("weights_size") Long weightsSize,
            @JsonProperty("local_epochs") Integer localEpochs,
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("learning_rate") Double learningRate,
            @JsonProperty("proximal_mu") Double proximalMu,
            @JsonProperty("clip_norm") Double clipNorm,
            @JsonProperty("encoding") String encoding,
            @JsonProperty("deadline") Long deadline) {
        return new FederatedTask(
                job,
                model,
                Names.required(round, "round"),
                weights,
                Names.required(weightsSize, "weights_size"),
                Names.required(localEpochs, "local_epochs"),
                Names.required(batchSize, "batch_size"),
                Names.required(learningRate, "learning_rate"),
                proximalMu == null ? 0 : proximalMu,
                clipNorm == null ? 0 : clipNorm,
                encoding,
                Names.required(deadline, "deadline"));
    }
}
