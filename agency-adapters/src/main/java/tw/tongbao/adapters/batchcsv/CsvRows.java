package tw.tongbao.adapters.batchcsv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** RFC 4180 lines (CRLF, quoted when needed) encoded strictly: a character the charset lacks is an error, not '?'. */
final class CsvRows {

    private CsvRows() {}

    /** One line's bytes; throws {@link CharacterNotEncodable} naming the column that cannot be written. */
    static byte[] encode(List<String> columns, List<String> values, Charset charset) {
        String line = values.stream().map(CsvRows::quote).collect(Collectors.joining(",", "", "\r\n"));
        try {
            // Over an array: a buffer wrapping the String itself is encoded a charAt() at a time, which took most of
            // a batch delivery's CPU in a benchmark's drain.
            ByteBuffer bytes = strictEncoder(charset).encode(CharBuffer.wrap(line.toCharArray()));
            return Arrays.copyOfRange(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.limit());
        } catch (CharacterCodingException e) {
            throw culprit(columns, values, charset);
        }
    }

    static String quote(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static CharsetEncoder strictEncoder(Charset charset) {
        return charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    private static CharacterNotEncodable culprit(List<String> columns, List<String> values, Charset charset) {
        CharsetEncoder encoder = strictEncoder(charset);
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            for (int offset = 0; offset < value.length(); ) {
                int codePoint = value.codePointAt(offset);
                if (!encoder.canEncode(new String(Character.toChars(codePoint)))) {
                    return new CharacterNotEncodable(columns.get(i), codePoint, charset);
                }
                offset += Character.charCount(codePoint);
            }
        }
        return new CharacterNotEncodable("?", 0xFFFD, charset);
    }

    /** Thrown when a value holds a character the agency's charset cannot encode. */
    static final class CharacterNotEncodable extends IllegalArgumentException {
        CharacterNotEncodable(String column, int codePoint, Charset charset) {
            super(String.format(
                    "%s holds U+%04X (%s), which %s cannot encode",
                    column, codePoint, new String(Character.toChars(codePoint)), charset.name()));
        }
    }
}
