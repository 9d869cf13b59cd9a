package tw.tongbao.core.delivery;

import java.util.Objects;
import java.util.UUID;

/**
 * Identifies one delivery; it is also the CloudEvent id and the {@code webhook-id}, stable across retries.
 *
 * @param value a random UUID
 */
public record DeliveryId(UUID value) {

    public DeliveryId {
        Objects.requireNonNull(value, "delivery id");
    }

    /** A fresh random delivery id. */
    public static DeliveryId random() {
        return new DeliveryId(UUID.randomUUID());
    }

    /** Parses the textual form, throwing {@link IllegalArgumentException} on anything else. */
    public static DeliveryId parse(String text) {
        return new DeliveryId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
