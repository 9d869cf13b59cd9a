package tw.tongbao.adapters.batchcsv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tw.tongbao.adapters.transport.AgencyTransport;
import tw.tongbao.core.agency.Protocol;

class BatchCsvConfigurationTests {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(BatchCsvConfiguration.class, BatchCsvTransport.class);

    @Test
    void dropsIntoVarDropByDefault() {
        context.run(app -> assertThat(app.getBean(BatchCsvProperties.class).dropDirectory())
                .isEqualTo(Path.of("./var/drop")));
    }

    @Test
    void bindsTheDropDirectoryAndRegistersTheTransport(@TempDir Path drop) {
        context.withPropertyValues("tongbao.adapters.batch-csv.drop-directory=" + drop)
                .run(app -> {
                    assertThat(app.getBean(BatchCsvProperties.class).dropDirectory())
                            .isEqualTo(drop);
                    assertThat(app.getBean(AgencyTransport.class).protocol()).isEqualTo(Protocol.BATCH_CSV);
                    assertThat(app.getBean(BatchCsvTransport.class).isRunning()).isTrue();
                });
    }
}
