package io.fogline.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Base64;

/** signature.json: who signed the manifest bytes (key id), with which algorithm, and the signature itself. */
public record BundleSignature(String algorithm, String keyId, byte[] signature) {

    public static final String FILE_NAME = "signature.json";

    public static BundleSignature parse(byte[] bytes) throws BundleException {
        JsonNode root;
        try {
            root = KeyFiles.JSON.readTree(bytes);
        } catch (IOException e) {
            throw malformed("is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw malformed("is not a JSON object");
        }
        String algorithm = text(root, "algorithm");
        String keyId = text(root, "key_id");
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(text(root, "signature"));
        } catch (IllegalArgumentException e) {
            throw malformed("field 'signature' is not base64");
        }
        return new BundleSignature(algorithm, keyId, signature);
    }

    public byte[] toJsonBytes() {
        ObjectNode root = KeyFiles.JSON.createObjectNode();
        root.put("algorithm", algorithm);
        root.put("key_id", keyId);
        root.put("signature", Base64.getEncoder().encodeToString(signature));
        return CanonicalJson.write(root);
    }

    private static String text(JsonNode root, String field) throws BundleException {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual()) {
            throw malformed("field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static BundleException malformed(String detail) {
        return new BundleException(Refusal.MALFORMED_SIGNATURE, "signature.json " + detail);
    }
}
