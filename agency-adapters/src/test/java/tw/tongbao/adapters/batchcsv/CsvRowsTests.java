package tw.tongbao.adapters.batchcsv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRowsTests {

    private static final Charset BIG5 = Charset.forName("Big5");

    /** The 22 municipalities and counties. */
    private static final List<String> CITIES = List.of(
            "臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹市", "嘉義市", "新竹縣", "苗栗縣", "彰化縣", "南投縣", "雲林縣", "嘉義縣",
            "屏東縣", "宜蘭縣", "花蓮縣", "臺東縣", "澎湖縣", "金門縣", "連江縣");

    @Test
    void quotesOnlyWhatRfc4180Requires() {
        assertThat(CsvRows.quote("臺北市")).isEqualTo("臺北市");
        assertThat(CsvRows.quote("1,2")).isEqualTo("\"1,2\"");
        assertThat(CsvRows.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvRows.quote("a\nb")).isEqualTo("\"a\nb\"");
        assertThat(CsvRows.quote("")).isEqualTo("");
    }

    @Test
    void endsEachLineWithCrLf() {
        byte[] line = CsvRows.encode(List.of("a", "b"), List.of("x", "y,z"), StandardCharsets.UTF_8);

        assertThat(new String(line, StandardCharsets.UTF_8)).isEqualTo("x,\"y,z\"\r\n");
    }

    @Test
    void writesEveryCityAndAnOrdinaryAddressInBig5() {
        List<String> values = new java.util.ArrayList<>(CITIES);
        values.addAll(List.of("大安區", "羅斯福路四段", "12巷", "3弄", "1號", "5樓之2", "臺", "台"));
        List<String> columns = values.stream().map(v -> "c").toList();

        byte[] line = CsvRows.encode(columns, values, BIG5);

        assertThat(new String(line, BIG5)).isEqualTo(String.join(",", values) + "\r\n");
    }

    @Test
    void namesTheColumnBig5CannotEncodeInsteadOfWritingQuestionMarks() {
        assertThatThrownBy(() -> CsvRows.encode(List.of("name", "address.street"), List.of("王小明", "吉𠮷路"), BIG5))
                .isInstanceOf(CsvRows.CharacterNotEncodable.class)
                .hasMessage("address.street holds U+20BB7 (𠮷), which Big5 cannot encode");
    }
}
