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
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.ingress.ClientRoutes;
import dev.sluice.gateway.proxy.ProxyHandler;
import dev.sluice.gateway.relay.Generation;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.StreamTranslator;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md: dependencies run one way, from the composition root
 * ({@code dev.sluice.gateway}) through system and the request path (ingress over relay over proxy, all over
 * context) down to the packages they use, never back up.
 */
class ArchitectureTest {

    /** The edge every client route crosses: ids, limits, auth, admission, the exchange, the completion. */
    private static final String PROXY = "dev.sluice.gateway.proxy..";
    /** The client routes' own work, over the edge. */
    private static final String INGRESS = "dev.sluice.gateway.ingress..";
    /** A generation's pipeline, attempts and answers, for ingress. */
    private static final String RELAY = "dev.sluice.gateway.relay..";
    /** What every handler shares (proxy, ingress, relay and system). */
    private static final String CONTEXT = "dev.sluice.gateway.context..";

    private static final String SYSTEM = "dev.sluice.gateway.system..";
    /** The realtime WebSocket room: a front room beside the request path, using only its context. */
    private static final String REALTIME = "dev.sluice.gateway.realtime..";

    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice.gateway");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sluice.core");

    @Test
    void theClassesAreThere() {
        // an empty import would let every rule below pass
        org.assertj.core.api.Assertions.assertThat(GATEWAY.contain(Sluice.class))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(CORE.contain(dev.sluice.core.Limiter.class))
                .isTrue();
        // and so would a misspelt package in a rule below: each package of the request path holds its classes
        Map.of(
                        ProxyHandler.class,
                        PROXY,
                        ClientRoutes.class,
                        INGRESS,
                        Generation.class,
                        RELAY,
                        GatewayContext.class,
                        CONTEXT)
                .forEach((c, pkg) -> {
                    org.assertj.core.api.Assertions.assertThat(GATEWAY.contain(c))
                            .as(c.getName())
                            .isTrue();
                    org.assertj.core.api.Assertions.assertThat(c.getPackageName() + "..")
                            .isEqualTo(pkg);
                });
    }

    @Test
    void noCyclesAmongTheGatewaysPackages() {
        slices().matching("dev.sluice.gateway.(*)..").should().beFreeOfCycles().check(GATEWAY);
    }

    @Test
    void theRequestPathDoesNotDependOnSystem() {
        noClasses()
                .that()
                .resideInAnyPackage(PROXY, INGRESS, RELAY, CONTEXT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SYSTEM)
                .check(GATEWAY);
    }

    @Test
    void systemReadsTheGatewayOnlyThroughTheContext() {
        noClasses()
                .that()
                .resideInAPackage(SYSTEM)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROXY, INGRESS, RELAY)
                .check(GATEWAY);
    }

    @Test
    void theContextDependsOnNoHandlerPackage() {
        noClasses()
                .that()
                .resideInAPackage(CONTEXT)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROXY, INGRESS, RELAY, SYSTEM)
                .check(GATEWAY);
    }

    @Test
    void theEdgeKnowsTheRoutesWorkOnlyThroughRouteWork() {
        // proxy (ProxyHandler) is crossed by every route; ingress and relay sit on it, never under it
        noClasses()
                .that()
                .resideInAPackage(PROXY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(INGRESS, RELAY)
                .check(GATEWAY);
    }

    @Test
    void theRelayDoesNotKnowTheRoutesOwnWork() {
        // relay serves the generation routes of ingress; ingress may use relay, not the other way round
        noClasses()
                .that()
                .resideInAPackage(RELAY)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(INGRESS)
                .check(GATEWAY);
    }

    @Test
    void lowerPackagesDoNotDependOnTheRequestPathOrSystem() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.sluice.gateway.translate..",
                        "dev.sluice.gateway.route..",
                        "dev.sluice.gateway.config..",
                        "dev.sluice.gateway.edge..",
                        "dev.sluice.gateway.trace..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROXY, INGRESS, RELAY, CONTEXT, SYSTEM)
                .check(GATEWAY);
    }

    @Test
    void onlyTheCompositionRootAndTheFrontRoomsUseTheRequestPathAndSystem() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.*..")
                .and()
                .resideOutsideOfPackages(PROXY, INGRESS, RELAY, CONTEXT, SYSTEM, REALTIME)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROXY, INGRESS, RELAY, CONTEXT, SYSTEM, REALTIME)
                .check(GATEWAY);
    }

    @Test
    void theRealtimeRoomUsesOnlyTheContextOfTheRequestPathAndNothingUsesIt() {
        noClasses()
                .that()
                .resideInAnyPackage(PROXY, INGRESS, RELAY, CONTEXT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(REALTIME)
                .check(GATEWAY);
        noClasses()
                .that()
                .resideInAPackage(REALTIME)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(PROXY, INGRESS, RELAY)
                .check(GATEWAY);
    }

    @Test
    void nothingButTheCliDependsOnTheCompositionRoot() {
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.*..")
                .and()
                .resideOutsideOfPackage("dev.sluice.gateway.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.gateway")
                .check(GATEWAY);
    }

    @Test
    void onlyTranslateUsesItsInternalSubPackages() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.sluice.gateway.translate..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.gateway.translate.*..")
                .check(GATEWAY);
    }

    @Test
    void noCyclesAmongTranslatesSubPackages() {
        slices().matching("dev.sluice.gateway.translate.(*)..")
                .should()
                .beFreeOfCycles()
                .check(GATEWAY);
    }

    @Test
    void translatesSubPackagesUseItsApiOnlyForTheVocabularyTypes() {
        // the facades (Translate, Exchanges, Embeddings, ErrorBodies, TokenEstimator) call into the
        // sub-packages; the sub-packages see of the API package only the types the facades hand them
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.translate.*..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.sluice.gateway.translate")
                        .and(not(belongToAnyOf(
                                Dialect.class, Usage.class, TranslationException.class, StreamTranslator.class))))
                .check(GATEWAY);
    }

    @Test
    void theHealthOfTargetsKnowsNothingOfRoutesPlansOrAttempts() {
        // route uses route.health (breakers, probes, the retry budget), never the reverse: no cycle between the
        // two; health sees a target as its id and a probe
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.route.health..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.gateway.route")
                .check(GATEWAY);
        org.assertj.core.api.Assertions.assertThat(GATEWAY.contain(dev.sluice.gateway.route.health.TargetState.class))
                .isTrue();
    }

    @Test
    void theTargetsOfRoutesKnowOfRouteOnlyItsVocabulary() {
        // route uses route.targets (the targets' states, their order, a plan's place among them), which sees of
        // route only the types a route is configured with, never plans, attempts or the retry decision
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.route.targets..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.sluice.gateway.route")
                        .and(not(belongToAnyOf(
                                dev.sluice.gateway.route.Target.class, dev.sluice.gateway.route.Balance.class))))
                .check(GATEWAY);
        org.assertj.core.api.Assertions.assertThat(GATEWAY.contain(dev.sluice.gateway.route.targets.RouteTarget.class))
                .isTrue();
    }

    @Test
    void theConfigTreeKnowsNothingOfHowItIsLoaded() {
        // config.load builds the tree, the tree does not know it: no cycle between the two; and config imports no
        // other package of the gateway
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.config")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.sluice.gateway.config.load..")
                .check(GATEWAY);
        noClasses()
                .that()
                .resideInAPackage("dev.sluice.gateway.config..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.sluice.gateway..")
                        .and(not(resideInAPackage("dev.sluice.gateway.config.."))))
                .check(GATEWAY);
    }

    @Test
    void sluiceCoreDependsOnlyOnTheJdk() {
        // com.sun.management: the JDK's own HotSpot management API (heap dumps, process CPU)
        classes()
                .that()
                .resideInAPackage("dev.sluice.core..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.sluice.core..", "com.sun.management..")
                .check(CORE);
    }
}
