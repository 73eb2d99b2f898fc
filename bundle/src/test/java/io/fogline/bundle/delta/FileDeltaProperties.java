package io.fogline.bundle.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class FileDeltaProperties {

    private static final int HEADER = 4 + 1 + 32 + 32 + 8;
    private static final int COPY_COST = 17;
    private static final int INSERT_COST = 5;

    private static Path scratch;

    @BeforeContainer
    static void makeScratch() throws IOException {
        scratch = Files.createTempDirectory("delta");
    }

    @AfterContainer
    static void removeScratch() throws IOException {
        Files.deleteIfExists(scratch.resolve("base"));
        Files.deleteIfExists(scratch);
    }

    @Property(tries = 300)
    void aDeltaRebuildsTheTargetFromTheBaseByteForByte(@ForAll("pairs") Pair pair) throws Exception {
        Optional<byte[]> delta = FileDelta.between(pair.base, pair.target);

        assertThat(delta).isPresent();
        assertThat(rebuild(pair.base, pair.target, delta.get())).isEqualTo(pair.target);
    }

    @Property(tries = 300)
    void aDeltaCarriesOnlyTheTensorsTheBaseLacksAndTheGraphAround(@ForAll("pairs") Pair pair) {
        byte[] delta = FileDelta.between(pair.base, pair.target).orElseThrow();

        long ceiling = HEADER
                + 1
                + pair.target.length
                - pair.sharedBytes
                + (long) pair.tensorCount * (COPY_COST + INSERT_COST)
                + INSERT_COST;
        assertThat((long) delta.length).isLessThanOrEqualTo(ceiling);
    }

    @Property(tries = 500)
    void aCorruptedOrTruncatedDeltaIsRefusedOrStillRebuildsTheTargetExactly(
            @ForAll("pairs") Pair pair, @ForAll @IntRange(min = 0, max = 1_000_000) int where, @ForAll boolean cut)
            throws Exception {
        byte[] delta = FileDelta.between(pair.base, pair.target).orElseThrow();
        int at = where % delta.length;
        byte[] damaged = cut ? Arrays.copyOf(delta, at) : delta.clone();
        if (!cut) {
            damaged[at] ^= (byte) (1 + where % 255);
        }

        try {
            byte[] rebuilt = rebuild(pair.base, pair.target, damaged);
            assertThat(rebuilt).isEqualTo(pair.target);
        } catch (DeltaException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void anyBytesAreEitherNoModelOrADeltaThatRebuildsThem(@ForAll byte[] target, @ForAll("pairs") Pair pair)
            throws Exception {
        Optional<byte[]> delta = FileDelta.between(pair.base, target);

        if (delta.isPresent()) {
            assertThat(rebuild(pair.base, target, delta.get())).isEqualTo(target);
        }
    }

    @Property(tries = 50)
    void aDeltaForAnotherBaseIsRefusedByName(@ForAll("pairs") Pair pair) throws Exception {
        byte[] delta = FileDelta.between(pair.base, pair.target).orElseThrow();
        byte[] otherBase = Arrays.copyOf(pair.base, pair.base.length + 1);

        assertThatThrownBy(() -> rebuild(otherBase, pair.target, delta))
                .isInstanceOf(DeltaException.class)
                .hasMessageContaining("the delta rebuilds " + sha256(pair.target) + " from " + sha256(pair.base));
    }

    @Property(tries = 50)
    void aModelThatSharesNoTensorWithTheBaseGetsNoDelta(@ForAll("pairs") Pair pair) {
        byte[] unrelated = OnnxBytes.model(List.of(new OnnxBytes.Tensor("w", bytes(new Random(7), 4096))));

        assertThat(FileDelta.between(pair.base, unrelated)).isEmpty();
        assertThat(FileDelta.between(pair.base, "not a model".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    static byte[] rebuild(byte[] base, byte[] target, byte[] delta) throws IOException, DeltaException {
        Path baseFile = Files.write(scratch.resolve("base"), base);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FileDelta.apply(baseFile, sha256(base), new ByteArrayInputStream(delta), sha256(target), out);
        return out.toByteArray();
    }

    /** Two versions of a model: some tensors kept (under their names or others), some changed, some new. */
    record Pair(byte[] base, byte[] target, long sharedBytes, int tensorCount) {}

    @Provide
    Arbitrary<Pair> pairs() {
        return Arbitraries.longs().map(seed -> {
            Random random = new Random(seed);
            List<OnnxBytes.Tensor> base = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                base.add(new OnnxBytes.Tensor("t" + i, bytes(random, random.nextInt(3000))));
            }
            List<OnnxBytes.Tensor> target = new ArrayList<>();
            long shared = 0;
            boolean keptOne = false;
            for (OnnxBytes.Tensor tensor : base) {
                int fate = random.nextInt(4);
                if (fate == 0 || (!keptOne && tensor.data().length >= OnnxTensors.SMALLEST)) {
                    target.add(new OnnxBytes.Tensor(random.nextBoolean() ? tensor.name() : "renamed", tensor.data()));
                    keptOne |= tensor.data().length >= OnnxTensors.SMALLEST;
                } else if (fate == 1) {
                    target.add(new OnnxBytes.Tensor(tensor.name(), bytes(random, random.nextInt(3000))));
                } else if (fate == 2) {
                    target.add(new OnnxBytes.Tensor("new" + target.size(), bytes(random, random.nextInt(500))));
                }
            }
            if (!keptOne) {
                OnnxBytes.Tensor large = new OnnxBytes.Tensor("large", bytes(random, 256));
                base.add(large);
                target.add(large);
            }
            java.util.Collections.shuffle(target, random);
            for (OnnxBytes.Tensor tensor : target) {
                if (tensor.data().length >= OnnxTensors.SMALLEST
                        && base.stream().anyMatch(b -> Arrays.equals(b.data(), tensor.data()))) {
                    shared += tensor.data().length;
                }
            }
            return new Pair(OnnxBytes.model(base), OnnxBytes.model(target), shared, target.size());
        });
    }

    static byte[] bytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
