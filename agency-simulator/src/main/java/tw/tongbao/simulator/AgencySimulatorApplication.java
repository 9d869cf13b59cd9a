package tw.tongbao.simulator;

import java.time.Clock;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;

/** Simulated agency systems for local runs and demos: they verify signatures, answer and log what arrived. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AgencySimulatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgencySimulatorApplication.class, args);
    }

    /** The agencies of the imported registry ({@code tongbao.agencies}), the same file the adapters read. */
    @Bean
    AgencyRegistry agencyRegistry(Environment environment) {
        List<Agency> agencies = Binder.get(environment)
                .bind("tongbao.agencies", Bindable.listOf(Agency.class))
                .orElseThrow(() -> new IllegalStateException(
                        "no tongbao.agencies in the environment: is TONGBAO_REGISTRY pointing at a registry file?"));
        return new AgencyRegistry(agencies);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
