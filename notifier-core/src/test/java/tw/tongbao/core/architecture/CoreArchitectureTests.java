package tw.tongbao.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class CoreArchitectureTests {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("tw.tongbao.core");

    @Test
    void theDomainKnowsNoFrameworkWebOrBroker() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..", "com.rabbitmq..", "jakarta.servlet..", "java.sql..", "javax.sql..")
                .check(core);
    }

    @Test
    void neverUsesJackson2() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml.jackson.databind..")
                .check(core);
    }

    @Test
    void dependsOnNoTongbaoApplication() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("tw.tongbao.gateway..", "tw.tongbao.adapters..", "tw.tongbao.simulator..")
                .check(core);
    }
}
