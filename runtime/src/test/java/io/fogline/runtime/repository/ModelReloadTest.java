package io.fogline.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReloadTest {

    @TempDir
    Path repository;

    private static InferenceRequest request() {
        return InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 4}, 1, 2, 3, 4));
    }

    @Test
    void reloadingUnderTrafficFailsNoRequest() throws Exception {
        TinyModels.mlp(new TestRepository(repository).modelFile("mlp", 1), 4, 32, 3, 1);
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE)) {
            models.load("mlp", null);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            models.infer("mlp", null, request()).get(10, TimeUnit.SECONDS);
                            answered.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (int reload = 0; reload < 20; reload++) {
                models.load("mlp", null);
            }
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
            assertThat(failures).isEmpty();
            assertThat(answered.get()).isPositive();
        }
    }

    @Test
    void anUnloadedModelIsNotServedAndTheIndexSaysWhy() throws Exception {
        TinyModels.mlp(new TestRepository(repository).modelFile("mlp", 1), 4, 8, 3, 1);
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE)) {
            models.load("mlp", null);
            assertThat(models.index()).containsExactly(new RepositoryModel("mlp", "1", "READY", ""));
            models.unload("mlp", 10);
            assertThatThrownBy(() -> models.infer("mlp", null, request()))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("model 'mlp' is not loaded");
            assertThat(models.index()).containsExactly(new RepositoryModel("mlp", null, "UNAVAILABLE", "unloaded"));
            assertThat(models.allReady()).isTrue();
        }
    }

    @Test
    void aModelThatFailsToLoadIsListedWithItsReasonAndMakesTheNodeUnready() throws Exception {
        TestRepository layout = new TestRepository(repository);
        java.nio.file.Files.writeString(layout.modelFile("broken", 1), "not an onnx file");
        TinyModels.mlp(layout.modelFile("mlp", 1), 4, 8, 3, 1);
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE)) {
            models.loadAll();
            List<RepositoryModel> index = models.index();
            assertThat(index).hasSize(2);
            assertThat(index.get(0).name()).isEqualTo("broken");
            assertThat(index.get(0).state()).isEqualTo("UNAVAILABLE");
            assertThat(index.get(0).reason()).startsWith("cannot load " + repository.resolve("broken/1/model.onnx"));
            assertThat(index.get(1)).isEqualTo(new RepositoryModel("mlp", "1", "READY", ""));
            assertThat(models.allReady()).isFalse();
        }
    }

    @Test
    void aConfigThatContradictsTheGraphIsRefusedByName() throws Exception {
        TestRepository layout = new TestRepository(repository);
        TinyModels.mlp(layout.modelFile("mlp", 1), 4, 8, 3, 1);
        layout.config("mlp", "{\"input\": [{\"name\": \"input\", \"shape\": [-1, 5]}]}");
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE)) {
            assertThatThrownBy(() -> models.load("mlp", null))
                    .hasMessage("model 'mlp': config.json declares input 'input' as FP32[-1,5] but the graph has"
                            + " FP32[-1,4]");
            layout.config("mlp", "{\"max_batch_size\": 4, \"typo_field\": 1}");
            assertThatThrownBy(() -> models.load("mlp", null)).hasMessageContaining("typo_field");
        }
    }

    @Test
    void theVersionPolicyChoosesWhichVersionsServe() throws Exception {
        TestRepository layout = new TestRepository(repository);
        for (int version = 1; version <= 3; version++) {
            TinyModels.mlp(layout.modelFile("mlp", version), 4, 8, 3, version);
        }
        try (ModelManager models = new ModelManager(repository, InferenceObserver.NONE)) {
            models.load("mlp", null);
            assertThat(models.metadata("mlp", null).versions()).containsExactly("3");
            layout.config("mlp", "{\"version_policy\": {\"latest\": 2}}");
            models.load("mlp", null);
            assertThat(models.metadata("mlp", null).versions()).containsExactly("2", "3");
            layout.config("mlp", "{\"version_policy\": {\"specific\": [1]}}");
            models.load("mlp", null);
            assertThat(models.metadata("mlp", "1").versions()).containsExactly("1");
            layout.config("mlp", "{\"version_policy\": {\"specific\": [7]}}");
            assertThatThrownBy(() -> models.load("mlp", null))
                    .hasMessage("model 'mlp': version_policy names version 7, which is not among [1, 2, 3]");
            assertThat(models.metadata("mlp", "1").versions())
                    .as("a failed reload keeps the old model")
                    .containsExactly("1");
        }
    }
}
