package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;

/** The small JSON documents keys and trust stores are kept in; malformed ones fail with the file and the field. */
final class KeyFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private KeyFiles() {}

    static JsonNode read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + " is not a JSON object");
        }
        return root;
    }

    static String text(JsonNode node, String field, Path file) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IOException(file + ": field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    static byte[] base64(JsonNode node, String field, Path file) throws IOException {
        try {
            return Base64.getDecoder().decode(text(node, field, file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": field '" + field + "' is not base64", e);
        }
    }

    /** Reads {@code public_key} and checks that {@code key_id} is the id that key derives. */
    static PublicKey publicKey(JsonNode node, Path file) throws IOException {
        String algorithm = text(node, "algorithm", file);
        if (!algorithm.equals(Ed25519.ALGORITHM)) {
            throw new IOException(file + ": algorithm '" + algorithm + "' is not Ed25519");
        }
        PublicKey key;
        try {
            key = Ed25519.publicKey(base64(node, "public_key", file));
        } catch (InvalidKeySpecException e) {
            throw new IOException(file + ": public_key is not an Ed25519 public key", e);
        }
        String keyId = text(node, "key_id", file);
        if (!keyId.equals(Ed25519.keyId(key))) {
            throw new IOException(
                    file + ": key_id '" + keyId + "' is not the id of its public key (" + Ed25519.keyId(key) + ")");
        }
        return key;
    }

    static ObjectNode publicKeyNode(PublicKey key) {
        ObjectNode node = JSON.createObjectNode();
        node.put("algorithm", Ed25519.ALGORITHM);
        node.put("key_id", Ed25519.keyId(key));
        node.put("public_key", Base64.getEncoder().encodeToString(key.getEncoded()));
        return node;
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    static void write(Path file, JsonNode content, boolean secret) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp");
        try {
            if (secret) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
