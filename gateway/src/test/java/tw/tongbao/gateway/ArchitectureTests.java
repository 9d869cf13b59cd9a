package tw.tongbao.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The gateway's features depend on each other only in the directions docs/architecture.md draws. */
class ArchitectureTests {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("tw.tongbao.gateway");

    @Test
    void securityAndRegistryStandAlone() {
        noClasses()
                .that()
                .resideInAnyPackage("..gateway.security..", "..gateway.registry..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..gateway.citizen..", "..gateway.outbox..", "..gateway.status..")
                .check(GATEWAY);
    }

    @Test
    void outboxAndStatusKnowNothingOfTheCitizenApi() {
        noClasses()
                .that()
                .resideInAnyPackage("..gateway.outbox..", "..gateway.status..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..gateway.citizen..")
                .check(GATEWAY);
    }

    @Test
    void statusAndOutboxAreIndependent() {
        noClasses()
                .that()
                .resideInAPackage("..gateway.status..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..gateway.outbox..")
                .check(GATEWAY);
        noClasses()
                .that()
                .resideInAPackage("..gateway.outbox..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..gateway.status..")
                .check(GATEWAY);
    }

    @Test
    void nothingDependsOnTheDemoIssuer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..gateway.demo..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..gateway.demo..")
                .check(GATEWAY);
    }

    @Test
    void usesJackson3Only() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.fasterxml.jackson.databind..")
                .check(GATEWAY);
    }
}
