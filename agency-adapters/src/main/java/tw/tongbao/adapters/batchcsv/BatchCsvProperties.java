package tw.tongbao.adapters.batchcsv;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the batch-csv transport ({@code tongbao.adapters.batch-csv}).
 *
 * @param dropDirectory where agency folders of batch files live, one {@code {AGENCY}/} each (default
 *     {@code ./var/drop})
 */
@ConfigurationProperties("tongbao.adapters.batch-csv")
public record BatchCsvProperties(Path dropDirectory) {

    public BatchCsvProperties {
        dropDirectory = dropDirectory != null ? dropDirectory : Path.of("./var/drop");
    }
}
