package tw.tongbao.gateway.citizen;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;

/**
 * The SHA-256 of a request body in canonical form (object keys sorted, no whitespace), so a retry that only
 * reorders keys or reformats still counts as the same body. The canonical form must never change: stored changes
 * hold fingerprints of it, and a repeated key is answered only if the body's fingerprint matches.
 */
final class RequestFingerprint {

    /**
     * Writes the whole canonical form with one generator of the same kind (character-based, default features) that
     * {@code JsonNode.toString()} uses, so names and strings are escaped exactly as when each was written on its own.
     */
    private static final JsonFactory JSON = new JsonFactory();

    private RequestFingerprint() {}

    /** 64 hex characters. */
    static String of(JsonNode body) {
        StringWriter canonical = new StringWriter(256);
        try (JsonGenerator out = JSON.createGenerator(canonical)) {
            write(body, out);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static void write(JsonNode node, JsonGenerator out) {
        if (node.isObject()) {
            String[] names = node.propertyNames().toArray(String[]::new);
            Arrays.sort(names);
            out.writeStartObject();
            for (String name : names) {
                out.writeName(name);
                write(node.get(name), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node.values()) {
                write(element, out);
            }
            out.writeEndArray();
        } else if (node.isString()) {
            out.writeString(node.stringValue());
        } else {
            // Numbers, booleans, null: as the node writes itself, which is what the canonical form always held.
            out.writeRawValue(node.toString());
        }
    }
}
