package tw.tongbao.adapters.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * The changes the dispatchers last parsed from stored messages, shared by every agency's dispatcher of this instance:
 * a change stored for five agencies is parsed about once while its deliveries are claimed close together, instead of
 * once per agency. Holds at most {@code capacity} changes, the least recently used going first, so a backlog is never
 * held in memory; a change that went is parsed again when an agency's delivery of it is claimed.
 *
 * <p>Keyed by change id alone: the inbox writes a change's message once ({@code ON CONFLICT DO NOTHING}) and nothing
 * updates it, so every delivery of a change reads the same bytes. Several dispatchers' threads read one change, so the
 * changes handed out are read-only: their data maps, and any map or list inside, are unmodifiable.
 */
final class ParsedChanges {

    /** About 2,048 changes of a few kilobytes each: a few megabytes, the agencies' claims of several seconds. */
    static final int CAPACITY = 2_048;

    private final ObjectReader reader;
    private final int capacity;
    private final LinkedHashMap<UUID, ChangeFiled> recent;

    ParsedChanges(JsonMapper json, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.reader = json.readerFor(ChangeFiled.class);
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, ChangeFiled> eldest) {
                return size() > ParsedChanges.this.capacity;
            }
        };
    }

    /**
     * The change stored as {@code message} (UTF-8 JSON) under {@code changeId}, parsed unless recently parsed; throws
     * what Jackson throws for a message it cannot read (never remembered, so each delivery fails on its own).
     */
    ChangeFiled of(UUID changeId, byte[] message) {
        synchronized (recent) {
            ChangeFiled known = recent.get(changeId);
            if (known != null) {
                return known;
            }
        }
        // Parsed outside the lock: two dispatchers that miss at once both parse, rather than one waiting. Bytes, not a
        // String: Jackson reads UTF-8 directly, where a String holding Chinese text is parsed char by char.
        ChangeFiled change = readOnly(reader.readValue(message));
        if (change == null || !changeId.equals(change.changeId())) {
            // Not this change's message (cannot happen while the inbox stores it by its id): used, never remembered.
            return change;
        }
        synchronized (recent) {
            ChangeFiled known = recent.putIfAbsent(changeId, change);
            return known != null ? known : change;
        }
    }

    /** How many changes are held now. */
    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }

    private static ChangeFiled readOnly(ChangeFiled change) {
        if (change == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) readOnly((Object) change.data());
        // The addressees are an unmodifiable list already (ChangeFiled copies them), of records of immutable values.
        return new ChangeFiled(
                change.changeId(),
                change.receipt(),
                change.type(),
                change.subjectId(),
                change.subjectName(),
                change.sequence(),
                change.effectiveDate(),
                change.submittedAt(),
                data,
                change.addressees());
    }

    /** An unmodifiable copy of a JSON value's maps and lists, in their order; other values are immutable already. */
    private static Object readOnly(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>(map.size() * 4 / 3 + 1);
            map.forEach((key, entry) -> copy.put(key, readOnly(entry)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(entry -> copy.add(readOnly(entry)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
