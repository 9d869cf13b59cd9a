package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

class RequestFingerprintTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void isTheSameForReorderedKeysAndOtherWhitespace() {
        String a = "{\"type\":\"NAME_CHANGE\",\"data\":{\"name\":\"王小明\",\"romanizedName\":\"WANG\"}}";
        String b = "{ \"data\" : { \"romanizedName\" : \"WANG\", \"name\" : \"王小明\" },\n \"type\" : \"NAME_CHANGE\" }";

        assertThat(fingerprint(a)).isEqualTo(fingerprint(b)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void differsForADifferentValue() {
        assertThat(fingerprint("{\"data\":{\"name\":\"王小明\"}}"))
                .isNotEqualTo(fingerprint("{\"data\":{\"name\":\"王大明\"}}"));
    }

    @Test
    void differsForADifferentOrderInsideAnArray() {
        assertThat(fingerprint("{\"notify\":[\"TPC\",\"POST\"]}"))
                .isNotEqualTo(fingerprint("{\"notify\":[\"POST\",\"TPC\"]}"));
    }

    @Test
    void keepsKeysAndStringsApart() {
        assertThat(fingerprint("{\"a\":\"b,c\"}")).isNotEqualTo(fingerprint("{\"a\":\"b\",\"c\":null}"));
    }

    /** Stored changes hold fingerprints of the first canonical form: any body must still get the same one. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"ADDRESS_CHANGE\",\"subjectId\":\"A123456789\",\"effectiveDate\":\"2026-12-01\","
                        + "\"data\":{\"address\":{\"postalCode\":\"106\",\"city\":\"臺北市\",\"district\":\"大安區\"}},"
                        + "\"notify\":[\"TPC\",\"POST\"]}",
                "{\"a\\\"b\":\"line\\nbreak\\ttab\\u0001\\u001f\\u007f\\\\ / \\u2028\",\"\\u0000\":null}",
                "{\"n\":[1,-2,3.50,1e3,12345678901234567890,0.1,-0.0,true,false,null,{},[]]}",
                "{\"emoji\":\"😀𠀀\",\"lone\":\"\\ud800x\",\"Z\":1,\"a\":2,\"É\":3,\"\":4}",
                "[\"top\",\"level\"]",
                "\"just a string\"",
                "42"
            })
    void keepsTheFirstCanonicalForm(String body) {
        JsonNode tree = json.readTree(body);

        assertThat(RequestFingerprint.of(tree)).isEqualTo(FirstCanonicalForm.fingerprint(tree));
    }

    @Test
    void keepsTheFirstCanonicalFormForRandomBodies() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            JsonNode tree = randomNode(random, 0);

            assertThat(RequestFingerprint.of(tree)).as(tree.toString()).isEqualTo(FirstCanonicalForm.fingerprint(tree));
        }
    }

    private static JsonNode randomNode(SplittableRandom random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        int pick = random.nextInt(depth > 3 ? 6 : 8);
        return switch (pick) {
            case 0 -> nodes.stringNode(randomText(random));
            case 1 -> nodes.numberNode(random.nextLong());
            case 2 -> nodes.numberNode(random.nextDouble() * 1e6);
            case 3 -> nodes.numberNode(new java.math.BigDecimal(random.nextLong()).movePointLeft(random.nextInt(8)));
            case 4 -> nodes.booleanNode(random.nextBoolean());
            case 5 -> nodes.nullNode();
            case 6 -> {
                ObjectNode object = nodes.objectNode();
                for (int n = random.nextInt(6); n > 0; n--) {
                    object.set(randomText(random), randomNode(random, depth + 1));
                }
                yield object;
            }
            default -> {
                ArrayNode array = nodes.arrayNode();
                for (int n = random.nextInt(5); n > 0; n--) {
                    array.add(randomNode(random, depth + 1));
                }
                yield array;
            }
        };
    }

    /** Control characters, quotes, backslashes, ASCII, CJK, surrogates (paired and lone). */
    private static String randomText(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            switch (random.nextInt(6)) {
                case 0 -> text.append((char) random.nextInt(0x20));
                case 1 -> text.append("\"\\/\u007f".charAt(random.nextInt(4)));
                case 2 -> text.append((char) (0x20 + random.nextInt(0x5f)));
                case 3 -> text.append((char) (0x4e00 + random.nextInt(0x5000)));
                case 4 -> text.appendCodePoint(0x1f600 + random.nextInt(0x40));
                default -> text.append((char) (0xd800 + random.nextInt(0x800)));
            }
        }
        return text.toString();
    }

    /** The canonical form as first written (a TreeMap per object, each leaf as it writes itself), for comparison. */
    private static final class FirstCanonicalForm {

        static String fingerprint(JsonNode body) {
            StringBuilder canonical = new StringBuilder();
            write(body, canonical);
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void write(JsonNode node, StringBuilder out) {
            if (node.isObject()) {
                Map<String, JsonNode> sorted = new TreeMap<>();
                node.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> entry : sorted.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    out.append(StringNode.valueOf(entry.getKey()).toString()).append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            } else if (node.isArray()) {
                out.append('[');
                boolean first = true;
                for (JsonNode element : node.values()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(element, out);
                }
                out.append(']');
            } else {
                out.append(node.toString());
            }
        }
    }

    private String fingerprint(String body) {
        JsonNode tree = json.readTree(body);
        return RequestFingerprint.of(tree);
    }
}
