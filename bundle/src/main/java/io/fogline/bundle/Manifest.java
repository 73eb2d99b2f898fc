package io.fogline.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a bundle holds (docs/protocol.md): the model, its version, every file with its digest and size, and which
 * files are the golden test and the reference statistics. Its canonical bytes are what the signature covers and
 * their SHA-256 is the bundle's digest.
 */
public record Manifest(
        int format,
        String model,
        long version,
        Instant created,
        List<ManifestFile> files,
        String golden,
        String referenceStats) {

    public static final int FORMAT = 1;
    public static final String FILE_NAME = "manifest.json";

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> FIELDS =
            Set.of("created", "files", "format", "golden", "model", "reference_stats", "version");
    private static final Set<String> FILE_FIELDS = Set.of("path", "sha256", "size");
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public Manifest {
        if (!MODEL_NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("model name '" + model + "' is not [A-Za-z0-9][A-Za-z0-9._-]*");
        }
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, not " + version);
        }
        created = created.truncatedTo(ChronoUnit.SECONDS);
        files = files.stream().sorted(Comparator.comparing(ManifestFile::path)).toList();
    }

    /**
     * A manifest for new content, checked as {@link #parse} would check it, so what is packed can be unpacked.
     */
    public static Manifest of(
            String model, long version, Instant created, List<ManifestFile> files, String golden, String referenceStats)
            throws BundleException {
        Manifest manifest;
        try {
            manifest = new Manifest(FORMAT, model, version, created, files, golden, referenceStats);
        } catch (IllegalArgumentException e) {
            throw new BundleException(Refusal.MALFORMED_MANIFEST, e.getMessage(), e);
        }
        manifest.checkFiles();
        return manifest;
    }

    /** Parses manifest bytes, refusing anything but the canonical form of a well-formed, safe manifest. */
    public static Manifest parse(byte[] bytes) throws BundleException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw malformed("is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed("cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw malformed("is not a JSON object");
        }
        checkFields(root, FIELDS, "manifest");
        int format = (int) integer(root, "format");
        if (format != FORMAT) {
            throw new BundleException(Refusal.UNSUPPORTED_FORMAT, "manifest format " + format + " is not " + FORMAT);
        }
        List<ManifestFile> files = new ArrayList<>();
        JsonNode fileNodes = root.path("files");
        if (!fileNodes.isArray()) {
            throw malformed("field 'files' is not an array");
        }
        for (JsonNode node : fileNodes) {
            if (!node.isObject()) {
                throw malformed("an element of 'files' is not an object");
            }
            checkFields(node, FILE_FIELDS, "file");
            String path = SafePath.check(text(node, "path"));
            String sha256 = text(node, "sha256");
            if (!Sha256.isDigest(sha256)) {
                throw malformed("sha256 of '" + path + "' is not 64 lowercase hex digits");
            }
            long size = integer(node, "size");
            if (size < 0) {
                throw malformed("size of '" + path + "' is negative");
            }
            files.add(new ManifestFile(path, sha256, size));
        }
        Instant created;
        try {
            created = Instant.parse(text(root, "created"));
        } catch (DateTimeParseException e) {
            throw malformed("field 'created' is not an ISO-8601 instant");
        }
        Manifest manifest;
        try {
            manifest = new Manifest(
                    format,
                    text(root, "model"),
                    integer(root, "version"),
                    created,
                    files,
                    text(root, "golden"),
                    text(root, "reference_stats"));
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
        manifest.checkFiles();
        if (!Arrays.equals(bytes, manifest.toCanonicalBytes())) {
            throw new BundleException(
                    Refusal.NON_CANONICAL_MANIFEST,
                    "manifest.json is not canonical JSON (sorted keys, no whitespace, files sorted by path)");
        }
        return manifest;
    }

    public byte[] toCanonicalBytes() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("created", created.toString());
        ArrayNode fileNodes = root.putArray("files");
        for (ManifestFile file : files) {
            fileNodes
                    .addObject()
                    .put("path", file.path())
                    .put("sha256", file.sha256())
                    .put("size", file.size());
        }
        root.put("format", format);
        root.put("golden", golden);
        root.put("model", model);
        root.put("reference_stats", referenceStats);
        root.put("version", version);
        return CanonicalJson.write(root);
    }

    /** The bundle's content address: the SHA-256 of the canonical manifest bytes. */
    public String digest() {
        return Sha256.of(toCanonicalBytes());
    }

    public Optional<ManifestFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    public long totalSize() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }

    private void checkFiles() throws BundleException {
        Set<String> seen = new HashSet<>();
        for (ManifestFile file : files) {
            SafePath.check(file.path());
            if (file.path().equals(FILE_NAME) || file.path().equals(BundleSignature.FILE_NAME)) {
                throw malformed("lists '" + file.path() + "', which is the bundle's own metadata");
            }
            if (!seen.add(file.path())) {
                throw new BundleException(Refusal.DUPLICATE_ENTRY, "manifest lists '" + file.path() + "' twice");
            }
            for (String parent = parentOf(file.path()); parent != null; parent = parentOf(parent)) {
                if (seen.contains(parent)) {
                    throw malformed("'" + parent + "' is both a file and a directory");
                }
            }
        }
        for (String role : List.of(golden, referenceStats)) {
            if (!seen.contains(role)) {
                throw malformed("names '" + role + "', which it does not list");
            }
        }
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    private static void checkFields(JsonNode node, Set<String> allowed, String what) throws BundleException {
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!allowed.contains(name)) {
                throw malformed(what + " has unknown field '" + name + "'");
            }
        }
    }

    private static String text(JsonNode node, String field) throws BundleException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw malformed("field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static long integer(JsonNode node, String field) throws BundleException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw malformed("field '" + field + "' is missing or not an integer");
        }
        return value.longValue();
    }

    private static BundleException malformed(String detail) {
        return new BundleException(Refusal.MALFORMED_MANIFEST, "manifest " + detail);
    }
}
