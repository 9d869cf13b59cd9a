package tw.tongbao.adapters;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The agency adapters: take each agency's changes from the broker and deliver them in its protocol. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AdaptersApplication {

    public static void main(String[] args) {
        CommonPoolSize.atLeastTwo();
        SpringApplication.run(AdaptersApplication.class, args);
    }
}
