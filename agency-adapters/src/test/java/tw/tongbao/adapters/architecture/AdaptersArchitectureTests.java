package tw.tongbao.adapters.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class AdaptersArchitectureTests {

    private static final String RESTJSON = "tw.tongbao.adapters.restjson..";
    private static final String SOAPXML = "tw.tongbao.adapters.soapxml..";
    private static final String BATCHCSV = "tw.tongbao.adapters.batchcsv..";

    /** The engine: everything that moves deliveries, whatever the protocol. */
    private static final String[] ENGINE = {
        "tw.tongbao.adapters.transport..",
        "tw.tongbao.adapters.inbox..",
        "tw.tongbao.adapters.report..",
        "tw.tongbao.adapters.resilience..",
        "tw.tongbao.adapters.control..",
        "tw.tongbao.adapters.health..",
        "tw.tongbao.adapters.instance.."
    };

    private final JavaClasses adapters = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("tw.tongbao.adapters");

    @Test
    void restJsonKnowsNoOtherProtocol() {
        noClasses()
                .that()
                .resideInAPackage(RESTJSON)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SOAPXML, BATCHCSV)
                .check(adapters);
    }

    @Test
    void batchCsvKnowsNoOtherProtocol() {
        noClasses()
                .that()
                .resideInAPackage(BATCHCSV)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(RESTJSON, SOAPXML)
                .check(adapters);
    }

    @Test
    void soapXmlUsesOnlyRestJsonsPublicHttpHelpers() {
        DescribedPredicate<JavaClass> httpHelpers = DescribedPredicate.describe(
                "rest-json's public HTTP helpers (SignedHttpPost, HttpOutcome)",
                type -> type.getName().equals("tw.tongbao.adapters.restjson.SignedHttpPost")
                        || type.getName().startsWith("tw.tongbao.adapters.restjson.HttpOutcome"));
        noClasses()
                .that()
                .resideInAPackage(SOAPXML)
                .should()
                .dependOnClassesThat(
                        JavaClass.Predicates.resideInAPackage(RESTJSON).and(DescribedPredicate.not(httpHelpers)))
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage(BATCHCSV)
                .check(adapters);
    }

    @Test
    void theEngineKnowsNoProtocol() {
        noClasses()
                .that()
                .resideInAnyPackage(ENGINE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(RESTJSON, SOAPXML, BATCHCSV)
                .check(adapters);
    }

    @Test
    void neverUsesJackson2() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml.jackson.databind..")
                .check(adapters);
    }
}
