package tw.tongbao.gateway.outbox;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;

/**
 * Reads the agencies a stored {@link ChangeFiled} is addressed to straight from its UTF-8 JSON, token by token: the
 * relay needs them for the routing headers, and neither binding the change nor building its tree is needed for that.
 */
final class AddressedAgencies {

    /** The name {@link ChangeFiled#addressees()} is written under. */
    private static final String ADDRESSEES = "addressees";

    private static final String AGENCY = "agency";

    private AddressedAgencies() {}

    /**
     * The {@code agency} of each entry of the change's top-level {@code addressees}, in order; none if it has none.
     *
     * @throws tools.jackson.core.JacksonException when the bytes are not JSON
     */
    static List<String> of(JsonMapper json, byte[] change) {
        try (JsonParser in = json.createParser(change)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            while (in.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean addressees = ADDRESSEES.equals(in.currentName());
                // Values skipped are only scanned: their strings (the change's data) are never decoded.
                if (in.nextToken() == JsonToken.START_ARRAY && addressees) {
                    return agencies(in);
                }
                in.skipChildren();
            }
            return List.of();
        }
    }

    private static List<String> agencies(JsonParser in) {
        List<String> agencies = new ArrayList<>();
        JsonToken entry;
        while ((entry = in.nextToken()) != JsonToken.END_ARRAY) {
            if (entry != JsonToken.START_OBJECT) {
                in.skipChildren();
                continue;
            }
            while (in.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean agency = AGENCY.equals(in.currentName());
                if (in.nextToken() == JsonToken.VALUE_STRING && agency) {
                    agencies.add(in.getString());
                } else {
                    in.skipChildren();
                }
            }
        }
        return agencies;
    }
}
