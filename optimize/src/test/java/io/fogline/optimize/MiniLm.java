package io.fogline.optimize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.fogline.optimize.samples.InputTensor;
import io.fogline.optimize.samples.Sample;
import io.fogline.optimize.samples.SampleSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 in FP32 and its published INT8 twin, from the langchain4j embedding jars on the test class path,
 * with the test set of sentences tokenized by the model's own tokenizer.
 */
public final class MiniLm {

    public static final String FP32 = "all-minilm-l6-v2.onnx";
    public static final String INT8_TWIN = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private MiniLm() {}

    /** Copies a model out of its jar, which ONNX Runtime and the quantizer read as a file. */
    public static Path extract(String resource, Path directory) throws IOException {
        Path file = directory.resolve(resource);
        if (!Files.exists(file)) {
            try (InputStream in = open(resource)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return file;
    }

    /** The first {@code count} sentences of the test set, one sample each, unpadded. */
    public static SampleSet sentences(int count) throws IOException {
        List<String> texts = sentenceTexts().subList(0, count);
        List<Sample> samples = new ArrayList<>();
        try (InputStream json = open(TOKENIZER);
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of())) {
            for (String text : texts) {
                Encoding encoding = tokenizer.encode(text);
                long[] shape = {1, encoding.getIds().length};
                samples.add(new Sample(Map.of(
                        "input_ids", new InputTensor.Longs(shape, encoding.getIds()),
                        "attention_mask", new InputTensor.Longs(shape, encoding.getAttentionMask()),
                        "token_type_ids", new InputTensor.Longs(shape, encoding.getTypeIds()))));
            }
        }
        return SampleSet.unlabelled(samples);
    }

    public static List<String> sentenceTexts() {
        try (InputStream in = open("sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the class path");
        }
        return in;
    }
}
