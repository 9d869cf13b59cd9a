package tw.tongbao.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTests {

    @Test
    void readsQuotedFieldsDoubledQuotesAndCrlfLines() {
        String csv = "deliveryId,eventType,receipt,name\r\n"
                + "d1,tw.tongbao.address.changed.v1,TB-AAA,\"陳, 志明\"\r\n"
                + "d2,tw.tongbao.name.changed.v1,TB-BBB,\"say \"\"hi\"\"\"\r\n";

        List<List<String>> rows = DropFolderSink.CsvReader.parse(csv);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).containsExactly("d1", "tw.tongbao.address.changed.v1", "TB-AAA", "陳, 志明");
        assertThat(rows.get(2).get(3)).isEqualTo("say \"hi\"");
    }
}
