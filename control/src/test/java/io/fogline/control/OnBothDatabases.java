package io.fogline.control;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs every test of a subclass twice, on a control plane over SQLite and over PostgreSQL. */
@ParameterizedClass
@EnumSource(TestStore.class)
abstract class OnBothDatabases {

    @Parameter
    TestStore store;

    ControlHarness harness;

    @BeforeEach
    void startControlPlane(@TempDir Path dir) {
        harness = new ControlHarness(store, dir);
    }

    @AfterEach
    void stopControlPlane() {
        harness.close();
    }
}
