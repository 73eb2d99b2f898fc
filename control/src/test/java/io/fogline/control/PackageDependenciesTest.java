package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows inside the control plane point one way: the composition root ({@link ControlPlane}) knows the transport
 * and the domain; the transport (http) knows the domain; the domain knows neither. Read from the compiled classes'
 * constant pools, where every class a class refers to is named.
 */
class PackageDependenciesTest {

    private static final Path CLASSES = Path.of("target/classes/io/fogline/control");
    private static final List<String> DOMAIN =
            List.of("common", "device", "fleet", "monitor", "registry", "rollout", "store");

    @Test
    void theDomainKnowsNeitherTheTransportNorTheCompositionRoot() throws IOException {
        for (String module : DOMAIN) {
            assertThat(referencesIn(CLASSES.resolve(module), "io/fogline/control/http/"))
                    .as("classes of %s naming the transport", module)
                    .isEmpty();
            assertThat(referencesIn(CLASSES.resolve(module), "io/fogline/control/ControlPlane"))
                    .as("classes of %s naming the composition root", module)
                    .isEmpty();
        }
    }

    @Test
    void theTransportDoesNotKnowTheCompositionRoot() throws IOException {
        assertThat(referencesIn(CLASSES.resolve("http"), "io/fogline/control/ControlPlane"))
                .isEmpty();
        assertThat(referencesIn(CLASSES.resolve("http"), "io/fogline/control/ControlOptions"))
                .isEmpty();
    }

    private static List<String> referencesIn(Path directory, String name) throws IOException {
        assertThat(directory).isDirectory();
        List<String> found = new ArrayList<>();
        try (Stream<Path> classes = Files.walk(directory)) {
            for (Path file :
                    classes.filter(f -> f.toString().endsWith(".class")).toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(name)) {
                    found.add(directory.relativize(file).toString());
                }
            }
        }
        return found;
    }
}
