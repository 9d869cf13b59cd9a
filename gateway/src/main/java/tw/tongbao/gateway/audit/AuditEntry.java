package tw.tongbao.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One record of the audit log, as stored.
 *
 * @param id its place in the chain (ascending)
 * @param at when it was written (microsecond precision, as the database keeps it)
 * @param actor the actor's {@code sub}
 * @param actorName the actor's name, or null
 * @param roles the actor's staff roles, comma-separated
 * @param action what was done, e.g. {@code delivery.retry}
 * @param target what it was done to (a delivery id, an agency code), or null
 * @param reason why, as the actor said, or null
 * @param details further facts as JSON text, in PostgreSQL's {@code jsonb} output form
 * @param previousHash the hash of the record before ({@link #GENESIS} for the first)
 * @param hash SHA-256 (hex) over {@link #canonicalText()}
 */
public record AuditEntry(
        long id,
        Instant at,
        String actor,
        String actorName,
        String roles,
        String action,
        String target,
        String reason,
        String details,
        String previousHash,
        String hash) {

    /** The previous hash of the first record. */
    public static final String GENESIS = "0".repeat(64);

    /**
     * The text the hash covers: every field, each length-prefixed so that no two different records share a text,
     * then the previous hash.
     */
    String canonicalText() {
        StringBuilder text = new StringBuilder();
        field(text, "id", Long.toString(id));
        field(text, "at", at.toString());
        field(text, "actor", actor);
        field(text, "actorName", actorName);
        field(text, "roles", roles);
        field(text, "action", action);
        field(text, "target", target);
        field(text, "reason", reason);
        field(text, "details", details);
        field(text, "previousHash", previousHash);
        return text.toString();
    }

    /** The hash this record should carry. */
    String expectedHash() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(canonicalText().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void field(StringBuilder text, String name, String value) {
        text.append(name).append('=');
        if (value == null) {
            text.append("null");
        } else {
            text.append(value.length()).append(':').append(value);
        }
        text.append('\n');
    }
}
