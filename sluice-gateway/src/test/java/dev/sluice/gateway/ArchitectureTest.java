package dev.sluice.gateway;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.GatewayState;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.context.RequestChecks;
import dev.sluice.gateway.context.Sanitize;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md: dependencies run one way, from the composition root
 * ({@code dev.sluice.gateway}) through system and proxy down to the packages they use, never back up.
 */
class ArchitectureTest {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice.gateway");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice.core");

    @Test
    void theClassesAreThere() {
        // an empty import would let every rule below pass
        org.assertj.core.api.Assertions.assertThat(GATEWAY.contain(Sluice.class)).isTrue();
        org.assertj.core.api.Assertions.assertThat(CORE.contain(dev.sluice.core.Limiter.class)).isTrue();
    }

    @Test
    void noCyclesAmongTheGatewaysPackages() {
        slices().matching("dev.sluice.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void proxyDoesNotDependOnSystem() {
        noClasses().that().resideInAPackage("dev.sluice.gateway.proxy..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.gateway.system..")
                .check(GATEWAY);
    }

    @Test
    void lowerPackagesDoNotDependOnProxyOrSystem() {
        noClasses().that().resideInAnyPackage("dev.sluice.gateway.translate..", "dev.sluice.gateway.route..",
                        "dev.sluice.gateway.config..", "dev.sluice.gateway.edge..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.gateway.proxy..",
                        "dev.sluice.gateway.system..")
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootUsesProxyAndSystem() {
        noClasses().that().resideInAPackage("dev.sluice.gateway.*..")
                .and().resideOutsideOfPackages("dev.sluice.gateway.proxy..", "dev.sluice.gateway.system..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sluice.gateway.proxy..",
                        "dev.sluice.gateway.system..")
                .check(GATEWAY);
    }

    @Test
    void nothingButTheCliDependsOnTheCompositionRoot() {
        noClasses().that().resideInAPackage("dev.sluice.gateway.*..")
                .and().resideOutsideOfPackage("dev.sluice.gateway.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.sluice.gateway")
                .check(GATEWAY);
    }

    @Test
    void systemReadsProxyOnlyThroughTheContextAndTheErrorAndBodyHelpers() {
        noClasses().that().resideInAPackage("dev.sluice.gateway.system..")
                .should().dependOnClassesThat(resideInAPackage("dev.sluice.gateway.proxy..")
                        .and(not(belongToAnyOf(GatewayContext.class, GatewayState.class, Drain.class,
                                GatewayException.class, ClientErrors.class, RequestChecks.class, Json.class,
                                Sanitize.class))))
                .check(GATEWAY);
    }

    @Test
    void sluiceCoreDependsOnlyOnTheJdk() {
        // com.sun.management: the JDK's own HotSpot management API (heap dumps, process CPU)
        classes().that().resideInAPackage("dev.sluice.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.sluice.core..",
                        "com.sun.management..")
                .check(CORE);
    }
}
